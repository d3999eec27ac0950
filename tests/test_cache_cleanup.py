"""Temp files of killed cache writers do not pile up (issue 11: bad input loses nothing,
trust nothing on disk), through the real CLI against moto STS.

A writer killed between creating its temp file and renaming it into place (held there by the
test-only pause hook, as in test_cache.py) leaves `.{key}.{pid}.{nanos}.tmp` behind. The
next write of that entry removes such a file once it is old (10 minutes; the test sets the
mtime back instead of waiting), and nothing else: not a fresh one (a live writer's), not
another entry's, not a symlink or directory with such a name, not a file another user owns.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_cache import BIN_DIR, PAUSE_ENV, REGION, cache_dir, credential_get, role_env, wait_for  # noqa: F401
from test_cache_trust import NOBODY, entry_key

pytestmark = pytest.mark.skipif(not (BIN_DIR / "git-credential-codecommit").exists(), reason="binaries not built")

def kill_during_write(env: dict[str, str], repo: str, host: str) -> Path:
    """Runs a credential request whose cache write pauses before its rename, SIGKILLs it
    there, and returns the temp file it left."""
    known = set(cache_dir(env).glob(f".{entry_key()}.*.tmp")) if cache_dir(env).exists() else set()
    proc = subprocess.Popen([str(BIN_DIR / "git-credential-codecommit"), "--profile", "deployer",
                             "--region", REGION, "get"], env={**env, PAUSE_ENV: "30000"},
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(f"protocol=http\nhost={host}\npath=v1/repos/{repo}\n\n".encode())
        proc.stdin.close()
        new = wait_for(lambda: set(cache_dir(env).glob(f".{entry_key()}.*.tmp")) - known, "the temp file")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    (temp,) = new
    return temp


def age(path: Path) -> Path:
    """Sets the path's own mtime (a symlink's, not its target's) an hour back."""
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    return path


def test_killed_writers_old_temp_file_is_removed_by_the_next_write(sts_endpoint, role_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    stale = age(kill_during_write(role_env, repo, sts_endpoint.host))
    fresh = kill_during_write(role_env, repo, sts_endpoint.host)
    assert not (cache_dir(role_env) / f"{entry_key()}.json").exists(), "killed before the rename"

    directory = cache_dir(role_env)
    pid_nanos = "4242.1764614400000000001"
    other_key = directory / f".{'0' * 40}.{pid_nanos}.tmp"
    other_key.write_text("{}")
    age(other_key)
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    age(outside)
    link = directory / f".{entry_key()}.4243.1764614400000000002.tmp"
    link.symlink_to(outside)
    age(link)
    subdir = directory / f".{entry_key()}.4244.1764614400000000003.tmp"
    subdir.mkdir()
    age(subdir)
    kept = [fresh, other_key, link, subdir]
    if os.geteuid() == 0:  # only root can plant a file another user owns
        foreign = directory / f".{entry_key()}.4245.1764614400000000004.tmp"
        foreign.write_text("{}")
        os.chown(foreign, NOBODY, NOBODY)
        age(foreign)
        kept.append(foreign)

    reply = credential_get(role_env, repo)
    assert reply.returncode == 0, reply.stderr
    assert "warning" not in reply.stderr, reply.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 3
    assert (directory / f"{entry_key()}.json").exists()
    assert not stale.exists(), "the killed writer's old temp file is still there"
    for path in kept:
        assert os.path.lexists(path), f"{path.name} was removed"
    assert link.is_symlink() and outside.read_text() == "keep"
    assert {p.name for p in directory.glob(".*.tmp")} == {p.name for p in kept}
