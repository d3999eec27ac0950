"""Every credential source, end to end, against local stand-ins (issue 3, item 1).

Each source obtains credentials through aws-config (via our binaries) and the local
CodeCommit endpoint accepts a real `git ls-remote` signed with them; failures must give a
one-line error with a stable exit status and never a secret.

  assume role        moto STS (AWS_ENDPOINT_URL_STS): source_profile, a chain of two roles,
                     credential_source = Environment / EcsContainer / Ec2InstanceMetadata,
                     external_id, role_session_name, duration_seconds
  web identity       moto AssumeRoleWithWebIdentity: web_identity_token_file in a profile,
                     AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN in the environment
  SSO                standins.sso_portal (AWS_ENDPOINT_URL_SSO), standins.sso_oidc
                     (AWS_ENDPOINT_URL_SSO_OIDC); sso_session and legacy profiles from a
                     pre-seeded ~/.aws/sso/cache; expired/missing -> `aws sso login`
  credential_process standins.credential_process scripts: good, failing, malformed
  container          standins.container (AWS_CONTAINER_CREDENTIALS_FULL_URI + token / file)
  IMDSv2             standins.imds (AWS_EC2_METADATA_SERVICE_ENDPOINT), token required
  login_session      standins.signin (AWS_ENDPOINT_URL_SIGNIN), ~/.aws/login/cache, DPoP
  STS down           closed port, a port that never answers, a port that never completes
                     the TCP handshake: exit status and a message naming the bound; also a
                     credential_process that hangs. These run with the bound cut to 2 s
                     (CODECOMMIT_AUTH_OPERATION_TIMEOUT, test-only); one run keeps the 30 s
                     default to show it is still the default
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import time
from pathlib import Path

import pytest

import helpers
from standins import credential_process as cp
from standins import signin as signin_mod
from standins import sso_portal as sso_mod
from standins.container import ContainerCredentials
from standins.imds import Imds
from standins.signin import Signin
from standins.silent import FullBacklogPort, SilentPort, closed_port
from standins.sso_oidc import SsoOidc
from standins.sso_portal import SsoPortal

BIN_DIR = helpers.BIN_DIR
REGION = "us-west-2"
ACCOUNT = "123456789012"
UTC = dt.timezone.utc

# Exit statuses (core/src/error.rs).
NO_CREDENTIALS, LOGIN_REQUIRED, CREDENTIAL_SOURCE, TIMEOUT = 15, 16, 18, 19
# core/src/sdk.rs: 3 s connect, 10 s read, 30 s for the whole resolution; the test-only
# variable cuts the last one so the timeout tests wait 2 s instead of 30 s.
OPERATION_BOUND = 30
TIMEOUT_VAR = "CODECOMMIT_AUTH_OPERATION_TIMEOUT"
SHORT_BOUND = 2
# Only a guard against a hang: the assertions are on the exit status and the message.
HANG_GUARD = OPERATION_BOUND + 30

pytestmark = pytest.mark.skipif(
    not (BIN_DIR / "git-remote-codecommit").exists(), reason=f"binaries not built in {BIN_DIR}"
)


# --------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------


def ours(env: dict[str, str], **extra: str) -> dict[str, str]:
    """`env` with our binaries first on PATH, plus `extra`."""
    return {**env, "PATH": f"{BIN_DIR}:{env['PATH']}", **extra}


def write_aws_files(env: dict[str, str], config: str = "", credentials: str = "") -> None:
    """The AWS files, empty unless given: each test's profiles are all it configures."""
    helpers.write_aws_files(env, config, credentials)


def home(env: dict[str, str]) -> Path:
    return Path(env["HOME"])


def ls_remote(env: dict[str, str], remote: str, check: bool = True, timeout: float = 120):
    return helpers.run_git(["ls-remote", remote], env, check=check, timeout=timeout)


def remote(repo: str, profile: str | None = None) -> str:
    return f"codecommit::{REGION}://{profile + '@' if profile else ''}{repo}"


def accepted_keys(endpoint) -> set[str]:
    """Access key ids the endpoint accepted (HTTP 200)."""
    return {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200}


def codecommit_auth(env: dict[str, str], *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN_DIR / "codecommit-auth"), *args], env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_clean_error(proc: subprocess.CompletedProcess, status: int, *needles: str, secrets_: tuple = ()) -> None:
    """A one-line error with this exit status, these words, and none of these secrets."""
    print(f"\n[exit {proc.returncode}] {proc.stderr.strip()}")
    assert proc.returncode == status, f"exit {proc.returncode}, expected {status}; stderr:\n{proc.stderr}"
    assert proc.stdout == "", f"nothing on stdout on failure, got {proc.stdout!r}"
    for needle in needles:
        assert needle in proc.stderr, f"{needle!r} not in stderr:\n{proc.stderr}"
    for secret in secrets_:
        assert secret not in proc.stderr, "a secret leaked into the error message"
    assert "panicked" not in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, f"not one line:\n{proc.stderr}"


