"""The AWS CodeCommit guide's set-up with environment variables and `--profile default`.

The guide (HTTPS with the credential helper, Linux/macOS) has the user export
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, then configure
`credential.helper '!aws codecommit credential-helper --profile default $@'`. When the AWS
files define no credentials for `default` (missing, or only settings such as region), the
environment keys are used (issue 14 section 6). A `default` profile with keys of its own,
and every other named profile, keep botocore's rule: a named profile disables the
environment keys. Real git, our credential and remote helpers, the local SigV4 endpoint.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
REGION = "us-west-2"

pytestmark = pytest.mark.skipif(
    not (BIN_DIR / "git-credential-codecommit").exists(), reason=f"binaries not built in {BIN_DIR}"
)


def guide_env(isolated_env: dict[str, str], akid: str, secret: str, token: str | None) -> dict[str, str]:
    """The three exported variables (the token only when there is one), our binaries on PATH."""
    env = {**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}",
           "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret}
    if token:
        env["AWS_SESSION_TOKEN"] = token
    return env


def configure_helper(env: dict[str, str], endpoint) -> None:
    """The guide's two `git config --global` lines, with our helper in place of `aws codecommit`."""
    helper = (f"!{BIN_DIR}/git-credential-codecommit --profile default "
              f"--endpoint {endpoint.host} --region {REGION} $@")
    helpers.run_git(["config", "--global", "credential.helper", helper], env)
    helpers.run_git(["config", "--global", "credential.UseHttpPath", "true"], env)


def accepted_keys(endpoint) -> set[str]:
    return {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200}


def test_guide_steps_without_aws_files_use_the_exported_keys(tls_endpoint, isolated_env, tmp_path):
    akid, secret, token = tls_endpoint.new_key(token=True)
    repo = tls_endpoint.add_repo().name
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        Path(isolated_env[name]).unlink(missing_ok=True)
    env = guide_env(isolated_env, akid, secret, token)
    env["GIT_SSL_CAINFO"] = tls_endpoint.ca
    configure_helper(env, tls_endpoint)
    helpers.run_git(["clone", "-q", tls_endpoint.repo_url(repo), str(tmp_path / "c")], env)
    assert (tmp_path / "c" / ".git").is_dir()
    assert accepted_keys(tls_endpoint) == {akid}


def test_default_with_only_a_region_uses_the_exported_keys(tls_endpoint, isolated_env, tmp_path):
    akid, secret, _ = tls_endpoint.new_key()
    repo = tls_endpoint.add_repo().name
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text("[default]\nregion = us-west-2\noutput = json\n")
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text("")
    env = guide_env(isolated_env, akid, secret, None)
    env["GIT_SSL_CAINFO"] = tls_endpoint.ca
    configure_helper(env, tls_endpoint)
    helpers.run_git(["clone", "-q", tls_endpoint.repo_url(repo), str(tmp_path / "c")], env)
    assert accepted_keys(tls_endpoint) == {akid}
    # doctor says why the environment keys are used.
    proc = subprocess.run([str(BIN_DIR / "codecommit-auth"), "doctor", f"codecommit::{REGION}://default@{repo}"],
                          env={**env, "CODE_COMMIT_ENDPOINT": tls_endpoint.host}, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "profile default defines no credentials" in proc.stdout, proc.stdout + proc.stderr


def test_codecommit_remote_default_profile_uses_the_exported_keys(tls_endpoint, isolated_env, tmp_path):
    akid, secret, token = tls_endpoint.new_key(token=True)
    repo = tls_endpoint.add_repo().name
    env = guide_env(isolated_env, akid, secret, token)
    env.update(CODE_COMMIT_ENDPOINT=tls_endpoint.host, GIT_SSL_CAINFO=tls_endpoint.ca)
    helpers.run_git(["clone", "-q", f"codecommit::{REGION}://default@{repo}", str(tmp_path / "c")], env)
    assert accepted_keys(tls_endpoint) == {akid}


def test_default_with_its_own_keys_keeps_them(tls_endpoint, isolated_env, tmp_path):
    profile_akid, profile_secret, _ = tls_endpoint.new_key()
    env_akid, env_secret, _ = tls_endpoint.new_key()
    repo = tls_endpoint.add_repo().name
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[default]\naws_access_key_id = {profile_akid}\naws_secret_access_key = {profile_secret}\n")
    env = guide_env(isolated_env, env_akid, env_secret, None)
    env["GIT_SSL_CAINFO"] = tls_endpoint.ca
    configure_helper(env, tls_endpoint)
    helpers.run_git(["clone", "-q", tls_endpoint.repo_url(repo), str(tmp_path / "c")], env)
    assert accepted_keys(tls_endpoint) == {profile_akid}


def test_another_named_profile_does_not_take_the_exported_keys(tls_endpoint, isolated_env, tmp_path):
    akid, secret, _ = tls_endpoint.new_key()
    repo = tls_endpoint.add_repo().name
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text("[profile dev]\nregion = us-west-2\n")
    env = guide_env(isolated_env, akid, secret, None)
    env.update(CODE_COMMIT_ENDPOINT=tls_endpoint.host, GIT_SSL_CAINFO=tls_endpoint.ca)
    proc = helpers.run_git(["clone", "-q", f"codecommit::{REGION}://dev@{repo}", str(tmp_path / "c")],
                           env, check=False)
    assert proc.returncode != 0
    assert "dev" in proc.stderr
    assert accepted_keys(tls_endpoint) == set()
