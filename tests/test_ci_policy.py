"""The missing-toolchain policy of conftest.py: under CI=true a skip is a failure.

Runs pytest in a child process on small test files, with tests/conftest.py loaded as a
plugin, once with CI=true and once without.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers

pytestmark = pytest.mark.harness

SKIPPING = {
    "test_skip_call.py": "import pytest\n\ndef test_a():\n    pytest.skip('gcc is not installed')\n",
    "test_skipif.py": "import pytest\n\n@pytest.mark.skipif(True, reason='valgrind missing')\ndef test_b():\n    pass\n",
    "test_module_skip.py": "import pytest\npytest.skip('no libgit2', allow_module_level=True)\n\ndef test_c():\n    pass\n",
    "test_importorskip.py": "import pytest\npytest.importorskip('no_such_module_here')\n\ndef test_d():\n    pass\n",
    "test_helper.py": "import helpers\n\ndef test_e():\n    helpers.missing_toolchain('node is not installed')\n",
    "test_passes.py": "def test_f():\n    pass\n",
}


# Skipped while collecting: under CI the run stops with a collection error, as for any
# module that cannot be imported.
AT_COLLECTION = {"test_module_skip.py", "test_importorskip.py"}


def run_pytest(tmp_path: Path, ci: str | None, names: set[str] | None = None) -> subprocess.CompletedProcess[str]:
    for name, text in SKIPPING.items():
        if names is not None and name not in names:
            continue
        (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(helpers.TESTS_DIR)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q", "-rA",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )


def test_skips_fail_under_ci(tmp_path):
    proc = run_pytest(tmp_path, "true", set(SKIPPING) - AT_COLLECTION)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    # A skip in setup (skipif) reports as an error, one in the test body as a failure.
    assert "2 failed, 1 passed, 1 error" in summary and "skipped" not in summary, proc.stdout
    for reason in ["gcc is not installed", "valgrind missing", "node is not installed"]:
        assert reason in proc.stdout, (reason, proc.stdout)


def test_module_level_skips_fail_under_ci(tmp_path):
    proc = run_pytest(tmp_path, "true", AT_COLLECTION)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # interrupted: collection errors
    for reason in ["no libgit2", "no_such_module_here"]:
        assert reason in proc.stdout, (reason, proc.stdout)
    assert proc.stdout.count("ERROR test_") == 2 and "skipped under CI=true" in proc.stdout, proc.stdout


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_skips_stay_skips_outside_ci(tmp_path, ci):
    proc = run_pytest(tmp_path, ci)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert "1 passed" in summary and "5 skipped" in summary, proc.stdout
