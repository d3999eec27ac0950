"""Proxies and custom CAs for every AWS call, as botocore does them (issue 14, section 1).

Set-up: moto's STS (from the sts_endpoint fixture) behind a TLS front whose certificate is
issued by a CA of the test's own (trustme), reachable only through a local forward proxy
(standins.proxy) that resolves ``sts.proxy-only.test``: a client that ignores the proxy
cannot even resolve the name, and one that ignores the CA fails the TLS handshake.

Every test runs the AWS CLI (``.venv/bin/aws``, botocore) against the same set-up with the
same environment and expects the same outcome, so the tests prove the convention and not our
reading of it.

What is pinned down:
- HTTPS_PROXY (and https_proxy) carry the STS call through a CONNECT tunnel;
- proxy credentials in the URL work and never appear in our output, errors or trace;
- NO_PROXY bypasses the proxy;
- AWS_CA_BUNDLE and the profile's ca_bundle are trusted (in addition to the OS store);
- without the CA: exit 18, one line naming the host and suggesting AWS_CA_BUNDLE;
- container credentials never go through a proxy, IMDS does (unless NO_PROXY covers it).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import helpers
from standins.container import ContainerCredentials
from standins.imds import Imds
from standins.proxy import ForwardProxy, TlsFront

trustme = pytest.importorskip("trustme")

BIN_DIR = helpers.BIN_DIR
AWS = helpers.REPO_ROOT / ".venv" / "bin" / "aws"
TOOL = BIN_DIR / "codecommit-auth"
STS_HOST = "sts.proxy-only.test"
ROLE = "arn:aws:iam::123456789012:role/deployer"
REMOTE = "codecommit::us-east-1://deployer@demo"
DEFAULT_REMOTE = "codecommit::us-east-1://demo"  # the default credential chain
PROXY_PASSWORD = "pr0xy-p@ss:word-SECRET"
BASE_SECRET = "base-secret-PLANTED-9f8e7d"

pytestmark = [
    pytest.mark.skipif(not TOOL.exists(), reason=f"binaries not built in {BIN_DIR}"),
    pytest.mark.skipif(not AWS.exists(), reason="the AWS CLI is not in .venv"),
]

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
              "ALL_PROXY", "all_proxy")


@pytest.fixture
def ca(tmp_path):
    authority = trustme.CA()
    pem = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(pem))
    return authority, pem


@pytest.fixture
def sts_tls(sts_endpoint, ca):
    authority, _ = ca
    backend = urlsplit(sts_endpoint.sts_url).port
    with TlsFront(backend, authority.issue_cert(STS_HOST, "127.0.0.1")) as front:
        yield sts_endpoint, front


@pytest.fixture
def base_env(isolated_env, sts_tls, ca):
    """Role profile `deployer` from static keys in `base`; STS only over TLS via the proxy
    name; the machine's global AWS_CA_BUNDLE and proxy variables cleared."""
    _, front = sts_tls
    helpers.write_aws_files(
        isolated_env, helpers.role_config(role_arn=ROLE, role_session_name="proxy-test"),
        f"[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = {BASE_SECRET}\n")
    env = {k: v for k, v in isolated_env.items() if k not in PROXY_VARS and k != "AWS_CA_BUNDLE"}
    env["AWS_ENDPOINT_URL_STS"] = f"https://{STS_HOST}:{front.port}"
    return env


def ours(env: dict[str, str], *extra: str, remote: str = REMOTE) -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOL), "credential", remote, "--json", "--no-cache", *extra], env=env,
                          capture_output=True, text=True, timeout=90)


def botocore_access_key(env: dict[str, str]) -> subprocess.CompletedProcess:
    """The oracle for the default chain: botocore resolves credentials with `env` and prints
    the access key id."""
    probe = ("import botocore.session;"
             "c=botocore.session.Session().get_credentials().get_frozen_credentials();"
             "print(c.access_key)")
    return subprocess.run([str(helpers.REPO_ROOT / ".venv" / "bin" / "python"), "-c", probe], env=env,
                          capture_output=True, text=True, timeout=60)


