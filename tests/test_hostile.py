"""Hostile input, table-driven: every case gets a clear refusal or error with the documented
exit status (README "Exit statuses"), never a panic or backtrace, never a hang (every
subprocess has a timeout), and never a credential for the wrong host.

  REMOTES   tests/hostile_remotes.json: look-alike hosts, userinfo/port tricks, IDN, punycode
            and uppercase hosts, `../` and percent-encoded traversal, newline/NUL/control
            characters, huge names, profile names with '@', spaces and shell syntax.  Run
            through the CLI (`codecommit-auth credential`, `git-remote-codecommit`), the
            Python package, and the C library (a small driver, tests/c/hostile_driver.c);
            bindings/node/test/hostile.test.mjs runs the same file through Node.
  REQUESTS  git credential requests on stdin of `git-credential-codecommit get`: look-alike
            hosts must get no answer at all; malformed input (NUL, no '=', invalid UTF-8,
            1 MB lines, 100 000 keys) exit 20; traversal in path= exits 10.
  CONFIGS   hostile ~/.aws/config and credential sources: parse errors, 20 000 profiles,
            region injection, source_profile loops, a credential_process whose token holds a
            newline or NUL (the git reply must refuse: exit 18), non-ASCII key ids, expiries
            past the year 9999.
  ARGV      invalid UTF-8 arguments, out-of-range --at, bad endpoint overrides.
  GIT       real git against the local endpoint: the helper never answers for a host
            spelled differently from the configured endpoint, and a profile name holding
            shell syntax never runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import helpers
from standins import credential_process as cp

ROOT = Path(__file__).resolve().parent.parent
BIN_DIR = helpers.BIN_DIR
TOOL, CRED, REMOTE = (BIN_DIR / n for n in ("codecommit-auth", "git-credential-codecommit", "git-remote-codecommit"))
C_PREFIX = ROOT / "target" / "c-tests" / "prefix"
CASES_FILE = Path(__file__).resolve().parent / "hostile_remotes.json"
TIMEOUT = 20  # seconds per subprocess: a hang is a failure
PANIC_MARKS = ("panicked", "internal error", "stack backtrace", "RUST_BACKTRACE", "Traceback")

# Keys of the suite: every case checks that the secrets never show up.
ENV_AKID = "ASIAHOSTILEENVKEY001"
ENV_SECRET = "hostile/env+secret=KEY0123456789abcdefghij"
ENV_TOKEN = "FwoGZXIvYXdzEHostileToken/+=0123456789"
PROFILE_SECRET = "hostile/profile+secret=KEY0123456789abcdef"
CONFIG = f"""\
[default]
region = us-east-1
[profile me@corp]
region = eu-west-1
aws_access_key_id = AKIAHOSTILEPROFILE01
aws_secret_access_key = {PROFILE_SECRET}
"""
SECRETS = (ENV_SECRET, PROFILE_SECRET)

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason=f"binaries not built in {BIN_DIR}")


def load_remote_cases() -> list[dict]:
    cases = json.loads(CASES_FILE.read_text())["cases"]
    for case in cases:
        if "repeat" in case:
            text, count = case["repeat"]
            case["remote"] = case["remote"] + text * count + case.get("suffix", "")
    return cases


REMOTE_CASES = load_remote_cases()


@pytest.fixture
def hostile_env(isolated_env: dict[str, str]) -> dict[str, str]:
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text(CONFIG)
    return {
        **isolated_env,
        "AWS_ACCESS_KEY_ID": ENV_AKID,
        "AWS_SECRET_ACCESS_KEY": ENV_SECRET,
        "AWS_SESSION_TOKEN": ENV_TOKEN,
        "RUST_BACKTRACE": "1",
    }


def run(args: list, env: dict[str, str], stdin: bytes = b"", timeout: float = TIMEOUT, cwd=None):
    """Runs a program with a hard timeout; bytes out, so invalid UTF-8 cannot hide."""
    started = time.monotonic()
    try:
        proc = subprocess.run(args, input=stdin, env=env, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args[0]} hung for more than {timeout} s")
    proc.elapsed = time.monotonic() - started  # type: ignore[attr-defined]
    return proc


def assert_clean(proc, status: int, program: str) -> str:
    """Exit status, no panic, at most one stderr line naming the program, no secret;
    nothing on stdout when it failed. Returns stderr as text."""
    stderr = proc.stderr.decode(errors="replace")
    stdout = proc.stdout.decode(errors="replace")
    assert proc.returncode == status, f"exit {proc.returncode}, expected {status}; stderr: {stderr!r}"
    for mark in PANIC_MARKS:
        assert mark not in stderr, f"{mark!r} in stderr: {stderr!r}"
    lines = stderr.splitlines()
    assert len(lines) <= 1, f"more than one line on stderr: {stderr!r}"
    if lines:
        assert lines[0].startswith(f"{program}: "), stderr
        assert len(lines[0]) < 2000, f"a {len(lines[0])}-character error"
    if status != 0:
        assert lines, "a failure must say why"
        assert stdout == "", f"output on failure: {stdout!r}"
    for secret in SECRETS:
        assert secret not in stderr and secret not in stdout, "a secret key leaked"
    assert ENV_TOKEN not in stderr, "the session token leaked into stderr"
    return stderr


def same_host(a: str, b: str) -> bool:
    return a.lower() == b.lower()


# --------------------------------------------------------------------------
# REMOTES through the CLI.
# --------------------------------------------------------------------------


# argv cannot carry a NUL byte: that case runs through Python and Node only.
ARGV_REMOTE_CASES = [c for c in REMOTE_CASES if "\0" not in c["remote"]]


@pytest.mark.parametrize("case", ARGV_REMOTE_CASES, ids=[c["id"] for c in ARGV_REMOTE_CASES])
def test_remote_through_cli(case, hostile_env):
    remote = case["remote"]
    proc = run([TOOL, "credential", "--json", "--", remote], hostile_env)
    assert_clean(proc, case["status"], "codecommit-auth")
    if case["status"] == 0:
        reply = json.loads(proc.stdout)
        assert same_host(reply["host"], case["host"]), reply["host"]
        assert same_host(urlsplit(reply["url"]).netloc.rsplit("@", 1)[1], case["host"])
        assert reply["path"] == "/v1/repos/r"
        return
    # The remote helper (what git runs) refuses the same remote the same way, before it
    # runs any git transport (git passes the URL without the "codecommit::" prefix).
    url = remote[len("codecommit::"):] if remote.startswith("codecommit::") else remote
    proc = run([REMOTE, "origin", url], hostile_env)
    assert_clean(proc, case["status"], "git-remote-codecommit")


# --------------------------------------------------------------------------
# REMOTES through the Python package and the C library.
# --------------------------------------------------------------------------


def _python_module():
    try:
        import codecommit_auth  # noqa: PLC0415
    except ImportError:
        if os.environ.get("CODECOMMIT_AUTH_PYTHON_REQUIRED"):
            raise
        pytest.skip("Python package codecommit_auth not installed (./x test builds it)")
    return codecommit_auth


def test_remotes_through_python(hostile_env, monkeypatch):
    codecommit_auth = _python_module()
    for key in ("HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, hostile_env[key])
    failures = []
    for case in REMOTE_CASES:
        try:
            cred = codecommit_auth.git_credential(case["remote"])
        except codecommit_auth.CodeCommitAuthError as err:
            message = str(err)
            if int(err.code) != case["status"] or "\n" in message or any(s in message for s in SECRETS):
                failures.append(f"{case['id']}: {int(err.code)} {message!r}")
            continue
        if case["status"] != 0 or not same_host(cred.host, case["host"]) or "evil" in cred.url:
            failures.append(f"{case['id']}: credential for {cred.host}")
    assert failures == [], "\n".join(failures)


def test_remotes_through_c(hostile_env, tmp_path):
    header = C_PREFIX / "include" / "codecommit_auth.h"
    if not header.exists() or not shutil.which("cc"):
        if os.environ.get("CODECOMMIT_AUTH_C_REQUIRED"):
            pytest.fail(f"{header} or cc missing")
        pytest.skip("C library not installed in target/c-tests/prefix (make -C tests/c install)")
    driver = tmp_path / "hostile_driver"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
                    str(ROOT / "tests" / "c" / "hostile_driver.c"), "-o", str(driver),
                    f"-I{C_PREFIX / 'include'}", f"-L{C_PREFIX / 'lib'}", "-lcodecommit_auth",
                    f"-Wl,-rpath,{C_PREFIX / 'lib'}"], check=True, timeout=120)
    cases = ARGV_REMOTE_CASES
    extra = [{"id": "invalid-utf8", "bytes": b"codecommit://r\xff\xfe", "status": 26, "host": None}]
    lines = [c["remote"].encode().hex() for c in cases] + [c["bytes"].hex() for c in extra]
    proc = run([driver], hostile_env, stdin=("\n".join(lines) + "\n").encode(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    results = proc.stdout.decode().splitlines()
    assert len(results) == len(lines)
    failures = []
    for case, result in zip(cases + extra, results):
        status, host, message = result.split(" ", 2)
        if int(status) != case["status"]:
            failures.append(f"{case['id']}: status {status}, expected {case['status']}: {message}")
        elif case["status"] == 0 and not same_host(host, case["host"]):
            failures.append(f"{case['id']}: credential for {host}")
        elif any(s in message for s in SECRETS) or "<NL>" in message:
            failures.append(f"{case['id']}: secret or line feed in last_error: {message}")
    assert failures == [], "\n".join(failures)


# --------------------------------------------------------------------------
# REQUESTS: git's credential protocol on stdin.
# --------------------------------------------------------------------------

CC = "git-codecommit.us-east-1.amazonaws.com"


def req(**fields: str) -> bytes:
    return "".join(f"{k}={v}\n" for k, v in fields.items()).encode() + b"\n"


@dataclass(frozen=True)
class Request:
    id: str
    stdin: bytes
    status: int = 0
    answers: bool = False  # a credential reply on stdout
    args: tuple[str, ...] = ()


REQUESTS = [
    Request("ok", req(protocol="https", host=CC, path="v1/repos/r"), answers=True),
    Request("ok-crlf", b"protocol=https\r\nhost=" + CC.encode() + b"\r\npath=v1/repos/r\r\n\r\n", answers=True),
    Request("ok-modern-git-keys", b"capability[]=authtype\ncapability[]=state\n" + req(protocol="https", host=CC, path="v1/repos/r")[:-1]
            + b"wwwauth[]=Basic realm=\"x=y\"\n\n", answers=True),
    Request("ok-5000-keys", b"".join(b"k%d=v\n" % i for i in range(5000)) + req(protocol="https", host=CC, path="v1/repos/r"), answers=True),
    Request("lookalike-suffix", req(protocol="https", host=CC + ".evil.example", path="v1/repos/r")),
    Request("lookalike-path-host", req(protocol="https", host="evil.example/" + CC, path="v1/repos/r")),
    Request("lookalike-userinfo", req(protocol="https", host=CC + "@evil.example", path="v1/repos/r")),
    Request("userinfo-in-host", req(protocol="https", host="evil@" + CC, path="v1/repos/r")),
    Request("trailing-dot", req(protocol="https", host=CC + ".", path="v1/repos/r")),
    Request("uppercase-lookalike", req(protocol="https", host=CC.upper() + ".EVIL", path="v1/repos/r")),
    Request("idn-lookalike", req(protocol="https", host="git-c\u043edecommit.us-east-1.amazonaws.com", path="v1/repos/r")),
    Request("punycode-lookalike", req(protocol="https", host="xn--git-codecommit-8kb.us-east-1.amazonaws.com", path="v1/repos/r")),
    Request("plain-http", req(protocol="http", host=CC, path="v1/repos/r")),
    Request("other-protocol", req(protocol="smtp", host=CC, path="v1/repos/r")),
    Request("port-out-of-range", req(protocol="https", host=CC + ":99999", path="v1/repos/r")),
    Request("host-moves-path", req(protocol="https", host=CC + "/v1/repos", path="r")),
    Request("equals-in-host", req(protocol="https", host=CC + "=evil.example", path="v1/repos/r")),
    Request("cr-in-host", b"protocol=https\nhost=" + CC.encode() + b"\rX\npath=v1/repos/r\n\n"),
    Request("url-key-userinfo-trick", req(url=f"https://{CC}@evil.example/v1/repos/r")),
    Request("last-host-wins", req(protocol="https", host=CC, path="v1/repos/r")[:-1] + b"host=evil.example\n\n"),
    Request("blank-line-ends-request", req(protocol="https", host="evil.example", path="v1/repos/r") + req(host=CC)),
    Request("ignore-host-check-other-protocol", req(protocol="codecommit", host="me@corp@r", path="x"), status=20,
            args=("--ignore-host-check",)),
    Request("traversal-in-path", req(protocol="https", host=CC, path="v1/repos/../r"), status=10),
    Request("pct-traversal-in-path", req(protocol="https", host=CC, path="v1/repos/%2e%2e%2fr"), status=10),
    Request("path-outside-repos", req(protocol="https", host=CC, path="v1/../../etc/passwd"), status=10),
    Request("no-path", req(protocol="https", host=CC), status=21),
    Request("nul-in-value", b"protocol=https\nhost=" + CC.encode() + b"\0evil\npath=v1/repos/r\n\n", status=20),
    Request("line-without-equals", b"protocol=https\nhost\n\n", status=20),
    Request("invalid-utf8", b"protocol=https\nhost=" + CC.encode() + b"\xff\xfe\npath=v1/repos/r\n\n", status=20),
    Request("1mb-line", b"host=" + b"a" * (1 << 20) + b"\n\n", status=20),
    Request("100000-keys", b"capability[]=x\n" * 100_000 + b"\n", status=20),
    Request("empty-stdin", b""),
    Request("store-ignores-garbage", b"\xff\0garbage", args=("store",)),
    Request("erase-ignores-garbage", b"\xff\0garbage", args=("erase",)),
    Request("unknown-operation", req(host=CC), status=2, args=("fetch",)),
]


@pytest.mark.parametrize("case", REQUESTS, ids=[c.id for c in REQUESTS])
def test_credential_request(case, hostile_env):
    op = [] if case.args and case.args[-1] in ("store", "erase", "fetch") else ["get"]
    proc = run([CRED, "--region", "us-east-1", *case.args, *op], hostile_env, stdin=case.stdin)
    assert_clean(proc, case.status, "git-credential-codecommit")
    if case.answers:
        lines = proc.stdout.decode().splitlines()
        assert [line.split("=", 1)[0] for line in lines] == ["username", "password", "password_expiry_utc"]
        assert lines[0] == f"username={ENV_AKID}%{ENV_TOKEN}"
    else:
        assert proc.stdout == b"", "answered for a host it must not sign for"


# --------------------------------------------------------------------------
# CONFIGS: hostile AWS config and credential sources.
# --------------------------------------------------------------------------


@dataclass
class Config:
    id: str
    config: str | bytes
    args: tuple[str, ...]
    status: int
    needle: str = ""
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    max_seconds: float = 10.0


def _many_profiles(n: int) -> str:
    return "".join(f"[profile p{i}]\nregion = us-east-1\naws_access_key_id = AKIAMANY{i:08d}\n"
                   f"aws_secret_access_key = {PROFILE_SECRET}\n" for i in range(n))


def _process(tmp: Path, name: str, **fields) -> str:
    data = {"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": PROFILE_SECRET,
            "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z", **fields}
    return f"[profile proc]\nregion = us-east-1\ncredential_process = {cp.malformed(tmp, json.dumps(data), name=name)}\n"


GET_REQUEST = req(protocol="https", host=CC, path="v1/repos/r")
NO_ENV_KEYS = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": ""}


def config_cases(tmp: Path) -> list[Config]:
    cred = ("git-credential-codecommit", "--profile", "proc", "get")
    return [
        Config("unterminated-section", "[profile dev\nregion = us-east-1\n", ("credential", "codecommit://dev@r"), 14,
               "must end with ']'"),
        Config("property-without-name", "[profile dev]\n= x\n", ("credential", "codecommit://dev@r"), 14, "line 2"),
        Config("binary-garbage", b"\x00\x01\xff\xfe[\n", ("credential", "codecommit://dev@r"), 14, "not valid UTF-8"),
        Config("1mb-line", "[default]\nregion = us-east-1\nx = " + "a" * (1 << 20) + "\n", ("url", "codecommit://r"), 0),
        Config("20000-profiles-last", _many_profiles(20_000), ("url", "codecommit://p19999@r"), 0),
        Config("20000-profiles-unknown", _many_profiles(20_000), ("url", "codecommit://nope@r"), 13, "and 19980 more"),
        Config("region-injection", "[profile dev]\nregion = us-east-1; touch pwned\n"
               f"aws_access_key_id = AKIADEV\naws_secret_access_key = {PROFILE_SECRET}\n",
               ("url", "codecommit://dev@r"), 11, "not an AWS region"),
        Config("region-continuation-line", "[default]\nregion = us-east-1\n  evil\n", ("url", "codecommit://r"), 11),
        Config("source-profile-loop", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
               "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
               ("url", "codecommit::us-east-1://a@r"), 14, "loop"),
        Config("unknown-credential-source", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Evil\n",
               ("url", "codecommit::us-east-1://a@r"), 14, "credential_source"),
        Config("duration-seconds-garbage", "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = a\n"
               f"aws_access_key_id = AKIAA\naws_secret_access_key = {PROFILE_SECRET}\nduration_seconds = 1e9\n",
               ("url", "codecommit::us-east-1://a@r"), 14, "duration_seconds"),
        Config("process-token-with-newline", _process(tmp, "nl", SessionToken="tok\nhost=evil.example"),
               cred, 18, "line break", NO_ENV_KEYS, GET_REQUEST),
        Config("process-token-with-cr", _process(tmp, "cr", SessionToken="tok\rpassword=x"),
               cred, 18, "line break", NO_ENV_KEYS, GET_REQUEST),
        Config("process-token-with-nul", _process(tmp, "nul", SessionToken="tok\u0000x"),
               cred, 18, "", NO_ENV_KEYS, GET_REQUEST),
        Config("process-key-id-with-newline", _process(tmp, "akid", AccessKeyId="ASIA\nusername=evil"),
               cred, 18, "line break", NO_ENV_KEYS, GET_REQUEST),
        Config("process-token-newline-git-format", _process(tmp, "nl2", SessionToken="tok\nx=y"),
               ("credential", "codecommit://proc@r"), 18, "line break", NO_ENV_KEYS),
        Config("process-key-id-non-ascii-doctor", _process(tmp, "utf", AccessKeyId="a\u00e9xyz\u00e9"),
               ("doctor", "codecommit://proc@r"), 0, "", NO_ENV_KEYS),
        Config("process-expiry-after-9999", _process(tmp, "y10k", Expiration="9999-12-31T23:59:59-23:59"),
               ("doctor", "codecommit://proc@r"), 0, "", NO_ENV_KEYS),
        Config("env-token-with-newline", "", ("git-credential-codecommit", "get"), 18, "line break",
               {"AWS_SESSION_TOKEN": "tok\nhost=evil.example"}, GET_REQUEST),
    ]


CONFIG_IDS = [c.id for c in config_cases(Path("/nonexistent"))]


@pytest.mark.parametrize("index", range(len(CONFIG_IDS)), ids=CONFIG_IDS)
def test_hostile_config(index, hostile_env, tmp_path):
    case = config_cases(tmp_path / "bin")[index]
    config = case.config.encode() if isinstance(case.config, str) else case.config
    Path(hostile_env["AWS_CONFIG_FILE"]).write_bytes(config)
    env = {**hostile_env, **case.env}
    if case.args[0] == "git-credential-codecommit":
        program, args = CRED, list(case.args[1:])
    else:
        program, args = TOOL, list(case.args)
    proc = run([program, *args], env, stdin=case.stdin, cwd=tmp_path)
    stderr = assert_clean(proc, case.status, program.name)
    assert case.needle in stderr, stderr
    assert proc.elapsed < case.max_seconds, f"took {proc.elapsed:.1f} s"
    assert not (tmp_path / "pwned").exists()


# --------------------------------------------------------------------------
# ARGV: invalid UTF-8, out-of-range values.
# --------------------------------------------------------------------------

ARGV_CASES = [
    ("tool-invalid-utf8", TOOL, [b"url", b"codecommit://r\xff"], {}, 2),
    ("credential-helper-invalid-utf8", CRED, [b"--profile", b"\xff\xfe", b"get"], {}, 2),
    ("remote-helper-invalid-utf8", REMOTE, [b"origin", b"codecommit://r\xff"], {}, 2),
    ("remote-helper-three-args", REMOTE, ["origin", "codecommit://r", "extra"], {}, 2),
    ("at-after-9999-in-utc", TOOL, ["url", "codecommit://r", "--at", "9999-12-31T23:59:59-23:59"], {}, 22),
    ("at-before-0000-in-utc", TOOL, ["url", "codecommit://r", "--at", "0000-01-01T00:00:00+23:59"], {}, 22),
    ("at-garbage", TOOL, ["url", "codecommit://r", "--at", "yesterday"], {}, 22),
    ("at-last-second-of-9999", TOOL, ["credential", "--json", "codecommit://r", "--at", "9999-12-31T23:59:59Z"], {}, 0),
    ("endpoint-with-path", TOOL, ["url", "codecommit://r"], {"CODE_COMMIT_ENDPOINT": "evil.example/x"}, 22),
    ("endpoint-with-userinfo", TOOL, ["url", "codecommit://r"], {"CODE_COMMIT_ENDPOINT": "user@evil.example"}, 22),
    ("endpoint-ftp", TOOL, ["url", "codecommit://r"], {"CODE_COMMIT_ENDPOINT": "ftp://evil.example"}, 22),
    ("endpoint-other-host-refused", TOOL, ["url", "https://evil2.example/v1/repos/r"],
     {"CODE_COMMIT_ENDPOINT": "evil.example"}, 12),
    ("refresh-margin-negative", TOOL, ["url", "codecommit://r"], {"CODECOMMIT_AUTH_REFRESH_MARGIN": "-1"}, 22),
    ("unknown-option", TOOL, ["url", "codecommit://r", "--evil"], {}, 2),
]


@pytest.mark.parametrize("case", ARGV_CASES, ids=[c[0] for c in ARGV_CASES])
def test_argv(case, hostile_env):
    _, program, args, env, status = case
    proc = run([program, *args], {**hostile_env, **env})
    assert_clean(proc, status, program.name)


# --------------------------------------------------------------------------
# GIT: real git against the local endpoint.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["exact", "localhost", "other-port", "other-scheme"])
def test_git_never_gets_a_credential_for_another_spelling_of_the_host(spelling, endpoint, isolated_env):
    """The helper answers only for the configured endpoint exactly; the same server reached
    under another name, or configured with another port or scheme, gets no Authorization
    header at all."""
    akid, secret, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    host = f"localhost:{endpoint.port}" if spelling == "localhost" else f"127.0.0.1:{endpoint.port}"
    configured = {"exact": f"http://127.0.0.1:{endpoint.port}",  # the control: it works
                  "localhost": f"http://127.0.0.1:{endpoint.port}",
                  "other-port": f"http://127.0.0.1:{endpoint.port + 1}",
                  "other-scheme": f"https://127.0.0.1:{endpoint.port}"}[spelling]
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret}
    helper = f"!{CRED} --endpoint {configured} --region us-west-2"
    for key, value in [("credential.helper", helper), ("credential.useHttpPath", "true")]:
        helpers.run_git(["config", "--global", key, value], env)
    proc = helpers.run_git(["ls-remote", f"http://{host}/v1/repos/{repo}"], env, check=False, timeout=60)
    if spelling == "exact":
        assert proc.returncode == 0, proc.stderr
        assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}
        return
    assert proc.returncode != 0
    assert secret not in proc.stderr
    requests = endpoint.requests()
    assert requests and all(r["access_key_id"] is None and r["status"] == 401 for r in requests), requests


def test_git_profile_with_shell_syntax_runs_nothing(endpoint, isolated_env, tmp_path):
    akid, secret, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    env = {**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}", "AWS_ACCESS_KEY_ID": akid,
           "AWS_SECRET_ACCESS_KEY": secret, "CODE_COMMIT_ENDPOINT": endpoint.url}
    for profile in ["x'$(touch pwned)'", "x`touch pwned`", "x;touch pwned", 'x"$(touch pwned)"']:
        proc = helpers.run_git(["ls-remote", f"codecommit::us-west-2://{profile}@{repo}"], env, cwd=tmp_path,
                               check=False, timeout=60)
        assert proc.returncode != 0 and "is not defined" in proc.stderr, proc.stderr
        assert not (tmp_path / "pwned").exists()
    assert all(r["access_key_id"] is None for r in endpoint.requests())
