"""Every read is bounded and every bad credential is refused, through the real CLI (issue 11,
classes 1, 2 and 5).

  token files      /dev/zero, a FIFO and a directory as web_identity_token_file (profile and
                   AWS_WEB_IDENTITY_TOKEN_FILE), a FIFO as the SSO token cache file: an error
                   at once naming the file and the 1 MiB limit
  credential_process  stdout flood (`yes`), stderr flood, a background grandchild holding
                   stdout (done when the process exits), timeout kills the whole process
                   group, already-expired output
  STS              a response body that never ends; a session token with a line break
                   (exit 18, nothing cached)
  config files     not UTF-8 (14 naming the file), a FIFO (14 at once)
  exit codes       source_profile naming a missing profile (13), a role profile that is its
                   own source_profile without keys (14) on aws-config's path too

Every run has RUST_BACKTRACE=1 set, as on many developer machines: no output may carry a
backtrace. A hang fails through subprocess's timeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shlex
import subprocess
import time
from pathlib import Path

import pytest

import helpers
from standins import credential_process as cp
from standins.endless import EndlessBody
from standins.sts import FlakySts

BIN_DIR = helpers.BIN_DIR
TOOL = BIN_DIR / "codecommit-auth"
REGION = "us-west-2"
ROLE_ARN = "arn:aws:iam::123456789012:role/deployer"
BASE = "[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = bounds-base-secret\n"
UNKNOWN_PROFILE, INVALID_CONFIG, CREDENTIAL_SOURCE, TIMEOUT = 13, 14, 18, 19
UTC = dt.timezone.utc

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason=f"binaries not built in {BIN_DIR}")


def env_for(isolated_env: dict[str, str], config: str = "", credentials: str = "", **extra: str) -> dict[str, str]:
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text(config)
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(credentials)
    return {**isolated_env, "RUST_BACKTRACE": "1", **extra}


def url(env: dict[str, str], profile: str | None, timeout: float = 60) -> subprocess.CompletedProcess:
    remote = f"codecommit::{REGION}://{profile + '@' if profile else ''}repo"
    return subprocess.run([str(TOOL), "url", remote], env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_error(proc: subprocess.CompletedProcess, status: int, *needles: str) -> None:
    print(f"\n[exit {proc.returncode}] {proc.stderr.strip()}")
    assert proc.returncode == status, f"exit {proc.returncode}, expected {status}: {proc.stderr}"
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for bad in ("panicked", "backtrace", "memory allocation", "RUST_BACKTRACE"):
        assert bad not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, f"{needle!r} not in {proc.stderr!r}"


def cache_entries(env: dict[str, str]) -> list[str]:
    """Cache entries (a `.lock` file is not one)."""
    directory = Path(env["HOME"]) / ".aws" / "cli" / "cache"
    return sorted(p.name for p in directory.glob("*.json")) if directory.exists() else []


# --------------------------------------------------------------------------
# Token files.
# --------------------------------------------------------------------------


def special_file(kind: str, tmp_path: Path) -> Path:
    if kind == "dev-zero":
        return Path("/dev/zero")
    path = tmp_path / f"token-{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "directory"])
def test_web_identity_token_file_that_is_not_a_regular_file(kind, isolated_env, tmp_path):
    token = special_file(kind, tmp_path)
    env = env_for(isolated_env, f"[profile wid]\nrole_arn = {ROLE_ARN}\nweb_identity_token_file = {token}\n",
                  AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    assert_error(url(env, "wid"), CREDENTIAL_SOURCE, '"wid"', str(token), "1 MiB")


def test_web_identity_token_from_environment_that_is_a_fifo(isolated_env, tmp_path):
    token = special_file("fifo", tmp_path)
    env = env_for(isolated_env, "[profile plain]\nregion = us-west-2\n", AWS_WEB_IDENTITY_TOKEN_FILE=str(token),
                  AWS_ROLE_ARN=ROLE_ARN, AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    assert_error(url(env, "plain"), CREDENTIAL_SOURCE, f"AWS_WEB_IDENTITY_TOKEN_FILE {token}", "1 MiB")


def test_sso_token_cache_file_that_is_a_fifo(isolated_env):
    env = env_for(isolated_env, "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
                  "sso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                  "sso_region = us-east-1\n")
    cache = Path(env["HOME"]) / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    token = cache / (hashlib.sha1(b"corp").hexdigest() + ".json")
    os.mkfifo(token)
    assert_error(url(env, "dev"), CREDENTIAL_SOURCE, '"dev"', str(token), "1 MiB")


# --------------------------------------------------------------------------
# credential_process.
# --------------------------------------------------------------------------


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o700)
    return shlex.quote(str(path))


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_credential_process_flood(stream, isolated_env, tmp_path):
    command = script(tmp_path, "flood", "exec yes\n" if stream == "stdout" else "exec yes >&2\n")
    env = env_for(isolated_env, f"[profile proc]\ncredential_process = {command}\n")
    assert_error(url(env, "proc"), CREDENTIAL_SOURCE, '"proc"', "credential_process", stream, "1 MiB")


def test_credential_process_done_when_it_exits(isolated_env, tmp_path):
    """A background grandchild keeps stdout open for 100 s; the answer does not wait for it."""
    json_ = '{"Version": 1, "AccessKeyId": "AKIAPROCPROCPROCPROC", "SecretAccessKey": "proc-secret"}'
    command = script(tmp_path, "daemon", f"echo '{json_}'\nsleep 100 &\nexit 0\n")
    env = env_for(isolated_env, f"[profile proc]\ncredential_process = {command}\n")
    proc = url(env, "proc", timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert "AKIAPROCPROCPROCPROC" in proc.stdout


def test_credential_process_timeout_kills_the_whole_group(isolated_env, tmp_path):
    pids = tmp_path / "pids"
    command = script(tmp_path, "hang", f"sleep 100 & echo $! > {pids}\nsleep 100 & echo $! >> {pids}\nwait\n")
    env = env_for(isolated_env, f"[profile proc]\ncredential_process = {command}\n",
                  CODECOMMIT_AUTH_OPERATION_TIMEOUT="2")
    assert_error(url(env, "proc"), TIMEOUT, '"proc"', "credential_process")
    for pid in pids.read_text().split():
        stat = Path("/proc") / pid / "stat"
        for _ in range(200):  # reaping by init is asynchronous; this is a bound, not a timing
            if not stat.exists() or ") Z " in stat.read_text():
                break
            time.sleep(0.05)
        else:
            os.kill(int(pid), 9)
            pytest.fail(f"grandchild {pid} of the timed-out credential_process still runs")


def test_credential_process_output_already_expired(isolated_env, tmp_path):
    past = dt.datetime.now(UTC) - dt.timedelta(minutes=5)
    command = cp.good(tmp_path, "ASIAEXPIREDEXPIRED01", "expired-secret", "expired-token", expiration=past)
    env = env_for(isolated_env, f"[profile proc]\ncredential_process = {command}\n")
    proc = url(env, "proc")
    assert_error(proc, CREDENTIAL_SOURCE, '"proc"', "expired")
    assert "expired-secret" not in proc.stderr and "expired-token" not in proc.stderr


# --------------------------------------------------------------------------
# STS answers.
# --------------------------------------------------------------------------


ROLE_CONFIG = f"[profile deployer]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n"


def test_sts_body_that_never_ends(isolated_env):
    with EndlessBody() as sts:
        env = env_for(isolated_env, ROLE_CONFIG, BASE, AWS_ENDPOINT_URL_STS=sts.url)
        proc = url(env, "deployer", timeout=120)
    assert_error(proc, CREDENTIAL_SOURCE, '"deployer"', "larger than 1 MiB")
    assert cache_entries(env) == []


class LineBreakSts(FlakySts):
    """Valid AssumeRole answers whose session token holds a line break."""

    def _success(self, form):
        response = super()._success(form)
        response.body = response.body.replace("<SessionToken>FwoG", "<SessionToken>Fwo\nG")
        return response


def test_sts_session_token_with_a_line_break_is_refused_and_not_cached(isolated_env):
    with LineBreakSts([]) as sts:
        env = env_for(isolated_env, ROLE_CONFIG, BASE, AWS_ENDPOINT_URL_STS=sts.url)
        proc = url(env, "deployer")
    assert sts.issued, "STS was not called"
    assert_error(proc, CREDENTIAL_SOURCE, '"deployer"', "control characters or line breaks")
    for _, secret, token in sts.issued:
        assert secret not in proc.stderr and token.split("\n")[0][5:] not in proc.stderr
    assert cache_entries(env) == []


# --------------------------------------------------------------------------
# Config files and exit codes.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["config", "credentials"])
def test_config_file_that_is_not_utf8(which, isolated_env):
    env = env_for(isolated_env, "[profile p]\nregion = us-west-2\n", BASE)
    path = Path(env["AWS_CONFIG_FILE" if which == "config" else "AWS_SHARED_CREDENTIALS_FILE"])
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    assert_error(url(env, "p"), INVALID_CONFIG, str(path), "UTF-8")


def test_config_file_that_is_a_fifo(isolated_env, tmp_path):
    env = env_for(isolated_env)
    fifo = tmp_path / "config-fifo"
    os.mkfifo(fifo)
    env["AWS_CONFIG_FILE"] = str(fifo)
    assert_error(url(env, "p"), INVALID_CONFIG, str(fifo), "FIFO")


@pytest.mark.parametrize("extra", ["", "duration_seconds = 900\n"], ids=["aws-config-path", "duration-path"])
def test_source_profile_that_does_not_exist(extra, isolated_env):
    env = env_for(isolated_env, f"[profile r]\nrole_arn = {ROLE_ARN}\nsource_profile = nowhere\n{extra}",
                  AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    assert_error(url(env, "r"), UNKNOWN_PROFILE, '"nowhere"', '"r"')


@pytest.mark.parametrize("extra", ["", "duration_seconds = 900\n"], ids=["aws-config-path", "duration-path"])
def test_own_source_profile_without_keys(extra, isolated_env):
    env = env_for(isolated_env, f"[profile me]\nrole_arn = {ROLE_ARN}\nsource_profile = me\n{extra}",
                  AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    assert_error(url(env, "me"), INVALID_CONFIG, '"me"', "own source_profile")


def test_suggested_command_quotes_the_profile(isolated_env):
    env = env_for(isolated_env, "[profile real]\nregion = us-west-2\n", AWS_PROFILE="x$(touch pwned)")
    proc = url(env, None)
    assert_error(proc, UNKNOWN_PROFILE, "aws configure --profile 'x$(touch pwned)'")


def test_container_authorization_token_file_that_is_a_fifo(isolated_env, tmp_path):
    token = special_file("fifo", tmp_path)
    env = env_for(isolated_env, "[profile plain]\nregion = us-west-2\n",
                  AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:9/creds",
                  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(token))
    assert_error(url(env, "plain"), CREDENTIAL_SOURCE, f"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {token}", "1 MiB")
