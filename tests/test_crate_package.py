"""The core crate is ready for crates.io (issue 15, item 8): its manifest carries the metadata
crates.io and docs.rs show; `cargo package` ships the sources, the crate's own README (the Rust
one, core/README.md), LICENSE and the git2 example, and nothing that reaches outside the crate;
`cargo publish --dry-run` resolves every dependency from crates.io; the docs build without a
warning. No verify build (that would compile the crate and its dependencies once more, minutes
of CI time; it passed by hand, see the report of issue 15 item 8).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
CRATE = "codecommit-auth"


def _cargo(*args: str, env: dict[str, str] | None = None) -> str:
    if shutil.which("cargo") is None:
        helpers.missing_toolchain("cargo is missing: install Rust (rustup)")
    out = subprocess.run(
        ["cargo", *args], capture_output=True, text=True, timeout=600, cwd=ROOT, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout + out.stderr


@pytest.fixture(scope="module")
def package() -> dict:
    metadata = json.loads(_cargo("metadata", "--no-deps", "--format-version", "1", "--offline"))
    return next(p for p in metadata["packages"] if p["name"] == CRATE)


def test_manifest_has_crates_io_metadata(package: dict) -> None:
    for field in ("description", "license", "repository", "documentation", "readme", "rust_version"):
        assert package.get(field), field
    assert package["license"] == "Apache-2.0"
    # The crate's own README (Rust usage), not the project's.
    assert package["readme"] == "README.md"
    assert package["documentation"] == f"https://docs.rs/{CRATE}"
    # crates.io allows at most 5 keywords and only its own category slugs.
    assert 1 <= len(package["keywords"]) <= 5 and "codecommit" in package["keywords"]
    assert set(package["categories"]) <= {"authentication", "development-tools", "api-bindings", "web-programming"}
    assert package["categories"]


# Tests that read files of the workspace; excluded from the package (they run in the repository).
WORKSPACE_TESTS = {"tests/error_table.rs", "tests/fuzz_corpus.rs", "tests/vectors.rs"}


@pytest.fixture(scope="module")
def packaged() -> set[str]:
    return set(_cargo("package", "-p", CRATE, "--no-verify", "--allow-dirty", "--list", "--offline").split())


def test_package_lists_sources_readme_and_license(packaged: set[str]) -> None:
    files = packaged
    assert {"Cargo.toml", "README.md", "LICENSE", "src/lib.rs", "examples/git2_clone.rs"} <= files
    expected_sources = {
        str(p.relative_to(ROOT / "core")) for p in (ROOT / "core" / "src").rglob("*.rs")
    }
    assert expected_sources <= files
    # Only the crate's own files (plus what cargo generates).
    generated = {".cargo_vcs_info.json", "Cargo.lock", "Cargo.toml.orig"}
    strays = {f for f in files - generated - {"Cargo.toml", "README.md", "LICENSE"}
              if not f.startswith(("src/", "tests/", "benches/", "examples/"))}
    assert strays == set()
    assert not WORKSPACE_TESTS & files


# Ways Rust code names a file: #[path = "..."], include_str!/include_bytes!("...") (relative to
# the file), and a path built on CARGO_MANIFEST_DIR.
RELATIVE = re.compile(r'(?:#\[path\s*=\s*|include_(?:str|bytes)!\(\s*)"([^"]+)"')
FROM_MANIFEST_DIR = re.compile(r"""CARGO_MANIFEST_DIR"\)[^;]{0,120}?\.\.""", re.DOTALL)


def _reaches_outside(relative: str) -> bool:
    crate = ROOT / "core"
    path = crate / relative
    text = path.read_text()
    named = (os.path.normpath(path.parent / m) for m in RELATIVE.findall(text))
    return any(not n.startswith(f"{crate}{os.sep}") for n in named) or bool(FROM_MANIFEST_DIR.search(text))


def test_packaged_code_reads_nothing_outside_the_crate(packaged: set[str]) -> None:
    reaching = sorted(f for f in packaged if f.endswith(".rs") and _reaches_outside(f))
    assert reaching == [], f"exclude these from the package in core/Cargo.toml, or read inside core/: {reaching}"
    # The check sees the files it exists for.
    assert all(_reaches_outside(f) for f in WORKSPACE_TESTS)


def test_crate_readme_is_about_rust_and_the_git2_example() -> None:
    readme = (ROOT / "core" / "README.md").read_text()
    assert "Client::new" in readme and "examples/git2_clone.rs" in readme
    assert "cargo run -p codecommit-auth --example git2_clone" in readme
    assert (ROOT / "core" / "examples" / "git2_clone.rs").exists()


def test_publish_dry_run_resolves_from_crates_io() -> None:
    # Online: the packaged manifest's dependencies are resolved against the crates.io index.
    # codecommit-auth-winsec (a Windows-only dependency) is not on crates.io yet, so it is
    # packaged with the crate, as `cargo publish` of both will upload it first.
    out = _cargo("publish", "--dry-run", "--no-verify", "--allow-dirty",
                 "-p", "codecommit-auth-winsec", "-p", CRATE)
    assert f"Packaging {CRATE} v" in out and "aborting upload due to dry run" in out, out


def test_docs_build_without_warnings() -> None:
    # The crate docs (with the git2 snippet, compiled by `cargo test --doc`) as docs.rs builds them.
    out = _cargo("doc", "-p", CRATE, "--no-deps", env={"RUSTDOCFLAGS": "-D warnings"})
    assert "warning" not in out, out
