"""Tests of the local CodeCommit endpoint itself (tests/endpoint/codecommit_endpoint.py).

Other end-to-end tests trust this endpoint to accept exactly the credentials CodeCommit
would, so it is checked here against the reference signer in helpers.py and against real
git clients: wrong keys, stale signatures and wrong tokens must fail with a reason.
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest

import helpers

# Tests of the test harness, not of the product (see the `harness` marker in conftest.py).
pytestmark = pytest.mark.harness

ROLE_ARN = "arn:aws:iam::123456789012:role/git-user"


# --------------------------------------------------------------------------
# Utilities.
# --------------------------------------------------------------------------


def info_refs(endpoint, repo: str, username: str | None = None, password: str | None = None):
    """GET info/refs for upload-pack; returns (status, headers, body text)."""
    request = urllib.request.Request(f"{endpoint.repo_url(repo)}/info/refs?service=git-upload-pack")
    if username is not None:
        request.add_header("Authorization", helpers.basic_auth_header(username, password))
    context = ssl.create_default_context(cafile=endpoint.ca) if endpoint.ca else None
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read().decode()


def password_for(endpoint, repo: str, secret: str, region: str = helpers.DEFAULT_REGION, t=None, host=None) -> str:
    return helpers.sign_password("unused", secret, region, host or endpoint.host, f"/v1/repos/{repo}", t)


def assert_log_clean(endpoint, *values: str | None) -> None:
    """No secret, password or token, raw or percent-encoded, in requests.log."""
    log = endpoint.log_text()
    assert log, "requests.log is empty"
    for value in filter(None, values):
        assert value not in log
        assert helpers.quote_userinfo(value) not in log


def seed_commit(bare: Path, env: dict) -> str:
    """Put one commit on main in a bare repository without going through HTTP."""
    tree_id = helpers.run_git(["--git-dir", str(bare), "hash-object", "-t", "tree", "-w", os.devnull], env).stdout.strip()
    commit = helpers.run_git(["--git-dir", str(bare), "commit-tree", tree_id, "-m", "seed"], env).stdout.strip()
    helpers.run_git(["--git-dir", str(bare), "update-ref", "refs/heads/main", commit], env)
    return commit


def commit_file(work: Path, env: dict, name: str, data: bytes, message: str) -> str:
    (work / name).write_bytes(data)
    helpers.run_git(["add", name], env, cwd=work)
    helpers.run_git(["commit", "-q", "-m", message], env, cwd=work)
    return helpers.run_git(["rev-parse", "HEAD"], env, cwd=work).stdout.strip()


def sts_client(endpoint):
    # moto accepts any credentials; these only have to look like credentials.
    return boto3.client(
        "sts",
        endpoint_url=endpoint.sts_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# --------------------------------------------------------------------------
# Authentication at the HTTP level.
# --------------------------------------------------------------------------


def test_no_credentials_is_401_with_basic_challenge(endpoint):
    repo = endpoint.add_repo().name
    status, headers, body = info_refs(endpoint, repo)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Basic realm="AWS CodeCommit"'
    assert "authentication required" in body


def test_valid_signature_is_200(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    status, headers, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret))
    assert status == 200, body
    assert headers["Content-Type"] == "application/x-git-upload-pack-advertisement"
    [entry] = [r for r in endpoint.requests() if r["status"] == 200]
    assert entry["access_key_id"] == akid
    assert entry["signed_host"] == endpoint.host
    assert entry["region"] == helpers.DEFAULT_REGION


def test_wrong_secret_is_403_with_reason(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    password = password_for(endpoint, repo, helpers.random_secret())
    status, headers, body = info_refs(endpoint, repo, akid, password)
    assert status == 403
    assert headers["Content-Type"].startswith("text/plain")
    assert body.startswith("signature does not match: check the secret access key")
    assert body.count("\n") == 1
    assert_log_clean(endpoint, secret, password)


def test_signature_for_another_repo_is_403(endpoint):
    repo, other = endpoint.add_repo().name, endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, other, secret))
    assert status == 403
    assert "signature does not match" in body


def test_signature_20_minutes_old_is_403_mentioning_clock(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20)
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, t=old))
    assert status == 403
    assert f"signature time {old:%Y%m%dT%H%M%S} is" in body
    assert "check the system clock" in body


def test_signature_10_minutes_old_is_accepted(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    t = time.time() - 600
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, t=t))
    assert status == 200, body


def test_unknown_access_key_is_403(endpoint):
    repo = endpoint.add_repo().name
    akid = helpers.random_access_key_id()
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, helpers.random_secret()))
    assert status == 403
    assert body.startswith(f"unknown access key id {akid}")


@pytest.mark.parametrize(
    "password",
    ["hunter2", "20260101T000000" + "a" * 64, "20261399T000000Z" + "a" * 64, "20260101T000000Z" + "A" * 64],
)
def test_malformed_password_is_403(endpoint, password):
    repo = endpoint.add_repo().name
    akid, _, _ = endpoint.new_key()
    status, _, body = info_refs(endpoint, repo, akid, password)
    assert status == 403
    assert body.startswith("malformed password")


def test_unknown_repository_is_404_only_after_authentication(endpoint):
    akid, secret, _ = endpoint.new_key()
    status, _, _ = info_refs(endpoint, "no-such-repo")
    assert status == 401
    status, _, body = info_refs(endpoint, "no-such-repo", akid, password_for(endpoint, "no-such-repo", secret))
    assert status == 404
    assert body == "repository no-such-repo does not exist\n"


def test_host_without_port_is_accepted_like_the_aws_cli_helper(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, host="127.0.0.1"))
    assert status == 200, body
    assert endpoint.requests()[-1]["signed_host"] == "127.0.0.1"


def test_other_listed_regions_are_accepted_and_unlisted_are_not(endpoint_factory):
    endpoint = endpoint_factory(regions=["eu-west-1", "cn-north-1"])
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    for region in ("eu-west-1", "cn-north-1"):
        status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, region=region))
        assert status == 200, body
        assert endpoint.requests()[-1]["region"] == region
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, region="us-east-1"))
    assert status == 403
    assert "tried eu-west-1,cn-north-1" in body


def test_clock_skew_option_moves_the_server_clock(endpoint_factory):
    endpoint = endpoint_factory(clock_skew=3600)
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret))
    assert status == 403
    assert "check the system clock" in body
    status, _, body = info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret, t=time.time() + 3600))
    assert status == 200, body


def test_session_token_from_secrets_json(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, token = endpoint.new_key(token=True)
    password = password_for(endpoint, repo, secret)

    status, _, body = info_refs(endpoint, repo, helpers.git_username(akid, token), password)
    assert status == 200, body
    assert endpoint.requests()[-1]["session_token"] is True

    status, _, body = info_refs(endpoint, repo, helpers.git_username(akid, token + "x"), password)
    assert (status, body.split(":")[0]) == (403, "session token does not match")

    status, _, body = info_refs(endpoint, repo, akid, password)
    assert (status, body.split(":")[0]) == (403, "missing session token")
    assert_log_clean(endpoint, secret, token, password)


def test_token_on_a_long_term_key_is_403(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    username = helpers.git_username(akid, helpers.random_session_token())
    status, _, body = info_refs(endpoint, repo, username, password_for(endpoint, repo, secret))
    assert (status, body.split(":")[0]) == (403, "unexpected session token")


def test_expired_credentials_from_secrets_json_are_403(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, token = "ASIA" + "EXPIRED1234567XY", helpers.random_secret(), helpers.random_session_token()
    endpoint.add_secret(akid, secret, token, expires="2020-01-01T00:00:00Z")
    status, _, body = info_refs(endpoint, repo, helpers.git_username(akid, token), password_for(endpoint, repo, secret))
    assert status == 403
    assert body.startswith(f"credentials for access key id {akid} expired at 2020-01-01T00:00:00Z")


def test_secrets_json_is_reloaded_while_running(endpoint):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    assert info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret))[0] == 200
    endpoint.add_secret(akid, helpers.random_secret())  # rotate the secret
    assert info_refs(endpoint, repo, akid, password_for(endpoint, repo, secret))[0] == 403


def test_stops_cleanly_on_sigterm(endpoint):
    assert endpoint.stop() == 0


# --------------------------------------------------------------------------
# Real git clients.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["endpoint", "tls_endpoint"])
def test_clone_commit_push_fetch(request, which, isolated_env, tmp_path):
    endpoint = request.getfixturevalue(which)
    env = dict(isolated_env, GIT_SSL_CAINFO=endpoint.ca) if endpoint.ca else isolated_env
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()

    first_url = endpoint.signed_url(repo, akid, secret)
    helpers.run_git(["clone", "-q", first_url, str(tmp_path / "a")], env)
    pushed = commit_file(tmp_path / "a", env, "README", b"hello\n", "first")
    helpers.run_git(["push", "-q", "origin", "main"], env, cwd=tmp_path / "a")

    second_url = endpoint.signed_url(repo, akid, secret)
    helpers.run_git(["clone", "-q", second_url, str(tmp_path / "b")], env)
    assert helpers.run_git(["rev-parse", "HEAD"], env, cwd=tmp_path / "b").stdout.strip() == pushed

    newer = commit_file(tmp_path / "a", env, "README", b"hello again\n", "second")
    helpers.run_git(["push", "-q", "origin", "main"], env, cwd=tmp_path / "a")
    helpers.run_git(["fetch", "-q", "origin"], env, cwd=tmp_path / "b")
    assert helpers.run_git(["rev-parse", "origin/main"], env, cwd=tmp_path / "b").stdout.strip() == newer

    services = {(r["method"], r["service"] or r["path"].rsplit("/", 1)[-1]) for r in endpoint.requests() if r["status"] == 200}
    assert ("POST", "git-receive-pack") in services
    assert ("POST", "git-upload-pack") in services
    for url in (first_url, second_url):
        password = url.split("@")[0].rsplit(":", 1)[1]
        assert_log_clean(endpoint, secret, password)


def test_large_push_uses_chunked_transfer(endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    akid, secret, _ = endpoint.new_key()
    work = tmp_path / "work"
    helpers.run_git(["clone", "-q", endpoint.signed_url(repo, akid, secret), str(work)], isolated_env)
    pushed = commit_file(work, isolated_env, "blob.bin", os.urandom(3 * 1024 * 1024), "big")
    helpers.run_git(["push", "-q", "origin", "main"], isolated_env, cwd=work)

    bare = endpoint.repos_dir / repo
    assert helpers.run_git(["--git-dir", str(bare), "rev-parse", "main"], isolated_env).stdout.strip() == pushed
    pushes = [r for r in endpoint.requests() if r["path"].endswith("/git-receive-pack") and r["status"] == 200]
    assert any(r["chunked"] and r["body_bytes"] > 3 * 1024 * 1024 for r in pushes), pushes


def test_gzip_request_bodies_reach_http_backend(endpoint, isolated_env, tmp_path):
    # git gzips an upload-pack request over 1 KiB.  A fetch into a repository whose
    # history the server has never seen negotiates in rounds of 16, 32, ... "have"
    # lines, and the second round is over that size.
    bare = endpoint.add_repo()
    wanted = seed_commit(bare, isolated_env)
    akid, secret, _ = endpoint.new_key()
    local = tmp_path / "local"
    helpers.run_git(["init", "-q", str(local)], isolated_env)
    for i in range(60):
        commit_file(local, isolated_env, "f", str(i).encode(), f"unrelated {i}")

    url = endpoint.signed_url(bare.name, akid, secret)
    helpers.run_git(["fetch", "-q", url, "main:refs/remotes/server/main"], isolated_env, cwd=local)
    assert helpers.run_git(["rev-parse", "server/main"], isolated_env, cwd=local).stdout.strip() == wanted
    gzipped = [r for r in endpoint.requests() if r["content_encoding"] == "gzip"]
    assert gzipped and all(r["status"] == 200 for r in gzipped), endpoint.requests()


def test_git_shows_the_reason_as_a_remote_message(endpoint, isolated_env):
    repo = endpoint.add_repo().name
    akid, _, _ = endpoint.new_key()
    url = endpoint.signed_url(repo, akid, helpers.random_secret())
    proc = helpers.run_git(["ls-remote", url], isolated_env, check=False)
    assert proc.returncode != 0
    assert "remote: signature does not match: check the secret access key" in proc.stderr


# --------------------------------------------------------------------------
# Temporary credentials from moto's STS.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["assume_role", "assume_role_with_web_identity", "get_session_token"])
def test_sts_credentials_work_with_git(sts_endpoint, isolated_env, operation):
    bare = sts_endpoint.add_repo()
    commit = seed_commit(bare, isolated_env)
    client = sts_client(sts_endpoint)
    if operation == "assume_role":
        creds = client.assume_role(RoleArn=ROLE_ARN, RoleSessionName="git")["Credentials"]
    elif operation == "assume_role_with_web_identity":
        creds = client.assume_role_with_web_identity(
            RoleArn=ROLE_ARN, RoleSessionName="git", WebIdentityToken="header.payload.signature"
        )["Credentials"]
    else:
        creds = client.get_session_token()["Credentials"]

    url = sts_endpoint.signed_url(bare.name, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    proc = helpers.run_git(["ls-remote", url], isolated_env)
    assert f"{commit}\trefs/heads/main" in proc.stdout

    ok = [r for r in sts_endpoint.requests() if r["status"] == 200]
    assert ok and all(r["source"] == "moto-sts" and r["session_token"] for r in ok)
    assert ok[0]["access_key_id"] == creds["AccessKeyId"]
    assert_log_clean(sts_endpoint, creds["SecretAccessKey"], creds["SessionToken"], url.split("@")[0])


def test_sts_wrong_session_token_is_403(sts_endpoint, isolated_env):
    repo = sts_endpoint.add_repo().name
    creds = sts_client(sts_endpoint).assume_role(RoleArn=ROLE_ARN, RoleSessionName="git")["Credentials"]
    other = sts_client(sts_endpoint).assume_role(RoleArn=ROLE_ARN, RoleSessionName="other")["Credentials"]

    url = sts_endpoint.signed_url(repo, creds["AccessKeyId"], creds["SecretAccessKey"], other["SessionToken"])
    proc = helpers.run_git(["ls-remote", url], isolated_env, check=False)
    assert proc.returncode != 0
    assert "remote: session token does not match" in proc.stderr
    assert sts_endpoint.requests()[-1]["status"] == 403

    # Without the token the key is recognised as temporary.
    status, _, body = info_refs(sts_endpoint, repo, creds["AccessKeyId"], password_for(sts_endpoint, repo, creds["SecretAccessKey"]))
    assert (status, body.split(":")[0]) == (403, "missing session token")


def test_sts_wrong_secret_is_403(sts_endpoint):
    repo = sts_endpoint.add_repo().name
    creds = sts_client(sts_endpoint).assume_role(RoleArn=ROLE_ARN, RoleSessionName="git")["Credentials"]
    username = helpers.git_username(creds["AccessKeyId"], creds["SessionToken"])
    status, _, body = info_refs(sts_endpoint, repo, username, password_for(sts_endpoint, repo, helpers.random_secret()))
    assert status == 403
    assert body.startswith("signature does not match")


def test_sts_expired_credentials_are_403(endpoint_factory):
    # Two hours ahead on the server's clock, a 15-minute role session has expired,
    # while a signature made for that clock is still fresh.
    skew = 7200
    endpoint = endpoint_factory(sts=True, clock_skew=skew)
    repo = endpoint.add_repo().name
    creds = sts_client(endpoint).assume_role(RoleArn=ROLE_ARN, RoleSessionName="git", DurationSeconds=900)["Credentials"]
    username = helpers.git_username(creds["AccessKeyId"], creds["SessionToken"])
    password = password_for(endpoint, repo, creds["SecretAccessKey"], t=time.time() + skew)
    status, _, body = info_refs(endpoint, repo, username, password)
    assert status == 403
    assert body.startswith(f"credentials for access key id {creds['AccessKeyId']} expired at")
    assert "get new temporary credentials" in body
