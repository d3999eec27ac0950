"""The Python artefacts in dist/python/ (packaging/python.sh), installed the way users do.

Each install goes into a FRESH venv (never the project's .venv, which holds a development build
of codecommit_auth and the official git-remote-codecommit) with ``pip install --no-index``
from the wheel file; pygit2 comes from a local wheelhouse filled once per session from pip's
cache (or PyPI).

  ci   the x86_64 manylinux2014 abi3 wheel (one wheel: CI builds one artefact of each kind)
  all  also the CLI wheel, the aarch64 and musllinux abi3 wheels, the win_amd64 wheel and the sdist

What cannot run here is checked statically: the aarch64 wheel's tags and ELF machine, the
musllinux wheel's tags and its musl-only NEEDED list, the win_amd64 wheel's PE machine.
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import DIST, REPO_ROOT, dist_set, in_set, one

import helpers

REGION = "us-west-2"
PYTHON_DIST = DIST / "python"
VENV_BIN = REPO_ROOT / ".venv" / "bin"
CLI_PROGRAMS = ("git-remote-codecommit", "git-credential-codecommit", "codecommit-auth")
PIP_TIMEOUT = 300  # seconds; a wheel install is a few seconds, this only bounds a hang
SDIST_TIMEOUT = 3600  # a cold release build of the extension on two busy cores

# kind: (the wheel's platform tags, the platform tag auditwheel must report). maturin writes a
# compressed tag set in its own order (manylinux2014_x86_64.manylinux_2_17_x86_64), so the
# tests compare sets, not file names.
ABI3_WHEELS = {
    "manylinux2014_x86_64": ({"manylinux_2_17_x86_64", "manylinux2014_x86_64"}, "manylinux_2_17_x86_64"),
    "manylinux2014_aarch64": ({"manylinux_2_17_aarch64", "manylinux2014_aarch64"}, "manylinux_2_17_aarch64"),
    "musllinux_1_2_x86_64": ({"musllinux_1_2_x86_64"}, "musllinux_1_2_x86_64"),
}
LINUX_ABI3 = in_set(list(ABI3_WHEELS), ["manylinux2014_x86_64"])
ELF_MACHINE = {"x86_64": 62, "aarch64": 183}


def wheel_tags(wheel: Path) -> tuple[str, str, str, str, set[str]]:
    """(distribution, version, python tag, abi tag, platform tags) from a wheel's file name."""
    name, version, python, abi, platforms = wheel.name[: -len(".whl")].split("-")
    return name, version, python, abi, set(platforms.split("."))


def find_wheel(name: str, python: str, abi: str, platforms: set[str], version: str) -> Path:
    """The one dist/python wheel of `name` with exactly these tags; fails naming what is there."""
    wheels = sorted(PYTHON_DIST.glob("*.whl"))
    found = [w for w in wheels if wheel_tags(w) == (name, version, python, abi, platforms)]
    assert len(found) == 1, f"no single {name}-{version}-{python}-{abi}-{'.'.join(sorted(platforms))} in {[w.name for w in wheels]}"
    return found[0]


def abi3_wheel(kind: str, version: str) -> Path:
    return find_wheel("codecommit_auth", "cp39", "abi3", ABI3_WHEELS[kind][0], version)


def cli_wheel(version: str) -> Path:
    return find_wheel("codecommit_auth_cli", "py3", "none", ABI3_WHEELS["manylinux2014_x86_64"][0], version)


def win_wheel(version: str) -> Path:
    return find_wheel("codecommit_auth", "cp39", "abi3", {"win_amd64"}, version)


def every_artefact(version: str) -> list[Path]:
    found = [abi3_wheel(kind, version) for kind in LINUX_ABI3]
    if dist_set() == "all":
        found += [cli_wheel(version), win_wheel(version),
                  one(f"python/codecommit_auth-{version}.tar.gz")]
    return found


