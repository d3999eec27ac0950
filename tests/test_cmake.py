"""The CMake package and the pkg-config files of libcodecommit_auth, used the way C and C++
projects use them (issue 15, item 5).

`make -C ffi install` puts the library into a temp prefix (from the debug build that
`./x test`'s C step made: no cargo build here). A small CMake project then does
`find_package(codecommit_auth 0.1 CONFIG REQUIRED)` and builds one program four times: as C
and as C++, against `codecommit_auth::codecommit_auth` (shared) and `codecommit_auth::static`.
Each program signs an official vector of tests/vectors.json and prints the library version.
The prefix is then moved elsewhere and the project built again from scratch (the package is
relocatable), and the same program is built through pkg-config, in place and moved
(`pkg-config --define-prefix`).
"""

from __future__ import annotations

import calendar
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
BUILT = ROOT / "target" / "debug" / "libcodecommit_auth.a"
TIMEOUT = 300

PROGRAM = r"""
#include <codecommit_auth.h>
#include <stdio.h>
#include <stdlib.h>

/* sign AKID SECRET REGION HOST PATH UNIX_SECONDS: prints the version and the password. */
int main(int argc, char **argv) {
    codecommit_auth_credential *credential = NULL;
    const char *password = NULL;
    if (argc != 7) {
        fprintf(stderr, "usage: sign AKID SECRET REGION HOST PATH UNIX_SECONDS\n");
        return 2;
    }
    if (codecommit_auth_sign(argv[1], argv[2], NULL, argv[3], argv[4], argv[5],
                             (int64_t)strtoll(argv[6], NULL, 10), &credential) != CODECOMMIT_AUTH_OK
        || codecommit_auth_credential_password(credential, &password) != CODECOMMIT_AUTH_OK) {
        fprintf(stderr, "sign: %s\n", codecommit_auth_last_error());
        codecommit_auth_credential_free(credential);
        return 1;
    }
    printf("version=%s\npassword=%s\n", codecommit_auth_version(), password);
    codecommit_auth_credential_free(credential);
    return 0;
}
"""

CMAKELISTS = """
cmake_minimum_required(VERSION 3.16)
project(uses_codecommit_auth LANGUAGES C CXX)

# The version file refuses an incompatible request (0.x: the minor version breaks).
find_package(codecommit_auth 0.2 CONFIG QUIET)
message(STATUS "asked for 0.2: found=${codecommit_auth_FOUND}")

find_package(codecommit_auth 0.1 CONFIG REQUIRED)
message(STATUS "asked for 0.1: found=${codecommit_auth_FOUND} version=${codecommit_auth_VERSION}")

foreach(lang c cxx)
  foreach(kind shared static)
    add_executable(sign_${lang}_${kind} sign.${lang})
  endforeach()
  target_link_libraries(sign_${lang}_shared PRIVATE codecommit_auth::codecommit_auth)
  target_link_libraries(sign_${lang}_static PRIVATE codecommit_auth::static)
endforeach()
"""


def _vector() -> dict:
    vectors = json.loads((ROOT / "tests/vectors.json").read_text(encoding="utf-8"))["vectors"]
    return next(v for v in vectors if not v.get("session_token"))


def _sign_args(vector: dict) -> list[str]:
    at = calendar.timegm(time.strptime(vector["at"], "%Y-%m-%dT%H:%M:%SZ"))
    return [vector[k] for k in ("access_key_id", "secret_access_key", "region", "host", "path")] + [str(at)]


def _version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))["workspace"]["package"]["version"]


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, **kw
    )
    assert out.returncode == 0, f"{cmd}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


def _check_program(program: Path, *, shared: bool) -> None:
    vector = _vector()
    # No LD_LIBRARY_PATH: the shared builds find the library through their RPATH.
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    out = _run([program, *_sign_args(vector)], env=env)
    assert out.stdout == f"version={_version()}\npassword={vector['password']}\n"
    needed = _run(["ldd", program]).stdout
    assert ("libcodecommit_auth.so.0" in needed) == shared, needed


