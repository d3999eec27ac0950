"""The `aws login` token cache is read bounded (issue 11: every read bounded, trust nothing on
disk), as the SSO token cache in test_bounds.py is: a FIFO, a directory, a device or an
oversized file at the path aws-config's login_session provider reads gives one clean error
line at once (exit 18) naming the profile, the file and the fix, instead of a hang or a
read without end.

The path is aws-config 1.13's rule: `$AWS_LOGIN_CACHE_DIRECTORY` or `~/.aws/login/cache`,
then the sha256 of the trimmed login_session, `.json`. Error lines redact 64-hex runs as
signature-shaped, so the file is named by its directory and its login_session.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from test_bounds import CREDENTIAL_SOURCE, ROLE_ARN, TOOL, assert_error, env_for, special_file, url

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason="binaries not built")

SESSION = "arn:aws:iam::123456789012:user/Admin"
LOGIN_PROFILE = f"[profile dev]\nlogin_session = {SESSION}\nregion = us-east-1\n"


def token_path(directory: Path) -> Path:
    return directory / (hashlib.sha256(SESSION.encode()).hexdigest() + ".json")


def names_the_file(token: Path) -> tuple[str, ...]:
    """What the error line must carry to find `token`: its directory and the session."""
    return str(token.parent), f"login_session {SESSION}"


def plant(kind: str, path: Path, tmp_path: Path) -> None:
    """A FIFO, a directory, /dev/zero (through a symlink) or a 2 MiB file at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "oversized":
        with path.open("wb") as f:
            f.truncate(2 * 1024 * 1024)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        special_file(kind, tmp_path).rename(path)


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev-zero", "oversized"])
def test_login_token_cache_file_that_is_not_a_small_regular_file(kind, isolated_env, tmp_path):
    env = env_for(isolated_env, LOGIN_PROFILE)
    token = token_path(Path(env["HOME"]) / ".aws" / "login" / "cache")
    plant(kind, token, tmp_path)
    assert_error(url(env, "dev"), CREDENTIAL_SOURCE, '"dev"', *names_the_file(token), "1 MiB",
                 "aws login --profile dev")


def test_login_token_cache_directory_from_the_environment(isolated_env, tmp_path):
    directory = tmp_path / "login-cache"
    env = env_for(isolated_env, LOGIN_PROFILE, AWS_LOGIN_CACHE_DIRECTORY=str(directory))
    token = token_path(directory)
    plant("fifo", token, tmp_path)
    assert_error(url(env, "dev"), CREDENTIAL_SOURCE, '"dev"', *names_the_file(token), "FIFO")


def test_login_token_of_a_source_profile(isolated_env, tmp_path):
    """A role profile whose source_profile logs in with `aws login`: its token is checked too."""
    config = LOGIN_PROFILE + f"[profile deployer]\nrole_arn = {ROLE_ARN}\nsource_profile = dev\n"
    env = env_for(isolated_env, config, AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    token = token_path(Path(env["HOME"]) / ".aws" / "login" / "cache")
    plant("oversized", token, tmp_path)
    assert_error(url(env, "deployer"), CREDENTIAL_SOURCE, '"dev"', *names_the_file(token), "1 MiB")
    assert os.path.getsize(token) == 2 * 1024 * 1024, "the file was changed"
