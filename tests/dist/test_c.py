"""C library packages (issue 15, item 5): dist/c/libcodecommit_auth-VERSION-TARGET.tar.gz (.zip
for Windows), unpacked into a temp dir and used the way C and C++ projects use them.

- Layout: one folder of the archive's name with include/, lib/ (shared library with its SONAME
  links, static library), lib/pkgconfig/, lib/cmake/codecommit_auth/, README.md, LICENSE.
- No absolute build path (the checkout, the target dir) in any file, binaries included.
- x86_64: a CMake project with find_package(codecommit_auth 0.1 CONFIG REQUIRED) builds C and
  C++ programs against both imported targets and they sign a reference vector; a pkg-config
  build does the same (`--define-prefix`, the .pc files say /usr/local); the libgit2 program
  of tests/c, linked against the unpacked library, clones and pushes through the credential
  callback against the local endpoint. The library needs no glibc newer than 2.17.
- aarch64 (all set): a program cross-compiled against the unpacked tarball signs under
  qemu-aarch64.
- x86_64-pc-windows-gnu (all set): the zip holds exactly include/, bin/codecommit_auth.dll,
  lib/ (import library libcodecommit_auth.dll.a, static libcodecommit_auth.a), lib/pkgconfig/,
  lib/cmake/codecommit_auth/, README.md and LICENSE (no wine stand-in DLL). The same CMake
  project, cross-built with MinGW-w64 (CMAKE_SYSTEM_NAME=Windows), builds C and C++ programs
  against both imported targets; the shared ones import codecommit_auth.dll (through the
  IMPORTED_IMPLIB), the static ones do not; under wine (bin/ on WINEPATH) each signs the
  reference vector. A pkg-config build with x86_64-w64-mingw32-gcc does the same.
The CMake and pkg-config helpers are tests/test_cmake.py's (the same checks as against
`make -C ffi install`), the libgit2 checks tests/test_c_libgit2.py's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

import helpers
import test_c_libgit2
import test_cmake
from conftest import REPO_ROOT, in_set, one
from test_cli import members, unpack
from test_windows import rig, run_in_wine  # noqa: F401 (rig: fixture)

X86, ARM, WIN = "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-pc-windows-gnu"
ALL_TARGETS = in_set([X86, ARM, WIN], [X86])
TARGETS = [t for t in ALL_TARGETS if t != WIN]  # the tarballs
MINGW = "x86_64-w64-mingw32"
ARM_SYSROOT = Path("/usr/aarch64-linux-gnu")
GLIBC_FLOOR = (2, 17)
TIMEOUT = 300


def for_target(target: str):
    """Defines a test only when `target` is in the dist set: a skip would fail under CI=true."""
    return (lambda test: test) if target in ALL_TARGETS else (lambda test: None)


def archive(target: str, version: str) -> Path:
    return one(f"c/libcodecommit_auth-{version}-{target}.{'zip' if target == WIN else 'tar.gz'}")


def run(argv: list, **kw) -> subprocess.CompletedProcess:
    out = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=TIMEOUT,
                         stdin=subprocess.DEVNULL, **kw)
    assert out.returncode == 0, f"{argv}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory, version) -> dict[str, Path]:
    """Each archive unpacked into its own temp dir: the prefix a user would point tools at."""
    return {target: unpack(archive(target, version), tmp_path_factory.mktemp(f"c-{target}"))
            for target in ALL_TARGETS}


@pytest.mark.parametrize("target", TARGETS)
def test_tarball_layout(target: str, version: str) -> None:
    major = version.split(".")[0]
    top = f"libcodecommit_auth-{version}-{target}"
    with tarfile.open(archive(target, version)) as t:
        entries = {m.name: m for m in t.getmembers()}
    expected_files = {
        "README.md", "LICENSE", "include/codecommit_auth.h", "include/codecommit_auth_libgit2.h",
        f"lib/libcodecommit_auth.so.{version}", "lib/libcodecommit_auth.a",
        "lib/pkgconfig/codecommit_auth.pc", "lib/pkgconfig/codecommit_auth-static.pc",
        "lib/cmake/codecommit_auth/codecommit_authConfig.cmake",
        "lib/cmake/codecommit_auth/codecommit_authConfigVersion.cmake",
        "share/codecommit_auth/valgrind.supp",
    }
    links = {f"lib/libcodecommit_auth.so.{major}": f"libcodecommit_auth.so.{version}",
             "lib/libcodecommit_auth.so": f"libcodecommit_auth.so.{major}"}
    files = {name.removeprefix(f"{top}/") for name, m in entries.items() if m.isfile()}
    assert files == expected_files
    found_links = {name.removeprefix(f"{top}/"): m.linkname for name, m in entries.items() if m.issym()}
    assert found_links == links
    assert all(name == top or name.startswith(f"{top}/") for name in entries), sorted(entries)
    assert all(m.uid == 0 and m.gid == 0 for m in entries.values())


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_no_build_path_leaks_into_the_tarball(target: str, unpacked) -> None:
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target")).resolve()
    needles = {str(REPO_ROOT).encode(), str(target_dir).encode(), b"/work/"}
    for path in unpacked[target].rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            leaked = [n.decode() for n in needles if n in data]
            assert not leaked, f"{path.relative_to(unpacked[target])} holds {leaked}"


@pytest.mark.parametrize("target", TARGETS)
def test_shared_library_has_the_soname_and_needs_no_glibc_newer_than_2_17(target: str, unpacked, version) -> None:
    if shutil.which("readelf") is None:
        helpers.missing_toolchain("readelf is missing: apt-get install binutils")
    library = unpacked[target] / "lib" / f"libcodecommit_auth.so.{version}"
    dynamic = run(["readelf", "--dynamic", "--wide", library]).stdout
    assert f"Library soname: [libcodecommit_auth.so.{version.split('.')[0]}]" in dynamic, dynamic
    header = run(["readelf", "--file-header", library]).stdout
    assert ("AArch64" if target == ARM else "X86-64") in header, header
    needs = run(["readelf", "--version-info", "--wide", library]).stdout
    versions = {tuple(int(n) for n in v.split(".")) for v in re.findall(r"Name: GLIBC_([0-9.]+)", needs)}
    assert versions and max(versions) <= GLIBC_FLOOR, f"needs GLIBC_{'.'.join(map(str, max(versions)))}"


# --------------------------------------------------------------------------
# x86_64: CMake, pkg-config, C++, libgit2.
# --------------------------------------------------------------------------


def native_tools() -> None:
    for tool, package in (("cmake", "cmake"), ("cc", "gcc"), ("c++", "g++"), ("pkg-config", "pkg-config"),
                          ("ldd", "libc-bin")):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install {package}")


def test_cmake_find_package_builds_c_and_cxx_against_both_targets(unpacked, tmp_path) -> None:
    native_tools()
    build = test_cmake._cmake_build(test_cmake._project(tmp_path / "project"), unpacked[X86])
    test_cmake._check_cmake_programs(build)


def test_pkg_config_builds_against_both_libraries(unpacked, tmp_path) -> None:
    native_tools()
    test_cmake._pkg_config_build(unpacked[X86], tmp_path / "pc", define_prefix=True)


def test_pc_files_name_usr_local_as_the_prefix(unpacked) -> None:
    """Unpacked into /usr/local the .pc files are right as they are; elsewhere --define-prefix."""
    for pc in (unpacked[X86] / "lib" / "pkgconfig").iterdir():
        assert "prefix=/usr/local\n" in pc.read_text(), pc


def test_libgit2_program_clones_and_pushes_through_the_callback(unpacked, endpoint, isolated_env, tmp_path) -> None:
    native_tools()
    if subprocess.run(["pkg-config", "--exists", "libgit2"]).returncode != 0:
        helpers.missing_toolchain("libgit2-dev is missing: apt-get install libgit2-dev")
    env = {**os.environ, "PKG_CONFIG_PATH": str(unpacked[X86] / "lib" / "pkgconfig")}
    flags = run(["pkg-config", "--define-prefix", "--cflags", "--libs", "codecommit_auth", "libgit2"], env=env)
    program = tmp_path / "git_clone_push"
    run(["cc", "-std=c99", "-Wall", "-Werror", REPO_ROOT / "tests" / "c" / "git_clone_push.c", "-o", program,
         *flags.stdout.split(), f"-Wl,-rpath,{unpacked[X86] / 'lib'}"])
    assert str(unpacked[X86] / "lib" / "libcodecommit_auth.so.0") in run(["ldd", program]).stdout

    akid, secret, token = endpoint.new_key(token=True)
    repo = endpoint.add_repo().name
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_SESSION_TOKEN": token, "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = test_c_libgit2.run_program(program, [f"codecommit::{test_c_libgit2.REGION}://{repo}",
                                                str(tmp_path / "w")], env)
    steps = test_c_libgit2.check_done(proc, endpoint, repo)
    assert steps["url"] == endpoint.repo_url(repo)


# --------------------------------------------------------------------------
# aarch64: cross-compiled against the tarball, run under qemu-user.
# --------------------------------------------------------------------------


def pkg_config_cross_build(cc: str, prefix: Path, program: Path, kind: str) -> Path:
    """The signing program compiled with `cc` against the unpacked package's .pc files only
    (PKG_CONFIG_LIBDIR: no host .pc file can stand in), shared or static."""
    source = program.with_name("sign.c")
    source.write_text(test_cmake.PROGRAM, encoding="utf-8")
    env = {**os.environ, "PKG_CONFIG_LIBDIR": str(prefix / "lib" / "pkgconfig")}
    env.pop("PKG_CONFIG_PATH", None)
    name = "codecommit_auth" if kind == "shared" else "codecommit_auth-static"
    flags = run(["pkg-config", "--define-prefix", "--cflags", "--libs", name], env=env).stdout.split()
    assert f"-I{prefix / 'include'}" in flags, flags
    run([cc, "-std=c99", "-Wall", "-Werror", source, "-o", program, *flags])
    return program


@for_target(ARM)
@pytest.mark.parametrize("kind", ["shared", "static"])
def test_aarch64_program_signs_under_qemu(unpacked, tmp_path, kind, version) -> None:
    cc = "aarch64-linux-gnu-gcc"
    if shutil.which(cc) is None or shutil.which("qemu-aarch64") is None:
        helpers.missing_toolchain("aarch64 cross gcc or qemu-aarch64 is missing: apt-get install "
                                  "gcc-aarch64-linux-gnu qemu-user libc6-arm64-cross libgcc-s1-arm64-cross")
    prefix = unpacked[ARM]
    program = pkg_config_cross_build(cc, prefix, tmp_path / f"sign_{kind}", kind)
    vector = test_cmake._vector()
    qemu_env = {**os.environ, "QEMU_LD_PREFIX": str(ARM_SYSROOT)}
    if kind == "shared":
        qemu_env["LD_LIBRARY_PATH"] = str(prefix / "lib")
    out = run(["qemu-aarch64", program, *test_cmake._sign_args(vector)], env=qemu_env)
    assert out.stdout == f"version={version}\npassword={vector['password']}\n"


# --------------------------------------------------------------------------
# Windows (all set): the zip, cross-built against with MinGW-w64, programs run under wine.
# --------------------------------------------------------------------------


def mingw_tools() -> None:
    for tool, package in ((f"{MINGW}-gcc", "gcc-mingw-w64-x86-64"), (f"{MINGW}-g++", "g++-mingw-w64-x86-64"),
                          (f"{MINGW}-objdump", "binutils-mingw-w64-x86-64"), ("cmake", "cmake"),
                          ("pkg-config", "pkg-config")):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install {package}")


def imports(program: Path) -> set[str]:
    """The DLLs the PE program's import table names, lower case."""
    dump = run([f"{MINGW}-objdump", "-p", program]).stdout
    return {name.lower() for name in re.findall(r"DLL Name: (\S+)", dump)}


