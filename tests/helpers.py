"""Shared helpers for the end-to-end tests.

* A reference GIT SigV4 signer (``sign_password``, ``git_username``, ``signed_url``),
  written from shared/DESIGN.md "Protocol facts" and independent of the Rust code.
* Isolated environments for child processes (``make_isolated_env``): a private HOME,
  git and AWS configuration, and no AWS_* or GIT_* variables from the outside.
* Small utilities: random repository names and keys, ``run_git``, ``create_bare_repo``.
* ``ArgvWatcher``: samples the argv of every process a test starts (secrets in ``ps``).
* Role profiles (``role_config``, ``write_aws_files``, ``role_profiles_env``), ``run_in_pty``
  (a controlling terminal), ``AlwaysUnauthorized`` (an HTTP server refusing every credential).

Test modules import this as ``import helpers`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import os
import pty
import re
import secrets
import select
import signal
import string
import subprocess
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import quote, urlsplit

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent


def workspace_version() -> str:
    """The one project version: [workspace.package] in Cargo.toml (tests/test_version.py checks
    every other place that writes it against this)."""
    text = (REPO_ROOT / "Cargo.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["workspace"]["package"]["version"]


# Where the programs under test are: target/debug, or CODECOMMIT_AUTH_BIN_DIR.
BIN_DIR = Path(os.environ.get("CODECOMMIT_AUTH_BIN_DIR", REPO_ROOT / "target" / "debug")).resolve()
ENDPOINT_SCRIPT = TESTS_DIR / "endpoint" / "codecommit_endpoint.py"
DEFAULT_REGION = "us-east-1"
UTC = dt.timezone.utc

# --------------------------------------------------------------------------
# Reference signer.
# --------------------------------------------------------------------------


def _timestamp(t: dt.datetime | float | int | None) -> str:
    """YYYYMMDDTHHMMSS in UTC for a datetime (naive means UTC), a Unix time, or now."""
    if t is None:
        t = dt.datetime.now(UTC)
    elif isinstance(t, (int, float)):
        t = dt.datetime.fromtimestamp(t, UTC)
    elif t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign_password(
    akid: str,
    secret: str,
    region: str,
    host: str,
    path: str,
    t: dt.datetime | float | int | None = None,
) -> str:
    """The CodeCommit Git password: ``YYYYMMDDTHHMMSSZ`` + hex signature.

    ``host`` is signed exactly as given (include the port for the official helper's
    behaviour); ``path`` is ``/v1/repos/NAME``.  ``akid`` is not part of the signature
    and is accepted only so call sites read like the credential they build.
    """
    del akid
    ts = _timestamp(t)
    canonical = f"GIT\n{path}\n\nhost:{host}\n\nhost\n"
    scope = f"{ts[:8]}/{region}/codecommit/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{ts}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _hmac(("AWS4" + secret).encode(), ts[:8])
    for part in (region, "codecommit", "aws4_request"):
        key = _hmac(key, part)
    return ts + "Z" + hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def git_username(akid: str, token: str | None = None) -> str:
    """The raw username: ``AKID`` or ``AKID%TOKEN``."""
    return f"{akid}%{token}" if token else akid


def quote_userinfo(value: str) -> str:
    """Percent-encode for a URL's user part, leaving only A-Za-z0-9_.-~ as is."""
    return quote(value, safe="-_.~")


def signed_url(
    base_url: str,
    repo: str,
    akid: str,
    secret: str,
    token: str | None = None,
    region: str = DEFAULT_REGION,
    t: dt.datetime | float | int | None = None,
    sign_host: str | None = None,
    password: str | None = None,
) -> str:
    """``base_url`` + ``/v1/repos/REPO`` with signed credentials in the user part.

    ``sign_host`` defaults to the URL's host:port (what the official remote helper
    signs); pass the host without the port to mimic the AWS CLI helper.  ``password``
    overrides the signature, for malformed-password tests.
    """
    parts = urlsplit(base_url)
    path = f"/v1/repos/{repo}"
    if password is None:
        password = sign_password(akid, secret, region, sign_host or parts.netloc, path, t)
    user = quote_userinfo(git_username(akid, token))
    return f"{parts.scheme}://{user}:{quote_userinfo(password)}@{parts.netloc}{path}"