def aws(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(AWS), "sts", "assume-role", "--profile", "base", "--region", "us-east-1",
                           "--role-arn", ROLE, "--role-session-name", "oracle", "--output", "json"],
                          env=env, capture_output=True, text=True, timeout=120)


def assert_both_succeed(env: dict[str, str]) -> None:
    mine = ours(env)
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout)["username"].startswith("ASIA")
    oracle = aws(env)
    assert oracle.returncode == 0, oracle.stderr
    assert json.loads(oracle.stdout)["Credentials"]["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy"])
def test_https_proxy_and_ca_bundle(base_env, sts_tls, ca, variable):
    sts, front = sts_tls
    with ForwardProxy(resolve={STS_HOST: "127.0.0.1"}) as proxy:
        env = {**base_env, variable: proxy.url, "AWS_CA_BUNDLE": str(ca[1])}
        mine = ours(env)
        assert mine.returncode == 0, mine.stderr
        assert proxy.targets("CONNECT") == [f"{STS_HOST}:{front.port}"]
        oracle = aws(env)
        assert oracle.returncode == 0, oracle.stderr
        assert proxy.targets("CONNECT") == [f"{STS_HOST}:{front.port}"] * 2
    assert len(sts.sts_calls("assume_role")) == 2


def test_proxy_credentials_in_the_url_work_and_are_never_shown(base_env, sts_tls, ca, tmp_path):
    _, front = sts_tls
    with ForwardProxy(resolve={STS_HOST: "127.0.0.1"}, auth=("corp-user", PROXY_PASSWORD)) as proxy:
        trace = tmp_path / "trace.log"
        env = {**base_env, "HTTPS_PROXY": proxy.url_with_auth, "AWS_CA_BUNDLE": str(ca[1]),
               "CODECOMMIT_AUTH_TRACE": str(trace)}
        mine = ours(env)
        assert mine.returncode == 0, mine.stderr
        assert [e.authorized for e in proxy.log] == [True]
        assert aws(env).returncode == 0
        # A wrong proxy password fails (both tools), and the message does not repeat it.
        wrong = {**env, "HTTPS_PROXY": proxy.url_with_auth.replace("corp-user", "someone-else")}
        failed = ours(wrong)
        assert failed.returncode == 18, failed.stderr
        assert "407" in failed.stderr and "HTTPS_PROXY" in failed.stderr
        assert aws(wrong).returncode != 0
        assert [e.status for e in proxy.log][-2:] == [407, 407]
        encoded = urlsplit(proxy.url_with_auth).password
        for text in (mine.stderr, failed.stderr, trace.read_text()):
            assert PROXY_PASSWORD not in text and encoded not in text
        assert trace.read_text().strip(), "the trace was written"


def test_no_proxy_bypasses_the_proxy(base_env, sts_tls, ca):
    """NO_PROXY=127.0.0.1 with the STS endpoint named by address: direct, for both tools."""
    _, front = sts_tls
    with ForwardProxy(resolve={STS_HOST: "127.0.0.1"}) as proxy:
        env = {**base_env, "HTTPS_PROXY": proxy.url, "NO_PROXY": "127.0.0.1",
               "AWS_CA_BUNDLE": str(ca[1]), "AWS_ENDPOINT_URL_STS": f"https://127.0.0.1:{front.port}"}
        assert_both_succeed(env)
        assert proxy.log == []
        # The control: without NO_PROXY the same calls go through the proxy.
        del env["NO_PROXY"]
        assert_both_succeed(env)
        assert proxy.targets("CONNECT") == [f"127.0.0.1:{front.port}"] * 2


