"""The Python package speaks Python (issue 12): TypeErrors name the argument in their
message, CodeCommitCallbacks is in __all__ and dir(), core's cache warnings come out of
warnings.warn (once each), the C-only codes have no class, HOST_NOT_ALLOWED points at the
endpoint option, one signing-time range (1970 to 9999, UTC), and the renamed sign()
arguments keep their old names as deprecated aliases."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

import helpers
from pyutil import REGION, load_package

cc = load_package()

UTC = dt.timezone.utc
SIGN = dict(access_key_id="AKIAIOSFODNN7EXAMPLE", secret_access_key="s", session_token=None,
            region="us-east-1", host="git-codecommit.us-east-1.amazonaws.com", path="/v1/repos/r")
ROLE_CONFIG = helpers.role_config()
BASE_CREDENTIALS = helpers.ROLE_CREDENTIALS


@pytest.mark.parametrize("call, name", [
    (lambda: cc.git_credential(123), "remote_or_url"),
    (lambda: cc.repository_url("codecommit://r", region=5), "region"),
    (lambda: cc.Client(profile=["dev"]), "profile"),
    (lambda: cc.Client(cache="yes"), "cache"),
    (lambda: cc.Client().signed_url(None), "remote_or_url"),
    (lambda: cc.sign(**{**SIGN, "host": 3}), "host"),
    (lambda: cc.sign(**{**SIGN, "path": None}), "path"),
])
def test_type_error_names_the_argument_in_its_message(call, name, aws_files):
    with pytest.raises(TypeError) as info:
        call()
    assert name in str(info.value), str(info.value)


def test_codecommit_callbacks_is_in_all_and_dir():
    assert "CodeCommitCallbacks" in cc.__all__
    assert "CodeCommitCallbacks" in dir(cc)
    namespace: dict = {}
    exec("from codecommit_auth import *", namespace)
    assert "CodeCommitCallbacks" in namespace


def test_c_only_codes_have_no_class():
    for name in ("NullArgumentError", "InvalidUtf8Error"):
        assert not hasattr(cc._native, name) and not hasattr(cc, name)
    assert cc.ErrorCode.NULL_ARGUMENT == 25  # the number is still listed


def test_host_not_allowed_points_at_the_endpoint_option(aws_files):
    with pytest.raises(cc.HostNotAllowedError) as info:
        cc.git_credential("https://example.com/v1/repos/r")
    assert "endpoint option" in str(info.value)


def test_signing_time_range_is_1970_to_9999():
    ok = cc.sign(**SIGN, at=dt.datetime(1970, 1, 1, tzinfo=UTC))
    assert ok.password.startswith("19700101T000000Z")
    last = cc.sign(**SIGN, at=dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert last.password.startswith("99991231T235959Z")
    with pytest.raises(cc.InvalidArgumentError, match="from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"):
        cc.sign(**SIGN, at=dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC))


def test_sign_at_is_optional_and_old_names_are_deprecated_aliases():
    now = cc.sign(**SIGN)
    assert abs((now.expires_at - dt.datetime.now(UTC)).total_seconds() - 900) < 60
    at = dt.datetime(2024, 1, 1, tzinfo=UTC)
    new = cc.sign(**SIGN, at=at)
    old_names = {**SIGN, "at": at}
    old_names["access_key"] = old_names.pop("access_key_id")
    old_names["secret_key"] = old_names.pop("secret_access_key")
    with pytest.warns(DeprecationWarning, match="access_key_id"):
        old = cc.sign(**old_names)
    assert old.password == new.password
    positional = cc.sign(*SIGN.values(), at)
    assert positional.password == new.password


def test_credential_repository_url(aws_files):
    cred = cc.sign(**SIGN)
    assert cred.repository_url == "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/r"


def test_cache_warnings_come_out_of_warnings_warn_once(sts_endpoint, aws_files, monkeypatch):
    aws_files.write(config=ROLE_CONFIG, credentials=BASE_CREDENTIALS)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_endpoint.sts_url)
    cache = aws_files.home / ".aws" / "cli" / "cache"
    cache.mkdir(parents=True)
    cache.chmod(0o777)  # group/other-writable: core refuses it and warns
    client = cc.Client(endpoint=sts_endpoint.url)
    remote = f"codecommit::{REGION}://deployer@repo"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.git_credential(remote)
        client.git_credential(remote)  # remembered: no cache access, nothing new
    cache.chmod(0o700)
    ours = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert "cache" in str(ours[0].message)
    assert ours[0].filename == __file__  # points at the caller's line