def mingw_runtime_dir() -> Path:
    """Where MinGW-w64 keeps libgcc_s_seh-1.dll: g++ links libgcc as that DLL by default, so a
    C++ program whose objects need the unwinder (Rust's, from the static library) imports it
    and ships it, as every MinGW C++ program does (or links with -static-libgcc)."""
    return Path(run([f"{MINGW}-g++", "-print-file-name=libgcc_s_seh-1.dll"]).stdout.strip()).parent


def check_windows_program(rig, program: Path, prefix: Path, *, shared: bool, cxx: bool,  # noqa: F811
                          version: str) -> None:
    """Linked as promised, and under wine signs the reference vector. bin/ goes on the PATH
    (WINEPATH) of the shared build only: the static one must start without the DLL."""
    needed = imports(program)
    assert ("codecommit_auth.dll" in needed) == shared, f"{program.name} imports {sorted(needed)}"
    runtime = {n for n in needed if n.startswith(("libgcc", "libstdc++", "libwinpthread"))}
    assert runtime <= ({"libgcc_s_seh-1.dll"} if cxx else set()), f"{program.name} imports {sorted(runtime)}"
    path = ([prefix / "bin"] if shared else []) + ([mingw_runtime_dir()] if runtime else [])
    vector = test_cmake._vector()
    proc = run_in_wine(rig, program, test_cmake._sign_args(vector), path=path or None)
    assert proc.returncode == 0, f"{program.name}: exit {proc.returncode}\n{proc.stderr}"
    assert proc.stdout.replace("\r\n", "\n") == f"version={version}\npassword={vector['password']}\n"


