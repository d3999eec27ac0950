"""The .deb (issue 15, item 2): dist/deb/codecommit-auth_VERSION-1_amd64.deb, inspected with
dpkg-deb, installed on this machine with dpkg -i and used the way a Debian user does:

- metadata (dpkg-deb -I) and the exact file list (programs, shared library with its SONAME
  links, static library, headers, .pc, CMake package, man pages, README, copyright);
- man pages made from each program's --help;
- after `dpkg -i`: `git clone codecommit://...` against the local endpoint with
  /usr/bin/git-remote-codecommit (PATH holds no build folder), `pkg-config --cflags
  codecommit_auth` works with pkg-config's default search path, a C program built with it
  signs a reference vector through the system library (found without any rpath);
- `dpkg -r` then removes every file the package installed.

The machine is restored even when a test fails (the fixture purges the package). A package
of that name already installed from elsewhere fails the test with a message instead of being
replaced.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

import helpers
import test_cmake
from conftest import one

PACKAGE = "codecommit-auth"
MULTIARCH = "x86_64-linux-gnu"
PROGRAMS = ("git-remote-codecommit", "git-credential-codecommit", "codecommit-auth")
REGION = "us-west-2"
TIMEOUT = 300
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def run(argv: list, check: bool = True, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdin", None if "input" in kw else subprocess.DEVNULL)
    out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=TIMEOUT, **kw)
    if check:
        assert out.returncode == 0, f"{argv}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def deb() -> Path:
    if shutil.which("dpkg-deb") is None:
        helpers.missing_toolchain("dpkg-deb is missing: this test needs a Debian-like system")
    return one("deb/*.deb")


def payload(deb: Path) -> dict[str, tarfile.TarInfo]:
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True,
                          timeout=TIMEOUT).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        return {m.name.removeprefix("./"): m for m in t.getmembers()}


def payload_file(deb: Path, name: str) -> bytes:
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True,
                          timeout=TIMEOUT).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        member = t.extractfile(f"./{name}")
        assert member is not None, name
        return member.read()


def test_metadata(deb: Path, version: str) -> None:
    fields = {}
    for line in run(["dpkg-deb", "--field", deb]).stdout.splitlines():
        if ":" in line and not line.startswith(" "):
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    assert fields["Package"] == PACKAGE
    assert fields["Version"] in (version, f"{version}-1"), fields["Version"]
    assert deb.name == f"{PACKAGE}_{fields['Version']}_amd64.deb"
    assert fields["Architecture"] == "amd64"
    assert "libc6 (>= 2.17)" in fields["Depends"], fields["Depends"]
    assert fields["Section"] == "vcs"
    assert "git-remote-codecommit" in run(["dpkg-deb", "--info", deb]).stdout


def test_contents_are_exactly_the_programs_library_and_docs(deb: Path, version: str) -> None:
    major = version.split(".")[0]
    lib = f"usr/lib/{MULTIARCH}"
    expected_files = {
        *(f"usr/bin/{p}" for p in PROGRAMS),
        *(f"usr/share/man/man1/{p}.1.gz" for p in PROGRAMS),
        f"{lib}/libcodecommit_auth.so.{version}", f"{lib}/libcodecommit_auth.a",
        f"{lib}/pkgconfig/codecommit_auth.pc", f"{lib}/pkgconfig/codecommit_auth-static.pc",
        f"{lib}/cmake/codecommit_auth/codecommit_authConfig.cmake",
        f"{lib}/cmake/codecommit_auth/codecommit_authConfigVersion.cmake",
        "usr/include/codecommit_auth.h", "usr/include/codecommit_auth_libgit2.h",
        "usr/share/codecommit_auth/valgrind.supp",
        f"usr/share/doc/{PACKAGE}/README.md", f"usr/share/doc/{PACKAGE}/copyright",
    }
    members = payload(deb)
    assert {n for n, m in members.items() if m.isfile()} == expected_files
    links = {n: m.linkname for n, m in members.items() if m.issym()}
    assert links == {f"{lib}/libcodecommit_auth.so.{major}": f"libcodecommit_auth.so.{version}",
                     f"{lib}/libcodecommit_auth.so": f"libcodecommit_auth.so.{major}"}
    for name in expected_files:
        mode = members[name].mode & 0o777
        assert mode == (0o755 if name.startswith("usr/bin/") or ".so." in name else 0o644), (name, oct(mode))
        assert (members[name].uid, members[name].gid) == (0, 0), name


@pytest.mark.parametrize("program", PROGRAMS)
def test_man_page_is_the_programs_help(deb: Path, program: str) -> None:
    page = gzip.decompress(payload_file(deb, f"usr/share/man/man1/{program}.1.gz")).decode()
    assert page.startswith(f'.TH "{program.upper()}" 1 '), page[:200]
    assert f"\n.SH NAME\n{program} \\- " in page
    assert ".SH DESCRIPTION\n.nf\n" in page and "\n.fi\n" in page
    description = page.split(".SH DESCRIPTION\n.nf\n", 1)[1].split("\n.fi\n", 1)[0]
    assert len(description.splitlines()) >= 5 and "codecommit" in description.lower(), description
    if shutil.which("man"):
        rendered = run(["man", "-l", "-P", "cat", "-"], input=page, env={**os.environ, "MANWIDTH": "100"},
                       check=False)
        assert rendered.returncode == 0 and "DESCRIPTION" in rendered.stdout, rendered.stderr


# --------------------------------------------------------------------------
# Installed on this machine.
# --------------------------------------------------------------------------


def installed_version() -> str | None:
    out = run(["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", PACKAGE], check=False)
    if out.returncode != 0 or not out.stdout.startswith("installed "):
        return None
    return out.stdout.split(" ", 1)[1]


@pytest.fixture(scope="module")
def installed(deb: Path):
    """dpkg -i the package; purged again after the module whatever happened."""
    if os.geteuid() != 0 or shutil.which("dpkg") is None:
        helpers.missing_toolchain("dpkg -i needs root on a Debian-like system")
    already = installed_version()
    if already is not None:
        pytest.fail(f"the package {PACKAGE} {already} is already installed on this machine, not by this "
                    f"test: remove it (dpkg -r {PACKAGE}) to run the .deb tests; this test does not replace it")
    try:
        run(["dpkg", "-i", deb])
        files = run(["dpkg", "-L", PACKAGE]).stdout.splitlines()
        yield [Path(f) for f in files]
    finally:
        if installed_version() is not None:
            run(["dpkg", "--purge", PACKAGE], check=False)


def system_env(isolated_env: dict[str, str]) -> dict[str, str]:
    """The isolated environment with only system folders on PATH and no pkg-config overrides."""
    env = {k: v for k, v in isolated_env.items() if not k.startswith(("PKG_CONFIG", "LD_"))}
    env["PATH"] = SYSTEM_PATH
    return env


def test_installed_programs_are_found_on_the_system_path(installed, isolated_env, version) -> None:
    env = system_env(isolated_env)
    for program in PROGRAMS:
        assert shutil.which(program, path=env["PATH"]) == f"/usr/bin/{program}"
        out = run([program, "--version"], env=env)
        assert out.stdout.startswith(f"{program} {version} ("), out.stdout
        assert out.stdout.rstrip().endswith(", x86_64-unknown-linux-gnu)"), out.stdout


def test_git_clones_and_pushes_with_the_installed_remote_helper(installed, endpoint, isolated_env, tmp_path) -> None:
    akid, secret, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    env = {**system_env(isolated_env), "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
           "CODE_COMMIT_ENDPOINT": endpoint.url}
    assert shutil.which("git-remote-codecommit", path=env["PATH"]) == "/usr/bin/git-remote-codecommit"
    work = tmp_path / "work"
    helpers.run_git(["clone", "-q", f"codecommit::{REGION}://{repo}", str(work)], env)
    (work / "hello.txt").write_text("hello from the .deb\n")
    helpers.run_git(["add", "hello.txt"], env, cwd=work)
    helpers.run_git(["commit", "-q", "-m", "from the deb"], env, cwd=work)
    helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=work)
    again = tmp_path / "again"
    helpers.run_git(["clone", "-q", f"codecommit::{REGION}://{repo}", str(again)], env)
    assert (again / "hello.txt").read_text() == "hello from the .deb\n"
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


def test_pkg_config_and_the_system_library(installed, isolated_env, tmp_path, version) -> None:
    env = system_env(isolated_env)
    for tool, package in (("pkg-config", "pkg-config"), ("cc", "gcc")):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install {package}")
    assert run(["pkg-config", "--modversion", "codecommit_auth"], env=env).stdout.strip() == version
    cflags = run(["pkg-config", "--cflags", "codecommit_auth"], env=env).stdout
    assert "/work" not in cflags and "target" not in cflags, cflags
    libs = run(["pkg-config", "--libs", "codecommit_auth"], env=env).stdout.split()
    source = tmp_path / "sign.c"
    source.write_text(test_cmake.PROGRAM)
    program = tmp_path / "sign"
    run(["cc", "-std=c99", "-Wall", "-Werror", source, "-o", program, *cflags.split(), *libs], env=env)
    resolved = [line.split("=>")[1].split()[0] for line in run(["ldd", program], env=env).stdout.splitlines()
                if "libcodecommit_auth" in line]
    # /lib is /usr/lib on a merged-/usr system: compare where the link really leads.
    assert [os.path.realpath(p) for p in resolved] == [f"/usr/lib/{MULTIARCH}/libcodecommit_auth.so.{version}"]
    vector = test_cmake._vector()
    out = run([program, *test_cmake._sign_args(vector)], env=env)
    assert out.stdout == f"version={version}\npassword={vector['password']}\n"


def test_dpkg_r_removes_every_file_it_installed(installed) -> None:
    """Last in this module: removes the package the tests above used."""
    files = [p for p in installed if p.is_symlink() or p.is_file()]
    assert Path("/usr/bin/git-remote-codecommit") in files and len(files) >= 17, files
    run(["dpkg", "-r", PACKAGE])
    assert installed_version() is None
    left = [str(p) for p in files if p.is_symlink() or p.exists()]
    # dpkg -r keeps conffiles only (purge drops them); this package has none.
    assert left == []
    assert not Path(f"/usr/lib/{MULTIARCH}/cmake/codecommit_auth").exists()
    assert not Path(f"/usr/share/doc/{PACKAGE}").exists()
