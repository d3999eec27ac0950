"""Differential conformance: our Rust binaries against the OFFICIAL tools, case by case.

Why: the signature is all-or-nothing; CodeCommit only says "403". The surest check is
to feed many randomized inputs to the official tools (git-remote-codecommit's
``git_url`` and ``aws codecommit credential-helper get``, run by tests/oracle/official.py
with the clock pinned) and to ours (with ``--at``), and demand identical output.

Knobs (environment):
* ``CONFORMANCE_SEED``   reproduce a run (printed in every failure message).
* ``CONFORMANCE_CASES``  randomized cases per kind (default 1000).
* ``CODECOMMIT_AUTH_BIN_DIR``  where ``codecommit-auth`` and ``git-credential-codecommit``
  live (default ``target/debug`` under the repo root; relative values are resolved
  against the repo root). Tests skip only when those binaries are not built.

All keys here are random test values, so failing cases are printed in full.
"""

from __future__ import annotations

import json
import os
import random
import string
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "oracle"))
import official  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = REPO_ROOT / os.environ.get("CODECOMMIT_AUTH_BIN_DIR", "target/debug")
URL_BIN = BIN_DIR / "codecommit-auth"
HELPER_BIN = BIN_DIR / "git-credential-codecommit"

SEED = (
    int(os.environ["CONFORMANCE_SEED"])
    if os.environ.get("CONFORMANCE_SEED")
    else random.SystemRandom().randrange(2**32)
)
N_CASES = int(os.environ.get("CONFORMANCE_CASES", "1000"))
REPORT_FIRST = 5
THREADS = max(4, 2 * (os.cpu_count() or 1))

KEY_ALPHABET = string.ascii_letters + string.digits + "+/="
REPO_ALPHABET = string.ascii_letters + string.digits + "._-"
REGIONS = [
    "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2",
    "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
    # future-shaped, not (yet) in any endpoints file
    "eu-south-3", "ap-east-7", "us-north-4", "me-west-2", "sa-south-9",
]
EARLIEST = datetime(2015, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2035, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


# ------------------------------------------------------------------ generators


def rng_for(test_name: str) -> random.Random:
    """Each test gets its own stream, so one test's case count never shifts another's."""
    return random.Random(f"{SEED}:{test_name}")


def gen_akid(rng: random.Random) -> str:
    return rng.choice(["AKIA", "ASIA"]) + "".join(
        rng.choices(string.ascii_uppercase + string.digits, k=16)
    )


def gen_secret(rng: random.Random) -> str:
    return "".join(rng.choices(KEY_ALPHABET, k=40))


def gen_token(rng: random.Random) -> str | None:
    """A session token in about half the cases (length 100-800, base64 alphabet)."""
    if rng.random() < 0.5:
        return None
    return "".join(rng.choices(KEY_ALPHABET, k=rng.randint(100, 800)))


def gen_repo(rng: random.Random) -> str:
    """1-100 chars of A-Za-z0-9._-, never `.`/`..`, never ending in `.git`."""
    while True:
        repo = "".join(rng.choices(REPO_ALPHABET, k=rng.randint(1, 100)))
        if repo not in (".", "..") and not repo.endswith(".git"):
            return repo


def gen_at(rng: random.Random) -> str:
    span = int((LATEST - EARLIEST).total_seconds())
    return rfc3339(EARLIEST + timedelta(seconds=rng.randint(0, span)))


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def standard_host(region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"git-codecommit.{region}.{suffix}"


def gen_vpce_host(rng: random.Random, region: str) -> str:
    vpce_id = "vpce-" + "".join(rng.choices("0123456789abcdef", k=17))
    az = "-" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=8))
    service = rng.choice(["git-codecommit", "git-codecommit-fips"])
    return f"{vpce_id}{az}.{service}.{region}.vpce.amazonaws.com"


def gen_host(rng: random.Random, region: str) -> str:
    """Standard, FIPS or VPC-endpoint host for ``region``, sometimes with ``:443``.

    FIPS and VPC endpoint hosts are drawn only outside China (they live under
    amazonaws.com, which China regions do not use).
    """
    kinds = ["standard"] if region.startswith("cn-") else ["standard", "fips", "vpce"]
    kind = rng.choice(kinds)
    if kind == "standard":
        host = standard_host(region)
    elif kind == "fips":
        host = f"git-codecommit-fips.{region}.amazonaws.com"
    else:
        host = gen_vpce_host(rng, region)
    return host + (":443" if rng.random() < 0.25 else "")


