"""CLI archives (issue 15, item 1): dist/cli/codecommit-auth-VERSION-TARGET.tar.gz (.zip for
Windows), unpacked and run the way a user runs them.

- Each archive holds one folder of its own name with exactly the three programs, README.md and
  LICENSE (no test-only file such as the wine rig's bcryptprimitives.dll stand-in).
- musl: statically linked (`file`, `ldd`), and git-credential-codecommit answers a
  `git credential` `get` request inside an EMPTY root file system (a mount namespace whose root
  holds the binary and the AWS files only), with the password of the reference signer.
- aarch64: runs under qemu-aarch64 (Debian's qemu-user, -L for the arm64 loader) and answers
  the same request; it needs no glibc newer than 2.17 (readelf's version needs).
- Windows: the .exe files from the zip answer under wine (the rig of tests/test_windows.py).
- Windows MSI (all set): msiinfo shows a per-machine x64 package whose File table holds exactly
  the three programs, README.md and LICENSE, byte for byte the zip's (msiextract), in
  ProgramFiles64Folder/codecommit-auth, with the product version, the UpgradeCode committed in
  packaging/cli/codecommit-auth.wxs and the system PATH entry. Then, in a copy of the rig's
  wine prefix: `msiexec /i /qn` installs it, the installed programs answer (a credential request
  by full path, --version found through the PATH the MSI set), the registry's system PATH ends
  with the install folder; a next version's MSI (same .wxs, version + 1) replaces it in place
  (one product left, the new version); `msiexec /x` removes the files and the PATH entry.
- `--version` of every program prints version, commit and target.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
import re
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

import helpers
from conftest import REPO_ROOT, in_set, one
from test_windows import (Rig, credential_request, fields, find_wineserver, rig, run_in_wine,  # noqa: F401
                          win_path)

MUSL, ARM, WIN = "x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu", "x86_64-pc-windows-gnu"
TARGETS = in_set([MUSL, ARM, WIN], [MUSL])
PROGRAMS = ("git-remote-codecommit", "git-credential-codecommit", "codecommit-auth")
AT = "2026-03-04T05:06:07Z"
REGION = "eu-west-1"
HOST = f"git-codecommit.{REGION}.amazonaws.com"
ARM_SYSROOT = Path("/usr/aarch64-linux-gnu")
GLIBC_FLOOR = (2, 17)
TIMEOUT = 60


def for_target(target: str):
    """Defines a test only when `target` is in the dist set: a skip would fail under CI=true."""
    return (lambda test: test) if target in TARGETS else (lambda test: None)


def exe_suffix(target: str) -> str:
    return ".exe" if "windows" in target else ""


def archive(target: str, version: str) -> Path:
    return one(f"cli/codecommit-auth-{version}-{target}.{'zip' if 'windows' in target else 'tar.gz'}")


def members(path: Path) -> list[str]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            return sorted(n for n in z.namelist() if not n.endswith("/"))
    with tarfile.open(path) as t:
        return sorted(m.name for m in t.getmembers() if not m.isdir())


def unpack(path: Path, into: Path) -> Path:
    """The archive's single top folder, unpacked under `into`."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            z.extractall(into)
            for info in z.infolist():  # zipfile drops the mode bits
                mode = info.external_attr >> 16
                if mode:
                    (into / info.filename).chmod(mode & 0o777)
    else:
        with tarfile.open(path) as t:
            t.extractall(into, filter="data")
    [top] = list(into.iterdir())
    return top


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory, version) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    return {target: unpack(archive(target, version), root / target) for target in TARGETS}


@pytest.fixture
def aws(tmp_path: Path) -> dict:
    akid, secret = helpers.random_access_key_id(), helpers.random_secret()
    config = f"[profile static]\nregion = {REGION}\n"
    credentials = f"[static]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"
    return {"akid": akid, "secret": secret, "config": config, "credentials": credentials}


def expected_password(aws: dict) -> str:
    at = dt.datetime.fromisoformat(AT.replace("Z", "+00:00"))
    return helpers.sign_password(aws["akid"], aws["secret"], REGION, HOST, "/v1/repos/my-repo", at)


GET_ARGS = ["--profile", "static", "--at", AT, "--no-cache", "get"]
REQUEST = credential_request(HOST, "my-repo")