def doctor_expiry(env: dict[str, str], profile: str) -> dt.datetime:
    proc = codecommit_auth(env, "doctor", remote("doctor-check", profile))
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if l.startswith("expires:"))
    return dt.datetime.strptime(line.split()[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


BASE_CREDENTIALS = helpers.ROLE_CREDENTIALS


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


# --------------------------------------------------------------------------
# Assume role (moto STS).
# --------------------------------------------------------------------------


def test_assume_role_source_profile_with_external_id_and_session_name(sts_endpoint, isolated_env):
    repo = sts_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config=helpers.role_config(role_arn=role_arn("deployer"), external_id="ext-4242",
                                   role_session_name="ci-session-7"),
        credentials=BASE_CREDENTIALS,
    )
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)
    ls_remote(env, remote(repo, "deployer"))
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys), keys
    calls = sts_endpoint.sts_calls("assume_role")
    assert calls, "no AssumeRole reached moto"
    for call in calls:
        assert call["RoleArn"] == role_arn("deployer")
        assert call["ExternalId"] == "ext-4242"
        assert call["RoleSessionName"] == "ci-session-7"
        assert call["SignedBy"] == "AKIABASEBASEBASEBASE", "not signed with the source_profile's keys"


def test_assume_role_chain_of_two_roles(sts_endpoint, isolated_env):
    repo = sts_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config=helpers.role_config("hop", role_arn("hop"), role_session_name="hop-s")
        + helpers.role_profile("target", role_arn("target"), source_profile="hop", role_session_name="target-s"),
        credentials=BASE_CREDENTIALS,
    )
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)
    ls_remote(env, remote(repo, "target"))
    arns = [c["RoleArn"] for c in sts_endpoint.sts_calls("assume_role")]
    # Each resolution assumes hop first, then target with hop's credentials.
    assert arns and len(arns) % 2 == 0, arns
    assert arns == [role_arn("hop"), role_arn("target")] * (len(arns) // 2), arns
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys), keys
    for call in sts_endpoint.sts_calls("assume_role"):
        if call["RoleArn"] == role_arn("hop"):
            assert call["SignedBy"] == "AKIABASEBASEBASEBASE"
        else:  # signed with hop's temporary keys, which are not what git used
            assert call["SignedBy"].startswith("ASIA") and call["SignedBy"] not in keys, call


def test_assume_role_with_credential_source_environment(sts_endpoint, isolated_env):
    repo = sts_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config=f"[profile envrole]\nrole_arn = {role_arn('envrole')}\ncredential_source = Environment\n"
        "role_session_name = from-env\n",
    )
    base = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)

    # Without environment keys there is nothing to assume the role with: a clear failure.
    proc = codecommit_auth(base, "credential", remote(repo, "envrole"))
    assert proc.returncode != 0 and "envrole" in proc.stderr, proc.stderr
    assert sts_endpoint.sts_calls("assume_role") == []

    env = {**base, "AWS_ACCESS_KEY_ID": "AKIAENVENVENVENVENV1", "AWS_SECRET_ACCESS_KEY": "env-secret"}
    ls_remote(env, remote(repo, "envrole"))
    calls = sts_endpoint.sts_calls("assume_role")
    assert calls and {c["RoleArn"] for c in calls} == {role_arn("envrole")}
    assert {c["RoleSessionName"] for c in calls} == {"from-env"}
    assert {c["SignedBy"] for c in calls} == {"AKIAENVENVENVENVENV1"}
    keys = accepted_keys(sts_endpoint)
    # The role's temporary keys were used, not the environment's long-term keys.
    assert keys and all(k.startswith("ASIA") for k in keys), keys


