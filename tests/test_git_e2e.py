"""Real git, end to end, against the local SigV4-verifying CodeCommit endpoint.

Covers: clone/commit/push/fetch through `codecommit://` (our remote helper) and through
`https://` (our credential helper); wrong secrets; no secret in any process's argv; no
password kept by other credential helpers; the official helper's command line working
unchanged with ours; assumed-role credentials from moto's STS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = helpers.BIN_DIR
VENV_BIN = ROOT / ".venv" / "bin"
REGION = "us-west-2"

pytestmark = pytest.mark.skipif(
    not (BIN_DIR / "git-remote-codecommit").exists(), reason=f"binaries not built in {BIN_DIR}"
)


def ours(env: dict[str, str], **extra: str) -> dict[str, str]:
    """`env` with our binaries first on PATH."""
    return {**env, "PATH": f"{BIN_DIR}:{env['PATH']}", **extra}


def official(env: dict[str, str], **extra: str) -> dict[str, str]:
    """`env` with the official git-remote-codecommit (from PyPI) first on PATH."""
    return {**env, "PATH": f"{VENV_BIN}:{env['PATH']}", **extra}


def write_aws_files(env: dict[str, str], config: str = "", credentials: str = "") -> None:
    Path(env["AWS_CONFIG_FILE"]).write_text(config)
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(credentials)


def commit_file(work: Path, env: dict[str, str], name: str, data: bytes) -> None:
    (work / name).write_bytes(data)
    helpers.run_git(["add", name], env, cwd=work)
    helpers.run_git(["commit", "-q", "-m", f"add {name}"], env, cwd=work)


def clone_push_fetch(remote: str, env: dict[str, str], tmp: Path) -> None:
    """Clone, commit, push, then fetch the push from a second clone."""
    first, second = tmp / "first", tmp / "second"
    helpers.run_git(["clone", "-q", remote, str(first)], env)
    commit_file(first, env, "hello.txt", b"hello from codecommit-auth\n")
    helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=first)
    helpers.run_git(["clone", "-q", remote, str(second)], env)
    commit_file(second, env, "second.txt", b"second\n")
    helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=second)
    helpers.run_git(["fetch", "-q", "origin"], env, cwd=first)
    log = helpers.run_git(["log", "--format=%s", "origin/main"], env, cwd=first).stdout
    assert log.split() == ["add", "second.txt", "add", "hello.txt"]


def test_codecommit_remote_over_http(endpoint, isolated_env, tmp_path):
    akid, secret, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    env = ours(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
               CODE_COMMIT_ENDPOINT=endpoint.url)
    clone_push_fetch(f"codecommit::{REGION}://{repo}", env, tmp_path)
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


def test_codecommit_remote_with_profile_over_tls(tls_endpoint, isolated_env, tmp_path):
    akid, secret, token = tls_endpoint.new_key(token=True)
    repo = tls_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config="[profile other]\nregion = eu-west-1\n",
        credentials=f"[dev@team]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"
        f"aws_session_token = {token}\n",
    )
    # Keys in the environment must lose to the profile named in the URL (as in botocore).
    env = ours(isolated_env, AWS_ACCESS_KEY_ID="AKIAWRONGWRONGWRONG1", AWS_SECRET_ACCESS_KEY="x",
               CODE_COMMIT_ENDPOINT=tls_endpoint.host, GIT_SSL_CAINFO=tls_endpoint.ca)
    clone_push_fetch(f"codecommit::{REGION}://dev@team@{repo}", env, tmp_path)


def test_https_url_with_credential_helper(tls_endpoint, isolated_env, tmp_path):
    akid, secret, token = tls_endpoint.new_key(token=True)
    repo = tls_endpoint.add_repo().name
    helper = f"!{BIN_DIR}/git-credential-codecommit --endpoint {tls_endpoint.host} --region {REGION}"
    env = ours(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
               AWS_SESSION_TOKEN=token, GIT_SSL_CAINFO=tls_endpoint.ca)
    for key, value in [("credential.helper", helper), ("credential.useHttpPath", "true")]:
        helpers.run_git(["config", "--global", key, value], env)
    clone_push_fetch(tls_endpoint.repo_url(repo), env, tmp_path)


def test_wrong_secret_fails_with_the_servers_reason(endpoint, isolated_env, tmp_path):
    akid, _, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    env = ours(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY="not-the-secret",
               CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = helpers.run_git(["clone", f"codecommit::{REGION}://{repo}", str(tmp_path / "c")], env, check=False)
    assert proc.returncode != 0
    assert "signature does not match" in proc.stderr
    assert not (tmp_path / "c").exists()


def test_bad_remote_and_unknown_profile_are_explained(endpoint, isolated_env, tmp_path):
    env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = helpers.run_git(["clone", "codecommit://nobody@repo", str(tmp_path / "a")], env, check=False)
    assert proc.returncode != 0
    assert 'AWS profile "nobody" is not defined' in proc.stderr
    proc = helpers.run_git(["clone", "codecommit::us-west-2://bad/name", str(tmp_path / "b")], env, check=False)
    assert "Accepted forms" in proc.stderr
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr


def test_no_secret_in_any_argv_and_no_password_stored(endpoint, isolated_env, tmp_path):
    akid, secret, token = endpoint.new_key(token=True)
    repo = endpoint.add_repo().name
    store = Path(isolated_env["HOME"]) / ".git-credentials"
    env = ours(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
               AWS_SESSION_TOKEN=token, CODE_COMMIT_ENDPOINT=endpoint.url)
    # A user-level helper that would persist any password it is given.
    helpers.run_git(["config", "--global", "credential.helper", f"store --file={store}"], env)
    work = tmp_path / "w"
    with helpers.ArgvWatcher() as watcher:
        helpers.run_git(["clone", "-q", f"codecommit::{REGION}://{repo}", str(work)], env)
        commit_file(work, env, "big.bin", os.urandom(4 * 1024 * 1024))
        helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=work)
    assert any("remote-http" in argv for argv in watcher.seen), "the watcher saw no git transport"
    assert watcher.leaks(secret, token) == []
    assert not store.exists() or store.read_text() == ""


def test_official_helper_leaks_argv_which_the_watcher_detects(tls_endpoint, isolated_env, tmp_path):
    """Proves helpers.ArgvWatcher can fail: the official helper puts the password in argv."""
    akid, secret, token = tls_endpoint.new_key(token=True)
    repo = tls_endpoint.add_repo().name
    env = official(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
                   AWS_SESSION_TOKEN=token, AWS_DEFAULT_REGION=REGION,
                   CODE_COMMIT_ENDPOINT=tls_endpoint.host, GIT_SSL_CAINFO=tls_endpoint.ca)
    work = tmp_path / "w"
    with helpers.ArgvWatcher() as watcher:
        helpers.run_git(["clone", "-q", f"codecommit::{REGION}://{repo}", str(work)], env)
        commit_file(work, env, "big.bin", os.urandom(4 * 1024 * 1024))
        helpers.run_git(["push", "-q", "origin", "HEAD:main"], env, cwd=work)
    assert watcher.leaks(secret, token) != []


@pytest.mark.parametrize("helper", ["official", "ours"])
def test_same_command_line_as_the_official_helper(helper, tls_endpoint, isolated_env, tmp_path):
    akid, secret, _ = tls_endpoint.new_key()
    repo = tls_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config="[profile demo]\nregion = us-east-1\n",
        credentials=f"[demo]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n",
    )
    extra = {"CODE_COMMIT_ENDPOINT": tls_endpoint.host, "GIT_SSL_CAINFO": tls_endpoint.ca}
    env = official(isolated_env, **extra) if helper == "official" else ours(isolated_env, **extra)
    which = shutil.which("git-remote-codecommit", path=env["PATH"])
    assert which and Path(which).parent == (VENV_BIN if helper == "official" else BIN_DIR)
    clone_push_fetch(f"codecommit::{REGION}://demo@{repo}", env, tmp_path)


def test_assumed_role_from_moto_sts(sts_endpoint, isolated_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config="[profile base]\nregion = us-east-1\n"
        "[profile deployer]\nrole_arn = arn:aws:iam::123456789012:role/deployer\n"
        "source_profile = base\nrole_session_name = e2e\n",
        credentials="[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = base-secret\n",
    )
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)
    clone_push_fetch(f"codecommit::{REGION}://deployer@{repo}", env, tmp_path)
    keys = {r["access_key_id"] for r in sts_endpoint.requests() if r["status"] == 200}
    assert keys and all(k.startswith("ASIA") for k in keys), keys


def test_exit_status_is_passed_through(endpoint, isolated_env, tmp_path):
    akid, secret, _ = endpoint.new_key()
    env = ours(isolated_env, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret,
               CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = helpers.run_git(["ls-remote", f"codecommit::{REGION}://does-not-exist"], env, check=False)
    assert proc.returncode != 0
    repo = endpoint.add_repo().name
    proc = subprocess.run([str(BIN_DIR / "git-remote-codecommit"), "origin"], env=env,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "two arguments" in proc.stderr
    assert helpers.run_git(["ls-remote", f"codecommit::{REGION}://{repo}"], env).returncode == 0
