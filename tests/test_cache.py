"""Rotating credentials: the cross-process cache shared with the AWS CLI, single flight,
refresh margin, MFA on the terminal, and crash safety. STS is moto, in the endpoint process;
`Endpoint.sts_calls("assume_role")` counts the AssumeRole calls it received."""

from __future__ import annotations

import datetime as dt
import json
import signal
import stat
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = helpers.BIN_DIR
AWS = ROOT / ".venv" / "bin" / "aws"
REGION = "us-west-2"
ROLE_ARN = helpers.ROLE_ARN
MFA_SERIAL = helpers.MFA_SERIAL

pytestmark = pytest.mark.skipif(not (BIN_DIR / "git-credential-codecommit").exists(), reason="binaries not built")


@pytest.fixture
def role_env(sts_endpoint, isolated_env):
    """Env with a role profile and moto STS; our binaries first on PATH."""
    return helpers.role_profiles_env(sts_endpoint, isolated_env)


def cache_dir(env: dict[str, str]) -> Path:
    return Path(env["HOME"]) / ".aws" / "cli" / "cache"


def credential_get(env: dict[str, str], repo: str, profile: str = "deployer", **kw) -> subprocess.CompletedProcess:
    request = f"protocol=http\nhost={env['CODE_COMMIT_ENDPOINT'].split('://')[1]}\npath=v1/repos/{repo}\n\n"
    return subprocess.run(
        [str(BIN_DIR / "git-credential-codecommit"), "--profile", profile, "--region", REGION, "get"],
        input=request, env=env, capture_output=True, text=True, timeout=60, **kw,
    )


def reply_fields(stdout: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in stdout.splitlines() if "=" in line)