@for_target(WIN)
def test_windows_zip_holds_exactly_the_listed_files(version: str) -> None:
    top = f"libcodecommit_auth-{version}-{WIN}"
    expected = {
        "README.md", "LICENSE", "include/codecommit_auth.h", "include/codecommit_auth_libgit2.h",
        "bin/codecommit_auth.dll", "lib/libcodecommit_auth.dll.a", "lib/libcodecommit_auth.a",
        "lib/pkgconfig/codecommit_auth.pc", "lib/pkgconfig/codecommit_auth-static.pc",
        "lib/cmake/codecommit_auth/codecommit_authConfig.cmake",
        "lib/cmake/codecommit_auth/codecommit_authConfigVersion.cmake",
    }
    names = members(archive(WIN, version))
    assert not any("bcryptprimitives" in n.lower() for n in names), "the wine stand-in DLL must not ship"
    assert all(n.startswith(f"{top}/") for n in names), names
    assert {n.removeprefix(f"{top}/") for n in names} == expected


@for_target(WIN)
def test_windows_dll_is_x86_64_and_exports_the_c_api(unpacked) -> None:
    mingw_tools()
    dump = run([f"{MINGW}-objdump", "-p", unpacked[WIN] / "bin" / "codecommit_auth.dll"]).stdout
    assert "pei-x86-64" in dump, dump[:500]
    exports = set(re.findall(r"\]\s+(codecommit_auth_\w+)", dump))
    header = re.sub(r"/\*.*?\*/", "", (unpacked[WIN] / "include" / "codecommit_auth.h").read_text(), flags=re.S)
    declared = set(re.findall(r"\b(codecommit_auth_\w+)\s*\(", header))  # the functions
    assert declared and declared <= exports, f"declared but not exported: {sorted(declared - exports)}"