def run(args: list, timeout: float = PIP_TIMEOUT, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure the assertion carries its output."""
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kwargs)
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def path_without_official_helper(path: str) -> str:
    """PATH minus every directory that holds a git-remote-codecommit (the official one, ours)."""
    return os.pathsep.join(d for d in path.split(os.pathsep)
                           if d and not (Path(d) / "git-remote-codecommit").exists())


class Venv:
    def __init__(self, root: Path) -> None:
        run([sys.executable, "-m", "venv", root])
        self.root = root
        self.bin = root / "bin"
        self.python = self.bin / "python"

    def pip_install(self, *args, timeout: float = PIP_TIMEOUT, env: dict | None = None) -> None:
        run([self.python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *args],
            timeout=timeout, env=env)

    def run_python(self, code: str, env: dict[str, str]) -> str:
        return run([self.python, "-c", code], env=env).stdout


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """pygit2 (the version the project's tests pin) and its dependencies, as wheels."""
    house = tmp_path_factory.mktemp("wheelhouse")
    pin = f"pygit2=={importlib.metadata.version('pygit2')}"
    run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--only-binary", ":all:",
         "--dest", house, pin])
    return house


def wheel_metadata(wheel: Path) -> tuple[list[str], email.message.Message]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        return names, email.parser.Parser().parsestr(archive.read(meta).decode())


def auditwheel_show(wheel: Path) -> str:
    return run([sys.executable, "-m", "auditwheel", "show", wheel]).stdout


def extract_native(wheel: Path, tmp: Path) -> Path:
    """The wheel's one native file (the extension module or a program), extracted."""
    with zipfile.ZipFile(wheel) as archive:
        native = [n for n in archive.namelist() if n.endswith((".so", ".pyd"))]
        assert len(native) == 1, native
        return Path(archive.extract(native[0], tmp))


def elf_machine(path: Path) -> int:
    head = path.read_bytes()[:20]
    assert head[:4] == b"\x7fELF", f"{path.name} is not an ELF file"
    return int.from_bytes(head[18:20], "little")