@pytest.mark.parametrize("source", ["EcsContainer", "Ec2InstanceMetadata"])
def test_assume_role_with_credential_source_container_or_imds(source, sts_endpoint, isolated_env):
    """credential_source = EcsContainer / Ec2InstanceMetadata: the stand-in's keys assume the role."""
    repo = sts_endpoint.add_repo().name
    write_aws_files(
        isolated_env,
        config=f"[profile boxrole]\nrole_arn = {role_arn('boxrole')}\ncredential_source = {source}\n"
        "role_session_name = from-box\n",
    )
    # Keys only the stand-in hands out; moto does not check them, the stand-in's log shows use.
    box_keys = (helpers.random_access_key_id("ASIA"), helpers.random_secret(), helpers.random_session_token())
    authorization = "Bearer " + secrets.token_urlsafe(16)
    standin = ContainerCredentials(*box_keys, authorization) if source == "EcsContainer" else Imds(*box_keys)
    with standin:
        env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)
        if source == "EcsContainer":
            env.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=standin.full_uri,
                       AWS_CONTAINER_AUTHORIZATION_TOKEN=authorization)
        else:
            env.pop("AWS_EC2_METADATA_DISABLED")
            env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = standin.url
        ls_remote(env, remote(repo, "boxrole"))
        assert standin.requests, f"{source} was never asked for the source credentials"
    calls = sts_endpoint.sts_calls("assume_role")
    assert calls and {(c["RoleArn"], c["RoleSessionName"]) for c in calls} == {(role_arn("boxrole"), "from-box")}
    assert {c["SignedBy"] for c in calls} == {box_keys[0]}, "not signed with the stand-in's keys"
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys) and box_keys[0] not in keys, keys


@pytest.mark.parametrize("via", ["source_profile", "role-chain", "Environment"])
def test_assume_role_duration_seconds_reaches_sts(via, sts_endpoint, isolated_env):
    repo = sts_endpoint.add_repo().name
    source = {
        "source_profile": "source_profile = base\n",
        "role-chain": "source_profile = hop\n",
        "Environment": "credential_source = Environment\n",
    }[via]
    write_aws_files(
        isolated_env,
        config="[profile base]\nregion = us-east-1\n"
        f"[profile hop]\nrole_arn = {role_arn('hop')}\nsource_profile = base\nrole_session_name = hop-s\n"
        f"[profile short]\nrole_arn = {role_arn('short')}\n{source}"
        "role_session_name = short-s\nexternal_id = ext-short\nduration_seconds = 1800\n",
        credentials=BASE_CREDENTIALS,
    )
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)
    if via == "Environment":
        env.update(AWS_ACCESS_KEY_ID="AKIAENVENVENVENVENV1", AWS_SECRET_ACCESS_KEY="env-secret")
    ls_remote(env, remote(repo, "short"))
    calls = [c for c in sts_endpoint.sts_calls("assume_role") if c["RoleArn"] == role_arn("short")]
    assert calls, sts_endpoint.sts_calls()
    assert [str(c.get("DurationSeconds")) for c in calls] == ["1800"] * len(calls), calls
    # The other profile settings still reach STS on this path.
    assert {(c["RoleSessionName"], c.get("ExternalId")) for c in calls} == {("short-s", "ext-short")}
    signer = {"source_profile": "AKIABASEBASEBASEBASE", "Environment": "AKIAENVENVENVENVENV1"}.get(via)
    assert all(c["SignedBy"] == signer if signer else c["SignedBy"].startswith("ASIA") for c in calls), calls
    if via == "role-chain":
        hops = [c for c in sts_endpoint.sts_calls("assume_role") if c["RoleArn"] == role_arn("hop")]
        assert hops and all("DurationSeconds" not in c for c in hops)
    # And the session really is 30 minutes long, not STS's default hour.
    expires = doctor_expiry(env, "short")
    remaining = (expires - dt.datetime.now(UTC)).total_seconds()
    assert 1700 < remaining <= 1800, remaining
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys), keys


# --------------------------------------------------------------------------
# Web identity (moto AssumeRoleWithWebIdentity).
# --------------------------------------------------------------------------


def _web_token(tmp_path: Path) -> Path:
    path = tmp_path / "web-identity-token"
    # moto does not check the JWT; a real-looking one keeps the test honest about the shape.
    path.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6cnVubmVyIn0.c2ln")
    return path


def test_web_identity_token_file_in_profile(sts_endpoint, isolated_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    token = _web_token(tmp_path)
    missing = tmp_path / "no-such-token"
    write_aws_files(
        isolated_env,
        config=f"[profile wid]\nrole_arn = {role_arn('wid')}\nweb_identity_token_file = {token}\n"
        "role_session_name = wid-session\n"
        f"[profile wid-missing]\nrole_arn = {role_arn('wid')}\nweb_identity_token_file = {missing}\n",
    )
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url)

    # A missing token file is an error that names the file, not a hang or a panic.
    proc = codecommit_auth(env, "credential", remote(repo, "wid-missing"))
    assert_clean_error(proc, CREDENTIAL_SOURCE, '"wid-missing"', str(missing))
    assert sts_endpoint.sts_calls() == []

    ls_remote(env, remote(repo, "wid"))
    calls = sts_endpoint.sts_calls("assume_role_with_web_identity")
    assert calls and {c["RoleArn"] for c in calls} == {role_arn("wid")}
    assert {c["RoleSessionName"] for c in calls} == {"wid-session"}
    assert all("SignedBy" not in c for c in calls), "AssumeRoleWithWebIdentity is an unsigned call"
    assert sts_endpoint.sts_calls("assume_role") == []
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys), keys


