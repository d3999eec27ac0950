"""Self-check of the official-tools oracle (tests/oracle/official.py).

Why: the conformance test trusts the oracle as ground truth. Here the oracle is held
against an independent computation written from the protocol facts in DESIGN.md with
nothing but hmac/hashlib, and its clock pinning and per-case isolation are checked.
If these fail, a conformance failure means nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import string
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "oracle"))
import official  # noqa: E402

# Tests of the test harness, not of the product (see the `harness` marker in conftest.py).
pytestmark = pytest.mark.harness

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEPr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+ab/cd=="
AT = "2015-08-30T12:36:00Z"

# Written down once from the reference below; pins both sides against silent drift.
GOLDEN_PASSWORD = (
    "20150830T123600Z088fec8c788f892e6cb940f22a736b224a5a5de18925fa5f02413a1bb215c389"
)


# ------------------------------------------------------------ reference (facts only)


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def ref_password(secret: str, region: str, host: str, repo: str, at: str) -> str:
    """Password from DESIGN.md 'Protocol facts', independent of botocore."""
    stamp = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y%m%dT%H%M%S")
    day = stamp[:8]
    canonical = f"GIT\n/v1/repos/{repo}\n\nhost:{host}\n\nhost\n"
    string_to_sign = (
        f"AWS4-HMAC-SHA256\n{stamp}\n{day}/{region}/codecommit/aws4_request\n"
        + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    )
    key = _hmac(("AWS4" + secret).encode("utf-8"), day)
    for part in (region, "codecommit", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{stamp}Z{signature}"


def ref_username(akid: str, token: str | None) -> str:
    return akid + ("%" + token if token else "")


def ref_url_encode(text: str) -> str:
    """Percent-encode every byte except A-Za-z0-9 and _.-~ (the URL userinfo rule)."""
    keep = set(string.ascii_letters + string.digits + "_.-~")
    return "".join(ch if ch in keep else f"%{ord(ch):02X}" for ch in text)


def ref_host(region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"git-codecommit.{region}.{suffix}"


def ref_url(repo, region, akid, secret, token, at, host=None) -> str:
    host = host or ref_host(region)
    user = ref_url_encode(ref_username(akid, token))
    return f"https://{user}:{ref_password(secret, region, host, repo, at)}@{host}/v1/repos/{repo}"


def ref_helper_stdout(akid, secret, token, region, signed_host, repo, at) -> str:
    password = ref_password(secret, region, signed_host, repo, at)
    return f"username={ref_username(akid, token)}\npassword={password}\n"


def git_request(host: str, repo: str, extra: str = "") -> str:
    return f"protocol=https\nhost={host}\npath=v1/repos/{repo}\n{extra}\n"


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def oracle():
    with official.Oracle() as instance:
        yield instance


def url_case(**overrides):
    case = {"kind": "git_url", "repo": "MyDemoRepo", "region": "us-east-1",
            "akid": AKID, "secret": SECRET, "token": None, "at": AT}
    case.update(overrides)
    return case


def helper_case(stdin, **overrides):
    case = {"kind": "credential_helper", "stdin": stdin, "akid": AKID,
            "secret": SECRET, "token": None, "at": AT}
    case.update(overrides)
    return case


# --------------------------------------------------------------------------- tests


def test_reference_matches_golden_vector():
    host = "git-codecommit.us-east-1.amazonaws.com"
    assert ref_password(SECRET, "us-east-1", host, "MyDemoRepo", AT) == GOLDEN_PASSWORD


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"token": TOKEN},
        {"region": "eu-central-1", "repo": "a.b_c-d"},
        {"region": "cn-north-1"},
        {"region": "cn-northwest-1", "token": "x+y/z="},
        {"region": "us-gov-west-1", "at": "2035-12-31T23:59:59Z"},
        {"region": "eu-south-3", "repo": "x" * 100},
    ],
    ids=repr,
)
def test_git_url_matches_reference(oracle, overrides):
    case = url_case(**overrides)
    expected = ref_url(case["repo"], case["region"], AKID, SECRET, case["token"], case["at"])
    assert oracle.run_case(case) == {"url": expected}


def test_git_url_golden(oracle):
    url = oracle.run_case(url_case())["url"]
    assert url == (
        f"https://{AKID}:{GOLDEN_PASSWORD}@git-codecommit.us-east-1.amazonaws.com/v1/repos/MyDemoRepo"
    )


def test_git_url_code_commit_endpoint_is_signed_with_its_port(oracle):
    endpoint = "localhost:8443"
    case = url_case(endpoint=endpoint, token=TOKEN)
    expected = ref_url("MyDemoRepo", "us-east-1", AKID, SECRET, TOKEN, AT, host=endpoint)
    assert oracle.run_case(case) == {"url": expected}
    # ...and the variable does not leak into the next case.
    assert oracle.run_case(url_case()) == {"url": ref_url("MyDemoRepo", "us-east-1", AKID, SECRET, None, AT)}


def test_git_url_through_official_remote_parsing_and_profile(oracle):
    direct = oracle.run_case(url_case(region="eu-west-1", token=TOKEN))
    via_profile = oracle.run_case(url_case(region="eu-west-1", token=TOKEN, profile="dev"))
    via_env = oracle.run_case(url_case(region="eu-west-1", token=TOKEN, via_remote=True))
    assert direct == via_profile == via_env
    unknown = oracle.run_case(url_case(region="eu-south-3", via_remote=True))
    assert unknown["error"] == "RegionNotAvailable"


@pytest.mark.parametrize(
    "host, signed_host, region",
    [
        ("git-codecommit.us-east-1.amazonaws.com", None, "us-east-1"),
        ("git-codecommit.us-east-1.amazonaws.com:443", "git-codecommit.us-east-1.amazonaws.com", "us-east-1"),
        ("git-codecommit.cn-north-1.amazonaws.com.cn", None, "cn-north-1"),
        ("git-codecommit-fips.us-gov-west-1.amazonaws.com", None, "us-gov-west-1"),
        ("vpce-0123456789abcdef0-abcdefgh.git-codecommit.eu-central-1.vpce.amazonaws.com", None, "eu-central-1"),
        ("vpce-0123456789abcdef0-abcdefgh.git-codecommit-fips.us-east-2.vpce.amazonaws.com:443",
         "vpce-0123456789abcdef0-abcdefgh.git-codecommit-fips.us-east-2.vpce.amazonaws.com", "us-east-2"),
    ],
)
@pytest.mark.parametrize("token", [None, TOKEN])
def test_credential_helper_matches_reference(oracle, host, signed_host, region, token):
    result = oracle.run_case(helper_case(git_request(host, "MyDemoRepo"), token=token))
    expected = ref_helper_stdout(AKID, SECRET, token, region, signed_host or host, "MyDemoRepo", AT)
    assert result == {"stdout": expected, "rc": 0, "stderr": ""}


def test_credential_helper_host_region_beats_region_flag(oracle):
    host = "git-codecommit.us-west-2.amazonaws.com"
    result = oracle.run_case(helper_case(git_request(host, "r"), region="eu-west-1"))
    assert result["stdout"] == ref_helper_stdout(AKID, SECRET, None, "us-west-2", host, "r", AT)


def test_credential_helper_tolerates_newer_git_request_lines(oracle):
    host = "git-codecommit.us-east-1.amazonaws.com"
    extra = 'capability[]=authtype\nwwwauth[]=Basic realm="CodeCommit"\n'
    result = oracle.run_case(helper_case(git_request(host, "r", extra)))
    assert result["stdout"] == ref_helper_stdout(AKID, SECRET, None, "us-east-1", host, "r", AT)


def test_credential_helper_foreign_host(oracle):
    request = git_request("git.example.com", "r")
    assert oracle.run_case(helper_case(request)) == {"stdout": "", "rc": 0, "stderr": ""}
    forced = oracle.run_case(helper_case(request, ignore_host_check=True, region="eu-west-1"))
    assert forced["stdout"] == ref_helper_stdout(AKID, SECRET, None, "eu-west-1", "git.example.com", "r", AT)


def test_pinned_time_is_honoured(oracle):
    host = "git-codecommit.us-east-1.amazonaws.com"
    for case_for in (lambda at: url_case(at=at), lambda at: helper_case(git_request(host, "r"), at=at)):
        first = oracle.run_case(case_for("2020-01-02T03:04:05Z"))
        again = oracle.run_case(case_for("2020-01-02T03:04:05Z"))
        later = oracle.run_case(case_for("2020-01-02T03:04:06Z"))
        assert first == again
        assert first != later
        assert "20200102T030405Z" in json.dumps(first)
        assert "20200102T030406Z" in json.dumps(later)


def test_no_state_leaks_between_cases(oracle):
    """Keys, tokens and --region from one case must not survive into the next."""
    host = "git-codecommit.us-east-1.amazonaws.com"
    with_token = oracle.run_case(helper_case(git_request(host, "r"), token=TOKEN))
    assert f"username={AKID}%{TOKEN}\n" in with_token["stdout"]
    other_keys = oracle.run_case(helper_case(git_request(host, "r"), akid="ASIAOTHER", secret="other"))
    assert other_keys["stdout"] == ref_helper_stdout("ASIAOTHER", "other", None, "us-east-1", host, "r", AT)

    foreign = git_request("git.example.com", "r")
    with_region = oracle.run_case(helper_case(foreign, ignore_host_check=True, region="eu-west-1"))
    assert with_region["rc"] == 0
    without_region = oracle.run_case(helper_case(foreign, ignore_host_check=True))
    assert without_region["stdout"] == "" and without_region["rc"] != 0  # official: no region -> error


def test_reused_cli_driver_equals_fresh_driver(monkeypatch):
    """The worker reuses one CLIDriver for speed; prove it answers as a fresh one would."""
    hosts = ["git-codecommit.us-east-1.amazonaws.com:443", "git.example.com",
             "git-codecommit-fips.us-gov-east-1.amazonaws.com"]
    cases = [
        helper_case(git_request(host, f"repo{i}"), token=token, region=region,
                    ignore_host_check=ignore, at=f"20{20 + i % 10}-06-0{1 + i % 9}T10:00:0{i % 10}Z",
                    akid=f"AKIA{i:016d}")
        for i, (host, token, region, ignore) in enumerate(
            (h, t, r, ig) for h in hosts for t in (None, TOKEN)
            for r in (None, "ap-southeast-2") for ig in (False, True))
    ]
    with official.Oracle() as reused:
        expected = reused.run_cases(cases)
    monkeypatch.setenv("OFFICIAL_ORACLE_FRESH_DRIVER", "1")
    with official.Oracle() as fresh:
        assert fresh.run_cases(cases) == expected


def test_batch_command_line_interface():
    """`python official.py` reads JSON lines and answers one line per case, echoing ids."""
    lines = [
        json.dumps(url_case(id="a")),
        json.dumps(helper_case(git_request("git-codecommit.us-east-1.amazonaws.com", "MyDemoRepo"), id=7)),
        json.dumps({"kind": "nope"}),
    ]
    proc = subprocess.run(
        [sys.executable, str(Path(official.__file__))],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120, check=True,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == 3
    assert results[0]["id"] == "a" and GOLDEN_PASSWORD in results[0]["url"]
    assert results[1]["id"] == 7 and f"password={GOLDEN_PASSWORD}\n" in results[1]["stdout"]
    assert results[2]["error"] == "UnknownKind"


def test_module_level_api():
    url = official.git_url("MyDemoRepo", "us-east-1", AKID, SECRET, at=AT)
    assert GOLDEN_PASSWORD in url
    out = official.credential_helper(
        git_request("git-codecommit.us-east-1.amazonaws.com", "MyDemoRepo"), AKID, SECRET, at=AT
    )
    assert out["stdout"] == f"username={AKID}\npassword={GOLDEN_PASSWORD}\n"


def test_parse_at_accepts_rfc3339_utc_only():
    assert official.parse_at("2020-01-02T03:04:05Z") == datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert official.parse_at("2020-01-02T04:04:05+01:00").hour == 3
    with pytest.raises(ValueError):
        official.parse_at("2020-01-02T03:04:05")