def check_reply(stdout: str, aws: dict) -> None:
    reply = fields(stdout)
    assert reply.get("username") == helpers.git_username(aws["akid"]), stdout
    assert reply.get("password") == expected_password(aws), "the password is not the reference signature"


def check_version(stdout: str, program: str, version: str, target: str) -> None:
    match = re.fullmatch(rf"{re.escape(program)} {re.escape(version)} \((?P<commit>[^,]+), {target}\)\n", stdout)
    assert match, f"--version printed {stdout!r}"
    commit = match["commit"]
    if commit == "unknown":  # built from an export without .git or CODECOMMIT_AUTH_COMMIT
        return
    short, _, date = commit.partition(" ")
    assert re.fullmatch(r"[0-9a-f]{7,40}", short) and re.fullmatch(r"\d{4}-\d\d-\d\d", date), commit
    if (REPO_ROOT / ".git").exists():
        known = subprocess.run(["git", "-C", REPO_ROOT, "cat-file", "-e", f"{short}^{{commit}}"],
                               capture_output=True, timeout=TIMEOUT)
        assert known.returncode == 0, f"--version names commit {short}, which this repository does not have"


def run(argv: list, *, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], input=input, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)


# --------------------------------------------------------------------------
# Every archive.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_archive_holds_exactly_the_programs_readme_and_license(target: str, version: str) -> None:
    path = archive(target, version)
    top = f"codecommit-auth-{version}-{target}"
    names = [f"{top}/{p}{exe_suffix(target)}" for p in PROGRAMS] + [f"{top}/README.md", f"{top}/LICENSE"]
    assert members(path) == sorted(names)
    assert not any("bcryptprimitives" in n.lower() for n in members(path)), "the wine stand-in DLL must not ship"


@pytest.mark.parametrize("target", TARGETS)
def test_programs_are_executable_and_license_is_the_project_s(target: str, unpacked) -> None:
    top = unpacked[target]
    for program in PROGRAMS:
        assert os.access(top / f"{program}{exe_suffix(target)}", os.X_OK), program
    assert (top / "LICENSE").read_bytes() == (REPO_ROOT / "LICENSE").read_bytes()


# --------------------------------------------------------------------------
# musl: static, runs with nothing around it.
# --------------------------------------------------------------------------


@for_target(MUSL)
def test_musl_programs_are_static(unpacked) -> None:
    for tool in ("file", "ldd"):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install file libc-bin")
    for program in PROGRAMS:
        binary = unpacked[MUSL] / program
        described = run(["file", "-b", binary]).stdout
        assert "ELF 64-bit" in described and "x86-64" in described, described
        assert re.search(r"static(-pie)? linked|statically linked", described), described
        ldd = run(["ldd", binary])
        assert "not a dynamic executable" in ldd.stdout + ldd.stderr or "statically linked" in ldd.stdout, ldd


def empty_root(tmp_path: Path, binary: Path, aws: dict) -> Path:
    """A root file system holding one program and the AWS files, nothing else."""
    root = tmp_path / "root"
    (root / "aws").mkdir(parents=True)
    shutil.copy2(binary, root / binary.name)
    (root / "aws" / "config").write_text(aws["config"])
    (root / "aws" / "credentials").write_text(aws["credentials"])
    return root


