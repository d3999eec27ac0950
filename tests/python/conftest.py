"""Fixtures for the Python-package tests (the shared ones live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyutil import AwsFiles


@pytest.fixture
def aws_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AwsFiles:
    """A private HOME (so the credential cache is ~/.aws/cli/cache under tmp_path) and empty
    AWS config/credentials files, set in this process's environment."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    files = AwsFiles(home, home / ".aws" / "config", home / ".aws" / "credentials")
    files.write()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(files.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(files.credentials))
    monkeypatch.delenv("CODE_COMMIT_ENDPOINT", raising=False)
    return files