def test_aws_cli_session_is_reused_with_zero_sts_calls(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    aws = subprocess.run([str(AWS), "sts", "get-caller-identity", "--profile", "deployer"],
                         env=role_env, capture_output=True, text=True, timeout=120)
    assert aws.returncode == 0, aws.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    entries = list(cache_dir(role_env).glob("*.json"))
    assert len(entries) == 1, entries
    helpers.run_git(["ls-remote", f"codecommit::{REGION}://deployer@{repo}"], role_env)
    helpers.run_git(["ls-remote", f"codecommit::{REGION}://deployer@{repo}"], role_env)
    assert len(sts_endpoint.sts_calls("assume_role")) == 1, "git made its own AssumeRole call"
    cached = json.loads(entries[0].read_text())["Credentials"]["AccessKeyId"]
    used = {r["access_key_id"] for r in sts_endpoint.requests() if r["status"] == 200}
    assert used == {cached}


def test_our_session_is_reused_by_the_aws_cli(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    helpers.run_git(["ls-remote", f"codecommit::{REGION}://deployer@{repo}"], role_env)
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    aws = subprocess.run([str(AWS), "sts", "get-caller-identity", "--profile", "deployer"],
                         env=role_env, capture_output=True, text=True, timeout=120)
    assert aws.returncode == 0, aws.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 1, "the AWS CLI did not use our cache entry"


def test_cache_files_are_private(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    assert credential_get(role_env, repo).returncode == 0
    directory = cache_dir(role_env)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for entry in directory.iterdir():
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600, entry


def test_concurrent_cold_cache_makes_one_assume_role(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(lambda _: credential_get(role_env, repo), range(32)))
    assert [r.returncode for r in results] == [0] * 32, [r.stderr for r in results if r.returncode]
    usernames = {reply_fields(r.stdout)["username"] for r in results}
    assert len(usernames) == 1 and next(iter(usernames)).startswith("ASIA")
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    # Every reply is a valid signature: the endpoint accepts the same key.
    helpers.run_git(["ls-remote", f"codecommit::{REGION}://deployer@{repo}"], role_env)
    assert len(sts_endpoint.sts_calls("assume_role")) == 1


def seed_cache(env: dict[str, str], expires_in: dt.timedelta) -> Path:
    """Run once to learn the entry's file name, then rewrite its expiry."""
    entry = next(cache_dir(env).glob("*.json"))
    doc = json.loads(entry.read_text())
    expiry = dt.datetime.now(dt.timezone.utc) + expires_in
    doc["Credentials"]["Expiration"] = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
    entry.write_text(json.dumps(doc))
    return entry


def test_refresh_margin(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    assert credential_get(role_env, repo).returncode == 0
    seed_cache(role_env, dt.timedelta(minutes=30))
    assert credential_get(role_env, repo).returncode == 0
    assert len(sts_endpoint.sts_calls("assume_role")) == 1, "refreshed credentials valid for 30 minutes"
    seed_cache(role_env, dt.timedelta(minutes=5))
    reply = credential_get(role_env, repo)
    assert reply.returncode == 0
    assert len(sts_endpoint.sts_calls("assume_role")) == 2, "used credentials 5 minutes from expiry"
    expiry = int(reply_fields(reply.stdout)["password_expiry_utc"])
    assert expiry <= time.time() + 15 * 60 + 5
    # A configured margin of one hour refreshes credentials valid for 30 more minutes.
    seed_cache(role_env, dt.timedelta(minutes=30))
    assert credential_get({**role_env, "CODECOMMIT_AUTH_REFRESH_MARGIN": "3600"}, repo).returncode == 0
    assert len(sts_endpoint.sts_calls("assume_role")) == 3
    bad = credential_get({**role_env, "CODECOMMIT_AUTH_REFRESH_MARGIN": "soon"}, repo)
    assert bad.returncode == 22 and "CODECOMMIT_AUTH_REFRESH_MARGIN" in bad.stderr


def test_corrupt_or_foreign_cache_entry_is_replaced(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    assert credential_get(role_env, repo).returncode == 0
    entry = next(cache_dir(role_env).glob("*.json"))
    for garbage in ["{not json", '{"Credentials": {"AccessKeyId": 1}}', "", "[]"]:
        entry.write_text(garbage)
        reply = credential_get(role_env, repo)
        assert reply.returncode == 0, reply.stderr
        assert json.loads(entry.read_text())["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_unwritable_cache_degrades_with_a_warning(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    cli = cache_dir(role_env).parent
    cli.mkdir(parents=True)
    (cli / "cache").write_text("a file where the directory should be")
    reply = credential_get(role_env, repo)
    assert reply.returncode == 0, reply.stderr
    warnings = [line for line in reply.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cache" in warnings[0]


PAUSE_ENV = "CODECOMMIT_AUTH_TEST_PAUSE_BEFORE_RENAME"  # test-only hook in core/src/cache.rs


def wait_for(predicate, what: str, limit: float = 60.0):
    """Polls `predicate` until it returns something truthy; fails (never hangs) after `limit` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.01)
    pytest.fail(f"gave up waiting for {what}")


def test_kill_during_refresh_leaves_no_broken_cache(sts_endpoint, role_env):
    """SIGKILL while the refreshed entry is being written (temp file complete, rename not yet
    done, held there by the test-only pause): the old entry stays whole and is then replaced."""
    repo = sts_endpoint.add_repo().name
    assert credential_get(role_env, repo).returncode == 0
    old = seed_cache(role_env, dt.timedelta(minutes=1))  # within the margin: must be refreshed
    old_text = old.read_text()
    request = f"protocol=http\nhost={sts_endpoint.host}\npath=v1/repos/{repo}\n\n"
    proc = subprocess.Popen([str(BIN_DIR / "git-credential-codecommit"), "--profile", "deployer",
                             "--region", REGION, "get"], env={**role_env, PAUSE_ENV: "30000"},
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(request.encode())
        proc.stdin.close()
        temp = wait_for(lambda: list(cache_dir(role_env).glob(f".{old.stem}.*.tmp")), "the temp file")
        assert len(sts_endpoint.sts_calls("assume_role")) == 2, "killed before the refresh"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert old.read_text() == old_text, "the entry changed before the rename"
    assert json.loads(temp[0].read_text())["Credentials"]["AccessKeyId"].startswith("ASIA")
    # The next process is not stuck behind the dead one's lock and replaces the old entry.
    reply = credential_get(role_env, repo)
    assert reply.returncode == 0, reply.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 3
    assert old.read_text() != old_text
    json.loads(old.read_text())


def test_mfa_prompt_once_on_the_terminal(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    remote = f"codecommit::{REGION}://mfa@{repo}"
    status, output = helpers.run_in_pty(["git", "ls-remote", remote], role_env, "123456", timeout=60)
    assert status == 0, output
    assert output.count("MFA code for " + MFA_SERIAL) == 1
    calls = sts_endpoint.sts_calls("assume_role")
    assert len(calls) == 1
    assert calls[0]["SerialNumber"] == MFA_SERIAL and calls[0]["TokenCode"] == "123456"
    # Second git command: no terminal at all, served from the cached MFA session.
    proc = subprocess.run(["git", "ls-remote", remote], env=role_env, capture_output=True, text=True,
                          timeout=60, start_new_session=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 1


def test_mfa_without_terminal_is_explained(sts_endpoint, role_env):
    repo = sts_endpoint.add_repo().name
    reply = credential_get(role_env, repo, profile="mfa", start_new_session=True)
    assert reply.returncode == 17, reply.stderr
    assert "mfa" in reply.stderr and MFA_SERIAL in reply.stderr
    assert "aws sts get-caller-identity --profile mfa" in reply.stderr
    assert sts_endpoint.sts_calls("assume_role") == []