@pytest.mark.parametrize("profile", [None, "plain"], ids=["default-chain", "explicit-profile"])
def test_web_identity_from_environment(profile, sts_endpoint, isolated_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    # An explicit profile without keys still falls through to the environment's web identity.
    write_aws_files(isolated_env, config="[profile plain]\nregion = us-west-2\n")
    env = ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_endpoint.sts_url, CODE_COMMIT_ENDPOINT=sts_endpoint.url,
               AWS_WEB_IDENTITY_TOKEN_FILE=str(_web_token(tmp_path)), AWS_ROLE_ARN=role_arn("pod"),
               AWS_ROLE_SESSION_NAME="pod-session")
    # The token file is not there yet: the error names the variable and the file.
    token = Path(env["AWS_WEB_IDENTITY_TOKEN_FILE"])
    token.rename(token.with_suffix(".later"))
    proc = codecommit_auth(env, "credential", remote(repo, profile))
    assert proc.returncode != 0 and f"AWS_WEB_IDENTITY_TOKEN_FILE {token}" in proc.stderr, proc.stderr
    assert sts_endpoint.sts_calls() == []
    token.with_suffix(".later").rename(token)

    ls_remote(env, remote(repo, profile))
    calls = sts_endpoint.sts_calls("assume_role_with_web_identity")
    assert calls and {(c["RoleArn"], c["RoleSessionName"]) for c in calls} == {(role_arn("pod"), "pod-session")}
    keys = accepted_keys(sts_endpoint)
    assert keys and all(k.startswith("ASIA") for k in keys), keys


# --------------------------------------------------------------------------
# SSO (portal and OIDC stand-ins, pre-seeded token cache).
# --------------------------------------------------------------------------

START_URL = "https://d-90670ca891.awsapps.com/start"
SSO_REGION = "us-east-1"


@pytest.fixture
def sso_portal():
    with SsoPortal() as portal:
        yield portal


@pytest.fixture
def sso_oidc():
    with SsoOidc() as oidc:
        yield oidc


def sso_config(kind: str, profile: str = "sso-dev", role: str = "Developer") -> tuple[str, str]:
    """(config text, token cache key) for an sso_session or a legacy SSO profile."""
    if kind == "sso_session":
        return (
            f"[profile {profile}]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = {role}\n"
            f"region = {REGION}\n"
            f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\n"
            "sso_registration_scopes = sso:account:access\n",
            "corp",
        )
    return (
        f"[profile {profile}]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\n"
        f"sso_account_id = {ACCOUNT}\nsso_role_name = {role}\nregion = {REGION}\n",
        START_URL,
    )


@pytest.mark.parametrize("kind", ["sso_session", "legacy"])
def test_sso_profile_from_token_cache(kind, endpoint, isolated_env, sso_portal):
    repo = endpoint.add_repo().name
    config, key = sso_config(kind)
    write_aws_files(isolated_env, config=config)
    access_token = "sso-access-" + secrets.token_urlsafe(24)
    sso_mod.seed_token_cache(home(isolated_env), key, access_token=access_token,
                             expires_at=dt.datetime.now(UTC) + dt.timedelta(hours=8),
                             start_url=START_URL, region=SSO_REGION)
    akid, secret, token = endpoint.new_key(token=True)
    sso_portal.grant(access_token, ACCOUNT, "Developer", akid, secret, token)
    env = ours(isolated_env, AWS_ENDPOINT_URL_SSO=sso_portal.url, CODE_COMMIT_ENDPOINT=endpoint.url)
    ls_remote(env, remote(repo, "sso-dev"))
    assert accepted_keys(endpoint) == {akid}
    calls = sso_portal.role_credential_calls()
    assert calls
    for call in calls:
        assert call.headers["x-amz-sso_bearer_token"] == access_token
        assert call.query == {"role_name": "Developer", "account_id": ACCOUNT}