def elf_needed(path: Path) -> list[str]:
    out = run(["readelf", "--dynamic", "--wide", path]).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def elf_glibc_versions(path: Path) -> set[tuple[int, ...]]:
    out = run(["readelf", "--version-info", "--wide", path]).stdout
    return {tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_([0-9.]+)", out)}


# ---------------------------------------------------------------------------------------------
# Contents and tags of every artefact


def test_every_artefact_carries_license_and_the_project_version(version):
    for artefact in every_artefact(version):
        if artefact.suffix == ".whl":
            names, meta = wheel_metadata(artefact)
            assert meta["Version"] == version, artefact.name
            assert meta["License"] == "Apache-2.0" or "Apache-2.0" in meta.get("License-Expression", ""), artefact.name
            assert any(re.search(r"\.dist-info/(licenses/)?LICENSE$", n) for n in names), (artefact.name, names)
        else:
            with tarfile.open(artefact) as archive:
                names = archive.getnames()
                pkg_info = archive.extractfile(f"codecommit_auth-{version}/PKG-INFO").read().decode()
            assert f"codecommit_auth-{version}/LICENSE" in names, names
            assert email.parser.Parser().parsestr(pkg_info)["Version"] == version


def test_package_readme_names_the_source_build_requirements(version):
    """What a user without a matching wheel needs, on the PyPI page (the wheel's description)."""
    _, meta = wheel_metadata(abi3_wheel("manylinux2014_x86_64", version))
    description = meta.get_payload()
    assert "Rust ≥ 1.94" in description and "about 10 minutes" in description, description[:3000]


@pytest.mark.parametrize("kind", LINUX_ABI3)
def test_auditwheel_reports_the_promised_tag(kind, version):
    wheel = abi3_wheel(kind, version)
    shown = auditwheel_show(wheel)
    assert f'"{ABI3_WHEELS[kind][1]}"' in shown, shown


@pytest.mark.parametrize("kind", LINUX_ABI3)
def test_linux_wheel_holds_one_abi3_module_for_its_machine_and_libc(kind, version, tmp_path):
    """What a host without that platform's Python can check: the module's ELF machine and the
    C library it links (no musl Python and no aarch64 Python here)."""
    native = extract_native(abi3_wheel(kind, version), tmp_path)
    assert native.name == "_native.abi3.so", native.name  # one module for every CPython >= 3.9
    machine = "aarch64" if kind.endswith("aarch64") else "x86_64"
    assert elf_machine(native) == ELF_MACHINE[machine]
    needed = elf_needed(native)
    assert not [lib for lib in needed if "libpython" in lib], needed  # abi3 modules never link libpython
    if kind.startswith("musllinux"):
        # Alpine's name for musl, which auditwheel needs to see (packaging/python/musl_soname.py:
        # zig alone would record libc.so, which auditwheel takes for glibc's linker script).
        assert f"libc.musl-{machine}.so.1" in needed and "libc.so" not in needed, needed
        assert "libc.so.6" not in needed, needed  # glibc's soname
        assert not elf_glibc_versions(native)
    else:
        newest = max(elf_glibc_versions(native))
        assert newest <= (2, 17), f"{kind}: needs GLIBC_{'.'.join(map(str, newest))}"


if dist_set() == "all":

    def test_win_amd64_wheel_is_an_x64_pyd_importing_python3_dll(version, tmp_path):
        native = extract_native(win_wheel(version), tmp_path)
        assert native.name == "_native.pyd", native.name
        data = native.read_bytes()
        pe = int.from_bytes(data[0x3C:0x40], "little")
        assert data[pe:pe + 4] == b"PE\0\0"
        assert int.from_bytes(data[pe + 4:pe + 6], "little") == 0x8664  # IMAGE_FILE_MACHINE_AMD64
        dump = run(["x86_64-w64-mingw32-objdump", "-p", native]).stdout
        dlls = set(re.findall(r"DLL Name: (\S+)", dump))
        assert "python3.dll" in dlls, dlls  # the stable ABI, not python3X.dll
        assert not [d for d in dlls if re.fullmatch(r"python3\d+\.dll", d, re.I)], dlls


if dist_set() == "all":  # the CLI wheel: the all set only (three release links)

    def test_cli_wheel_holds_the_three_programs_and_no_python(version, tmp_path):
        wheel = cli_wheel(version)
        names, _ = wheel_metadata(wheel)
        scripts = sorted(n.rsplit("/", 1)[1] for n in names if ".data/scripts/" in n)
        assert scripts == sorted(CLI_PROGRAMS), names
        assert not [n for n in names if n.endswith(".py")], names
        shown = auditwheel_show(wheel)
        assert '"manylinux_2_17_x86_64"' in shown, shown


# ---------------------------------------------------------------------------------------------
# Installed and used


def clone_with_pygit2(venv: Venv, endpoint, env: dict[str, str]) -> None:
    """In the venv: import codecommit_auth from the wheel, clone an endpoint repository that
    holds one commit through pygit2 and the package's callbacks, and sign."""
    akid, secret, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    work = Path(env["HOME"]).parent / "pygit2"
    code = f"""
import codecommit_auth as cc, pygit2, sys, pathlib
assert pathlib.Path(cc.__file__).is_relative_to({str(venv.root)!r}), cc.__file__
client = cc.Client(endpoint={endpoint.url!r}, region={REGION!r})
remote = "codecommit://{repo}"
url = client.repository_url(remote)
repo = pygit2.clone_repository(url, {str(work / 'clone')!r}, callbacks=cc.CodeCommitCallbacks(remote, client=client))
sig = pygit2.Signature("T", "t@example.com")
oid = repo.create_commit("HEAD", sig, sig, "from the wheel", repo.TreeBuilder().write(), [])
repo.remotes["origin"].push(["refs/heads/main:refs/heads/main"], callbacks=cc.CodeCommitCallbacks(remote, client=client))
again = pygit2.clone_repository(url, {str(work / 'again')!r}, callbacks=cc.CodeCommitCallbacks(remote, client=client))
assert again.head.peel(pygit2.Commit).message == "from the wheel"
print(client.signed_url(remote).count("@"))
"""
    out = venv.run_python(code, {**env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret})
    assert out.strip() == "1"
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


def test_manylinux_x86_64_wheel_installs_and_clones_through_pygit2(version, wheelhouse, endpoint, isolated_env, tmp_path):
    venv = Venv(tmp_path / "venv")
    venv.pip_install("--no-index", "--find-links", wheelhouse, "pygit2")
    venv.pip_install("--no-index", abi3_wheel("manylinux2014_x86_64", version))
    clone_with_pygit2(venv, endpoint, isolated_env)


if dist_set() == "all":  # the CLI wheel: the all set only (three release links)

    def test_cli_wheel_puts_git_remote_codecommit_on_path_and_clones(version, endpoint, isolated_env, tmp_path):
        venv = Venv(tmp_path / "venv")
        venv.pip_install("--no-index", cli_wheel(version))
        env = {**isolated_env, "PATH": f"{venv.bin}{os.pathsep}{path_without_official_helper(isolated_env['PATH'])}"}
        for program in CLI_PROGRAMS:
            assert shutil.which(program, path=env["PATH"]) == str(venv.bin / program), program
        assert version in run(["git-remote-codecommit", "--version"], env=env).stdout

        akid, secret, _ = endpoint.new_key()
        repo = endpoint.add_repo().name
        env.update(AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret, CODE_COMMIT_ENDPOINT=endpoint.url)
        remote = f"codecommit::{REGION}://{repo}"
        first, second = tmp_path / "first", tmp_path / "second"
        helpers.run_git(["clone", "-q", remote, str(first)], env)
        (first / "hello.txt").write_text("from the CLI wheel\n")
        helpers.run_git(["add", "hello.txt"], env, cwd=first)
        helpers.run_git(["commit", "-q", "-m", "add hello.txt"], env, cwd=first)
        helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=first)
        helpers.run_git(["clone", "-q", remote, str(second)], env)
        assert (second / "hello.txt").read_text() == "from the CLI wheel\n"
        assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


