"""Secret-leak test: every program, every error path, at maximum verbosity.

Runs our three programs (and git through them) with `--debug`, CODECOMMIT_AUTH_DEBUG=1,
RUST_LOG=trace and RUST_BACKTRACE=full, on static keys with a session token, an assumed role
from moto's STS, credential_process sources that fail (printing a secret) or return a
hostile token, a profile that needs MFA, and a dozen refusals. Then asserts that no secret
access key, session token or signed password appears in:

  * stderr of any run, or stdout of any run whose job is not to print a credential
    (commands that do print one, `get`, `url`, `credential`, may show the token and password
    there, never the secret key);
  * any file under HOME or the work directories (the AWS CLI cache, which holds role
    sessions by design, must be 0600 in a 0700 directory);
  * the argv of any process started meanwhile (helpers.ArgvWatcher);
  * git's own trace output with GIT_TRACE=1, GIT_TRACE_PACKET=1, GIT_TRACE_SETUP=1.
    Not with GIT_CURL_VERBOSE / GIT_TRACE_CURL: with those, git and libcurl print the
    username (access key id + session token: CodeCommit's protocol puts the token there)
    in curl's "Server auth using Basic with user ..." line even though git redacts the
    Authorization header, and with GIT_TRACE_REDACT=0 the header too. That is git's own
    output; the last test pins it down (and proves this check can fail) and SECURITY.md
    tells users;
  * repr()/str() of the Python objects and exceptions (when the package is installed).
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import helpers
from standins import credential_process as cp
from standins.silent import closed_port

BIN_DIR = helpers.BIN_DIR
TOOL, CRED, REMOTE = (str(BIN_DIR / n) for n in ("codecommit-auth", "git-credential-codecommit", "git-remote-codecommit"))
REGION = "us-west-2"
ROLE_ARN = "arn:aws:iam::123456789012:role/deployer"
BASE_SECRET = "leak-test/base+secret=0123456789abcdefghijkl"
PROC_SECRET = "leak-test/process+secret=0123456789abcdefgh"
VERBOSE = {"CODECOMMIT_AUTH_DEBUG": "1", "RUST_LOG": "trace", "RUST_BACKTRACE": "full"}

pytestmark = pytest.mark.skipif(not Path(TOOL).exists(), reason=f"binaries not built in {BIN_DIR}")


@dataclass
class Run:
    label: str
    stdout: str
    stderr: str
    may_print_credential: bool


class Recorder:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd, self.runs = env, cwd, []

    def __call__(self, label: str, args: list[str], stdin: str = "", may_print_credential: bool = False,
                 status: int | None = None, **kw) -> subprocess.CompletedProcess:
        proc = subprocess.run(args, input=stdin, env={**self.env, **kw.pop("env", {})}, cwd=self.cwd,
                              capture_output=True, text=True, timeout=90, start_new_session=True, **kw)
        if status is not None:
            assert proc.returncode == status, f"{label}: exit {proc.returncode}, expected {status}: {proc.stderr}"
        self.runs.append(Run(label, proc.stdout, proc.stderr, may_print_credential))
        return proc


def request(host: str, repo: str) -> str:
    return f"protocol=http\nhost={host}\npath=v1/repos/{repo}\n\n"


def test_no_secret_in_any_output_file_argv_or_repr(sts_endpoint, isolated_env, tmp_path):
    ep = sts_endpoint
    repo = ep.add_repo().name
    host = ep.url.split("://")[1]
    akid, secret, token = ep.new_key(token=True)
    bin_dir = tmp_path / "bin"
    proc_fail = cp.failing(bin_dir, stdout=json.dumps({"Version": 1, "AccessKeyId": "AKIAPROCFAIL",
                                                       "SecretAccessKey": PROC_SECRET}),
                           stderr="helper: expired")
    proc_nl = cp.malformed(bin_dir, json.dumps({"Version": 1, "AccessKeyId": "ASIAPROCNEWLINE",
                                                "SecretAccessKey": PROC_SECRET, "SessionToken": "t\nx=y",
                                                "Expiration": "2099-01-01T00:00:00Z"}), name="creds-nl")
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text(
        f"[profile base]\nregion = us-east-1\n"
        f"[profile role]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n"
        f"[profile mfa]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/a\n"
        f"[profile proc-fail]\ncredential_process = {proc_fail}\n"
        f"[profile proc-nl]\ncredential_process = {proc_nl}\n"
        f"[profile sts-down]\nrole_arn = {ROLE_ARN}-other\nsource_profile = base\n"
    )
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = {BASE_SECRET}\n"
        f"[static]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
    )
    env = {**isolated_env, **VERBOSE, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}",
           "AWS_ENDPOINT_URL_STS": ep.sts_url, "CODE_COMMIT_ENDPOINT": ep.url}
    work = tmp_path / "work"
    work.mkdir()
    run = Recorder(env, work)
    cred = [CRED, "--debug", "--region", REGION]
    cc_remote = f"codecommit::{REGION}://static@{repo}"

    with helpers.ArgvWatcher() as watcher:
        # git-credential-codecommit: answers, refusals and every failing source.
        run("get static", [*cred, "--profile", "static", "get"], request(host, repo), True, 0)
        run("get role", [*cred, "--profile", "role", "get"], request(host, repo), True, 0)
        run("get role cached", [*cred, "--profile", "role", "get"], request(host, repo), True, 0)
        run("get other host", [*cred, "--profile", "static", "get"], request("evil.example", repo), status=0)
        run("get ignore-host-check", [*cred, "--profile", "static", "--ignore-host-check", "get"],
            request("evil.example", repo), True, 0)
        run("get no path", [*cred, "--profile", "static", "get"], f"protocol=http\nhost={host}\n\n", status=21)
        run("get malformed", [*cred, "get"], "garbage\n", status=20)
        run("get traversal", [*cred, "--profile", "static", "get"], request(host, "../x"), status=10)
        run("get proc-fail", [*cred, "--profile", "proc-fail", "get"], request(host, repo), status=18)
        run("get proc-newline", [*cred, "--profile", "proc-nl", "get"], request(host, repo), status=18)
        run("get mfa no tty", [*cred, "--profile", "mfa", "get"], request(host, repo), status=17)
        run("get unknown profile", [*cred, "--profile", "nobody", "get"], request(host, repo), status=13)
        run("get sts down", [*cred, "--profile", "sts-down", "get"], request(host, repo), status=18,
            env={"AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{closed_port()}"})
        run("store", [*cred, "store"], f"protocol=http\nhost={host}\nusername={akid}%{token}\npassword=x\n\n", status=0)
        # codecommit-auth: url, credential, doctor, refusals.
        run("url", [TOOL, "url", cc_remote], may_print_credential=True, status=0)
        run("credential", [TOOL, "credential", cc_remote], may_print_credential=True, status=0)
        run("credential json", [TOOL, "credential", "--json", cc_remote], may_print_credential=True, status=0)
        run("doctor static", [TOOL, "doctor", cc_remote], status=0)
        run("doctor role", [TOOL, "doctor", f"codecommit::{REGION}://role@{repo}"], status=0)
        run("doctor proc-fail", [TOOL, "doctor", f"codecommit::{REGION}://proc-fail@{repo}"], status=18)
        run("url bad --at", [TOOL, "url", cc_remote, "--at", "never"], status=22)
        run("url other host", [TOOL, "url", "https://evil.example/v1/repos/x"], status=12)
        run("url traversal", [TOOL, "url", "codecommit://../x"], status=10)
        run("credential proc-newline", [TOOL, "credential", f"codecommit::{REGION}://proc-nl@{repo}"], status=18)
        run("remote helper usage", [REMOTE, "origin"], status=2)
        run("remote helper unknown profile", [REMOTE, "origin", f"{REGION}://nobody@{repo}"], status=13)
        # git through both helpers, with git's tracing on (Authorization headers redacted,
        # git's default), and the official-style command line.
        trace = {"GIT_TRACE": "1", "GIT_TRACE_PACKET": "1", "GIT_TRACE_SETUP": "1"}
        run("git clone codecommit", ["git", "clone", "-q", cc_remote, "c1"], env=trace, status=0)
        helpers.run_git(["-C", str(work / "c1"), "commit", "-q", "--allow-empty", "-m", "x"], env)
        run("git push codecommit", ["git", "-C", "c1", "push", "-q", "origin", "HEAD:main"], env=trace, status=0)
        run("git ls-remote role", ["git", "ls-remote", f"codecommit::{REGION}://role@{repo}"], env=trace, status=0)
        run("git ls-remote https + helper", ["git", "-c", f"credential.helper=!{CRED} --debug --profile static --region {REGION}",
                                              "-c", "credential.useHttpPath=true", "ls-remote", f"{ep.url}/v1/repos/{repo}"],
            env=trace, status=0)
        run("git ls-remote unknown profile", ["git", "ls-remote", f"codecommit::{REGION}://nobody@{repo}"], env=trace)
        run("git ls-remote proc-newline", ["git", "ls-remote", f"codecommit::{REGION}://proc-nl@{repo}"], env=trace)

    # Every secret of the session, including the role session moto issued (from the cache).
    cache = Path(env["HOME"]) / ".aws" / "cli" / "cache"
    entries = [json.loads(p.read_text())["Credentials"] for p in cache.glob("*.json")]
    assert entries, "the role session was not cached"
    keys = [secret, BASE_SECRET, PROC_SECRET] + [e["SecretAccessKey"] for e in entries]
    tokens = [token] + [e["SessionToken"] for e in entries]
    passwords = {line.split("=", 1)[1] for r in run.runs if r.may_print_credential
                 for line in r.stdout.splitlines() if line.startswith("password=")}
    assert passwords, "no run printed a password: the test would prove nothing"
    basic = [base64.b64encode(f"{akid}%{token}:{p}".encode()).decode() for p in passwords]

    failures = []
    for r in run.runs:
        for name, text in [("stderr", r.stderr), ("stdout", r.stdout)]:
            allowed = name == "stdout" and r.may_print_credential
            for needle in keys + ([] if allowed else tokens + sorted(passwords) + basic):
                if needle in text:
                    line = next(line for line in text.splitlines() if needle in line)
                    failures.append(f"{r.label}: {name} holds a secret: {line.replace(needle, '<SECRET>')[:300]}")
            if not allowed and helpers.PASSWORD_SHAPE.search(text):
                failures.append(f"{r.label}: {name} holds a signed password")
            for mark in ("panicked", "stack backtrace"):
                if mark in text:
                    failures.append(f"{r.label}: {name} shows a panic")
    assert failures == [], "\n".join(failures)
    assert any("debug:" in r.stderr for r in run.runs), "debug output was not on"
    assert any("trace: " in r.stderr for r in run.runs), "git tracing was not on"

    assert watcher.leaks(*keys, *tokens) == []

    # Files: only the AWS CLI cache may hold a session, and privately.
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in cache.glob("*.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written_by_test = {Path(env["AWS_SHARED_CREDENTIALS_FILE"]), Path(env["AWS_CONFIG_FILE"])}
    for base in (Path(env["HOME"]), work, ep.root):
        for path in base.rglob("*"):
            if not path.is_file() or path in written_by_test or path.parent == cache or path.name == "secrets.json":
                continue
            data = path.read_bytes()
            for needle in keys + tokens + sorted(passwords):
                assert needle.encode() not in data, f"{path} holds a secret"


def test_python_repr_and_errors_show_no_secret(monkeypatch, tmp_path):
    try:
        import codecommit_auth  # noqa: PLC0415
    except ImportError:
        if os.environ.get("CODECOMMIT_AUTH_PYTHON_REQUIRED"):
            raise
        pytest.skip("Python package codecommit_auth not installed")
    secret, token = "py-leak/secret+KEY=0123456789abcdef", "py-leak-token/0123456789+="
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAPYLEAKPYLEAK0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    client = codecommit_auth.Client(region="us-east-1", cache=False)
    cred = client.git_credential("codecommit://repo")
    shown = " ".join([repr(cred), str(cred), repr(client), str(client), f"{cred!r}"])
    for needle in (secret, token, cred.password):
        assert needle not in shown
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tok\nhost=evil")
    with pytest.raises(codecommit_auth.CodeCommitAuthError) as err:
        codecommit_auth.git_credential("codecommit::us-east-1://repo").git_reply()
    assert secret not in f"{err.value!r} {err.value}"


def test_git_curl_tracing_shows_what_git_sends(endpoint, isolated_env):
    """Documents the exception (SECURITY.md): GIT_CURL_VERBOSE / GIT_TRACE_CURL make git and
    libcurl print what git sends. git redacts the Authorization header by default, but curl's
    info line names the Basic user, which for CodeCommit is ACCESS_KEY_ID%SESSION_TOKEN; with
    GIT_TRACE_REDACT=0 the header (base64 of user:password) is printed too. Our programs
    print neither; the secret access key never leaves the machine in any form."""
    akid, secret, token = endpoint.new_key(token=True)
    repo = endpoint.add_repo().name
    env = {**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}", "AWS_ACCESS_KEY_ID": akid,
           "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token, "CODE_COMMIT_ENDPOINT": endpoint.url,
           "GIT_CURL_VERBOSE": "1", "GIT_TRACE_CURL": "1"}
    redacted = helpers.run_git(["ls-remote", f"codecommit::{REGION}://{repo}"], env)
    assert "Authorization: Basic <redacted>" in redacted.stderr
    assert not helpers.PASSWORD_SHAPE.search(redacted.stderr)
    assert f"with user '{akid}%{token}'" in redacted.stderr  # curl's info line, git's output
    shown = helpers.run_git(["ls-remote", f"codecommit::{REGION}://{repo}"], {**env, "GIT_TRACE_REDACT": "0"})
    assert "Authorization: Basic " in shown.stderr and "<redacted>" not in shown.stderr
    for proc in (redacted, shown):
        assert secret not in proc.stderr
