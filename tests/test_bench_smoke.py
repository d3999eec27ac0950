"""Keeps `./x bench` working (run by `./x bench`, not `./x test`): one tiny iteration of the
side-by-side comparison.
No timing is asserted; the table's shape and the tools it ran are."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = helpers.BIN_DIR


@pytest.mark.skipif(not (BIN_DIR / "git-credential-codecommit").exists(), reason="binaries not built")
def test_compare_runs_and_prints_every_row():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "compare.py"), "--bin-dir", str(BIN_DIR),
                           "--iterations", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    for what in ["static keys", "warm cache", "cold cache", "official remote helper", "pre-signed URL (floor)",
                 "peak RSS", "Python `sign`", "Node `sign`", "git-credential-codecommit"]:
        assert any(what in row for row in rows), what
    ratios = [row for row in rows if re.search(r"\| \**\d+(\.\d+)?×\** \|$", row)]
    assert len(ratios) == 4, rows