def git_request(host: str, repo: str, rng: random.Random | None = None) -> str:
    """A git credential request as git sends it with credential.useHttpPath=true."""
    extra = ""
    if rng is not None and rng.random() < 0.2:
        extra = 'capability[]=authtype\nwwwauth[]=Basic realm="CodeCommit"\n'
    return f"protocol=https\nhost={host}\npath=v1/repos/{repo}\n{extra}\n"


def gen_keys(rng: random.Random) -> dict[str, Any]:
    return {"akid": gen_akid(rng), "secret": gen_secret(rng), "token": gen_token(rng)}


def gen_url_case(rng: random.Random, endpoint: str | None = None) -> dict[str, Any]:
    case = {"kind": "git_url", "repo": gen_repo(rng), "region": rng.choice(REGIONS),
            "at": gen_at(rng), **gen_keys(rng)}
    if endpoint is not None:
        case["endpoint"] = endpoint
    return case


def gen_helper_case(rng: random.Random, region_flag: bool = False) -> dict[str, Any]:
    region = rng.choice(REGIONS)
    case = {"kind": "credential_helper", "at": gen_at(rng),
            "stdin": git_request(gen_host(rng, region), gen_repo(rng), rng),
            "ignore_host_check": rng.random() < 0.2, **gen_keys(rng)}
    if region_flag:
        case["region"] = rng.choice([r for r in REGIONS if r != region])
    return case


# -------------------------------------------------------------- running ours


@dataclass
class Run:
    stdout: str
    stderr: str
    rc: int

    def as_dict(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr, "rc": self.rc}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    """A private HOME with empty AWS config files, shared read-only by every subprocess."""
    home = tmp_path_factory.mktemp("conformance-home")
    (home / "config").touch()
    (home / "credentials").touch()
    return home


def isolated_env(home: Path, case: dict[str, Any]) -> dict[str, str]:
    """Only what the case says: no outer AWS_* variables, no real ~/.aws."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": case["akid"],
        "AWS_SECRET_ACCESS_KEY": case["secret"],
    }
    if case.get("token") is not None:
        env["AWS_SESSION_TOKEN"] = case["token"]
    if case.get("endpoint") is not None:
        env["CODE_COMMIT_ENDPOINT"] = case["endpoint"]
    return env


def run_ours(home: Path, case: dict[str, Any]) -> Run:
    if case["kind"] == "git_url":
        remote = "codecommit::{}://{}{}".format(
            case["region"], f"{case['profile']}@" if case.get("profile") else "", case["repo"]
        )
        argv, stdin = [str(URL_BIN), "url", remote, "--at", case["at"]], None
    else:
        argv = [str(HELPER_BIN)]
        if case.get("region") is not None:
            argv += ["--region", case["region"]]
        if case.get("ignore_host_check"):
            argv.append("--ignore-host-check")
        argv += ["--at", case["at"], "get"]
        stdin = case["stdin"]
    env = isolated_env(home, case)
    if case.get("credentials_file"):
        env["AWS_SHARED_CREDENTIALS_FILE"] = case["credentials_file"]
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(key, None)
    proc = subprocess.run(argv, input=stdin, env=env, capture_output=True, text=True, timeout=60)
    return Run(proc.stdout, proc.stderr, proc.returncode)


def run_all_ours(home: Path, cases: list[dict[str, Any]]) -> list[Run]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda case: run_ours(home, case), cases))


# ------------------------------------------------------------------ comparing


def url_mismatch(official_result: dict[str, Any], ours: Run) -> str | None:
    """None if ours printed exactly the official URL plus a newline."""
    if "url" not in official_result:
        return f"oracle failed: {official_result}"
    if ours.rc != 0 or ours.stdout != official_result["url"] + "\n":
        return "url differs"
    return None


def strip_expiry(stdout: str) -> str:
    """Drop our password_expiry_utc line: the AWS CLI does not print one."""
    return "".join(
        line for line in stdout.splitlines(keepends=True)
        if not line.startswith("password_expiry_utc=")
    )


def expiry_problem(case: dict[str, Any], stdout: str) -> str | None:
    """Our expiry must be an integer UNIX time after the signing time."""
    lines = [line for line in stdout.splitlines() if line.startswith("password_expiry_utc=")]
    if len(lines) != 1:
        return "expected exactly one password_expiry_utc line"
    value = lines[0].split("=", 1)[1]
    signed_at = int(official.parse_at(case["at"]).timestamp())
    if not value.isdigit() or int(value) <= signed_at:
        return f"password_expiry_utc={value} is not after the signing time {signed_at}"
    return None


def helper_mismatch(case: dict[str, Any], official_result: dict[str, Any], ours: Run) -> str | None:
    """None if our username/password lines equal the AWS CLI's, byte for byte."""
    if official_result.get("rc") != 0 or not official_result.get("stdout"):
        return f"oracle produced no credentials: {official_result}"
    if ours.rc != 0:
        return "our helper failed"
    if strip_expiry(ours.stdout) != official_result["stdout"]:
        return "username/password differ"
    return expiry_problem(case, ours.stdout)