@for_target(MUSL)
@pytest.mark.parametrize("program", ["git-credential-codecommit", "git-remote-codecommit"])
def test_musl_answers_a_credential_request_in_an_empty_root(unpacked, tmp_path, aws, program) -> None:
    if shutil.which("unshare") is None:
        helpers.missing_toolchain("unshare is missing: apt-get install util-linux")
    root = empty_root(tmp_path, unpacked[MUSL] / program, aws)
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert before == ["aws", "aws/config", "aws/credentials", program]
    # Only these variables: no PATH, no HOME from outside; the AWS files by absolute path.
    env = {"AWS_CONFIG_FILE": "/aws/config", "AWS_SHARED_CREDENTIALS_FILE": "/aws/credentials", "HOME": "/"}
    userns = [] if os.geteuid() == 0 else ["--map-root-user"]
    mode = ["--git-credential"] if program == "git-remote-codecommit" else []  # its git-credential mode
    proc = run(["unshare", *userns, "--mount", f"--root={root}", f"/{program}", *mode, *GET_ARGS],
               input=REQUEST, env=env)
    if proc.returncode != 0 and "unshare:" in proc.stderr:
        helpers.missing_toolchain(f"cannot make a mount namespace here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    check_reply(proc.stdout, aws)
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before, "wrote into the root"


@for_target(MUSL)
@pytest.mark.parametrize("program", PROGRAMS)
def test_musl_version(unpacked, program, version) -> None:
    proc = run([unpacked[MUSL] / program, "--version"])
    assert proc.returncode == 0, proc.stderr
    check_version(proc.stdout, program, version, MUSL)


# --------------------------------------------------------------------------
# aarch64 under qemu-user.
# --------------------------------------------------------------------------


def qemu() -> list[str]:
    if shutil.which("qemu-aarch64") is None or not (ARM_SYSROOT / "lib" / "ld-linux-aarch64.so.1").exists():
        helpers.missing_toolchain("qemu-aarch64 or the arm64 loader is missing: "
                                  "apt-get install qemu-user libc6-arm64-cross libgcc-s1-arm64-cross")
    return ["qemu-aarch64", "-L", str(ARM_SYSROOT)]


@for_target(ARM)
def test_aarch64_answers_a_credential_request_under_qemu(unpacked, tmp_path, aws) -> None:
    (tmp_path / "config").write_text(aws["config"])
    (tmp_path / "credentials").write_text(aws["credentials"])
    env = helpers.make_isolated_env(tmp_path, {"AWS_CONFIG_FILE": str(tmp_path / "config"),
                                               "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")})
    proc = run([*qemu(), unpacked[ARM] / "git-credential-codecommit", *GET_ARGS], input=REQUEST, env=env)
    assert proc.returncode == 0, proc.stderr
    check_reply(proc.stdout, aws)


@for_target(ARM)
@pytest.mark.parametrize("program", PROGRAMS)
def test_aarch64_version_under_qemu(unpacked, program, version) -> None:
    proc = run([*qemu(), unpacked[ARM] / program, "--version"])
    assert proc.returncode == 0, proc.stderr
    check_version(proc.stdout, program, version, ARM)


@for_target(ARM)
@pytest.mark.parametrize("program", PROGRAMS)
def test_aarch64_needs_no_glibc_newer_than_2_17(unpacked, program) -> None:
    """Old hosts (Amazon Linux 2, RHEL 7/8, Ubuntu 18.04) run it: the build targets glibc 2.17."""
    if shutil.which("readelf") is None:
        helpers.missing_toolchain("readelf is missing: apt-get install binutils")
    needs = run(["readelf", "--version-info", "--wide", unpacked[ARM] / program]).stdout
    versions = {tuple(int(n) for n in v.split(".")) for v in re.findall(r"Name: GLIBC_([0-9.]+)", needs)}
    assert versions, needs[:2000]
    assert max(versions) <= GLIBC_FLOOR, f"needs GLIBC_{'.'.join(map(str, max(versions)))}"


# --------------------------------------------------------------------------
# Windows under wine.
# --------------------------------------------------------------------------


