"""Shared by the Python-package tests (tests/python/test_python_*.py).

``load_package()`` imports ``codecommit_auth``: ``./x test`` builds and installs it into
.venv first and sets CODECOMMIT_AUTH_PYTHON_REQUIRED=1, so there a missing package fails;
a bare ``pytest`` run without the package skips these modules instead.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

TESTS_DIR = Path(__file__).resolve().parent.parent
REGION = "us-west-2"


def load_package() -> ModuleType:
    try:
        import codecommit_auth
    except ImportError as exc:
        if os.environ.get("CODECOMMIT_AUTH_PYTHON_REQUIRED") == "1":
            raise
        pytest.skip(f"codecommit_auth is not installed (./x test builds it): {exc}", allow_module_level=True)
    return codecommit_auth


@dataclass
class AwsFiles:
    """HOME and the AWS config/credentials files of the test process (in-process tests)."""

    home: Path
    config: Path
    credentials: Path

    def write(self, config: str = "", credentials: str = "") -> None:
        self.config.write_text(textwrap.dedent(config))
        self.credentials.write_text(textwrap.dedent(credentials))

    def cache_files(self) -> list[Path]:
        cache = self.home / ".aws" / "cli" / "cache"
        return sorted(cache.glob("*.json")) if cache.exists() else []


def write_credential_process(path: Path, akid: str, secret: str, sleep: float = 0.0,
                             exit_code: int = 0) -> str:
    """A credential_process script; returns the command line for the AWS config."""
    payload = json.dumps({"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret})
    path.write_text(
        "import sys, time\n"
        f"time.sleep({sleep})\n"
        f"if {exit_code}:\n"
        "    sys.stderr.write('credential_process failed on purpose\\n')\n"
        f"    sys.exit({exit_code})\n"
        f"print({payload!r})\n"
    )
    return f"{sys.executable} {path}"