if dist_set() == "all":  # a release build from source: the all set only

    def test_sdist_builds_with_only_cargo_then_clones(version, wheelhouse, endpoint, isolated_env, tmp_path):
        """pip builds the sdist in a fresh venv: maturin from PyPI (build isolation), cargo from
        the user's Rust install, nothing of ours (no zig, no project venv) on PATH."""
        cargo = shutil.which("cargo", path=f"{Path.home() / '.cargo' / 'bin'}{os.pathsep}{os.environ['PATH']}")
        assert cargo, "cargo is needed to build the sdist"
        path = os.pathsep.join([str(Path(cargo).parent), "/usr/local/bin", "/usr/bin", "/bin"])
        # The registry crates may come from the project's warm target dir; our own crates are
        # compiled from the sdist's copy (another path, so other fingerprints).
        build_env = {**isolated_env, "PATH": path, "HOME": str(Path.home()),
                     "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR", str(REPO_ROOT / "target"))}
        venv = Venv(tmp_path / "venv")
        venv.pip_install("--no-index", "--find-links", wheelhouse, "pygit2")
        venv.pip_install(one(f"python/codecommit_auth-{version}.tar.gz"), timeout=SDIST_TIMEOUT, env=build_env)
        clone_with_pygit2(venv, endpoint, isolated_env)


def test_every_wheel_record_lists_each_member_with_its_hash_and_size(version):
    """RECORD is what pip uninstalls by and what installers may verify; a wheel rewritten after
    the build (packaging/python/musl_soname.py) must still agree with it."""
    wheels = [a for a in every_artefact(version) if a.suffix == ".whl"]
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            record = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
            listed = {}
            for line in archive.read(record).decode().splitlines():
                name, digest, size = line.rsplit(",", 2)
                listed[name] = (digest, size)
            assert sorted(listed) == sorted(archive.namelist()), wheel.name
            for name, (digest, size) in listed.items():
                if name == record:
                    assert (digest, size) == ("", ""), wheel.name
                    continue
                data = archive.read(name)
                expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                assert (digest, size) == (f"sha256={expected}", str(len(data))), f"{wheel.name}: {name}"