def test_sso_session_token_is_refreshed_through_oidc(endpoint, isolated_env, sso_portal, sso_oidc):
    """A cached sso_session token about to expire is refreshed (CreateToken) and written back."""
    repo = endpoint.add_repo().name
    config, key = sso_config("sso_session")
    write_aws_files(isolated_env, config=config)
    old, new = "sso-old-" + secrets.token_urlsafe(16), "sso-new-" + secrets.token_urlsafe(16)
    path = sso_mod.seed_token_cache(
        home(isolated_env), key, access_token=old, expires_at=dt.datetime.now(UTC) + dt.timedelta(minutes=2),
        start_url=START_URL, region=SSO_REGION, client_id="client-1", client_secret="client-secret-1",
        refresh_token="refresh-1")
    sso_oidc.expect_refresh("client-1", "client-secret-1", "refresh-1", new, "refresh-2")
    akid, secret, token = endpoint.new_key(token=True)
    sso_portal.grant(new, ACCOUNT, "Developer", akid, secret, token)  # only the new token works
    env = ours(isolated_env, AWS_ENDPOINT_URL_SSO=sso_portal.url, AWS_ENDPOINT_URL_SSO_OIDC=sso_oidc.url,
               CODE_COMMIT_ENDPOINT=endpoint.url)
    ls_remote(env, remote(repo, "sso-dev"))
    assert accepted_keys(endpoint) == {akid}
    assert len(sso_oidc.create_token_calls()) == 1, "refreshed once, then the cache file served"
    cached = json.loads(path.read_text())
    assert cached["accessToken"] == new and cached["refreshToken"] == "refresh-2"
    assert {c.headers["x-amz-sso_bearer_token"] for c in sso_portal.role_credential_calls()} == {new}


@pytest.mark.parametrize("kind", ["sso_session", "legacy"])
@pytest.mark.parametrize("state", ["expired", "missing"])
def test_sso_expired_or_missing_token_says_run_sso_login(kind, state, endpoint, isolated_env, sso_portal):
    repo = endpoint.add_repo().name
    config, key = sso_config(kind, profile="sso-team")
    write_aws_files(isolated_env, config=config)
    access_token = "sso-stale-" + secrets.token_urlsafe(24)
    if state == "expired":
        # What `aws sso login` left behind yesterday; the portal no longer knows the token.
        sso_mod.seed_token_cache(home(isolated_env), key, access_token=access_token,
                                 expires_at=dt.datetime.now(UTC) - dt.timedelta(hours=1),
                                 start_url=START_URL, region=SSO_REGION)
    env = ours(isolated_env, AWS_ENDPOINT_URL_SSO=sso_portal.url, CODE_COMMIT_ENDPOINT=endpoint.url)

    proc = codecommit_auth(env, "credential", remote(repo, "sso-team"))
    assert_clean_error(proc, LOGIN_REQUIRED, "aws sso login --profile sso-team", secrets_=(access_token,))

    git = ls_remote(env, remote(repo, "sso-team"), check=False)
    assert git.returncode != 0
    assert "aws sso login --profile sso-team" in git.stderr, git.stderr
    assert accepted_keys(endpoint) == set()
    if kind == "sso_session":
        # aws-config checks the sso_session token's expiry itself: nothing is sent.
        assert sso_portal.role_credential_calls() == []
    # Legacy profiles: aws-config does not look at expiresAt (sso/credentials.rs loads the
    # token and calls GetRoleCredentials with it); the portal's 401 is what ends up here.


# --------------------------------------------------------------------------
# credential_process.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("with_token", [True, False], ids=["temporary", "long-term"])
def test_credential_process(with_token, endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    akid, secret, token = endpoint.new_key(token=with_token)
    command = cp.good(tmp_path / "bin", akid, secret, token)
    write_aws_files(isolated_env, config=f"[profile proc]\ncredential_process = {command} --role ci\n")
    env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url)
    ls_remote(env, remote(repo, "proc"))
    assert accepted_keys(endpoint) == {akid}
    assert all(r["session_token"] == with_token for r in endpoint.requests() if r["status"] == 200)
    assert cp.calls(command) >= 1


