"""A revoked role session is dropped when git says the credentials failed (issue 14, section 5).

Real git, the local endpoint with moto's STS, a role profile and the shared cache: the
endpoint revokes the cached session's key (``revoked.json``). Git gets 401, sends ``erase`` to
our helper, which drops the session from the cache and says so in one line; the first git
command fails, the next one succeeds with a new session and exactly one more AssumeRole.

Git sends ``erase`` only after a 401 (checked here against git itself): after a 403 it calls
no credential helper at all, so nothing can be dropped; the last test pins that down.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
CONFIG = helpers.role_config(role_session_name="e2e")

pytestmark = pytest.mark.skipif(
    not (BIN_DIR / "git-credential-codecommit").exists(), reason=f"binaries not built in {BIN_DIR}"
)


@pytest.fixture
def setup(sts_endpoint, isolated_env):
    helpers.write_aws_files(isolated_env, CONFIG)
    env = {**isolated_env, "AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url}
    helper = f"!{BIN_DIR}/git-credential-codecommit --profile deployer --region us-east-1 --endpoint {sts_endpoint.url}"
    helpers.run_git(["config", "--global", "--add", "credential.helper", helper], env)
    helpers.run_git(["config", "--global", "credential.useHttpPath", "true"], env)
    repo = sts_endpoint.add_repo().name
    return sts_endpoint, env, sts_endpoint.repo_url(repo)


def session_keys(endpoint) -> list[str]:
    """Access key ids the endpoint accepted, in order (one per request)."""
    return [r["access_key_id"] for r in endpoint.requests() if r.get("status") == 200]


def cache_files(env: dict[str, str]) -> list[Path]:
    cache = Path(env["HOME"]) / ".aws" / "cli" / "cache"
    return sorted(cache.glob("*.json")) if cache.exists() else []


def revoke(endpoint, akid: str, status: int) -> None:
    (endpoint.root / "revoked.json").write_text(json.dumps({akid: status}))


def test_a_revoked_session_is_dropped_and_the_next_command_refreshes(setup):
    endpoint, env, url = setup
    helpers.run_git(["ls-remote", url], env)
    assert len(endpoint.sts_calls("assume_role")) == 1
    first = session_keys(endpoint)[-1]
    assert first.startswith("ASIA") and len(cache_files(env)) == 1
    revoke(endpoint, first, 401)

    failed = helpers.run_git(["ls-remote", url], env, check=False)
    assert failed.returncode != 0
    lines = [line for line in failed.stderr.splitlines() if line.startswith("git-credential-codecommit:")]
    assert len(lines) == 1, failed.stderr
    assert f"****{first[-4:]}" in lines[0] and "dropped it from the credential cache" in lines[0]
    assert "codecommit-auth doctor" in lines[0] and "deployer@" in lines[0]
    assert first not in lines[0], "the whole key id must not be shown"
    assert cache_files(env) == []
    assert len(endpoint.sts_calls("assume_role")) == 1, "erase must not start a session itself"

    helpers.run_git(["ls-remote", url], env)
    second = session_keys(endpoint)[-1]
    assert second != first and second.startswith("ASIA")
    assert len(endpoint.sts_calls("assume_role")) == 2
    # And the new session is cached again: one more command, no more AssumeRole.
    helpers.run_git(["ls-remote", url], env)
    assert len(endpoint.sts_calls("assume_role")) == 2


def test_erase_of_another_key_keeps_the_cached_session(setup):
    endpoint, env, url = setup
    helpers.run_git(["ls-remote", url], env)
    before = [p.read_bytes() for p in cache_files(env)]
    host = url.split("://", 1)[1].split("/", 1)[0]
    request = f"protocol=http\nhost={host}\npath={url.split(host + '/', 1)[1]}\nusername=ASIAOTHEROTHEROTHER1%tok\npassword=x\n\n"
    proc = subprocess.run(["git", "credential", "reject"], input=request, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    assert "no cached session held it" in proc.stderr
    assert [p.read_bytes() for p in cache_files(env)] == before


def test_after_a_403_git_sends_no_erase_so_the_session_stays(setup):
    endpoint, env, url = setup
    helpers.run_git(["ls-remote", url], env)
    first = session_keys(endpoint)[-1]
    revoke(endpoint, first, 403)
    failed = helpers.run_git(["ls-remote", url], env, check=False)
    assert failed.returncode != 0 and "403" in failed.stderr
    assert "git-credential-codecommit:" not in failed.stderr
    assert len(cache_files(env)) == 1


def test_through_the_remote_helper(sts_endpoint, isolated_env):
    """codecommit:// remotes: git-remote-codecommit injects our helper, which gets the erase."""
    helpers.write_aws_files(isolated_env, CONFIG)
    env = {**isolated_env, "AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url, "CODE_COMMIT_ENDPOINT": sts_endpoint.url,
           "PATH": f"{BIN_DIR}:{isolated_env['PATH']}"}
    remote = f"codecommit::us-east-1://deployer@{sts_endpoint.add_repo().name}"
    helpers.run_git(["ls-remote", remote], env)
    first = session_keys(sts_endpoint)[-1]
    revoke(sts_endpoint, first, 401)
    failed = helpers.run_git(["ls-remote", remote], env, check=False)
    assert failed.returncode != 0 and "dropped it from the credential cache" in failed.stderr, failed.stderr
    helpers.run_git(["ls-remote", remote], env)
    assert session_keys(sts_endpoint)[-1] != first
    assert len(sts_endpoint.sts_calls("assume_role")) == 2
