"""One version (issue 15, item 6): the workspace Cargo.toml, every member crate, the Python
package (pyproject.toml), the npm packages (bindings/node/package.json, any per-platform
package under bindings/node/npm/ and the optionalDependencies naming them), the installed
pkg-config files, the installed CMake version file and the programs' `--version` all say the
same version.

The .pc and CMake files are checked as `make -C ffi install` writes them (into a temp prefix,
from the debug library that `./x test`'s C step built), so a hard-coded version in a template
or a broken substitution fails here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ("codecommit-auth", "git-remote-codecommit", "git-credential-codecommit")


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def source_versions(root: Path) -> dict[str, str]:
    """Every version written in the source tree under `root`, by where it is written."""
    found: dict[str, str] = {}
    workspace = _toml(root / "Cargo.toml")
    ws_version = workspace["workspace"]["package"]["version"]
    found["Cargo.toml [workspace.package]"] = ws_version
    for member in workspace["workspace"]["members"]:
        package = _toml(root / member / "Cargo.toml")["package"]
        version = package.get("version")
        # `version.workspace = true` inherits; anything else must be spelled out equal.
        found[f"{member}/Cargo.toml"] = ws_version if version == {"workspace": True} else str(version)
    # The workspace's own path dependencies on members carry a version too (for crates.io).
    for name, dep in workspace["workspace"].get("dependencies", {}).items():
        if isinstance(dep, dict) and "path" in dep and "version" in dep:
            found[f"Cargo.toml [workspace.dependencies] {name}"] = dep["version"].lstrip("=^~")

    project = _toml(root / "bindings/python/pyproject.toml")["project"]
    if "version" in project.get("dynamic", []):
        # maturin takes the version of the crate it builds.
        found["bindings/python/pyproject.toml (dynamic: from its Cargo.toml)"] = found["bindings/python/Cargo.toml"]
    else:
        found["bindings/python/pyproject.toml"] = project.get("version", "<none>")

    node = root / "bindings/node"
    main = json.loads((node / "package.json").read_text(encoding="utf-8"))
    found["bindings/node/package.json"] = main["version"]
    for name, spec in main.get("optionalDependencies", {}).items():
        found[f"bindings/node/package.json optionalDependencies {name}"] = spec.lstrip("=^~")
    for platform_json in sorted((node / "npm").glob("*/package.json")):
        rel = platform_json.relative_to(root)
        found[str(rel)] = json.loads(platform_json.read_text(encoding="utf-8"))["version"]
    return found


def disagreements(found: dict[str, str]) -> list[str]:
    expected = found["Cargo.toml [workspace.package]"]
    return [f"{where}: {version} (Cargo.toml says {expected})" for where, version in found.items() if version != expected]


def test_source_tree_has_one_version() -> None:
    found = source_versions(ROOT)
    assert len(found) >= 8, found  # the check must have read every file it promises to
    assert disagreements(found) == []


def test_a_disagreeing_package_json_is_caught(tmp_path: Path) -> None:
    """The check can fail: a copy of the version-bearing files with one npm version bumped."""
    workspace = _toml(ROOT / "Cargo.toml")
    files = ["Cargo.toml", "bindings/python/pyproject.toml", "bindings/node/package.json"]
    files += [f"{m}/Cargo.toml" for m in workspace["workspace"]["members"]]
    files += [str(p.relative_to(ROOT)) for p in (ROOT / "bindings/node/npm").glob("*/package.json")]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, tmp_path / rel)
    assert disagreements(source_versions(tmp_path)) == []
    package = tmp_path / "bindings/node/package.json"
    data = json.loads(package.read_text(encoding="utf-8"))
    data["version"] = "9.9.9"
    package.write_text(json.dumps(data), encoding="utf-8")
    assert disagreements(source_versions(tmp_path)) == [
        f"bindings/node/package.json: 9.9.9 (Cargo.toml says {helpers.workspace_version()})"
    ]


@pytest.mark.parametrize("program", PROGRAMS)
def test_programs_print_the_version(program: str) -> None:
    binary = ROOT / "target" / "debug" / program
    if not binary.exists():
        helpers.missing_toolchain(f"{binary} is not built: run `cargo build --workspace --bins`")
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    # `git-remote-codecommit 0.1.0 (abc1234 2026-12-01, x86_64-unknown-linux-gnu)`: version,
    # commit (from git, CODECOMMIT_AUTH_COMMIT, or "unknown") and target (cli/build.rs).
    match = re.fullmatch(rf"{re.escape(program)} {re.escape(helpers.workspace_version())} \((.+), ([a-z0-9_.-]+)\)\n", out.stdout)
    assert match, out.stdout
    commit, target = match.groups()
    assert commit == "unknown" or re.fullmatch(r"[0-9a-f]{7,40} \d{4}-\d\d-\d\d", commit), commit
    host = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, timeout=30).stdout
    assert f"host: {target}\n" in host, (target, host)
    if commit != "unknown" and (ROOT / ".git").exists() and shutil.which("git"):
        known = subprocess.run(["git", "-C", ROOT, "cat-file", "-e", f"{commit.split()[0]}^{{commit}}"],
                               capture_output=True, timeout=30)
        assert known.returncode == 0, f"--version names {commit}, not a commit of this repository"


def test_templates_take_the_version_from_cargo() -> None:
    """The .pc and CMake templates carry @VERSION@, never a literal version."""
    templates = [*sorted((ROOT / "ffi").glob("*.pc.in")), ROOT / "ffi/cmake/codecommit_authConfigVersion.cmake.in"]
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "@VERSION@" in text, template
        assert helpers.workspace_version() not in text, template


def test_installed_pc_and_cmake_files_carry_the_version(tmp_path: Path) -> None:
    for tool in ("make", "pkg-config"):
        if shutil.which(tool) is None:
            helpers.missing_toolchain(f"{tool} is missing: apt-get install {tool}")
    built = ROOT / "target" / "debug" / "libcodecommit_auth.a"
    if not built.exists():
        # Installing would start a cargo build; the C step of ./x test builds it first.
        helpers.missing_toolchain(f"{built} is not built: run `make -C tests/c install`")
    prefix = tmp_path / "prefix"
    subprocess.run(
        ["make", "-s", "-C", ROOT / "ffi", "install", f"PREFIX={prefix}", "PROFILE=dev"],
        check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    version = helpers.workspace_version()
    for pc in ("codecommit_auth", "codecommit_auth-static"):
        out = subprocess.run(
            ["pkg-config", "--modversion", pc], capture_output=True, text=True, timeout=30,
            env={**os.environ, "PKG_CONFIG_PATH": str(prefix / "lib/pkgconfig")},
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == version, pc
    # What CMake itself reads from the version file (find_package with no version asked).
    if shutil.which("cmake") is None:
        helpers.missing_toolchain("cmake is missing: apt-get install cmake")
    script = tmp_path / "print_version.cmake"
    version_file = prefix / "lib/cmake/codecommit_auth/codecommit_authConfigVersion.cmake"
    script.write_text(f'include("{version_file}")\nmessage(STATUS "version=${{PACKAGE_VERSION}}")\n')
    out = subprocess.run(["cmake", "-P", script], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert f"-- version={version}\n" in out.stdout, out.stdout
