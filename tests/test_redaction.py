"""Errors are one clean line and never carry a secret, through the real programs.

* Secret leak: take the URL `codecommit-auth url` itself signs (planted secret key and
  session token in a profile), mutate it in many ways and feed every mutation to every entry
  point (codecommit-auth url/credential/doctor, git-remote-codecommit, git-credential-codecommit
  with `url=` and with protocol/host/path). No output may hold the planted secret key; no
  stderr (and no stdout of a refusal or of a command that never prints a credential) may hold
  the session token or the signature.
* Control characters are escaped and every echoed value and line is capped.
* Closed stdout/stderr exit 23 without a panic; no backtrace even with RUST_BACKTRACE=1.
* Numbers from the environment do not overflow; a backslash in a url= authority is refused;
  a profile named `x$(touch pwned)` is shell-quoted in the command we suggest.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
TOOL, CRED, REMOTE = (str(BIN_DIR / n) for n in ("codecommit-auth", "git-credential-codecommit", "git-remote-codecommit"))
AT = "2026-01-02T03:04:05Z"
AKID = "ASIAPLANTEDKEY123456"
SECRET = "Pl4nted/SecretKey+wJalrXUtnFEMIK7MDENGbPx"[:40]
TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6Zk2b+Xq1v/tYq9Bz0C8gH4kRrWm5a"
         "XhUeM3nCIgR4x7pL1sZpN2wRk8PLANTEDtokenQk3Jw9vXy+Zt5eR2uNq/H0aLmC7sD4fGiOpK==")
HOST = "git-codecommit.us-east-1.amazonaws.com"
BACKTRACE = {"RUST_BACKTRACE": "full", "RUST_LIB_BACKTRACE": "1"}

pytestmark = pytest.mark.skipif(not Path(TOOL).exists(), reason=f"binaries not built in {BIN_DIR}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = helpers.make_isolated_env(tmp_path, {"AWS_PROFILE": "planted", **BACKTRACE})
    aws = Path(env["HOME"]) / ".aws"
    (aws / "credentials").write_text(
        f"[planted]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n"
    )
    (aws / "config").write_text("[profile planted]\nregion = us-east-1\n")
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "", **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin, env=env, capture_output=True, text=True, timeout=60,
                          start_new_session=True, errors="replace", **kw)


def signed_url(env: dict[str, str]) -> str:
    proc = run([TOOL, "url", "codecommit://demo", "--at", AT, "--no-cache"], env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def mutations(url: str) -> list[str]:
    at = url.index("@")
    userinfo_start = url.index("://") + 3
    return [
        url + ".git", url + "?x=1", url + "//", url + "#f", url + "/", url + "/extra",
        url.replace("/demo", "/"), url.replace("/v1/repos/demo", ""), url.replace("/demo", "/.git"),
        url.replace("https://", "http://"), url.replace("https://", "codecommit://"),
        url.replace("https://", "codecommit::us-east-1://"), url.replace("https://", "us-east-1://"),
        url.replace("https://", "ftp://"), url.replace("https://", "HTTPS://"), url.upper(), url.lower(),
        url.replace(".com/", ".com:443/"), url.replace(".com/", ".com:99999/"),
        url.replace(".com/", ".com.evil.example/"),
        url.replace("@", "@@"), url.replace("@", "@evil.example@"), url.replace("@", "%40"),
        url[:at] + "\\" + url[at:], url.replace("://", ":/"), url.replace("://", ""),
        quote(url, safe=""), quote(url, safe=":/"), url.replace("%", "%25"),
        url[:at], url[:at - 20], url[:at + 5], url[:userinfo_start + 60], url[userinfo_start:],
        url + "\n", url + "\x1b[2J", " " + url, url + " extra", url * 2,
    ]


def secrets_in(text: str, signature: str) -> list[str]:
    found = [name for name, value in [
        ("secret key", SECRET), ("session token", TOKEN), ("encoded token", quote(TOKEN, safe="")),
        ("signature", signature), ("signature hex", signature[16:]), ("signature prefix", signature[16:48]),
        ("token prefix", TOKEN[:40]), ("encoded token prefix", quote(TOKEN, safe="")[:40]),
    ] if value in text]
    return found


def entry_points(mutated: str) -> list[tuple[str, list[str], str]]:
    """(label, argv, stdin) for every way a URL reaches us."""
    parts = urlsplit(mutated) if "://" in mutated else None
    points = [
        ("url", [TOOL, "url", mutated, "--at", AT, "--no-cache"], ""),
        ("credential", [TOOL, "credential", mutated, "--json", "--at", AT, "--no-cache"], ""),
        ("doctor", [TOOL, "doctor", mutated, "--no-cache"], ""),
        ("remote-helper", [REMOTE, "origin", mutated], ""),
        ("cred url=", [CRED, "--at", AT, "--no-cache", "--debug", "get"], f"url={mutated}\n\n"),
    ]
    if parts is not None:
        request = f"protocol={parts.scheme}\nhost={parts.netloc}\npath={parts.path.lstrip('/')}\n\n"
        points.append(("cred host/path", [CRED, "--at", AT, "--no-cache", "--debug", "get"], request))
    return points


def test_signed_url_mutations_leak_no_secret_anywhere(env):
    url = signed_url(env)
    signature = url[url.rindex(":", 0, url.index("@")) + 1: url.index("@")]
    assert len(signature) == 16 + 64 and quote(TOKEN, safe="") in url  # the planted secrets are there
    leaks = []
    for mutated in mutations(url):
        for label, argv, stdin in entry_points(mutated):
            proc = run(argv, env, stdin)
            assert proc.returncode not in (101, -6, 24), f"{label} {mutated!r}: {proc.stderr}"
            assert "panicked" not in proc.stderr and "stack backtrace" not in proc.stderr
            # stdout of a successful url/credential/get is a credential by design.
            prints_credential = proc.returncode == 0 and label not in ("doctor", "remote-helper")
            shown = proc.stderr + ("" if prints_credential else proc.stdout)
            found = secrets_in(shown, signature)
            if SECRET in proc.stdout:
                found.append("secret key on stdout")
            if found:
                leaks.append(f"{label} {mutated[:80]!r} exit {proc.returncode}: {found}: {shown[:300]!r}")
    assert not leaks, "\n".join(leaks)


def test_endpoint_with_a_password_is_not_repeated(env):
    for endpoint in ["user:hunter2@host", "https://user:hunter2@127.0.0.1:8443", "http://hunter2@h:1"]:
        proc = run([TOOL, "url", "codecommit://demo", "--endpoint", endpoint, "--no-cache"], env)
        assert proc.returncode == 22, proc.stderr
        assert "hunter2" not in proc.stderr and "<redacted>" in proc.stderr, proc.stderr
        proc = run([TOOL, "url", "codecommit://demo", "--no-cache"], {**env, "CODE_COMMIT_ENDPOINT": endpoint})
        assert "hunter2" not in proc.stderr + proc.stdout, proc.stderr


# ---- control characters and length ---------------------------------------------------

CONTROL = ["\x1b", "\x07", "\r", "\x7f", "\x85", "\x9b"]


def assert_clean_line(text: str, limit: int = 1200) -> None:
    for ch in CONTROL:
        assert ch not in text, f"{ch!r} in {text[:300]!r}"
    assert "\n" not in text.rstrip("\n"), text[:300]
    assert len(text.encode()) <= limit, len(text.encode())


@pytest.mark.parametrize("value", ["evil\x1b[2J\x07name\r\x7f\x85\x9bend", "p" * 100_000])
def test_profile_from_aws_profile_is_escaped_and_capped(env, value):
    proc = run([TOOL, "url", "codecommit://demo", "--no-cache"], {**env, "AWS_PROFILE": value})
    assert proc.returncode in (13, 14), proc.stderr
    assert_clean_line(proc.stderr)


@pytest.mark.parametrize("option", ["--region", "--endpoint", "--at", "--profile"])
@pytest.mark.parametrize("value", ["x" * 100_000, "a\x1b]0;owned\x07b\r\x9b\x85"])
def test_option_values_are_escaped_and_capped(env, option, value):
    proc = run([TOOL, "url", "codecommit://demo", option, value, "--no-cache"], env)
    assert proc.returncode not in (0, 101), proc.stderr
    assert_clean_line(proc.stderr)


def test_huge_remote_and_unknown_option_are_capped(env):
    for argv in ([TOOL, "url", "codecommit://" + "r" * 100_000], [TOOL, "--" + "o" * 100_000],
                 [REMOTE, "origin", "https://" + "h" * 100_000 + "/v1/repos/x"]):
        proc = run(argv, env)
        assert proc.returncode not in (0, 101)
        assert_clean_line(proc.stderr)
    proc = run([TOOL, "--" + "o" * 100_000], env)
    assert proc.returncode == 2 and proc.stderr.rstrip().endswith("(see --help)")


def test_unknown_profile_with_many_long_profiles_is_one_short_line(env):
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_text("".join(f"[profile {i:04d}{'n' * 300}\x1b]\nregion = us-east-1\n" for i in range(3000)))
    proc = run([TOOL, "url", "codecommit://demo", "--no-cache"], {**env, "AWS_PROFILE": "missing"})
    assert proc.returncode in (13, 14), proc.stderr[:300]
    assert_clean_line(proc.stderr)


def test_debug_host_is_escaped_and_capped(env):
    for host in ["h" * 60_000 + ".example", "evil\x1b]0;x\x07\x9b.example"]:
        proc = run([CRED, "--debug", "get"], env, f"protocol=https\nhost={host}\npath=v1/repos/x\n\n")
        assert proc.returncode == 0 and proc.stdout == "", proc.stderr[:300]
        assert "debug:" in proc.stderr
        assert_clean_line(proc.stderr)


def test_relayed_credential_process_stderr_is_escaped(env, tmp_path):
    script = tmp_path / "noisy.sh"
    script.write_text("#!/bin/sh\nprintf 'boom\\033[31m red\\r\\007 bell\\n' >&2\nexit 3\n")
    script.chmod(0o755)
    Path(env["AWS_CONFIG_FILE"]).write_text(f"[profile noisy]\nregion = us-east-1\ncredential_process = {script}\n")
    proc = run([TOOL, "url", "codecommit://noisy@demo", "--no-cache"], env)
    assert proc.returncode == 18, proc.stderr
    assert_clean_line(proc.stderr)


# ---- closed pipes, panics, backtraces -------------------------------------------------

def run_with_closed(stream: str, argv: list[str], env: dict[str, str], stdin: str = "") -> tuple[int, str]:
    """Runs argv with stdout or stderr a pipe whose reader is already gone (like `| head -c0`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    other = subprocess.PIPE
    kwargs = {"stdout": write_end, "stderr": other} if stream == "stdout" else {"stdout": other, "stderr": write_end}
    try:
        proc = subprocess.run(argv, input=stdin.encode(), env=env, timeout=60, start_new_session=True, **kwargs)
    finally:
        os.close(write_end)
    captured = (proc.stderr if stream == "stdout" else proc.stdout) or b""
    return proc.returncode, captured.decode(errors="replace")


REQUEST = f"protocol=https\nhost={HOST}\npath=v1/repos/demo\n\n"


@pytest.mark.parametrize("argv,stdin", [
    ([TOOL, "--help"], ""), ([TOOL, "--version"], ""),
    ([TOOL, "url", "codecommit://demo", "--no-cache"], ""),
    ([TOOL, "credential", "codecommit://demo", "--no-cache"], ""),
    ([TOOL, "doctor", "codecommit://demo", "--no-cache"], ""),
    ([CRED, "--help"], ""), ([CRED, "get", "--no-cache"], REQUEST),
    ([REMOTE, "--help"], ""), ([REMOTE, "--version"], ""),
], ids=lambda v: " ".join(Path(a).name for a in v) if isinstance(v, list) else None)
def test_closed_stdout_exits_23_quietly(env, argv, stdin):
    status, stderr = run_with_closed("stdout", argv, env, stdin)
    assert status == 23, stderr
    assert stderr == "", stderr


@pytest.mark.parametrize("argv", [[TOOL, "url", "nope"], [CRED, "bogus"], [REMOTE, "origin", "nope"], [TOOL, "--nope"]])
def test_closed_stderr_on_an_error_exits_23(env, argv):
    status, stdout = run_with_closed("stderr", argv, env)
    assert status == 23 and stdout == ""


def test_closed_stderr_with_debug_does_not_panic(env):
    status, stdout = run_with_closed("stderr", [CRED, "--debug", "get", "--no-cache"], env, REQUEST)
    assert status in (0, 23), stdout


@pytest.mark.parametrize("value", ["18446744073709551615", "99999999999999999999999999", "4294967296"])
def test_refresh_margin_overflow_saturates(env, tmp_path, value):
    script = tmp_path / "proc.sh"
    script.write_text("#!/bin/sh\ncat <<EOF\n{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESSKEY123456\", "
                      "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": \"proctoken\", "
                      "\"Expiration\": \"2999-01-01T00:00:00Z\"}\nEOF\n")
    script.chmod(0o755)
    Path(env["AWS_CONFIG_FILE"]).write_text(f"[profile p]\nregion = us-east-1\ncredential_process = {script}\n")
    for cache in (["--no-cache"], []):
        proc = run([TOOL, "url", "codecommit://p@demo", *cache], {**env, "CODECOMMIT_AUTH_REFRESH_MARGIN": value})
        assert proc.returncode not in (101, -6, 24), proc.stderr
        assert "panicked" not in proc.stderr and "backtrace" not in proc.stderr


def test_refresh_margin_overflow_with_a_cached_role_session(sts_endpoint, env):
    # The margin meets a cached session's expiry: `expiry <= now + margin` must not overflow.
    Path(env["AWS_CONFIG_FILE"]).write_text(
        "[profile base]\nregion = us-east-1\n"
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/deployer\nsource_profile = base\n"
        "region = us-east-1\n")
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = base-secret\n")
    env = {**env, "AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url, "CODE_COMMIT_ENDPOINT": sts_endpoint.url}
    first = run([TOOL, "url", "codecommit://role@demo"], env)
    assert first.returncode == 0, first.stderr
    for value in ["18446744073709551615", "9223372036854775808", "99999999999999999999999"]:
        proc = run([TOOL, "url", "codecommit://role@demo"], {**env, "CODECOMMIT_AUTH_REFRESH_MARGIN": value})
        assert proc.returncode == 0, proc.stderr
        assert "panicked" not in proc.stderr and "backtrace" not in proc.stderr


def test_refresh_margin_not_a_number_is_refused(env):
    proc = run([TOOL, "url", "codecommit://demo"], {**env, "CODECOMMIT_AUTH_REFRESH_MARGIN": "-1\x1b"})
    assert proc.returncode == 22 and "CODECOMMIT_AUTH_REFRESH_MARGIN" in proc.stderr
    assert_clean_line(proc.stderr)


@pytest.mark.parametrize("count", ["18446744073709551615", "18446744073709551614", "9223372036854775807",
                                   "99999999999999999999999", "-1", "lots"])
def test_huge_git_config_count_is_refused(env, count):
    proc = run([REMOTE, "origin", "codecommit::us-east-1://demo"], {**env, "GIT_CONFIG_COUNT": count})
    assert proc.returncode == 22, proc.stderr
    assert "GIT_CONFIG_COUNT" in proc.stderr and "panicked" not in proc.stderr


def test_no_backtrace_on_any_error_path(env):
    for argv, stdin in [([TOOL, "url", "codecommit://demo", "--at", "9999-12-31T23:59:59Z", "--no-cache"], ""),
                        ([TOOL, "url", "codecommit://demo", "--at", "+275760-09-13T00:00:00Z"], ""),
                        ([CRED, "get"], "\xff\n"), ([REMOTE], ""), ([TOOL, "doctor", "codecommit://x/y"], "")]:
        proc = run(argv, {**env, **BACKTRACE}, stdin)
        assert "stack backtrace" not in proc.stderr and "panicked" not in proc.stderr, proc.stderr
        assert proc.returncode not in (101, -6)


# ---- git request and suggested commands ---------------------------------------------

@pytest.mark.parametrize("url", [
    f"https://evil.example\\@{HOST}/v1/repos/demo",
    f"https://{HOST}\\@evil.example/v1/repos/demo",
    f"https://u\\:p@{HOST}/v1/repos/demo",
])
def test_backslash_in_url_authority_is_refused(env, url):
    proc = run([CRED, "get", "--no-cache"], env, f"url={url}\n\n")
    assert proc.returncode == 20, proc.stderr
    assert proc.stdout == ""
    assert "backslash" in proc.stderr


def test_suggested_commands_quote_a_hostile_profile_name(env, tmp_path):
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "aws").write_text("#!/bin/sh\nexit 0\n")
    (stub / "aws").chmod(0o755)
    for name in ["x$(touch pwned)", "y`touch pwned`", "z;touch pwned", "it's$(touch pwned)"]:
        proc = run([TOOL, "url", "codecommit://demo", "--no-cache"], {**env, "AWS_PROFILE": name})
        assert proc.returncode == 13, proc.stderr
        commands = [c for c in proc.stderr.split("`")[1::2] if c.startswith("aws ")]
        assert commands, proc.stderr
        for command in commands:
            # Pasting the suggested fix into a shell runs `aws`, nothing else.
            subprocess.run(["sh", "-c", command], cwd=tmp_path, env={**env, "PATH": f"{stub}:/usr/bin:/bin"},
                           timeout=30, capture_output=True)
            assert not (tmp_path / "pwned").exists(), command
