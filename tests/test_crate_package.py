"""The core crate is ready for crates.io (issue 15, item 8, first part): its manifest carries
the metadata crates.io and docs.rs show, and `cargo package` ships the sources, README and
LICENSE and nothing from outside the crate. Runs `cargo package --list` only (no verify
build: that would compile the crate and its dependencies once more, minutes of CI time).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
CRATE = "codecommit-auth"


def _cargo(*args: str) -> str:
    if shutil.which("cargo") is None:
        helpers.missing_toolchain("cargo is missing: install Rust (rustup)")
    out = subprocess.run(
        ["cargo", *args], capture_output=True, text=True, timeout=300, cwd=ROOT, stdin=subprocess.DEVNULL
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def package() -> dict:
    metadata = json.loads(_cargo("metadata", "--no-deps", "--format-version", "1", "--offline"))
    return next(p for p in metadata["packages"] if p["name"] == CRATE)


def test_manifest_has_crates_io_metadata(package: dict) -> None:
    for field in ("description", "license", "repository", "documentation", "readme", "rust_version"):
        assert package.get(field), field
    assert package["license"] == "Apache-2.0"
    assert package["documentation"] == f"https://docs.rs/{CRATE}"
    # crates.io allows at most 5 keywords and only its own category slugs.
    assert 1 <= len(package["keywords"]) <= 5 and "codecommit" in package["keywords"]
    assert set(package["categories"]) <= {"authentication", "development-tools", "api-bindings", "web-programming"}
    assert package["categories"]


def test_package_lists_sources_readme_and_license() -> None:
    files = set(_cargo("package", "-p", CRATE, "--no-verify", "--allow-dirty", "--list", "--offline").split())
    assert {"Cargo.toml", "README.md", "LICENSE", "src/lib.rs"} <= files
    expected_sources = {
        str(p.relative_to(ROOT / "core")) for p in (ROOT / "core" / "src").rglob("*.rs")
    }
    assert expected_sources <= files
    # Only the crate's own files (plus what cargo generates).
    generated = {".cargo_vcs_info.json", "Cargo.lock", "Cargo.toml.orig"}
    strays = {f for f in files - generated - {"Cargo.toml", "README.md", "LICENSE"}
              if not f.startswith(("src/", "tests/", "benches/"))}
    assert strays == set()
