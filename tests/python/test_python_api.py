"""The Python package `codecommit_auth`: signatures, errors, argument checking, threads, asyncio.

Signed URLs are compared with the OFFICIAL git-remote-codecommit (tests/oracle/official.py,
pinned clock) on randomized inputs and with tests/vectors.json; credentials are checked
against the local SigV4-verifying endpoint (tests/endpoint/) and moto's STS.

Knobs: PYTHON_CONFORMANCE_CASES (default 1000), CONFORMANCE_SEED (reproduce a run).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import pickle
import random
import string
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import helpers
from pyutil import REGION, TESTS_DIR, AwsFiles, load_package, write_credential_process

cc = load_package()

sys.path.insert(0, str(TESTS_DIR / "oracle"))
import official  # noqa: E402

UTC = dt.timezone.utc
SEED = int(os.environ.get("CONFORMANCE_SEED") or random.SystemRandom().randrange(2**32))
N_CASES = int(os.environ.get("PYTHON_CONFORMANCE_CASES", "1000"))
KEY_ALPHABET = string.ascii_letters + string.digits + "+/="
REPO_ALPHABET = string.ascii_letters + string.digits + "._-"
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "cn-north-1",
           "cn-northwest-1", "us-gov-west-1", "eu-south-3", "me-west-2"]
ROLE_CONFIG = helpers.role_config(role_session_name="python") + helpers.role_profile(
    "mfa", "arn:aws:iam::123456789012:role/mfa-deployer", mfa_serial="arn:aws:iam::123456789012:mfa/tester",
    role_session_name="python-mfa")
BASE_CREDENTIALS = helpers.ROLE_CREDENTIALS


def at_from(rfc3339: str) -> dt.datetime:
    return dt.datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))


def use_keys(monkeypatch: pytest.MonkeyPatch, akid: str, secret: str, token: str | None = None) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", akid)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    if token:
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    else:
        monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


def endpoint_accepts(endpoint, repo: str, cred) -> int:
    """HTTP status of an info/refs request with the credential's username and password."""
    request = urllib.request.Request(
        f"{endpoint.repo_url(repo)}/info/refs?service=git-upload-pack",
        headers={"Authorization": helpers.basic_auth_header(cred.username, cred.password)},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# ----------------------------------------------------------------- signatures


def test_shared_vectors():
    vectors = json.loads((TESTS_DIR / "vectors.json").read_text())["vectors"]
    assert vectors
    for v in vectors:
        at = at_from(v["at"])
        cred = cc.sign(v["access_key_id"], v["secret_access_key"], v["session_token"],
                       v["region"], v["host"], v["path"], at)
        assert (cred.username, cred.password, cred.url) == (v["username"], v["password"], v["url"]), v
        assert cred.access_key_id == v["access_key_id"]
        assert (cred.host, cred.path, cred.region, cred.profile) == (v["host"], v["path"], v["region"], None)
        assert cred.expires_at.tzinfo is not None and cred.expires_at.utcoffset() == dt.timedelta(0)
        assert at < cred.expires_at <= at + dt.timedelta(minutes=15)


def random_case(rng: random.Random) -> dict:
    while True:
        repo = "".join(rng.choices(REPO_ALPHABET, k=rng.randint(1, 100)))
        if repo not in (".", "..") and not repo.endswith(".git"):
            break
    seconds = rng.randint(int(dt.datetime(2015, 1, 1, tzinfo=UTC).timestamp()),
                          int(dt.datetime(2035, 12, 31, tzinfo=UTC).timestamp()))
    case = {
        "kind": "git_url", "repo": repo, "region": rng.choice(REGIONS),
        "akid": rng.choice(["AKIA", "ASIA"]) + "".join(rng.choices(string.ascii_uppercase + string.digits, k=16)),
        "secret": "".join(rng.choices(KEY_ALPHABET, k=40)),
        "token": None if rng.random() < 0.5 else "".join(rng.choices(KEY_ALPHABET, k=rng.randint(100, 800))),
        "at": dt.datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if rng.random() < 0.2:  # the official CODE_COMMIT_ENDPOINT override, port included
        case["endpoint"] = f"vpce-{rng.randrange(16**8):08x}.example.internal:{rng.randint(1, 65535)}"
    return case


def test_signed_urls_equal_the_official_git_remote_codecommit(monkeypatch, aws_files):
    """Randomized keys, tokens, repositories, regions, times and endpoint overrides: our
    `sign()` and `signed_url()` (full path: remote parsing, env credentials, host) against
    the official `git_url()` with the same pinned time."""
    rng = random.Random(f"{SEED}:python-signed-urls")
    cases = [random_case(rng) for _ in range(N_CASES)]
    results = official.run_cases(cases)
    mismatches = []
    for case, result in zip(cases, results):
        assert "url" in result, (case, result)
        expected = result["url"]
        at = at_from(case["at"])
        host = urlsplit(expected).netloc.rsplit("@", 1)[1]
        path = f"/v1/repos/{case['repo']}"
        signed = cc.sign(case["akid"], case["secret"], case["token"], case["region"], host, path, at)
        use_keys(monkeypatch, case["akid"], case["secret"], case["token"])
        remote = f"codecommit::{case['region']}://{case['repo']}"
        via_remote = cc.signed_url(remote, endpoint=case.get("endpoint"), at=at)
        if signed.url != expected or via_remote != expected:
            mismatches.append((case, expected, signed.url, via_remote))
    assert not mismatches, (
        f"{len(mismatches)}/{len(cases)} differ (CONFORMANCE_SEED={SEED}); first: {mismatches[0]}"
    )


def test_git_credential_fields_and_repr_hide_secrets(monkeypatch, aws_files):
    akid, secret, token = "ASIAEXAMPLEEXAMPLE12", helpers.random_secret(), helpers.random_session_token()
    use_keys(monkeypatch, akid, secret, token)
    at = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    cred = cc.git_credential("codecommit::eu-west-1://my-repo", at=at)
    assert cred.username == f"{akid}%{token}"
    assert cred.password == helpers.sign_password(
        akid, secret, "eu-west-1", "git-codecommit.eu-west-1.amazonaws.com", "/v1/repos/my-repo", at)
    assert cred.url == ("https://" + helpers.quote_userinfo(cred.username) + ":" + cred.password
                        + "@git-codecommit.eu-west-1.amazonaws.com/v1/repos/my-repo")
    assert (cred.host, cred.path, cred.region) == ("git-codecommit.eu-west-1.amazonaws.com", "/v1/repos/my-repo", "eu-west-1")
    assert cred.expires_at == at + dt.timedelta(minutes=15)
    assert cred.source and cred.profile
    reply = cred.git_reply()
    assert f"password={cred.password}\n" in reply
    assert f"password_expiry_utc={int(cred.expires_at.timestamp())}\n" in reply
    for shown in (repr(cred), str(cred)):
        assert akid in shown and "my-repo" in shown
        for secret_part in (secret, token, cred.password, cred.password[16:], cred.url):
            assert secret_part not in shown
    with pytest.raises((TypeError, pickle.PicklingError)):
        pickle.dumps(cred)  # a credential is never serialized by accident
    # The GitCredential is immutable.
    with pytest.raises(AttributeError):
        cred.password = "x"  # type: ignore[misc]


def test_repository_url_resolves_no_credentials(aws_files):
    # No credentials anywhere: only the target is resolved.
    assert cc.repository_url("codecommit::us-east-2://r") == "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/r"
    assert cc.repository_url("codecommit::cn-north-1://r") == "https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/r"
    client = cc.Client(endpoint="http://127.0.0.1:9", region=REGION)
    assert client.repository_url("codecommit://r") == "http://127.0.0.1:9/v1/repos/r"
    assert client.repository_url("http://127.0.0.1:9/v1/repos/r") == "http://127.0.0.1:9/v1/repos/r"


def test_client_options_are_kept(aws_files):
    callback = lambda request: "123456"  # noqa: E731
    client = cc.Client(profile="dev", region="eu-west-1", endpoint="127.0.0.1:8443", cache=False,
                       refresh_margin=dt.timedelta(minutes=5), ignore_host_check=True, mfa_callback=callback)
    assert (client.profile, client.region, client.endpoint) == ("dev", "eu-west-1", "127.0.0.1:8443")
    assert (client.cache, client.ignore_host_check) == (False, True)
    assert client.refresh_margin == dt.timedelta(minutes=5)
    assert client.mfa_callback is callback
    assert "profile='dev'" in repr(client) and "cache=False" in repr(client)
    default = cc.Client()
    assert (default.profile, default.region, default.endpoint, default.cache) == (None, None, None, True)
    assert default.refresh_margin == dt.timedelta(minutes=10)
    assert cc.Client(refresh_margin=90).refresh_margin == dt.timedelta(seconds=90)
    assert cc.Client(refresh_margin=1.5).refresh_margin == dt.timedelta(seconds=1.5)
    assert isinstance(default, cc.Client)


# --------------------------------------------------------------------- errors


# Codes only the C API produces (pointers, byte strings): no public Python class.
C_API_ONLY = {"NULL_ARGUMENT", "INVALID_UTF8"}


def test_every_error_code_has_its_own_exception_class():
    classes = {}
    for code in cc.ErrorCode:
        exc = cc._native._exception_for(int(code), f"message for {code.name}")
        cls = type(exc)
        assert isinstance(exc, cc.CodeCommitAuthError)
        assert str(exc) == f"message for {code.name}"
        assert exc.args == (f"message for {code.name}",)
        if code.name in C_API_ONLY:
            # The C API's codes have no class at all (no Python call raises them): the
            # mapping falls back to the base class.
            assert type(exc) is cc.CodeCommitAuthError, code.name
            assert not [n for n in dir(cc._native) if n.upper().replace("_", "") == code.name.replace("_", "") + "ERROR"]
            continue
        assert cls is not cc.CodeCommitAuthError and cls.__module__ == "codecommit_auth"
        assert exc.code is code and cls.code is code and exc.code == int(code)
        classes[code] = cls
        assert getattr(cc, cls.__name__) is cls, cls.__name__
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is cls and str(again) == str(exc)
    assert len(set(classes.values())) == len(classes) == 17 - len(C_API_ONLY)
    assert classes[cc.ErrorCode.INVALID_REMOTE] is cc.InvalidRemoteError
    assert classes[cc.ErrorCode.TIMEOUT] is cc.TimeoutError
    # Builtin bases, so callers that only know Python's exceptions still catch them.
    assert issubclass(cc.TimeoutError, TimeoutError)
    assert issubclass(cc.InvalidArgumentError, ValueError)
    assert issubclass(cc.IoError, OSError)
    assert [c.value for c in cc.ErrorCode] == list(range(10, 27))
    with pytest.raises(ValueError):
        cc._native._exception_for(9, "no such code")


# TEST-ONLY core knob: the bound on one credential resolution, in whole seconds (default 30).
TIMEOUT_VAR = "CODECOMMIT_AUTH_OPERATION_TIMEOUT"


def with_short_bound(monkeypatch: pytest.MonkeyPatch, call):
    """`call()` with the resolution bound cut to 1 s (read by core on each resolution)."""
    with monkeypatch.context() as m:
        m.setenv(TIMEOUT_VAR, "1")
        return call()


def failing_cases(tmp_path: Path, aws_files: AwsFiles, monkeypatch: pytest.MonkeyPatch):
    """(expected class, call) for every code a Python caller can meet for real."""
    bad_process = write_credential_process(tmp_path / "bad.py", "AKIA", "s", exit_code=3)
    hanging_process = tmp_path / "hang.sh"
    hanging_process.write_text("#!/bin/sh\nexec sleep 120\n")
    hanging_process.chmod(0o700)
    aws_files.write(
        config=f"""\
        [profile noregion]
        [profile nothing]
        region = us-east-1
        [profile mfa]
        region = us-east-1
        role_arn = arn:aws:iam::123456789012:role/r
        source_profile = nothing
        mfa_serial = arn:aws:iam::123456789012:mfa/tester
        [profile broken-process]
        region = us-east-1
        credential_process = {bad_process}
        [profile hanging-process]
        region = us-east-1
        credential_process = {hanging_process}
        [profile norole]
        region = us-east-1
        role_arn = arn:aws:iam::123456789012:role/r
        [sso-session corp]
        sso_start_url = https://example.invalid/start
        sso_region = us-east-1
        [profile sso]
        region = us-east-1
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Dev
        """,
    )
    at = dt.datetime(2024, 1, 1, tzinfo=UTC)
    return [
        (cc.InvalidRemoteError, lambda: cc.git_credential("not a remote")),
        (cc.InvalidRemoteError, lambda: cc.git_credential("codecommit::us-east-1://repo.git")),
        (cc.InvalidRegionError, lambda: cc.git_credential("codecommit://noregion@repo")),
        (cc.InvalidRegionError, lambda: cc.Client(region="not a region")),
        (cc.HostNotAllowedError, lambda: cc.git_credential("https://git-codecommit.us-east-1.amazonaws.com.evil.example/v1/repos/r")),
        (cc.HostNotAllowedError, lambda: cc.git_credential("http://git-codecommit.us-east-1.amazonaws.com/v1/repos/r")),
        (cc.UnknownProfileError, lambda: cc.git_credential("codecommit::us-east-1://missing@repo")),
        (cc.UnknownProfileError, lambda: cc.Client(profile="missing").git_credential("codecommit::us-east-1://repo")),
        (cc.InvalidConfigError, lambda: cc.git_credential("codecommit://norole@repo")),
        (cc.NoCredentialsError, lambda: cc.git_credential("codecommit://nothing@repo")),
        (cc.LoginRequiredError, lambda: cc.Client(cache=False).git_credential("codecommit://sso@repo")),
        (cc.MfaRequiredError, lambda: cc.git_credential("codecommit://mfa@repo")),
        (cc.CredentialSourceError, lambda: cc.git_credential("codecommit://broken-process@repo")),
        (cc.TimeoutError, lambda: with_short_bound(monkeypatch, lambda: cc.Client(cache=False).git_credential(
            "codecommit://hanging-process@repo"))),
        (cc.InvalidArgumentError, lambda: cc.Client(endpoint="ftp://example.com")),
        (cc.InvalidArgumentError, lambda: cc.sign("", "s", None, "us-east-1", "h.example", "/v1/repos/r", at)),
        (cc.InvalidArgumentError, lambda: cc.sign("A", "s", None, "us-east-1", "h.example", "/v2/r", at)),
        (cc.InvalidArgumentError, lambda: cc.sign("A", "s", None, "us-east-1", "h.example", "/v1/repos/r",
                                                  dt.datetime(2024, 1, 1))),
        (cc.InvalidArgumentError, lambda: cc.Client(refresh_margin=-1)),
        (cc.InvalidArgumentError, lambda: cc.Client(refresh_margin=-dt.timedelta(seconds=1))),
    ]


# Codes a Python caller does not meet for real, and why. The mapping of every code, these
# included, is checked by test_every_error_code_has_its_own_exception_class.
NOT_TRIGGERED_HERE = {
    "INVALID_CREDENTIAL_REQUEST": "git's credential-helper protocol: only the CLI speaks it",
    "MISSING_PATH": "git's credential-helper protocol: only the CLI speaks it",
    "IO": "stdin/stdout/terminal/git failures of the CLI programs",
    "INTERNAL": "a bug (a panic or a runtime that cannot start)",
    "NULL_ARGUMENT": "C API only",
    "INVALID_UTF8": "C API only (Python str arguments are always valid; lone surrogates raise "
                    "UnicodeEncodeError before core is called)",
}


def test_errors_surface_as_their_classes(tmp_path, aws_files, monkeypatch):
    reached = set()
    for expected, call in failing_cases(tmp_path, aws_files, monkeypatch):
        with pytest.raises(cc.CodeCommitAuthError) as info:
            call()
        assert type(info.value) is expected, (expected, info.value)
        assert info.value.code == expected.code
        assert str(info.value)  # the core's message, unchanged and non-empty
        reached.add(info.value.code.name)
    # A new core code must be reached above or listed with its reason.
    assert reached | set(NOT_TRIGGERED_HERE) == {c.name for c in cc.ErrorCode}
    assert not reached & set(NOT_TRIGGERED_HERE)


def test_a_hanging_credential_process_raises_timeout_error(tmp_path, aws_files, monkeypatch):
    hang = tmp_path / "hang.sh"
    hang.write_text("#!/bin/sh\nexec sleep 120\n")
    hang.chmod(0o700)
    aws_files.write(config=f"[profile hang]\nregion = us-east-1\ncredential_process = {hang}\n")
    with pytest.raises(TimeoutError) as info:  # Python's builtin catches it too
        with_short_bound(monkeypatch, lambda: cc.git_credential("codecommit://hang@repo"))
    assert type(info.value) is cc.TimeoutError and info.value.code is cc.ErrorCode.TIMEOUT
    assert 'credential_process of profile "hang" did not finish within 1 s' in str(info.value)


def test_core_messages_are_preserved(aws_files):
    with pytest.raises(cc.UnknownProfileError) as info:
        cc.git_credential("codecommit::us-east-1://missing@repo")
    assert "missing" in str(info.value)
    with pytest.raises(cc.InvalidRemoteError) as info:
        cc.git_credential("nope")
    assert "codecommit://[PROFILE@]REPO" in str(info.value)


BAD_CALLS = [
    lambda: cc.git_credential(123),
    lambda: cc.git_credential(None),
    lambda: cc.git_credential(b"codecommit::us-east-1://r"),
    lambda: cc.git_credential("codecommit::us-east-1://r", profile=1),
    lambda: cc.git_credential("codecommit::us-east-1://r", at="2024-01-01T00:00:00Z"),
    lambda: cc.git_credential("codecommit::us-east-1://r", at=1700000000),
    lambda: cc.git_credential("codecommit::us-east-1://r", at=dt.date(2024, 1, 1)),
    lambda: cc.git_credential("codecommit::us-east-1://r", dt.datetime.now(UTC)),  # at is keyword-only
    lambda: cc.git_credential("codecommit::us-east-1://r", no_such_option=True),
    lambda: cc.git_credential(),
    lambda: cc.signed_url(["codecommit::us-east-1://r"]),
    lambda: cc.repository_url(3.5),
    lambda: cc.sign(1, "s", None, "us-east-1", "h", "/v1/repos/r", dt.datetime.now(UTC)),
    lambda: cc.sign("A", "s", 7, "us-east-1", "h", "/v1/repos/r", dt.datetime.now(UTC)),
    lambda: cc.sign("A", "s", None, "us-east-1", "h", "/v1/repos/r", "now"),
    lambda: cc.sign("A", "s", None, "us-east-1", "h"),  # path is required
    lambda: cc.sign(access_key_id="A", access_key="B", secret_access_key="s", region="r", host="h", path="/p"),
    lambda: cc.Client("dev"),  # options are keyword-only
    lambda: cc.Client(profile=["dev"]),
    lambda: cc.Client(cache="yes"),
    lambda: cc.Client(cache=1),
    lambda: cc.Client(ignore_host_check="no"),
    lambda: cc.Client(refresh_margin="10m"),
    lambda: cc.Client(refresh_margin=True),
    lambda: cc.Client(mfa_callback="123456"),
    lambda: cc.Client().git_credential(42),
    lambda: cc.Client().git_credential("codecommit::us-east-1://r", at=object()),
    lambda: cc.Client().signed_url(None),
    lambda: cc.Client().repository_url(b"x"),
    lambda: cc.GitCredential(),
    lambda: cc.MfaRequest(),
]


@pytest.mark.parametrize("call", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_argument_types_raise_type_error(call, aws_files):
    with pytest.raises(TypeError):
        call()


def test_strings_with_nul_and_surrogates_are_errors_not_crashes(aws_files):
    with pytest.raises(cc.InvalidRemoteError):
        cc.git_credential("codecommit::us-east-1://re\0po")
    with pytest.raises(UnicodeEncodeError):
        cc.git_credential("codecommit::us-east-1://\udcffrepo")


# ---------------------------------------------------------- credentials for real


@pytest.fixture
def role_setup(sts_endpoint, aws_files, monkeypatch):
    """Role profiles whose source keys moto's STS exchanges for temporary credentials that
    the endpoint accepts; returns (endpoint, repository name)."""
    aws_files.write(config=ROLE_CONFIG, credentials=BASE_CREDENTIALS)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_endpoint.sts_url)
    return sts_endpoint, sts_endpoint.add_repo().name


def test_many_threads_share_one_client(role_setup):
    endpoint, repo = role_setup
    client = cc.Client(endpoint=endpoint.url)
    remote = f"codecommit::{REGION}://deployer@{repo}"
    threads, per_thread = 24, 8
    barrier = threading.Barrier(threads)

    def work(_: int) -> list:
        barrier.wait()
        return [client.git_credential(remote) for _ in range(per_thread)]

    with ThreadPoolExecutor(threads) as pool:
        creds = [c for batch in pool.map(work, range(threads)) for c in batch]
    assert len(creds) == threads * per_thread
    assert all(c.access_key_id.startswith("ASIA") and "%" in c.username for c in creds)
    assert all(c.host == urlsplit(endpoint.url).netloc and c.profile == "deployer" for c in creds)
    # Every thread's credential is valid for the endpoint (a sample per distinct key).
    sample = {c.username: c for c in creds}
    sample.update({c.password: c for c in creds[:: per_thread * 3]})
    statuses = {endpoint_accepts(endpoint, repo, c) for c in sample.values()}
    assert statuses == {200}


def test_many_threads_static_keys_pinned_time(endpoint, aws_files, monkeypatch):
    akid, secret, token = endpoint.new_key(token=True)
    use_keys(monkeypatch, akid, secret, token)
    client = cc.Client(endpoint=endpoint.url, region=REGION)
    repo = endpoint.add_repo().name
    at = dt.datetime.now(UTC).replace(microsecond=0)
    expected = helpers.sign_password(akid, secret, REGION, urlsplit(endpoint.url).netloc, f"/v1/repos/{repo}", at)

    def work(_: int) -> set[str]:
        return {client.git_credential(f"codecommit://{repo}", at=at).password for _ in range(50)}

    with ThreadPoolExecutor(16) as pool:
        passwords = set().union(*pool.map(work, range(16)))
    assert passwords == {expected}
    assert endpoint_accepts(endpoint, repo, client.git_credential(f"codecommit://{repo}")) == 200


def test_gil_is_released_while_credentials_resolve(aws_files, tmp_path):
    """A credential_process that takes 1.5 s: Python threads keep running meanwhile."""
    command = write_credential_process(tmp_path / "slow.py", "AKIASLOWSLOWSLOWSLOW", "slow-secret", sleep=1.5)
    aws_files.write(config=f"[profile slow]\nregion = us-east-1\ncredential_process = {command}\n")
    stop = threading.Event()
    ticks: list[float] = []

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        started = time.monotonic()
        cred = cc.Client(cache=False).git_credential("codecommit://slow@repo")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
    assert cred.access_key_id == "AKIASLOWSLOWSLOWSLOW"
    assert elapsed >= 1.4
    during = [t for t in ticks if started <= t <= started + elapsed]
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert len(during) > 50 and max(gaps) < 0.5, (len(during), max(gaps, default=None))


def _credential_in_child(endpoint_url: str, remote: str, results) -> None:
    try:
        results.put(cc.Client(endpoint=endpoint_url, cache=False).git_credential(remote).access_key_id)
    except BaseException as exc:  # report, do not hang the parent
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_children_resolve_credentials(role_setup):
    """multiprocessing's "fork" after the parent used the network path: the children must not
    inherit a runtime without threads (they would wait forever)."""
    import multiprocessing

    endpoint, repo = role_setup
    remote = f"codecommit::{REGION}://deployer@{repo}"
    assert cc.Client(endpoint=endpoint.url, cache=False).git_credential(remote).access_key_id.startswith("ASIA")
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    children = [ctx.Process(target=_credential_in_child, args=(endpoint.url, remote, results))
                for _ in range(3)]
    for child in children:
        child.start()
    deadline = time.monotonic() + 60
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
    hung = [child for child in children if child.is_alive()]
    for child in hung:
        child.kill()
        child.join()
    assert not hung, f"{len(hung)} forked children hung resolving credentials"
    keys = [results.get(timeout=10) for _ in children]
    assert all(k.startswith("ASIA") for k in keys), keys


def test_asyncio_variants(role_setup, aws_files):
    endpoint, repo = role_setup
    remote = f"codecommit::{REGION}://deployer@{repo}"
    client = cc.Client(endpoint=endpoint.url)

    async def main() -> tuple:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        ticker = asyncio.ensure_future(tick())
        creds = await asyncio.gather(*(client.git_credential_async(remote) for _ in range(12)))
        url = await client.signed_url_async(remote)
        one = await cc.git_credential_async(remote, endpoint=endpoint.url)
        url2 = await cc.signed_url_async(remote, endpoint=endpoint.url,
                                         at=dt.datetime(2024, 1, 1, tzinfo=UTC))
        ticker.cancel()
        return creds, url, one, url2, ticks

    creds, url, one, url2, ticks = asyncio.run(main())
    assert all(isinstance(c, cc.GitCredential) and c.access_key_id.startswith("ASIA") for c in creds)
    assert url.startswith("http://ASIA") and url.endswith(f"/v1/repos/{repo}")
    assert one.access_key_id.startswith("ASIA") and "20240101T000000Z" in url2
    assert ticks > 0
    assert endpoint_accepts(endpoint, repo, creds[-1]) == 200

    async def failing() -> None:
        await client.git_credential_async("not a remote")

    with pytest.raises(cc.InvalidRemoteError):
        asyncio.run(failing())


def test_mfa_callback_end_to_end(role_setup, aws_files):
    """A role profile with mfa_serial: the callback is asked once, off the event of signing;
    the session is cached (in memory and, with cache=True, on disk for other clients)."""
    endpoint, repo = role_setup
    remote = f"codecommit::{REGION}://mfa@{repo}"
    asked: list = []

    def callback(request):
        asked.append((request.profile, request.serial, request.role_arn, threading.current_thread().name))
        assert "MfaRequest(" in repr(request)
        return "123456"

    client = cc.Client(endpoint=endpoint.url, mfa_callback=callback)
    cred = client.git_credential(remote)
    assert cred.access_key_id.startswith("ASIA") and endpoint_accepts(endpoint, repo, cred) == 200
    assert [a[:3] for a in asked] == [("mfa", "arn:aws:iam::123456789012:mfa/tester",
                                       "arn:aws:iam::123456789012:role/mfa-deployer")]
    client.git_credential(remote)
    assert len(asked) == 1, "the session is remembered by the client"
    cc.Client(endpoint=endpoint.url, mfa_callback=callback).git_credential(remote)
    assert len(asked) == 1, "the session is shared through the cross-process cache"
    assert aws_files.cache_files()
    cc.Client(endpoint=endpoint.url, mfa_callback=callback, cache=False).git_credential(remote)
    assert len(asked) == 2, "cache=False neither reads nor writes the shared cache"


def test_mfa_callback_failures(role_setup, aws_files):
    endpoint, repo = role_setup
    remote = f"codecommit::{REGION}://mfa@{repo}"

    class Cancelled(Exception):
        pass

    def cancel(request):
        raise Cancelled("user pressed Ctrl-D")

    with pytest.raises(cc.MfaRequiredError) as info:
        cc.Client(endpoint=endpoint.url, mfa_callback=cancel, cache=False).git_credential(remote)
    assert "user pressed Ctrl-D" in str(info.value)
    assert isinstance(info.value.__cause__, Cancelled)

    with pytest.raises(cc.MfaRequiredError) as info:
        cc.Client(endpoint=endpoint.url, mfa_callback=lambda r: 123456, cache=False).git_credential(remote)
    assert "str" in str(info.value)

    with pytest.raises(cc.MfaRequiredError):
        cc.Client(endpoint=endpoint.url, cache=False).git_credential(remote)


# ----------------------------------------------------------------------- types


def test_stubs_match_the_runtime(tmp_path):
    """stubtest: _native.pyi against the compiled module (names, signatures, classes)."""
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "codecommit_auth", "--mypy-config-file", "/dev/null"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache")},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


TYPED_USAGE = '''
from __future__ import annotations

import asyncio
import datetime

import codecommit_auth
import dulwich.porcelain
import pygit2
from codecommit_auth import Client, CodeCommitAuthError, ErrorCode, GitCredential, MfaRequest


def ask(request: MfaRequest) -> str:
    return request.serial[:0] + "123456"


def use() -> None:
    client = Client(profile="dev", region="eu-west-1", endpoint=None, cache=True,
                    refresh_margin=datetime.timedelta(minutes=5), mfa_callback=ask)
    cred: GitCredential = client.git_credential("codecommit://r", at=datetime.datetime.now(datetime.timezone.utc))
    user: str = cred.username
    expires: datetime.datetime = cred.expires_at
    profile: str | None = cred.profile
    url: str = codecommit_auth.signed_url("codecommit://r", profile="dev")
    signed = codecommit_auth.sign("A", "s", None, "us-east-1", "h", "/v1/repos/r", expires)
    plain: str = client.repository_url("codecommit://r")
    callbacks: pygit2.RemoteCallbacks = codecommit_auth.CodeCommitCallbacks("codecommit://r", client=client)
    pygit2.clone_repository(plain, "/tmp/x", callbacks=callbacks)
    dulwich.porcelain.clone(plain, "/tmp/y", **codecommit_auth.dulwich_auth("codecommit://r", client=client))
    try:
        codecommit_auth.git_credential("x")
    except codecommit_auth.UnknownProfileError as exc:
        code: ErrorCode = exc.code
        assert code == ErrorCode.UNKNOWN_PROFILE and code.name and code.value
    except CodeCommitAuthError as exc:
        print(exc.code, user, profile, url, signed.password)


async def use_async(client: Client) -> str:
    cred = await client.git_credential_async("codecommit://r")
    other = await codecommit_auth.git_credential_async("codecommit://r", region="us-east-1")
    return cred.password + other.password + await client.signed_url_async("codecommit://r") + (
        await codecommit_auth.signed_url_async("codecommit://r"))


asyncio.run(use_async(Client()))
'''

TYPED_MISUSE = '''
import codecommit_auth
codecommit_auth.git_credential(123)
codecommit_auth.Client(cache="yes")
codecommit_auth.sign(1, "s", None, "r", "h", "/v1/repos/r")
cred = codecommit_auth.sign("A", "s", None, "r", "h", "/v1/repos/r")
cred.password = "x"
client = codecommit_auth.Client()
client.git_credential(1)
reveal_type(client)
reveal_type(cred)
reveal_type(codecommit_auth.MfaRequest)
reveal_type(codecommit_auth.ErrorCode.IO)
'''


def test_mypy_strict_accepts_typed_use_and_rejects_misuse(tmp_path):
    import subprocess

    (tmp_path / "usage.py").write_text(TYPED_USAGE)
    (tmp_path / "misuse.py").write_text(TYPED_MISUSE)
    (tmp_path / "mypy.ini").write_text("[mypy]\n")

    def mypy(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--config-file", str(tmp_path / "mypy.ini"),
             "--cache-dir", str(tmp_path / "cache"), *args],
            capture_output=True, text=True, cwd=tmp_path, timeout=600)

    for args in (["-p", "codecommit_auth"], [str(tmp_path / "usage.py")]):
        ok = mypy(*args)
        assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = mypy(str(tmp_path / "misuse.py"))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert bad.stdout.count("error:") == 5, bad.stdout
    # Messages name the public types users import, never the native module or its base class.
    for wording in (
        'Argument 1 to "git_credential" of "Client" has incompatible type "int"',
        'Property "password" defined in "GitCredential" is read-only',
        'Revealed type is "codecommit_auth.Client"',
        'Revealed type is "codecommit_auth.GitCredential"',
        'Revealed type is "def () -> codecommit_auth.MfaRequest"',
        "codecommit_auth.ErrorCode.IO",
    ):
        assert wording in bad.stdout, bad.stdout
    assert "_native" not in bad.stdout and "ClientBase" not in bad.stdout, bad.stdout
