#!/usr/bin/env python3
"""A local, CodeCommit-compatible Git smart-HTTP endpoint for end-to-end tests.

It serves bare repositories under ``<root>/repos`` at ``/v1/repos/NAME`` through
``git http-backend`` (CGI), and checks every request's Basic credentials the way
AWS CodeCommit does: the username is ``AKID`` or ``AKID%SESSIONTOKEN`` and the
password is ``YYYYMMDDTHHMMSSZ`` followed by a hex SigV4 signature over a tiny
"GIT" canonical request (see shared/DESIGN.md, "Protocol facts").

The signature check is written here from the protocol description with hmac and
hashlib only, independently of the project's Rust signer, so the two can catch
each other's mistakes.

Revoked keys: ``<root>/revoked.json`` (optional, re-read on every request) maps an access
key id to the HTTP status its requests get, ``{AKID: 401 or 403}``, as if the key had been
revoked. Git sends ``erase`` to its credential helpers only after a 401; after a 403 it
calls no helper.

Credentials it knows:
  * ``<root>/secrets.json``: ``{AKID: {"secret": ..., "token": ... or null,
    "expires": ISO-8601 or absent}}``, re-read whenever the file changes;
  * with ``--sts``: temporary credentials issued by moto's STS, which runs in
    this process so its in-memory backends can be consulted directly.

Usage:
  codecommit_endpoint.py --root DIR [--tls] [--sts] [--port N]
      [--regions us-east-1,eu-west-1] [--clock-skew SECONDS] [--tls-name HOST ...]
      [--create-repo NAME ...]

When ready it prints one JSON line on stdout (url, port, host, ca, sts_url, pid)
and then serves until SIGTERM or SIGINT.  Every request is appended to
``<root>/requests.log`` as one JSON object per line.  Secrets, passwords and
session tokens are never logged or echoed; access key ids may be.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Callable, Iterable
from urllib.parse import parse_qs, urlsplit

DEFAULT_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-2",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
)
# CodeCommit accepts a signature for about 15 minutes either side of its clock.
MAX_SKEW_SECONDS = 15 * 60
REALM = 'Basic realm="AWS CodeCommit"'
# CodeCommit repository names: letters, digits, '.', '_' and '-', up to 100 characters.
REPO_PATH_RE = re.compile(r"^/v1/repos/([A-Za-z0-9._-]{1,100})(/.*)?$")
PASSWORD_RE = re.compile(r"^(\d{8}T\d{6})Z([0-9a-f]{64})$")
MAX_BODY_BYTES = 1 << 30
COPY_BLOCK = 64 * 1024
UTC = dt.timezone.utc


# --------------------------------------------------------------------------
# The GIT SigV4 signature, from the protocol description.
# --------------------------------------------------------------------------


def canonical_request(path: str, host: str) -> str:
    return f"GIT\n{path}\n\nhost:{host}\n\nhost\n"


def string_to_sign(timestamp: str, region: str, canonical: str) -> str:
    """``timestamp`` is YYYYMMDDTHHMMSS (no trailing Z)."""
    scope = f"{timestamp[:8]}/{region}/codecommit/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{digest}"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, "codecommit")
    return _hmac(key, "aws4_request")


def git_signature(secret: str, region: str, host: str, path: str, timestamp: str) -> str:
    """Hex signature for ``path`` (``/v1/repos/NAME``) at ``timestamp`` (YYYYMMDDTHHMMSS)."""
    sts = string_to_sign(timestamp, region, canonical_request(path, host))
    return hmac.new(signing_key(secret, timestamp[:8], region), sts.encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------
# Known credentials.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownCredential:
    """One credential the endpoint accepts.  ``repr`` hides the secret parts."""

    access_key_id: str
    secret: str = field(repr=False)
    token: str | None = field(repr=False, default=None)
    expires_at: dt.datetime | None = None  # timezone-aware UTC
    source: str = "secrets.json"


def _as_utc(value: dt.datetime) -> dt.datetime:
    # moto keeps naive UTC datetimes.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _parse_expiry(value: object) -> dt.datetime | None:
    if value in (None, ""):
        return None
    return _as_utc(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


class SecretsFile:
    """``<root>/secrets.json``, re-read when it changes so tests can add keys while we run."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._entries: dict[str, KnownCredential] = {}

    def lookup(self, access_key_id: str) -> list[KnownCredential]:
        entry = self._current().get(access_key_id)
        return [entry] if entry else []

    def _current(self) -> dict[str, KnownCredential]:
        with self._lock:
            try:
                st = self._path.stat()
            except FileNotFoundError:
                self._stamp, self._entries = None, {}
                return self._entries
            # Writers replace the file atomically, so the inode changes even when
            # two writes land within one mtime tick.
            stamp = (st.st_mtime_ns, st.st_ino, st.st_size)
            if stamp != self._stamp:
                self._entries = self._load()
                self._stamp = stamp
            return self._entries

    def _load(self) -> dict[str, KnownCredential]:
        try:
            raw = json.loads(self._path.read_text() or "{}")
        except (OSError, ValueError) as exc:
            # Keep serving with no keys rather than dying; say why on stderr.
            print(f"codecommit_endpoint: cannot read {self._path}: {exc}", file=sys.stderr)
            return {}
        entries = {}
        for akid, value in raw.items():
            entries[akid] = KnownCredential(
                access_key_id=akid,
                secret=value["secret"],
                token=value.get("token") or None,
                expires_at=_parse_expiry(value.get("expires")),
            )
        return entries


