"""The layout of dist/ that release tooling and users rely on (issue 15, DESIGN.md).

- dist/cli/codecommit-auth-VERSION-TARGET.tar.gz (.zip and .msi for Windows)
- dist/c/libcodecommit_auth-VERSION-TARGET.tar.gz (.zip for Windows)
- dist/deb/*.deb
- dist/python/*.whl and the sdist *.tar.gz
- dist/npm/*.tgz
- dist/SHA256SUMS: sha256sum format, paths relative to dist/, every file but itself.
"""

from __future__ import annotations

import hashlib
import re

from conftest import DIST, project_version

VERSION = project_version()
V = re.escape(VERSION)
TARGET = r"[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+(-[a-z0-9_]+)?"

ALLOWED = {
    "cli": rf"codecommit-auth-{V}-{TARGET}\.(tar\.gz|zip|msi)",
    "c": rf"libcodecommit_auth-{V}-{TARGET}\.(tar\.gz|zip)",
    "deb": rf"[a-z0-9][a-z0-9.+-]*_{V}(-[0-9A-Za-z.+~]+)?_[a-z0-9]+\.deb",
    "python": rf"(codecommit_auth(_cli)?-{V}-.+\.whl|codecommit_auth-{V}\.tar\.gz)",
    "npm": rf"codecommit-auth(-[a-z0-9-]+)?-{V}\.tgz",
}


def dist_files() -> list[str]:
    return sorted(p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file())


def test_every_kind_is_present_and_nothing_else() -> None:
    files = [f for f in dist_files() if f != "SHA256SUMS"]
    kinds = {f.split("/", 1)[0] for f in files}
    assert kinds == set(ALLOWED), f"dist/ holds kinds {sorted(kinds)}, expected {sorted(ALLOWED)}"
    for f in files:
        kind, _, name = f.partition("/")
        assert "/" not in name, f"dist/{f}: artefacts sit directly in dist/{kind}/"
        assert re.fullmatch(ALLOWED[kind], name), f"dist/{f} does not match the layout {ALLOWED[kind]}"


def test_sha256sums_lists_every_file_but_itself_with_the_right_digest() -> None:
    lines = (DIST / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        match = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line)
        assert match, f"not sha256sum format: {line!r}"
        listed[match.group(2)] = match.group(1)
    assert sorted(listed) == [f for f in dist_files() if f != "SHA256SUMS"]
    for name, digest in listed.items():
        assert hashlib.sha256((DIST / name).read_bytes()).hexdigest() == digest, f"{name}: digest differs"