def test_credential_process_that_fails(endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    leaked = helpers.random_secret()
    command = cp.failing(tmp_path / "bin",
                         stdout=json.dumps({"Version": 1, "AccessKeyId": "AKIAX", "SecretAccessKey": leaked}),
                         stderr="sso-helper: token expired\nsso-helper: run `sso-helper login`", exit_code=3)
    write_aws_files(isolated_env, config=f"[profile proc]\ncredential_process = {command}\n")
    env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = codecommit_auth(env, "credential", remote(repo, "proc"))
    # The process's own stderr is what tells the user what to do: it is relayed.
    assert_clean_error(proc, CREDENTIAL_SOURCE, '"proc"', "credential_process", "exited with",
                       "token expired", "run `sso-helper login`", secrets_=(leaked,))
    git = ls_remote(env, remote(repo, "proc"), check=False)
    assert git.returncode != 0 and "credential_process" in git.stderr and leaked not in git.stderr
    assert cp.calls(command) >= 2


def short_bound(env: dict[str, str]) -> dict[str, str]:
    """`env` with the resolution bound cut to SHORT_BOUND seconds."""
    return {**env, TIMEOUT_VAR: str(SHORT_BOUND)}


def default_bound(env: dict[str, str]) -> dict[str, str]:
    """`env` without the test-only variable (it may come in from the caller's environment)."""
    return {k: v for k, v in env.items() if k != TIMEOUT_VAR}


def _hanging_process_profile(isolated_env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "bin" / "creds-hang"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\nexec sleep 120\n")
    script.chmod(0o700)
    write_aws_files(isolated_env, config=f"[profile proc]\ncredential_process = {script}\n")


def test_credential_process_that_hangs_is_bounded(endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    _hanging_process_profile(isolated_env, tmp_path)
    env = short_bound(ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url))
    proc = codecommit_auth(env, "credential", remote(repo, "proc"), timeout=HANG_GUARD)
    assert_clean_error(proc, TIMEOUT, '"proc"', "credential_process",
                       f"did not finish within {SHORT_BOUND} s", "were stopped")
    git = ls_remote(env, remote(repo, "proc"), check=False, timeout=HANG_GUARD)
    assert git.returncode != 0 and f"did not finish within {SHORT_BOUND} s" in git.stderr, git.stderr


def test_the_default_bound_is_30_seconds(endpoint, isolated_env, tmp_path):
    """The one run that waits the real 30 s: without the test-only variable the bound is the
    documented default. (A credential_process that hangs: its message names the bound, and
    only one timer can fire.)"""
    repo = endpoint.add_repo().name
    _hanging_process_profile(isolated_env, tmp_path)
    env = default_bound(ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url))
    proc = codecommit_auth(env, "credential", remote(repo, "proc"), timeout=HANG_GUARD)
    assert_clean_error(proc, TIMEOUT, '"proc"', f"did not finish within {OPERATION_BOUND} s")


MALFORMED = {
    "not-json": "here are your keys: {secret}",
    "truncated": '{{"Version": 1, "AccessKeyId": "AKIAEXAMPLEEXAMPLE", "SecretAccessKey": "{secret}"',
    "trailing-garbage": '{{"Version": 1, "AccessKeyId": "AKIAEXAMPLEEXAMPLE", "SecretAccessKey": "{secret}"}} x',
    "version-2": '{{"Version": 2, "AccessKeyId": "AKIAEXAMPLEEXAMPLE", "SecretAccessKey": "{secret}"}}',
    "no-secret-key": '{{"Version": 1, "AccessKeyId": "AKIAEXAMPLEEXAMPLE", "Token": "{secret}"}}',
    "bad-expiration": '{{"Version": 1, "AccessKeyId": "AKIAEXAMPLEEXAMPLE", "SecretAccessKey": "{secret}", '
    '"SessionToken": "{secret}", "Expiration": "tomorrow {secret}"}}',
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_credential_process_malformed_output(case, endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    leaked = helpers.random_secret().replace("/", "x").replace("+", "y")
    command = cp.malformed(tmp_path / "bin", MALFORMED[case].format(secret=leaked))
    write_aws_files(isolated_env, config=f"[profile proc]\ncredential_process = {command}\n")
    env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = codecommit_auth(env, "credential", remote(repo, "proc"))
    assert_clean_error(proc, CREDENTIAL_SOURCE, '"proc"', "credential_process", secrets_=(leaked,))
    assert cp.calls(command) == 1


# --------------------------------------------------------------------------
# Container credentials and IMDSv2.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["token", "token-file"])
def test_container_credentials(via, endpoint, isolated_env, tmp_path):
    repo = endpoint.add_repo().name
    akid, secret, token = endpoint.new_key(token=True)
    authorization = "Bearer " + secrets.token_urlsafe(24)
    with ContainerCredentials(akid, secret, token, authorization) as container:
        env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url,
                   AWS_CONTAINER_CREDENTIALS_FULL_URI=container.full_uri)
        if via == "token":
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = authorization
        else:
            token_file = tmp_path / "eks-pod-identity-token"
            token_file.write_text(authorization)
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = str(token_file)
        ls_remote(env, remote(repo))
        assert accepted_keys(endpoint) == {akid}
        calls = container.credential_calls()
        assert calls and all(c.headers.get("authorization") == authorization for c in calls)

        # The wrong token: a clear failure naming the source, no secret.
        env.pop("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", None)
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer wrong"
        proc = codecommit_auth(env, "credential", remote(repo))
        assert proc.returncode != 0 and proc.stdout == ""
        assert secret not in proc.stderr and authorization not in proc.stderr
        assert "401" in proc.stderr, proc.stderr
        # It says which variable led there.
        assert f"AWS_CONTAINER_CREDENTIALS_FULL_URI {container.full_uri}" in proc.stderr, proc.stderr


def test_imdsv2_instance_profile(endpoint, isolated_env):
    repo = endpoint.add_repo().name
    akid, secret, token = endpoint.new_key(token=True)
    with Imds(akid, secret, token) as imds:
        env = ours(isolated_env, CODE_COMMIT_ENDPOINT=endpoint.url, AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url)
        # Disabled (as the isolated environment has it): IMDS must not be asked at all.
        proc = codecommit_auth(env, "credential", remote(repo))
        assert proc.returncode == NO_CREDENTIALS, proc.stderr
        assert imds.requests == []

        env.pop("AWS_EC2_METADATA_DISABLED")
        ls_remote(env, remote(repo))
        assert accepted_keys(endpoint) == {akid}
        assert imds.requests[0].method == "PUT" and imds.requests[0].path == "/latest/api/token"
        assert imds.rejected() == [], "every metadata GET must carry a session token"
        assert any(r.path.endswith("/" + imds.role) for r in imds.requests)


# --------------------------------------------------------------------------
# login_session (aws login; Sign-In stand-in).
# --------------------------------------------------------------------------

LOGIN_SESSION = f"arn:aws:iam::{ACCOUNT}:user/Admin"
LOGIN_CLIENT = "arn:aws:signin:::devtools/same-device"


@pytest.fixture
def signin():
    with Signin() as s:
        yield s


def _login_profile(env: dict[str, str], name: str = "console") -> None:
    write_aws_files(env, config=f"[profile {name}]\nlogin_session = {LOGIN_SESSION}\nregion = {REGION}\n")


def test_login_session_from_cache(endpoint, isolated_env, signin):
    repo = endpoint.add_repo().name
    _login_profile(isolated_env)
    akid, secret, token = endpoint.new_key(token=True)
    signin_mod.seed_token_cache(home(isolated_env), LOGIN_SESSION, akid=akid, secret=secret, session_token=token,
                                account_id=ACCOUNT, expires_at=dt.datetime.now(UTC) + dt.timedelta(minutes=50),
                                refresh_token="rt-1", client_id=LOGIN_CLIENT, dpop_key=signin_mod.new_dpop_key())
    env = ours(isolated_env, AWS_ENDPOINT_URL_SIGNIN=signin.url, CODE_COMMIT_ENDPOINT=endpoint.url)
    ls_remote(env, remote(repo, "console"))
    assert accepted_keys(endpoint) == {akid}
    assert signin.requests == [], "valid cached credentials need no Sign-In call"


def test_login_session_refresh_with_dpop(endpoint, isolated_env, signin):
    repo = endpoint.add_repo().name
    _login_profile(isolated_env)
    key = signin_mod.new_dpop_key()
    old = endpoint.new_key(token=True)
    path = signin_mod.seed_token_cache(home(isolated_env), LOGIN_SESSION, akid=old[0], secret=old[1],
                                       session_token=old[2], account_id=ACCOUNT,
                                       expires_at=dt.datetime.now(UTC) - dt.timedelta(minutes=1),
                                       refresh_token="rt-1", client_id=LOGIN_CLIENT, dpop_key=key)
    akid, secret, token = endpoint.new_key(token=True)
    signin.expect_refresh(LOGIN_CLIENT, "rt-1", key, akid, secret, token, "rt-2", expires_in=3600)
    env = ours(isolated_env, AWS_ENDPOINT_URL_SIGNIN=signin.url, CODE_COMMIT_ENDPOINT=endpoint.url)
    ls_remote(env, remote(repo, "console"))
    assert signin.dpop_failures == []
    assert accepted_keys(endpoint) == {akid}
    assert len(signin.token_calls()) >= 1
    cached = json.loads(path.read_text())
    assert cached["refreshToken"] == "rt-2" and cached["accessToken"]["accessKeyId"] == akid


@pytest.mark.parametrize("state", ["missing", "refresh-rejected"])
def test_login_session_missing_or_expired_says_run_aws_login(state, endpoint, isolated_env, signin):
    repo = endpoint.add_repo().name
    _login_profile(isolated_env, "console")
    old = endpoint.new_key(token=True)
    if state == "refresh-rejected":
        signin_mod.seed_token_cache(home(isolated_env), LOGIN_SESSION, akid=old[0], secret=old[1],
                                    session_token=old[2], account_id=ACCOUNT,
                                    expires_at=dt.datetime.now(UTC) - dt.timedelta(hours=2),
                                    refresh_token="rt-revoked", client_id=LOGIN_CLIENT,
                                    dpop_key=signin_mod.new_dpop_key())
    env = ours(isolated_env, AWS_ENDPOINT_URL_SIGNIN=signin.url, CODE_COMMIT_ENDPOINT=endpoint.url)
    proc = codecommit_auth(env, "credential", remote(repo, "console"))
    assert_clean_error(proc, LOGIN_REQUIRED, "aws login --profile console", secrets_=(old[1], old[2]))
    assert len(signin.token_calls()) == (1 if state == "refresh-rejected" else 0)


# --------------------------------------------------------------------------
# STS down: bounded failure.
# --------------------------------------------------------------------------


def _role_env(isolated_env: dict[str, str], sts_url: str, endpoint) -> dict[str, str]:
    write_aws_files(
        isolated_env,
        config=helpers.role_config(role_arn=role_arn("deployer")),
        credentials=BASE_CREDENTIALS,
    )
    return ours(isolated_env, AWS_ENDPOINT_URL_STS=sts_url, CODE_COMMIT_ENDPOINT=endpoint.url)


def test_sts_closed_port_fails_fast(endpoint, isolated_env):
    repo = endpoint.add_repo().name
    env = _role_env(isolated_env, f"http://127.0.0.1:{closed_port()}", endpoint)
    started = time.monotonic()
    proc = codecommit_auth(env, "credential", remote(repo, "deployer"))
    elapsed = time.monotonic() - started
    print(f"\nSTS closed port: codecommit-auth exit {proc.returncode} after {elapsed:.2f} s")
    assert_clean_error(proc, CREDENTIAL_SOURCE, '"deployer"', secrets_=("base-secret",))
    assert elapsed < 15, f"a refused connection took {elapsed:.1f} s"

    started = time.monotonic()
    git = ls_remote(env, remote(repo, "deployer"), check=False)
    elapsed = time.monotonic() - started
    print(f"STS closed port: git ls-remote exit {git.returncode} after {elapsed:.2f} s")
    assert git.returncode != 0 and '"deployer"' in git.stderr, git.stderr
    assert elapsed < 15
    assert endpoint.requests() == [] or accepted_keys(endpoint) == set()


def test_sts_that_never_answers_times_out(endpoint, isolated_env):
    """Connections are accepted, no byte comes back: the resolution bound (cut to 2 s, below
    the 10 s read timeout) ends it, and the message names the bound."""
    repo = endpoint.add_repo().name
    with SilentPort() as silent:
        env = short_bound(_role_env(isolated_env, silent.url, endpoint))
        proc = codecommit_auth(env, "credential", remote(repo, "deployer"), timeout=HANG_GUARD)
        print(f"\nSTS silent port: {silent.accepted} connections")
        assert silent.accepted >= 1, "the request never reached the silent port"
        assert_clean_error(proc, TIMEOUT, '"deployer"', f"took longer than {SHORT_BOUND} s",
                           "check network access")

        git = ls_remote(env, remote(repo, "deployer"), check=False, timeout=HANG_GUARD)
        assert git.returncode != 0, git.stderr
        assert f"took longer than {SHORT_BOUND} s" in git.stderr and "check network access" in git.stderr, git.stderr


def test_sts_connect_timeout(endpoint, isolated_env):
    """TCP connect never completes (full accept queue): the resolution bound (cut to 2 s,
    below the 3 s connect timeout) ends it, and the message names the bound."""
    repo = endpoint.add_repo().name
    with FullBacklogPort() as stalled:
        assert not stalled.connects(0.5), "the stand-in's accept queue is not full"
        env = short_bound(_role_env(isolated_env, stalled.url, endpoint))
        proc = codecommit_auth(env, "credential", remote(repo, "deployer"), timeout=HANG_GUARD)
        assert_clean_error(proc, TIMEOUT, '"deployer"', f"took longer than {SHORT_BOUND} s",
                           "check network access")