class MotoSts:
    """moto's STS, run in this process, and a lookup of the credentials it issued.

    Where moto keeps them (moto 5.x):
      * AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML append an
        ``AssumedRole`` (access_key_id, secret_access_key, session_token,
        naive-UTC expiration) to ``sts_backends[ACCOUNT][PARTITION].assumed_roles``,
        where ACCOUNT is taken from the role ARN, so every account is searched.
      * GetSessionToken and GetFederationToken keep nothing but return fixed example
        credentials (``AKIAIOSFODNN7EXAMPLE``...).  We wrap those two responses and
        record what they returned, with the latest expiry per token.
    """

    # Request parameters recorded per STS call in <root>/sts-calls.log (one JSON line each),
    # so tests can count calls and see e.g. the MFA SerialNumber/TokenCode that arrived, and
    # SignedBy: the access key id in the request's SigV4 Authorization header.
    RECORDED_PARAMS = ("RoleArn", "RoleSessionName", "ExternalId", "SerialNumber", "TokenCode", "DurationSeconds")
    RECORDED_ACTIONS = ("assume_role", "assume_role_with_web_identity", "get_session_token", "get_federation_token")

    def __init__(self, calls_path: Path | None = None) -> None:
        self._server = None
        self._issued: dict[tuple[str, str], KnownCredential] = {}
        self._lock = threading.Lock()
        self._calls_path = calls_path

    def start(self) -> str:
        from moto.server import ThreadedMotoServer

        self._record_token_responses()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def lookup(self, access_key_id: str) -> list[KnownCredential]:
        return self._assumed_roles(access_key_id) + self._recorded(access_key_id)

    def _assumed_roles(self, access_key_id: str) -> list[KnownCredential]:
        from moto.sts.models import sts_backends

        found = []
        # list() copies: moto's threads may add accounts or roles while we look.
        for account_backends in list(sts_backends.values()):
            for backend in list(account_backends.values()):
                for role in list(backend.assumed_roles):
                    if role.access_key_id == access_key_id:
                        found.append(
                            KnownCredential(
                                access_key_id=role.access_key_id,
                                secret=role.secret_access_key,
                                token=role.session_token,
                                expires_at=_as_utc(role.expiration),
                                source="moto-sts",
                            )
                        )
        return found

    def _recorded(self, access_key_id: str) -> list[KnownCredential]:
        with self._lock:
            return [c for (akid, _), c in self._issued.items() if akid == access_key_id]

    def _record_token_responses(self) -> None:
        from moto.sts.responses import TokenResponse

        for name in ("get_session_token", "get_federation_token"):
            original = getattr(TokenResponse, name)
            setattr(TokenResponse, name, self._recording(original))
        for name in self.RECORDED_ACTIONS:
            original = getattr(TokenResponse, name)
            setattr(TokenResponse, name, self._counting(name, original))

    def _counting(self, action: str, original: Callable) -> Callable:
        def wrapper(response_self):  # type: ignore[no-untyped-def]
            call = {"action": action}
            for param in self.RECORDED_PARAMS:
                value = response_self._get_param(param)
                if value is not None:
                    call[param] = value
            # Which access key id signed the call (moto does not check signatures, so this
            # is how a test sees that a role was assumed with the right source credentials).
            # Absent for unsigned calls such as AssumeRoleWithWebIdentity.
            if "Authorization" in response_self.headers:
                call["SignedBy"] = response_self.get_access_key()
            if self._calls_path is not None:
                with self._lock, open(self._calls_path, "a") as f:
                    f.write(json.dumps(call) + "\n")
            return original(response_self)

        return wrapper

    def _recording(self, original: Callable) -> Callable:
        def wrapper(response_self):  # type: ignore[no-untyped-def]
            result = original(response_self)
            creds = result.result["Credentials"]
            self._remember(
                KnownCredential(
                    access_key_id=creds["AccessKeyId"],
                    secret=creds["SecretAccessKey"],
                    token=creds["SessionToken"],
                    expires_at=_as_utc(creds["Expiration"]),
                    source="moto-sts",
                )
            )
            return result

        return wrapper

    def _remember(self, cred: KnownCredential) -> None:
        key = (cred.access_key_id, cred.token or "")
        with self._lock:
            previous = self._issued.get(key)
            # The same fixed credentials come back every time; the latest expiry wins.
            if previous is None or cred.expires_at > previous.expires_at:
                self._issued[key] = cred


