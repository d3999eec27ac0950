"""Fixtures for the release-artefact tests (``./x dist --check``; ``./x test`` runs the ``ci`` set).

Every test here installs and uses an artefact from ``dist/`` the way its users do. Which
artefacts must exist depends on ``CODECOMMIT_AUTH_DIST_SET``:

  ci   one artefact of each kind (what ``./x test`` builds)
  all  every artefact this machine can build (``./x dist``)

A test for an artefact outside the current set is skipped with that reason; under
``CI=true`` the tests/conftest.py hook turns any skip into a failure, so CI runs with the
``ci`` set and only parametrizes over what that set promises (``in_set``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/helpers.py

import helpers  # noqa: E402  (after the path above)

REPO_ROOT = Path(__file__).resolve().parents[2]
DIST = REPO_ROOT / "dist"


def dist_set() -> str:
    value = os.environ.get("CODECOMMIT_AUTH_DIST_SET", "all")
    if value not in ("ci", "all"):
        raise ValueError(f"CODECOMMIT_AUTH_DIST_SET must be ci or all, not {value!r}")
    return value


def in_set(all_items: list, ci_items: list) -> list:
    """The parameters a test runs over: every item for ``all``, the CI subset for ``ci``."""
    return list(all_items) if dist_set() == "all" else list(ci_items)


def project_version() -> str:
    return helpers.workspace_version()


def one(pattern: str) -> Path:
    """The single file in dist/ matching ``pattern``; fails naming what is there instead."""
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"expected one dist/{pattern}, found {[str(p.relative_to(DIST)) for p in found]}"
    return found[0]


@pytest.fixture(scope="session")
def version() -> str:
    return project_version()