def compare(test_name: str, cases: list[dict[str, Any]], oracle, home: Path) -> None:
    """Run both sides on every case; fail with the first few differing cases in full."""
    expected = oracle.run_cases(cases)
    actual = run_all_ours(home, cases)
    failures = []
    for case, official_result, ours in zip(cases, expected, actual):
        if case["kind"] == "git_url":
            problem = url_mismatch(official_result, ours)
        else:
            problem = helper_mismatch(case, official_result, ours)
        if problem:
            failures.append((problem, case, official_result, ours))
    if failures:
        pytest.fail(failure_report(test_name, len(cases), failures), pytrace=False)


def failure_report(test_name: str, total: int, failures: list) -> str:
    lines = [
        f"{test_name}: {len(failures)} of {total} cases differ from the official tools "
        f"(seed {SEED}; reproduce with CONFORMANCE_SEED={SEED} "
        f"pytest tests/test_conformance.py -k {test_name}).",
        f"First {min(REPORT_FIRST, len(failures))} (random test keys, safe to print):",
    ]
    for problem, case, official_result, ours in failures[:REPORT_FIRST]:
        lines += [
            f"--- {problem}",
            f"case:     {json.dumps(case)}",
            f"official: {json.dumps(official_result)}",
            f"ours:     {json.dumps(ours.as_dict())}",
        ]
    return "\n".join(lines)


# ------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def oracle():
    with official.Oracle() as instance:
        yield instance


def require(binary: Path) -> None:
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.skip(
            f"{binary.name} is not built ({binary} missing); build the workspace first "
            f"(cargo build) or set CODECOMMIT_AUTH_BIN_DIR"
        )


@pytest.fixture
def url_bin() -> Path:
    require(URL_BIN)
    return URL_BIN


@pytest.fixture
def helper_bin() -> Path:
    require(HELPER_BIN)
    return HELPER_BIN


def cases_from(generate: Callable[[random.Random], dict], test_name: str, n: int) -> list[dict]:
    rng = rng_for(test_name)
    return [generate(rng) for _ in range(n)]


# ---------------------------------------------------------------------- tests


def test_git_url_random(url_bin, oracle, sandbox):
    cases = cases_from(gen_url_case, "test_git_url_random", N_CASES)
    compare("test_git_url_random", cases, oracle, sandbox)


def test_credential_helper_random(helper_bin, oracle, sandbox):
    cases = cases_from(gen_helper_case, "test_credential_helper_random", N_CASES)
    compare("test_credential_helper_random", cases, oracle, sandbox)


def test_credential_helper_host_region_beats_region_flag(helper_bin, oracle, sandbox):
    """Official: a region found in the host wins over --region."""
    cases = cases_from(lambda rng: gen_helper_case(rng, region_flag=True),
                       "test_credential_helper_host_region_beats_region_flag", 100)
    compare("test_credential_helper_host_region_beats_region_flag", cases, oracle, sandbox)


def test_git_url_code_commit_endpoint(url_bin, oracle, sandbox):
    """CODE_COMMIT_ENDPOINT replaces the host and is signed as given, port included."""
    def generate(rng):
        region = rng.choice(REGIONS)
        endpoint = rng.choice([
            standard_host(region),
            f"git-codecommit-fips.{region}.amazonaws.com",
            gen_vpce_host(rng, region),
            f"localhost:{rng.randint(1024, 65535)}",
            f"127.0.0.1:{rng.randint(1024, 65535)}",
        ])
        return {**gen_url_case(rng, endpoint=endpoint), "region": region}

    cases = cases_from(generate, "test_git_url_code_commit_endpoint", 100)
    compare("test_git_url_code_commit_endpoint", cases, oracle, sandbox)