@pytest.fixture(scope="module")
def prefix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for tool, package in (("make", "make"), ("cmake", "cmake"), ("cc", "gcc"), ("c++", "g++"),
                          ("pkg-config", "pkg-config"), ("ldd", "libc-bin")):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install {package}")
    if not BUILT.exists():
        # Installing would start a cargo build; the C step of ./x test builds the library first.
        helpers.missing_toolchain(f"{BUILT} is not built: run `make -C tests/c install`")
    prefix = tmp_path_factory.mktemp("cmake") / "installed"
    _run(["make", "-s", "-C", ROOT / "ffi", "install", f"PREFIX={prefix}", "PROFILE=dev"])
    return prefix


def _project(where: Path) -> Path:
    where.mkdir(parents=True)
    (where / "CMakeLists.txt").write_text(CMAKELISTS, encoding="utf-8")
    (where / "sign.c").write_text(PROGRAM, encoding="utf-8")
    (where / "sign.cxx").write_text(PROGRAM, encoding="utf-8")
    return where


def _cmake_build(source: Path, prefix: Path, extra: tuple[str, ...] = ()) -> Path:
    """extra: more cmake arguments (tests/dist/test_c.py cross-builds for Windows with them)."""
    build = source / "build"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMAKE_") and k != "codecommit_auth_DIR"}
    configure = _run(["cmake", "-S", source, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}",
                      "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF", "-DCMAKE_BUILD_TYPE=Debug", *extra], env=env)
    assert "-- asked for 0.2: found=0" in configure.stdout, configure.stdout
    assert f"-- asked for 0.1: found=1 version={_version()}" in configure.stdout, configure.stdout
    cache = (build / "CMakeCache.txt").read_text(encoding="utf-8")
    assert f"codecommit_auth_DIR:PATH={prefix}/lib/cmake/codecommit_auth" in cache
    _run(["cmake", "--build", build, "-j", "2"], env=env)
    return build


def _check_cmake_programs(build: Path) -> None:
    for lang in ("c", "cxx"):
        for kind in ("shared", "static"):
            _check_program(build / f"sign_{lang}_{kind}", shared=kind == "shared")


def _pkg_config_build(prefix: Path, out_dir: Path, *, define_prefix: bool) -> None:
    out_dir.mkdir(parents=True)
    source = out_dir / "sign.c"
    source.write_text(PROGRAM, encoding="utf-8")
    env = {**os.environ, "PKG_CONFIG_PATH": str(prefix / "lib/pkgconfig")}
    env.pop("PKG_CONFIG_LIBDIR", None)
    pkg = ["pkg-config", *(["--define-prefix"] if define_prefix else [])]
    libdir = _run([*pkg, "--variable=libdir", "codecommit_auth"], env=env).stdout.strip()
    assert Path(libdir) == prefix / "lib"
    for name, shared in (("codecommit_auth", True), ("codecommit_auth-static", False)):
        flags = _run([*pkg, "--cflags", "--libs", name], env=env).stdout.split()
        program = out_dir / f"sign_{name}"
        rpath = [f"-Wl,-rpath,{libdir}"] if shared else []
        _run(["cc", "-std=c99", "-Wall", "-Werror", source, "-o", program, *flags, *rpath])
        _check_program(program, shared=shared)


def test_installed_package_has_no_build_paths(prefix: Path) -> None:
    for path in (prefix / "lib/cmake/codecommit_auth").iterdir():
        text = path.read_text(encoding="utf-8")
        assert str(prefix) not in text and str(ROOT) not in text, path


def test_find_package_builds_c_and_cxx_against_both_targets(prefix: Path, tmp_path: Path) -> None:
    _check_cmake_programs(_cmake_build(_project(tmp_path / "project"), prefix))


def test_pkg_config_builds_against_both_libraries(prefix: Path, tmp_path: Path) -> None:
    _pkg_config_build(prefix, tmp_path / "pc", define_prefix=False)


def test_moved_prefix_still_works(prefix: Path, tmp_path: Path) -> None:
    """Relocatable: the installed tree moved elsewhere (the old place gone) still serves both
    CMake and pkg-config (--define-prefix) builds."""
    moved = tmp_path / "elsewhere" / "opt"
    moved.parent.mkdir()
    shutil.copytree(prefix, moved, symlinks=True)
    hidden = prefix.with_name(prefix.name + ".away")
    prefix.rename(hidden)  # the original place is gone while the moved copy is used
    try:
        _check_cmake_programs(_cmake_build(_project(tmp_path / "project"), moved))
        _pkg_config_build(moved, tmp_path / "pc", define_prefix=True)
    finally:
        hidden.rename(prefix)