def test_profile_ca_bundle(base_env, sts_tls, ca):
    config = Path(base_env["AWS_CONFIG_FILE"])
    config.write_text(config.read_text().replace("[profile base]\n", f"[profile base]\nca_bundle = {ca[1]}\n")
                      .replace("[profile deployer]\n", f"[profile deployer]\nca_bundle = {ca[1]}\n"))
    with ForwardProxy(resolve={STS_HOST: "127.0.0.1"}) as proxy:
        assert_both_succeed({**base_env, "HTTPS_PROXY": proxy.url})


def test_without_the_ca_a_one_line_error_names_the_host_and_aws_ca_bundle(base_env, sts_tls):
    sts, front = sts_tls
    with ForwardProxy(resolve={STS_HOST: "127.0.0.1"}) as proxy:
        env = {**base_env, "HTTPS_PROXY": proxy.url}
        failed = ours(env)
        assert failed.returncode == 18, failed.stderr
        lines = failed.stderr.strip().splitlines()
        assert len(lines) == 1, failed.stderr
        assert STS_HOST in lines[0] and "AWS_CA_BUNDLE" in lines[0]
        oracle = aws(env)
        assert oracle.returncode != 0 and "SSL" in oracle.stderr
    assert sts.sts_calls("assume_role") == []


def test_container_credentials_never_use_a_proxy(isolated_env):
    """botocore's ContainerMetadataFetcher uses a session without proxies."""
    token = "container-auth-token"
    with ContainerCredentials("ASIACONTAINERCONTAIN", "c-secret", "c-token", token) as container, \
            ForwardProxy() as proxy:
        env = {k: v for k, v in isolated_env.items() if k not in PROXY_VARS}
        env.update(HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url,
                   AWS_CONTAINER_CREDENTIALS_FULL_URI=container.full_uri,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN=token)
        mine = ours(env, remote=DEFAULT_REMOTE)
        assert mine.returncode == 0, mine.stderr
        assert json.loads(mine.stdout)["username"].startswith("ASIACONTAINERCONTAIN%")
        assert len(container.requests) == 1 and proxy.log == []
        # The oracle: botocore's fetcher, with the same environment, does not use the proxy.
        oracle = botocore_access_key(env)
        assert oracle.stdout.strip() == "ASIACONTAINERCONTAIN", oracle.stderr
        assert len(container.requests) == 2 and proxy.log == []


def test_imds_goes_through_the_proxy_unless_no_proxy_covers_it(isolated_env):
    """botocore's IMDSFetcher uses the environment's proxies for its URL (get_environ_proxies)."""
    with Imds("ASIAIMDSIMDSIMDSIMDS", "i-secret", "i-token") as imds, ForwardProxy(
            resolve={"imds.proxy-only.test": "127.0.0.1"}) as proxy:
        env = {k: v for k, v in isolated_env.items() if k not in PROXY_VARS and k != "AWS_EC2_METADATA_DISABLED"}
        env.update(HTTP_PROXY=proxy.url,
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=f"http://imds.proxy-only.test:{imds.port}")
        mine = ours(env, remote=DEFAULT_REMOTE)
        assert mine.returncode == 0, mine.stderr
        assert json.loads(mine.stdout)["username"].startswith("ASIAIMDSIMDSIMDSIMDS%")
        ours_through_proxy = len(proxy.log)
        # The name resolves only at the proxy; one logged request per connection (kept alive).
        assert ours_through_proxy >= 1 and len(imds.requests) >= 2, proxy.log
        oracle = botocore_access_key(env)
        assert oracle.stdout.strip() == "ASIAIMDSIMDSIMDSIMDS", oracle.stderr
        assert len(proxy.log) > ours_through_proxy
        # NO_PROXY covering the metadata address: direct (by address, the name needs the proxy).
        before = len(proxy.log)
        direct = {**env, "NO_PROXY": "127.0.0.1", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url}
        mine = ours(direct, remote=DEFAULT_REMOTE)
        assert mine.returncode == 0, mine.stderr
        oracle = botocore_access_key(direct)
        assert oracle.stdout.strip() == "ASIAIMDSIMDSIMDSIMDS", oracle.stderr
        assert len(proxy.log) == before