# --------------------------------------------------------------------------
# Verification.
# --------------------------------------------------------------------------


class AuthError(Exception):
    """A rejected request: ``status`` (401/403) and a one-line reason safe to show."""

    def __init__(self, status: int, reason: str, access_key_id: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.access_key_id = access_key_id


@dataclass(frozen=True)
class AuthResult:
    access_key_id: str
    source: str
    region: str
    signed_host: str
    has_token: bool


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def hosts_to_try(host_header: str) -> list[str]:
    """The Host header as sent and without its port: the official remote helper signs
    with the port (CODE_COMMIT_ENDPOINT), the AWS CLI helper strips it."""
    hosts = [host_header]
    match = re.match(r"^(\[[^\]]*\]|[^:]*):\d+$", host_header)
    if match:
        hosts.append(match.group(1))
    return hosts


class Verifier:
    def __init__(
        self,
        lookups: Iterable[Callable[[str], list[KnownCredential]]],
        regions: Iterable[str],
        clock_skew: float = 0.0,
    ) -> None:
        self._lookups = list(lookups)
        self._regions = list(regions)
        self._clock_skew = clock_skew
        self.revoked_path: Path | None = None

    def _check_revoked(self, akid: str) -> None:
        if self.revoked_path is None:
            return
        try:
            revoked = json.loads(self.revoked_path.read_text() or "{}")
        except (OSError, ValueError):
            return
        if akid in revoked:
            raise AuthError(int(revoked[akid]), f"access key id {akid} has been revoked", akid)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(time.time() + self._clock_skew, UTC)

    def verify(self, authorization: str | None, host: str, repo: str) -> AuthResult:
        if not authorization:
            raise AuthError(
                401,
                "authentication required: send Basic credentials "
                "(username ACCESS_KEY_ID or ACCESS_KEY_ID%SESSION_TOKEN, password a GIT SigV4 signature)",
            )
        username, password = _basic_credentials(authorization)
        akid, token = _split_username(username)
        self._check_revoked(akid)
        match = PASSWORD_RE.match(password)
        if not match:
            raise AuthError(403, "malformed password: expected YYYYMMDDTHHMMSSZ followed by 64 lowercase hex digits", akid)
        timestamp, signature = match.groups()
        signed_at = _parse_timestamp(timestamp, akid)

        candidates = self._candidates(akid)
        candidates = _matching_token(candidates, akid, token)
        self._check_clock(signed_at, timestamp, akid)
        cred, region, signed_host = self._check_signature(candidates, akid, host, repo, timestamp, signature)
        self._check_expiry(cred)
        return AuthResult(akid, cred.source, region, signed_host, token is not None)

    def _candidates(self, akid: str) -> list[KnownCredential]:
        # The first source that knows the key wins: secrets.json before moto.
        for lookup in self._lookups:
            found = lookup(akid)
            if found:
                return found
        raise AuthError(403, f"unknown access key id {akid}: not registered with this endpoint", akid)

    def _check_clock(self, signed_at: dt.datetime, timestamp: str, akid: str) -> None:
        delta = abs((self.now() - signed_at).total_seconds())
        if delta > MAX_SKEW_SECONDS:
            raise AuthError(
                403,
                f"signature time {timestamp} is {int(delta)} s away from server time: check the system clock",
                akid,
            )

    def _check_signature(
        self, candidates: list[KnownCredential], akid: str, host: str, repo: str, timestamp: str, signature: str
    ) -> tuple[KnownCredential, str, str]:
        path = f"/v1/repos/{repo}"
        hosts = hosts_to_try(host)
        for cred in candidates:
            for region in self._regions:
                for signed_host in hosts:
                    expected = git_signature(cred.secret, region, signed_host, path, timestamp)
                    if _same(expected, signature):
                        return cred, region, signed_host
        raise AuthError(
            403,
            "signature does not match: check the secret access key, the region "
            f"(tried {','.join(self._regions)}) and the signed host ({' or '.join(hosts)})",
            akid,
        )

    def _check_expiry(self, cred: KnownCredential) -> None:
        if cred.expires_at is None:
            return
        now = self.now()
        if now >= cred.expires_at:
            ago = int((now - cred.expires_at).total_seconds())
            raise AuthError(
                403,
                f"credentials for access key id {cred.access_key_id} expired at "
                f"{cred.expires_at:%Y-%m-%dT%H:%M:%SZ} ({ago} s ago): get new temporary credentials",
                cred.access_key_id,
            )


def _basic_credentials(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise AuthError(403, f"unsupported authorization scheme {scheme[:20]!r}: use Basic")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise AuthError(403, "malformed Basic credentials: not base64 of UTF-8 user:password") from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise AuthError(403, "malformed Basic credentials: no ':' between user and password")
    return username, password


def _split_username(username: str) -> tuple[str, str | None]:
    # git percent-decodes the URL's user part, so '%' here is the separator itself.
    akid, sep, token = username.partition("%")
    if not re.fullmatch(r"[A-Za-z0-9]{4,128}", akid) or (sep and not token):
        raise AuthError(403, "malformed username: expected ACCESS_KEY_ID or ACCESS_KEY_ID%SESSION_TOKEN")
    return akid, (token if sep else None)


def _parse_timestamp(timestamp: str, akid: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(timestamp, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise AuthError(403, f"malformed password: {timestamp} is not a valid YYYYMMDDTHHMMSS time", akid) from None


def _matching_token(candidates: list[KnownCredential], akid: str, token: str | None) -> list[KnownCredential]:
    temporary = [c for c in candidates if c.token]
    if token is None:
        if temporary:
            raise AuthError(
                403,
                f"missing session token: access key id {akid} is temporary, send username ACCESS_KEY_ID%SESSION_TOKEN",
                akid,
            )
        return candidates
    if not temporary:
        raise AuthError(
            403,
            f"unexpected session token: access key id {akid} is a long-term key, send it without a token",
            akid,
        )
    matching = [c for c in temporary if _same(c.token, token)]
    if not matching:
        raise AuthError(
            403, f"session token does not match: use the token issued with access key id {akid}", akid
        )
    return matching


# --------------------------------------------------------------------------
# Repositories.
# --------------------------------------------------------------------------


def create_bare_repo(repos_dir: Path, name: str, git: str = "git") -> Path:
    if not REPO_PATH_RE.match(f"/v1/repos/{name}") or name in (".", ".."):
        raise ValueError(f"invalid repository name {name!r}")
    path = repos_dir / name
    subprocess.run([git, "init", "--bare", "--quiet", "--initial-branch=main", str(path)], check=True)
    # http-backend allows pushes when REMOTE_USER is set anyway; say it explicitly.
    subprocess.run([git, "-C", str(path), "config", "http.receivepack", "true"], check=True)
    return path


def repo_exists(repos_dir: Path, name: str) -> bool:
    if name in (".", ".."):
        return False
    path = repos_dir / name
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


# --------------------------------------------------------------------------
# Request log.
# --------------------------------------------------------------------------


class RequestLog:
    """``<root>/requests.log``: one JSON object per request.  Never secrets."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, entry: dict) -> None:
        line = json.dumps(entry, sort_keys=True)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


# --------------------------------------------------------------------------
# HTTP.
# --------------------------------------------------------------------------


@dataclass
class Context:
    """What every request handler needs; one per server."""

    repos_dir: Path
    verifier: Verifier
    log: RequestLog
    git: str


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so git can keep connections alive and send chunked bodies.
    protocol_version = "HTTP/1.1"
    server_version = "codecommit-endpoint/1"
    timeout = 120  # a stalled client must not pin a thread forever
    context: Context  # set on a subclass by make_server

    def setup(self) -> None:
        super().setup()
        # TLS handshakes happen here, in the worker thread, not in the accept loop.
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # requests.log is the record; keep stderr for real problems.
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    # -- the request pipeline --------------------------------------------

    def _serve(self) -> None:
        url = urlsplit(self.path)
        entry = {
            "time": dt.datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "method": self.command,
            "path": url.path,
            # Only the smart-HTTP service name is kept from the query string.
            "service": (parse_qs(url.query).get("service") or [None])[0],
            "chunked": self._is_chunked(),
            "content_encoding": self.headers.get("Content-Encoding"),
            "access_key_id": None,
            "reason": None,
            "status": 500,  # replaced once the response status is known
        }
        self._logged = False
        try:
            self._route(url, entry)
        except (BrokenPipeError, ConnectionResetError, TimeoutError) as exc:
            if not self._logged:
                entry.update(status=499, reason=f"client went away: {type(exc).__name__}")
            self.close_connection = True
        finally:
            self._log(entry)

    def _log(self, entry: dict) -> None:
        """Write the entry once.  Called before the last byte of a response goes out, so a
        client that has its answer can rely on finding the entry in requests.log."""
        if not self._logged:
            self._logged = True
            self.context.log.write(entry)

    def _route(self, url, entry: dict) -> int:
        match = REPO_PATH_RE.match(url.path)
        if not match:
            return self._reject(404, f"not found: {url.path} is not under /v1/repos/NAME", entry)
        repo, rest = match.group(1), match.group(2) or "/"
        entry["repo"] = repo
        try:
            auth = self.context.verifier.verify(
                self.headers.get("Authorization"), self.headers.get("Host", ""), repo
            )
        except AuthError as err:
            entry["access_key_id"] = err.access_key_id
            return self._reject(err.status, err.reason, entry)
        entry.update(
            access_key_id=auth.access_key_id,
            source=auth.source,
            region=auth.region,
            signed_host=auth.signed_host,
            session_token=auth.has_token,
        )
        if not repo_exists(self.context.repos_dir, repo):
            return self._reject(404, f"repository {repo} does not exist", entry)
        return self._run_backend(repo, rest, url.query, auth, entry)

    def _reject(self, status: int, reason: str, entry: dict) -> int:
        entry.update(status=status, reason=reason)
        self._log(entry)
        body = (reason + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", REALM)
        if self._has_body():
            # The body is unread; the connection cannot be reused.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)
        return status

    # -- request bodies -----------------------------------------------------

    def _is_chunked(self) -> bool:
        return "chunked" in self.headers.get("Transfer-Encoding", "").lower()

    def _has_body(self) -> bool:
        return self._is_chunked() or int(self.headers.get("Content-Length") or 0) > 0

    def _read_body(self, sink: IO[bytes]) -> int:
        """Copy the request body (chunked or Content-Length) into ``sink``; return its size."""
        if self._is_chunked():
            return self._read_chunked(sink)
        return self._copy_exact(int(self.headers.get("Content-Length") or 0), sink)

    def _copy_exact(self, length: int, sink: IO[bytes]) -> int:
        if length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        remaining = length
        while remaining:
            block = self.rfile.read(min(COPY_BLOCK, remaining))
            if not block:
                raise ConnectionResetError("request body ended early")
            sink.write(block)
            remaining -= len(block)
        return length

    def _read_chunked(self, sink: IO[bytes]) -> int:
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            if not size_line:
                raise ConnectionResetError("chunked body ended early")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                break
            total += self._copy_exact(size, sink)
            if total > MAX_BODY_BYTES:
                raise ValueError("request body too large")
            self.rfile.readline(16)  # the CRLF after each chunk
        while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # trailers, which git never sends
        return total

    # -- git http-backend -------------------------------------------------

    def _cgi_environment(self, repo: str, rest: str, query: str, auth: AuthResult, length: int) -> dict:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # Keep the operator's git configuration out of the server side.
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "HOME": str(self.context.repos_dir),
            "GIT_PROJECT_ROOT": str(self.context.repos_dir),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": self.request_version,
            "REQUEST_METHOD": self.command,
            "PATH_INFO": f"/{repo}{rest}",
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            # A non-empty REMOTE_USER is what lets http-backend accept pushes.
            "REMOTE_USER": auth.access_key_id,
            "REMOTE_ADDR": self.client_address[0],
        }
        for header, var in (
            ("Git-Protocol", "GIT_PROTOCOL"),
            ("Content-Encoding", "HTTP_CONTENT_ENCODING"),
        ):
            if self.headers.get(header):
                env[var] = self.headers[header]
        return env

    def _run_backend(self, repo: str, rest: str, query: str, auth: AuthResult, entry: dict) -> int:
        # The body goes to a file first: http-backend may answer before reading all of
        # its input, and a file stdin can neither deadlock nor fill memory.
        with tempfile.TemporaryFile() as body:
            try:
                length = self._read_body(body)
            except ValueError as exc:
                return self._reject(400, f"bad request body: {exc}", entry)
            body.seek(0)
            entry["body_bytes"] = length
            env = self._cgi_environment(repo, rest, query, auth, length)
            proc = subprocess.Popen(
                [self.context.git, "http-backend"], stdin=body, stdout=subprocess.PIPE, env=env
            )
            try:
                return self._relay_cgi_response(proc, entry)
            finally:
                proc.stdout.close()
                if proc.poll() is None:
                    proc.kill()
                proc.wait()

    def _relay_cgi_response(self, proc: subprocess.Popen, entry: dict) -> int:
        status, reason, headers = _read_cgi_headers(proc.stdout)
        if status is None:
            return self._reject(502, "git http-backend produced no response", entry)
        entry["status"] = status
        if status >= 400:
            entry["reason"] = f"http-backend: {status} {reason}"
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while block := proc.stdout.read1(COPY_BLOCK):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        self._log(entry)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return status


def _read_cgi_headers(stream: IO[bytes]) -> tuple[int | None, str, list[tuple[str, str]]]:
    """Parse a CGI response head: ``Status:`` becomes the status line, the rest are headers."""
    status, reason, headers = None, "OK", []
    for _ in range(100):
        line = stream.readline(8192)
        if not line:
            return None, "", []
        line = line.rstrip(b"\r\n").decode("latin-1")
        if not line:
            return status or 200, reason, headers
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "status":
            code, _, text = value.partition(" ")
            status, reason = int(code), text or reason
        elif name.lower() not in ("content-length", "transfer-encoding", "connection"):
            # We re-frame the body as chunked ourselves.
            headers.append((name, value))
    return None, "", []


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, tls: ssl.SSLContext | None) -> None:
        self._tls = tls
        super().__init__(address, handler)

    def get_request(self):  # type: ignore[no-untyped-def]
        sock, addr = super().get_request()
        if self._tls is not None:
            # Defer the handshake to the worker thread (Handler.setup).
            sock = self._tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionError, TimeoutError)):
            print(f"codecommit_endpoint: {client_address[0]}: {type(exc).__name__}: {exc}", file=sys.stderr)
        else:
            super().handle_error(request, client_address)


def codecommit_hostnames(regions: Iterable[str]) -> list[str]:
    """The real CodeCommit host names for ``regions``, plain and FIPS.

    Putting them in the certificate lets a client keep a real CodeCommit URL and be
    sent here with ``git -c http.curloptResolve=HOST:PORT:127.0.0.1``; the AWS CLI
    helper, for one, only answers for hosts under amazonaws.com.
    """
    names = []
    for region in regions:
        domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        names += [f"git-codecommit.{region}.{domain}", f"git-codecommit-fips.{region}.{domain}"]
    return names


def make_tls_context(root: Path, extra_names: Iterable[str] = ()) -> tuple[ssl.SSLContext, Path]:
    """A fresh CA and a server certificate for 127.0.0.1, localhost and ``extra_names``;
    the CA goes to <root>/ca.pem."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1", *extra_names)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    ca_path = root / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    return ctx, ca_path


# --------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True, type=Path, help="state directory (repos/, secrets.json, logs)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh CA written to ROOT/ca.pem")
    parser.add_argument("--sts", action="store_true", help="also run moto's STS and accept credentials it issues")
    parser.add_argument(
        "--regions", default=",".join(DEFAULT_REGIONS), help="comma-separated regions a signature may use"
    )
    parser.add_argument(
        "--clock-skew", type=float, default=0.0, help="seconds added to the server clock (clock-skew tests)"
    )
    parser.add_argument(
        "--tls-name",
        action="append",
        default=[],
        metavar="HOST",
        help="extra certificate name (127.0.0.1, localhost and git-codecommit[-fips].REGION hosts are always in)",
    )
    parser.add_argument(
        "--create-repo", action="extend", nargs="+", default=[], metavar="NAME", help="create bare repositories"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Only the ready line may go to stdout; anything moto or a library prints goes to stderr.
    ready_out, sys.stdout = sys.stdout, sys.stderr

    git = shutil.which("git")
    if git is None:
        print("codecommit_endpoint: git not found on PATH", file=sys.stderr)
        return 2
    root = args.root.resolve()
    repos_dir = root / "repos"
    repos_dir.mkdir(parents=True, exist_ok=True)
    for name in args.create_repo:
        if not repo_exists(repos_dir, name):
            create_bare_repo(repos_dir, name, git)

    sts = MotoSts(root / "sts-calls.log") if args.sts else None
    sts_url = sts.start() if sts else None
    lookups = [SecretsFile(root / "secrets.json").lookup] + ([sts.lookup] if sts else [])
    regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    log = RequestLog(root / "requests.log")
    verifier = Verifier(lookups, regions, args.clock_skew)
    verifier.revoked_path = root / "revoked.json"
    context = Context(repos_dir, verifier, log, git)
    handler = type("BoundHandler", (Handler,), {"context": context})
    tls_names = codecommit_hostnames(regions) + args.tls_name
    tls, ca_path = make_tls_context(root, tls_names) if args.tls else (None, None)
    server = Server(("127.0.0.1", args.port), handler, tls)
    port = server.server_address[1]

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    thread.start()

    scheme = "https" if tls else "http"
    ready = {
        "url": f"{scheme}://127.0.0.1:{port}",
        "port": port,
        "host": f"127.0.0.1:{port}",
        "ca": str(ca_path) if ca_path else None,
        "sts_url": sts_url,
        "pid": os.getpid(),
    }
    ready_out.write(json.dumps(ready) + "\n")
    ready_out.flush()

    # A plain wait in a loop so the signal handler gets to run promptly.
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    if sts:
        sts.stop()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