@for_target(WIN)
def test_windows_answers_a_credential_request_under_wine(rig, unpacked, tmp_path, aws) -> None:  # noqa: F811
    (tmp_path / "config").write_text(aws["config"])
    (tmp_path / "credentials").write_text(aws["credentials"])
    env = {"AWS_CONFIG_FILE": win_path(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": win_path(tmp_path / "credentials")}
    proc = run_in_wine(rig, unpacked[WIN] / "git-credential-codecommit.exe", GET_ARGS, env=env, input=REQUEST)
    assert proc.returncode == 0, proc.stderr
    check_reply(proc.stdout, aws)


@for_target(WIN)
@pytest.mark.parametrize("program", PROGRAMS)
def test_windows_version_under_wine(rig, unpacked, program, version) -> None:  # noqa: F811
    proc = run_in_wine(rig, unpacked[WIN] / f"{program}.exe", ["--version"])
    assert proc.returncode == 0, proc.stderr
    check_version(proc.stdout.replace("\r\n", "\n"), program, version, WIN)


# --------------------------------------------------------------------------
# Windows MSI: read with msiinfo, installed and removed with wine's msiexec.
# --------------------------------------------------------------------------

WXS = REPO_ROOT / "packaging" / "cli" / "codecommit-auth.wxs"
MSI_SH = REPO_ROOT / "packaging" / "cli" / "msi.sh"
INSTALL_DIR = r"C:\Program Files\codecommit-auth"
ENVIRONMENT_KEY = r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"


def msi(version: str) -> Path:
    return one(f"cli/codecommit-auth-{version}-{WIN}.msi")


def msi_tool(name: str) -> str:
    if shutil.which(name) is None:
        helpers.missing_toolchain(f"{name} is missing: apt-get install msitools wixl")
    return name


def msi_table(path: Path, table: str) -> list[dict[str, str]]:
    """One table of the MSI database (msiinfo export: names, types, key line, then rows)."""
    proc = run([msi_tool("msiinfo"), "export", path, table])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.replace("\r\n", "\n").splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"))) for line in lines[3:]]


def upgrade_code() -> str:
    product = ET.parse(WXS).getroot().find("{http://schemas.microsoft.com/wix/2006/wi}Product")
    return product.get("UpgradeCode")


@for_target(WIN)
def test_msi_holds_exactly_the_zip_s_files_for_program_files_and_the_path(unpacked, tmp_path, version) -> None:
    path = msi(version)
    files = msi_table(path, "File")
    names = [f"{p}.exe" for p in PROGRAMS] + ["README.md", "LICENSE"]
    assert sorted(f["FileName"] for f in files) == sorted(names)
    # The same bytes as the zip (the same build, packed twice).
    run([msi_tool("msiextract"), "-C", tmp_path, path])
    extracted = {p.name: p for p in tmp_path.rglob("*") if p.is_file()}
    assert sorted(extracted) == sorted(names)
    for name in names:
        assert extracted[name].read_bytes() == (unpacked[WIN] / name).read_bytes(), name
    # Installed into ProgramFiles64Folder\codecommit-auth, 64-bit components (attribute 256).
    directories = {d["Directory"]: d for d in msi_table(path, "Directory")}
    components = msi_table(path, "Component")
    assert {c["Directory_"] for c in components} == {"INSTALLDIR"}
    assert all(int(c["Attributes"]) & 256 for c in components), components
    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"] == "codecommit-auth"
    # Per machine, this version, the UpgradeCode committed in the .wxs (a fixed GUID, so a later
    # version's MSI finds and replaces this one).
    properties = {p["Property"]: p["Value"] for p in msi_table(path, "Property")}
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", upgrade_code())
    assert properties["UpgradeCode"] == "{" + upgrade_code() + "}"
    assert properties["ProductVersion"] == re.split(r"[-+]", version)[0]
    assert properties["ALLUSERS"] == "1"
    assert {u["UpgradeCode"] for u in msi_table(path, "Upgrade")} == {"{" + upgrade_code() + "}"}
    # The system PATH: appended on install, removed on uninstall, with the programs' component.
    [environment] = msi_table(path, "Environment")
    programs = next(f["Component_"] for f in files if f["FileName"] == "git-remote-codecommit.exe")
    assert environment["Name"] == "=-*PATH" and environment["Value"] == "[~];[INSTALLDIR]", environment
    assert environment["Component_"] == programs
    actions = {a["Action"] for a in msi_table(path, "InstallExecuteSequence")}
    assert {"WriteEnvironmentStrings", "RemoveEnvironmentStrings", "RemoveExistingProducts"} <= actions
    summary = run([msi_tool("msiinfo"), "suminfo", path]).stdout
    assert "Template: x64;1033" in summary, summary


@pytest.fixture
def msi_rig(rig, tmp_path):  # noqa: F811
    """A copy of the rig's wine prefix (the ProcessPrng stand-in included) that the MSI may
    change, with its own persistent wineserver, stopped afterwards. As in test_windows.rig, wine's
    system processes are started first with /dev/null as stdio: started by a test's run they
    would hold its pipes open, and the run would never end."""
    own = Rig(wine=rig.wine, dir=tmp_path / "rig")
    shutil.copytree(rig.prefix, own.prefix, symlinks=True)
    server = find_wineserver(rig.wine)
    quiet = {"env": own.base_env(), "stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
             "stderr": subprocess.DEVNULL, "timeout": TIMEOUT}
    if server:
        subprocess.run([server, "-p"], **quiet)
    subprocess.run([rig.wine, "cmd", "/c", "exit"], **quiet)
    yield own
    if server:
        subprocess.run([server, "-k"], **quiet)


def wine_ok(rig: Rig, program: str, args: list[str], **kw) -> str:  # noqa: F811
    proc = run_in_wine(rig, program, args, timeout=180, **kw)
    assert proc.returncode == 0, f"{program} {args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout.replace("\r\n", "\n")


def system_path(rig: Rig) -> str:  # noqa: F811
    out = wine_ok(rig, "reg", ["query", ENVIRONMENT_KEY, "/v", "PATH"])
    [value] = re.findall(r"^\s*PATH\s+REG_\w+\s+(.*)$", out, re.M)
    return value.strip()


def installed_versions(rig: Rig) -> list[str]:  # noqa: F811
    """DisplayVersion of every installed product named codecommit-auth."""
    out = wine_ok(rig, "reg", ["query", UNINSTALL_KEY, "/s"])
    versions, name = [], None
    for block in re.split(r"\n(?=HKEY_)", out):
        name = re.search(r"^\s*DisplayName\s+REG_SZ\s+(.*)$", block, re.M)
        shown = re.search(r"^\s*DisplayVersion\s+REG_SZ\s+(.*)$", block, re.M)
        if name and name.group(1).strip() == "codecommit-auth":
            versions.append(shown.group(1).strip() if shown else "")
    return versions


def next_version_msi(staged: Path, out: Path, version: str) -> tuple[Path, str]:
    """The MSI of the next patch version, built as packaging/cli.sh builds it."""
    major, minor, patch = (int(n) for n in re.split(r"[-+]", version)[0].split("."))
    bumped = f"{major}.{minor}.{patch + 1}"
    msi_tool("wixl"), msi_tool("msibuild")
    proc = run(["bash", MSI_SH, staged, out, bumped])
    assert proc.returncode == 0, proc.stderr
    return out, bumped


@for_target(WIN)
def test_msi_installs_upgrades_and_uninstalls_under_wine(msi_rig, unpacked, tmp_path, aws, version) -> None:
    path = msi(version)
    folder = msi_rig.prefix / "drive_c" / "Program Files" / "codecommit-auth"
    before = system_path(msi_rig)
    assert "codecommit-auth" not in before

    wine_ok(msi_rig, "msiexec", ["/i", win_path(path), "/qn"])
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{p}.exe" for p in PROGRAMS] + ["README.md", "LICENSE"])
    assert installed_versions(msi_rig) == [re.split(r"[-+]", version)[0]]
    after = system_path(msi_rig)
    assert after.rstrip("\\;").endswith(INSTALL_DIR) and after.startswith(before.rstrip(";")), after

    (tmp_path / "config").write_text(aws["config"])
    (tmp_path / "credentials").write_text(aws["credentials"])
    env = {"AWS_CONFIG_FILE": win_path(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": win_path(tmp_path / "credentials")}
    check_reply(wine_ok(msi_rig, INSTALL_DIR + r"\git-credential-codecommit.exe", GET_ARGS, env=env, input=REQUEST),
                aws)
    for program in PROGRAMS:  # by bare name: found through the PATH the MSI wrote
        check_version(wine_ok(msi_rig, "cmd", ["/c", f"{program}.exe", "--version"]), program, version, WIN)

    # The next version replaces this one in place (the same UpgradeCode): one product left.
    newer, bumped = next_version_msi(unpacked[WIN], tmp_path / "next.msi", version)
    wine_ok(msi_rig, "msiexec", ["/i", win_path(newer), "/qn"])
    assert installed_versions(msi_rig) == [bumped]
    assert (folder / "codecommit-auth.exe").is_file()
    assert system_path(msi_rig).count("codecommit-auth") == 1, "the upgrade left the PATH entry twice or not at all"

    wine_ok(msi_rig, "msiexec", ["/x", win_path(newer), "/qn"])
    assert installed_versions(msi_rig) == []
    assert not folder.exists(), sorted(p.name for p in folder.iterdir())
    assert "codecommit-auth" not in system_path(msi_rig)
