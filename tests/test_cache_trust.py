"""The credential cache is not trusted blindly (issue 11, class 1), through the real CLI
programs against moto STS: a cache directory, entry or lock that another user could have
planted or that points elsewhere is neither read nor written, with one warning line that
names the fix, and a FIFO where a file belongs gives an answer at once instead of a hang.

Each case plants a *fresh, well-formed* entry whose key id is not one moto issues: if the
program used it, that key id would appear in the reply and no AssumeRole call would be made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from test_cache import BIN_DIR, REGION, ROLE_ARN, cache_dir, credential_get, reply_fields, role_env  # noqa: F401

pytestmark = pytest.mark.skipif(not (BIN_DIR / "git-credential-codecommit").exists(), reason="binaries not built")

PLANTED_KEY_ID = "ASIAPLANTEDBYANOTHER"
NOBODY = 65534


def entry_key() -> str:
    """botocore's cache key of the `deployer` profile (RoleArn only)."""
    return hashlib.sha1(json.dumps({"RoleArn": ROLE_ARN}, sort_keys=True).encode()).hexdigest()


def planted_entry() -> str:
    expiry = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    return json.dumps({"Credentials": {
        "AccessKeyId": PLANTED_KEY_ID, "SecretAccessKey": "planted-secret",
        "SessionToken": "planted-token", "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }})


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning" in line]


def assert_cache_bypassed(sts_endpoint, reply: subprocess.CompletedProcess, fix: str) -> None:
    """STS was asked, the answer is moto's key, and exactly one warning names the fix."""
    assert reply.returncode == 0, reply.stderr
    username = reply_fields(reply.stdout)["username"]
    assert PLANTED_KEY_ID not in reply.stdout
    assert username.startswith("ASIA")
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    found = warnings(reply.stderr)
    assert len(found) == 1, reply.stderr
    assert "credential cache" in found[0] and fix in found[0], found[0]


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757], ids=oct)
def test_entry_planted_in_a_writable_cache_dir_is_not_used(sts_endpoint, role_env, mode):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True)
    entry = directory / f"{entry_key()}.json"
    entry.write_text(planted_entry())
    os.chown(entry, NOBODY, NOBODY)  # planted by another user
    directory.chmod(mode)
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, f"chmod 700 {directory}")
    # Ignored for writing too: the planted file and the directory are left as they were.
    assert json.loads(entry.read_text())["Credentials"]["AccessKeyId"] == PLANTED_KEY_ID
    assert stat.S_IMODE(directory.stat().st_mode) == mode
    assert not (directory / f"{entry_key()}.lock").exists()


def test_entry_owned_by_another_user_is_not_used(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    entry = directory / f"{entry_key()}.json"
    entry.write_text(planted_entry())
    entry.chmod(0o644)
    os.chown(entry, NOBODY, NOBODY)
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, "chown")


def test_symlinked_cache_dir_target_is_not_chmod_ed(sts_endpoint, role_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    target = tmp_path / "shared-cache"
    target.mkdir()
    target.chmod(0o777)
    (target / f"{entry_key()}.json").write_text(planted_entry())
    cache_dir(role_env).parent.mkdir(parents=True)
    cache_dir(role_env).symlink_to(target)
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, "symbolic link")
    assert stat.S_IMODE(target.stat().st_mode) == 0o777, "the symlink's target was chmod-ed"
    assert sorted(p.name for p in target.iterdir()) == [f"{entry_key()}.json"]


def test_symlinked_cache_dir_to_a_private_target_is_used_as_is(sts_endpoint, role_env, tmp_path):
    """The user's own symlink to a directory that passes the check is followed, not chmod-ed."""
    repo = sts_endpoint.add_repo().name
    target = tmp_path / "my-cache"
    target.mkdir()
    target.chmod(0o755)
    cache_dir(role_env).parent.mkdir(parents=True)
    cache_dir(role_env).symlink_to(target)
    first = credential_get(role_env, repo)
    assert first.returncode == 0 and warnings(first.stderr) == [], first.stderr
    assert (target / f"{entry_key()}.json").exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    second = credential_get(role_env, repo)
    assert second.returncode == 0, second.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 1, "the entry in the linked directory was not reused"


def test_dangling_lock_symlink_creates_nothing_outside(sts_endpoint, role_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (directory / f"{entry_key()}.lock").symlink_to(outside / "created-through-the-link")
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, "symbolic link")
    assert list(outside.iterdir()) == []
    assert not (directory / f"{entry_key()}.json").exists(), "written without its lock"


def test_symlinked_entry_is_not_read_nor_written_through(sts_endpoint, role_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim.json"
    victim.write_text(planted_entry())
    (directory / f"{entry_key()}.json").symlink_to(victim)
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, "symbolic link")
    assert json.loads(victim.read_text())["Credentials"]["AccessKeyId"] == PLANTED_KEY_ID


@pytest.mark.parametrize("where", ["json", "lock"])
def test_fifo_in_place_of_entry_or_lock_answers_at_once(sts_endpoint, role_env, where):
    """`credential_get` has a 60 s timeout: a hang fails the test instead of stalling it."""
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    os.mkfifo(directory / f"{entry_key()}.{where}", 0o600)
    reply = credential_get(role_env, repo)
    assert_cache_bypassed(sts_endpoint, reply, "FIFO")


def test_codecommit_auth_url_bypasses_an_untrusted_cache_too(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True)
    (directory / f"{entry_key()}.json").write_text(planted_entry())
    directory.chmod(0o777)
    reply = subprocess.run(
        [str(BIN_DIR / "codecommit-auth"), "url", f"codecommit::{REGION}://deployer@{repo}"],
        env=role_env, capture_output=True, text=True, timeout=60,
    )
    assert reply.returncode == 0, reply.stderr
    assert PLANTED_KEY_ID not in reply.stdout
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    found = warnings(reply.stderr)
    assert len(found) == 1 and f"chmod 700 {directory}" in found[0], reply.stderr


def test_entry_with_a_line_break_in_the_token_is_replaced(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    entry = directory / f"{entry_key()}.json"
    doc = json.loads(planted_entry())
    doc["Credentials"]["SessionToken"] = "tok\nusername=evil"
    entry.write_text(json.dumps(doc))
    entry.chmod(0o600)
    reply = credential_get(role_env, repo)
    assert reply.returncode == 0, reply.stderr
    assert PLANTED_KEY_ID not in reply.stdout and "evil" not in reply.stdout
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    assert json.loads(entry.read_text())["Credentials"]["AccessKeyId"] != PLANTED_KEY_ID


def test_expired_entry_is_never_used(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    directory = cache_dir(role_env)
    directory.mkdir(parents=True, mode=0o700)
    doc = json.loads(planted_entry())
    doc["Credentials"]["Expiration"] = "2020-01-01T00:00:00Z"
    (directory / f"{entry_key()}.json").write_text(json.dumps(doc))
    reply = credential_get({**role_env, "CODECOMMIT_AUTH_REFRESH_MARGIN": "0"}, repo)
    assert reply.returncode == 0, reply.stderr
    assert PLANTED_KEY_ID not in reply.stdout
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