EDGE_TOKEN = "IQoJb3JpZ2luX2Vj+/=EPr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+ab/cd+ef=="
EDGE_KEYS = {"akid": "ASIAEDGECASE0000TEST", "secret": "abc+def/ghi=jkl+mno/pqr=stu+vwx/yz01234=",
             "token": EDGE_TOKEN}


def edge_url_cases() -> list[dict[str, Any]]:
    base = {"kind": "git_url", "repo": "MyDemoRepo", "region": "us-east-1",
            "at": "2024-02-29T23:59:59Z", **EDGE_KEYS}
    return [
        base,
        {**base, "region": "cn-north-1"},
        {**base, "region": "cn-northwest-1", "token": None},
        {**base, "region": "us-gov-west-1", "at": "2015-01-01T00:00:00Z"},
        {**base, "repo": "r" * 100, "at": "2035-12-31T23:59:59Z"},
        {**base, "repo": "a"},
        {**base, "repo": "..."},
        {**base, "repo": "-leading-dash"},
        {**base, "repo": "name.git.bak"},
        {**base, "repo": "x_y.z-0"},
        {**base, "token": "+/="},
    ]


def edge_helper_cases() -> list[dict[str, Any]]:
    def helper(host, **extra):
        return {"kind": "credential_helper", "stdin": git_request(host, "MyDemoRepo"),
                "at": "2024-02-29T23:59:59Z", "ignore_host_check": False, **EDGE_KEYS, **extra}

    vpce = "vpce-0123456789abcdef0-abcdefgh.git-codecommit.{}.vpce.amazonaws.com"
    return [
        helper("git-codecommit.us-east-1.amazonaws.com"),
        helper("git-codecommit.cn-north-1.amazonaws.com.cn"),
        helper("git-codecommit.cn-northwest-1.amazonaws.com.cn:443", token=None),
        helper("git-codecommit-fips.us-east-1.amazonaws.com"),
        helper("git-codecommit-fips.us-gov-west-1.amazonaws.com:443"),
        helper(vpce.format("eu-central-1")),
        helper(vpce.format("us-gov-east-1") + ":443"),
        helper("vpce-0123456789abcdef0-abcdefgh.git-codecommit-fips.us-east-2.vpce.amazonaws.com"),
        helper("git-codecommit.us-west-2.amazonaws.com", region="eu-west-1", ignore_host_check=True),
        helper("git-codecommit.us-west-2.amazonaws.com:443", ignore_host_check=True),
        # --ignore-host-check on a foreign host: region from --region, port stripped.
        helper("git.example.com", region="eu-west-1", ignore_host_check=True),
        helper("git.example.com:8443", region="eu-west-1", ignore_host_check=True),
    ]


def test_edge_cases_url(url_bin, oracle, sandbox):
    compare("test_edge_cases_url", edge_url_cases(), oracle, sandbox)


def test_edge_cases_credential_helper(helper_bin, oracle, sandbox):
    compare("test_edge_cases_credential_helper", edge_helper_cases(), oracle, sandbox)


def test_git_url_profile_remote(url_bin, oracle, sandbox, tmp_path):
    """`codecommit::REGION://PROFILE@REPO` with keys in a shared credentials file.

    Both sides read the same profile; the official side goes through its own
    Context.from_url, so only regions it knows are drawn.
    """
    rng = rng_for("test_git_url_profile_remote")
    known = REGIONS[:8]  # regions this botocore lists for CodeCommit
    cases = []
    for i in range(20):
        case = {**gen_url_case(rng), "region": rng.choice(known), "profile": f"dev{i}"}
        credentials = tmp_path / f"credentials-{i}"
        lines = [f"[dev{i}]", f"aws_access_key_id = {case['akid']}",
                 f"aws_secret_access_key = {case['secret']}"]
        if case["token"]:
            lines.append(f"aws_session_token = {case['token']}")
        credentials.write_text("\n".join(lines) + "\n")
        case["credentials_file"] = str(credentials)
        cases.append(case)
    compare("test_git_url_profile_remote", cases, oracle, sandbox)