@for_target(WIN)
def test_windows_cmake_cross_build_of_c_and_cxx_against_both_targets_runs_under_wine(
        rig, unpacked, tmp_path, version) -> None:  # noqa: F811
    mingw_tools()
    prefix = unpacked[WIN]
    toolchain = ("-DCMAKE_SYSTEM_NAME=Windows", "-DCMAKE_SYSTEM_PROCESSOR=x86_64",
                 f"-DCMAKE_C_COMPILER={MINGW}-gcc", f"-DCMAKE_CXX_COMPILER={MINGW}-g++",
                 f"-DCMAKE_RC_COMPILER={MINGW}-windres")
    build = test_cmake._cmake_build(test_cmake._project(tmp_path / "project"), prefix, toolchain)
    for lang in ("c", "cxx"):
        for kind in ("shared", "static"):
            check_windows_program(rig, build / f"sign_{lang}_{kind}.exe", prefix, shared=kind == "shared",
                                  cxx=lang == "cxx", version=version)


@for_target(WIN)
@pytest.mark.parametrize("kind", ["shared", "static"])
def test_windows_pkg_config_build_runs_under_wine(rig, unpacked, tmp_path, kind, version) -> None:  # noqa: F811
    mingw_tools()
    prefix = unpacked[WIN]
    program = pkg_config_cross_build(f"{MINGW}-gcc", prefix, tmp_path / f"sign_{kind}.exe", kind)
    check_windows_program(rig, program, prefix, shared=kind == "shared", cxx=False, version=version)