def basic_auth_header(username: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# --------------------------------------------------------------------------
# Random names and keys.
# --------------------------------------------------------------------------


def random_repo_name(prefix: str = "repo") -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def random_access_key_id(prefix: str = "AKIA") -> str:
    alphabet = string.ascii_uppercase + "234567"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(16))


def random_secret() -> str:
    alphabet = string.ascii_letters + string.digits + "/+"
    return "".join(secrets.choice(alphabet) for _ in range(40))


def random_session_token() -> str:
    # Real tokens are long base64 strings with '/', '+' and '=': the characters that
    # need percent-encoding in a URL, which is the point of using them in tests.
    return "FwoGZXIvYXdzE" + secrets.token_urlsafe(200).replace("-", "+").replace("_", "/") + "=="


# --------------------------------------------------------------------------
# Isolated environments and git.
# --------------------------------------------------------------------------


def make_isolated_env(base: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for child processes that cannot see the user's git or AWS setup.

    HOME, git's global config and the AWS config/credentials files live under
    ``base``; every AWS_* and GIT_* variable from the outside is dropped.  We set
    AWS_EC2_METADATA_DISABLED=true so no SDK probes the instance metadata address
    (not loopback; such traffic is not allowed here): pop it in a test that points
    AWS_EC2_METADATA_SERVICE_ENDPOINT at a local fake.
    """
    home = base / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    gitconfig = home / ".gitconfig"
    if not gitconfig.exists():
        gitconfig.write_text(
            "[user]\n\tname = Test User\n\temail = test@example.com\n"
            "[init]\n\tdefaultBranch = main\n"
            # No keychain or store may keep a 15-minute password between tests.
            "[credential]\n\thelper =\n"
            "[advice]\n\tdetachedHead = false\n"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GIT_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        AWS_CONFIG_FILE=str(aws / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(aws / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    env.update(extra or {})
    return env


def run_git(
    args: list[str],
    env: dict[str, str],
    cwd: Path | str | None = None,
    check: bool = True,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """Run git with captured text output; on failure the message carries stderr."""
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"git {' '.join(_redact(a) for a in args)} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def _redact(arg: str) -> str:
    """Hide the user part of URLs in messages: it holds passwords and tokens."""
    parts = urlsplit(arg)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        return f"{parts.scheme}://***@{parts.netloc.rsplit('@', 1)[1]}{parts.path}"
    return arg


def create_bare_repo(path: Path) -> Path:
    """A bare repository the endpoint will serve (HEAD on main, pushes allowed)."""
    subprocess.run(["git", "init", "--bare", "--quiet", "--initial-branch=main", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "config", "http.receivepack", "true"], check=True)
    return path


# --------------------------------------------------------------------------
# Secrets in the process list.
# --------------------------------------------------------------------------

# A signed CodeCommit password: YYYYMMDDTHHMMSSZ + 64 hex digits.
PASSWORD_SHAPE = re.compile(r"\d{8}T\d{6}Z[0-9a-f]{64}")


def _parent_pids() -> dict[int, int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    # The command name may hold spaces; fields after it are fixed.
                    parents[int(entry.name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return parents


def _descends_from(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        pid = parents.get(pid, 0)
    return False


class BackgroundLoop:
    """A context manager running ``_run`` on a daemon thread from ``__enter__`` to ``__exit__``;
    ``_run`` loops until ``self._stop`` is set (``__exit__`` sets it and joins the thread)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class ArgvWatcher(BackgroundLoop):
    """Samples the argv (/proc/PID/cmdline) of every process this test starts."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            parents = _parent_pids()
            for pid in parents:
                if pid != me and _descends_from(pid, me, parents):
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as f:
                            self.seen.add(f.read().replace(b"\0", b" ").decode(errors="replace"))
                    except OSError:
                        pass
            self._stop.wait(0.002)

    def leaks(self, *secrets: str) -> list[str]:
        """argv strings holding a signed password or any of ``secrets`` (raw or URL-encoded)."""
        needles = [s for secret in secrets for s in (secret, quote(secret, safe=""))]
        return [argv for argv in self.seen if PASSWORD_SHAPE.search(argv) or any(n in argv for n in needles)]


def toolchains_required() -> bool:
    """Under CI (`CI` set to anything but empty/0/false/no) a missing toolchain, program or
    package is a failure, never a skip: a green CI run must have run every test."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_toolchain(what: str) -> None:
    """Skip the current test because `what` is missing, or fail under CI (see
    `toolchains_required`); never returns. Say in `what` how to install the missing piece."""
    import pytest  # here: helpers.py is also imported by scripts that do not use pytest

    if toolchains_required():
        pytest.fail(f"{what} (CI=true: a missing toolchain fails, never skips)")
    pytest.skip(what)


# Role profiles: keys in a `base` profile (ROLE_CREDENTIALS), roles assumed from it through
# moto's STS (which accepts any role ARN and any keys).
ROLE_ARN = "arn:aws:iam::123456789012:role/deployer"
MFA_SERIAL = "arn:aws:iam::123456789012:mfa/alice"
BASE_PROFILE = "[profile base]\nregion = us-east-1\n"
ROLE_CREDENTIALS = "[base]\naws_access_key_id = AKIABASEBASEBASEBASE\naws_secret_access_key = base-secret\n"


def role_profile(name: str, role_arn: str = ROLE_ARN, **settings: object) -> str:
    """AWS config text for `[profile NAME]` assuming `role_arn` with the keys of `base`, then
    `settings` (`source_profile="hop"` replaces `base`; `role_session_name="ci"` adds a line)."""
    lines = {"role_arn": role_arn, "source_profile": "base", **settings}
    return f"[profile {name}]\n" + "".join(f"{key} = {value}\n" for key, value in lines.items())


def role_config(name: str = "deployer", role_arn: str = ROLE_ARN, **settings: object) -> str:
    """AWS config text: the `base` profile and one role profile (see `role_profile`)."""
    return BASE_PROFILE + role_profile(name, role_arn, **settings)


# The profiles the cache and askpass tests share: a plain role `deployer` and an MFA role `mfa`.
ROLE_CONFIG = role_config(region="us-east-1") + role_profile("mfa", mfa_serial=MFA_SERIAL, region="us-east-1")


def write_aws_files(env: dict[str, str], config: str = ROLE_CONFIG, credentials: str = ROLE_CREDENTIALS) -> None:
    """Writes the AWS config and credentials files `env` names (an isolated environment)."""
    Path(env["AWS_CONFIG_FILE"]).write_text(config)
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(credentials)


def role_profiles_env(sts_endpoint, isolated_env: dict[str, str]) -> dict[str, str]:
    """`isolated_env` with the role profiles above, moto STS and the local endpoint; our
    binaries first on PATH."""
    write_aws_files(isolated_env)
    return {
        **isolated_env,
        "PATH": f"{BIN_DIR}:{isolated_env['PATH']}",
        "AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url,
        "CODE_COMMIT_ENDPOINT": sts_endpoint.url,
    }


def run_in_pty(args: list[str], env: dict[str, str], answer: str | None = None,
               timeout: float = 30) -> tuple[int, str]:
    """Runs `args` with a pseudo-terminal as its controlling terminal; types `answer` (if
    any) when it prints an "MFA code" prompt ending in ':'. Returns (status, everything it
    printed on the terminal); killed after `timeout` seconds."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(args[0], args, env)
    seen, answered = b"", answer is None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"MFA code" in seen and seen.rstrip().endswith(b":"):
                os.write(fd, answer.encode() + b"\n")
                answered = True
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


class AlwaysUnauthorized:
    """An HTTP server on 127.0.0.1 that answers every GET with 401, as a server does that
    refuses each credential. ``with AlwaysUnauthorized() as server:``; ``server.url``, and
    ``server.count`` GETs answered."""

    def __init__(self) -> None:
        self.count = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.count += 1
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="codecommit"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "AlwaysUnauthorized":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
