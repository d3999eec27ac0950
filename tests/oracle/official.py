#!/usr/bin/env python3
"""Differential oracle: the OFFICIAL AWS tools, run in-process with a pinned clock.

Why this exists: our Rust signer must produce byte-for-byte what the official tools
produce. Rather than re-deriving the protocol a second time (and repeating our own
mistakes), we run the official code itself:

* ``git-remote-codecommit`` (PyPI ``git-remote-codecommit``): its ``git_url()`` builds
  ``https://USER:PASSWORD@HOST/v1/repos/REPO``.
* ``aws codecommit credential-helper get`` (PyPI ``awscli`` v1): driven through
  awscli's real ``CLIDriver``.

Neither tool's logic is changed. The only thing patched is the clock: the ``datetime``
*module* object each tool reads the time from is swapped for a copy whose
``datetime.utcnow()`` / ``datetime.now(tz)`` return the case's ``at``.

Two worker processes, not one
------------------------------
awscli >= 1.45 vendors its own botocore (``awscli/botocore``) and, on ``import awscli``,
installs a meta-path finder that makes a later ``import botocore`` load the vendored
copy. ``git-remote-codecommit`` imports the site-packages ``botocore`` first. Whichever
is imported first in a process wins, for everything in that process. To run each
tool against the botocore it really runs with, each kind of case is served by its own
long-lived worker process (``official.py --worker git_url`` /
``--worker credential_helper``). It also keeps awscli's import hook out of any
process that imports this module (e.g. pytest running moto/boto3 tests).

Interface (JSON lines, one output line per input line, same order)
--------------------------------------------------------------------
``python tests/oracle/official.py < cases.jsonl > results.jsonl``

* ``{"kind": "git_url", "repo", "region", "akid", "secret", "token": str|null,
  "at": "YYYY-MM-DDTHH:MM:SSZ", "endpoint": optional CODE_COMMIT_ENDPOINT,
  "profile": optional}`` -> ``{"url": ...}``.
  Without ``profile`` the official ``git_url()`` is called with botocore
  ``Credentials(akid, secret, token)``. With ``profile`` (or ``"via_remote": true``)
  the whole official front half runs too: ``Context.from_url("REGION://[PROFILE@]REPO")``
  with the keys written to a temporary shared-credentials file under that profile
  (or, without a profile, in the environment), then ``git_url()`` on that context.
  Official errors come back as ``{"error": "RegionNotAvailable", "message": ...}``.
* ``{"kind": "credential_helper", "stdin": "protocol=https\\nhost=...\\npath=...\\n\\n",
  "akid", "secret", "token": str|null, "at", "region": optional (--region),
  "ignore_host_check": bool}`` -> ``{"stdout": ..., "rc": int, "stderr": ...}``
  exactly as ``aws codecommit credential-helper get`` would print them, with
  credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN and
  empty config/credentials files.

Any case may carry an ``"id"``; it is echoed back.

Python API: ``Oracle`` (context manager owning the workers), ``run_case``,
``run_cases``, ``git_url(...)``, ``credential_helper(...)``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _real_datetime
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import types
from pathlib import Path
from typing import Any, Iterable, Iterator

KINDS = ("git_url", "credential_helper")

# Environment variables a case may set; everything AWS-ish from outside is removed.
_CASE_ENV_KEYS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "CODE_COMMIT_ENDPOINT",
)


# --------------------------------------------------------------------------- clock


def parse_at(at: str) -> _real_datetime.datetime:
    """Parse ``at`` (RFC 3339, e.g. ``2020-01-02T03:04:05Z``) to an aware UTC datetime."""
    parsed = _real_datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"'at' must carry a UTC offset or Z: {at!r}")
    return parsed.astimezone(_real_datetime.timezone.utc)


def pinned_datetime_module(at: _real_datetime.datetime) -> types.ModuleType:
    """A stand-in for the ``datetime`` module whose clock is stuck at ``at``.

    Why a module: both tools do ``import datetime`` and then call
    ``datetime.datetime.utcnow()`` (git-remote-codecommit) or
    ``datetime.datetime.now(datetime.timezone.utc)`` (awscli.compat). Swapping the
    module global leaves their code untouched; every other attribute is the real one.
    """
    aware_utc = at.astimezone(_real_datetime.timezone.utc)

    class PinnedDatetime(_real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            if tz is None:
                # Local time is never used by the tools; refuse rather than guess.
                raise AssertionError("official tool asked for local time")
            return aware_utc.astimezone(tz)

        @classmethod
        def utcnow(cls):
            return aware_utc.replace(tzinfo=None)

    shim = types.ModuleType("datetime")
    shim.__dict__.update(
        {k: v for k, v in vars(_real_datetime).items() if not k.startswith("__")}
    )
    shim.datetime = PinnedDatetime
    return shim


@contextlib.contextmanager
def pinned_clock(module: types.ModuleType, at: str) -> Iterator[None]:
    """Temporarily replace ``module.datetime`` (the module it imported) with a pinned one."""
    original = module.datetime
    module.datetime = pinned_datetime_module(parse_at(at))
    try:
        yield
    finally:
        module.datetime = original


@contextlib.contextmanager
def case_environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (value) or unset (None) environment variables for one case, then restore."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            _set_env(key, value)
        yield
    finally:
        for key, value in saved.items():
            _set_env(key, value)


def _set_env(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def credential_env(case: dict[str, Any]) -> dict[str, str | None]:
    """The per-case AWS credential variables (token unset when null/absent)."""
    return {
        "AWS_ACCESS_KEY_ID": case["akid"],
        "AWS_SECRET_ACCESS_KEY": case["secret"],
        # Passed through as given: "" is not the same as absent for botocore.
        "AWS_SESSION_TOKEN": case.get("token"),
    }


# ------------------------------------------------------------- worker: git_url


class _GitUrlWorker:
    """Runs git-remote-codecommit's own ``git_url`` (and optionally ``Context.from_url``)."""

    def __init__(self) -> None:
        import botocore.credentials  # site-packages botocore, as the official helper has
        import git_remote_codecommit

        self._botocore_credentials = botocore.credentials
        self._grc = git_remote_codecommit

    def run(self, case: dict[str, Any]) -> dict[str, Any]:
        endpoint = {"CODE_COMMIT_ENDPOINT": case.get("endpoint")}
        with pinned_clock(self._grc, case["at"]), case_environment(endpoint):
            if case.get("profile") is not None or case.get("via_remote"):
                return self._via_remote(case)
            credentials = self._botocore_credentials.Credentials(
                case["akid"], case["secret"], case.get("token")
            )
            return {"url": self._grc.git_url(case["repo"], "v1", case["region"], credentials)}

    def _via_remote(self, case: dict[str, Any]) -> dict[str, Any]:
        """Official ``Context.from_url`` + ``git_url``: what ``main()`` does before exec'ing git."""
        profile = case.get("profile")
        remote = "{}://{}{}".format(
            case["region"], f"{profile}@" if profile is not None else "", case["repo"]
        )
        if profile is None:
            env = credential_env(case)
        else:
            _write_profile(profile, case)
            env = {key: None for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
        env["AWS_PROFILE"] = None
        env["AWS_DEFAULT_PROFILE"] = None
        try:
            with case_environment(env):
                context = self._grc.Context.from_url(remote)
                url = self._grc.git_url(
                    context.repository, context.version, context.region, context.credentials
                )
        except (
            self._grc.FormatError,
            self._grc.ProfileNotFound,
            self._grc.RegionNotFound,
            self._grc.RegionNotAvailable,
            self._grc.CredentialsNotFound,
        ) as exc:
            return {"error": type(exc).__name__, "message": str(exc)}
        finally:
            if profile is not None:
                _truncate(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
        return {"url": url}


def _write_profile(profile: str, case: dict[str, Any]) -> None:
    """Put the case's keys into the (temporary) shared credentials file under ``profile``."""
    lines = [
        f"[{profile}]",
        f"aws_access_key_id = {case['akid']}",
        f"aws_secret_access_key = {case['secret']}",
    ]
    if case.get("token"):
        lines.append(f"aws_session_token = {case['token']}")
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text("\n".join(lines) + "\n")


def _truncate(path: str) -> None:
    Path(path).write_text("")


# ---------------------------------------------------- worker: credential_helper


class _CredentialHelperWorker:
    """Runs ``aws codecommit credential-helper get`` through awscli's real CLIDriver.

    Building a CLIDriver costs ~30 ms (plugin + model loading), so one driver serves
    every case. Two bits of per-process state would otherwise leak between cases and
    are reset before each one: the session's cached credentials (botocore resolves
    them once per session) and the session instance variables set by global options
    such as ``--region``. ``fresh_driver=True`` (env OFFICIAL_ORACLE_FRESH_DRIVER=1)
    builds a new driver per case instead; the self-check compares the two.
    """

    def __init__(self, fresh_driver: bool = False) -> None:
        import awscli.clidriver  # installs awscli's botocore alias: keep to this process
        import awscli.compat

        self._clidriver = awscli.clidriver
        self._compat = awscli.compat  # holds the `datetime` get_current_datetime() reads
        self._fresh_driver = fresh_driver
        self._driver = None if fresh_driver else self._clidriver.create_clidriver()
        self._pristine_vars = None if fresh_driver else self._driver.session.instance_variables()

    def run(self, case: dict[str, Any]) -> dict[str, Any]:
        args = ["codecommit", "credential-helper", "get"]
        if case.get("ignore_host_check"):
            args.append("--ignore-host-check")
        if case.get("region") is not None:
            args += ["--region", case["region"]]
        with pinned_clock(self._compat, case["at"]), case_environment(credential_env(case)):
            driver = self._driver_for_case()
            return _run_with_stdio(lambda: driver.main(args), case["stdin"])

    def _driver_for_case(self):
        if self._fresh_driver:
            return self._clidriver.create_clidriver()
        session = self._driver.session
        session._credentials = None  # re-resolve from this case's environment
        session._session_instance_vars.clear()  # forget the last case's --region
        session._session_instance_vars.update(self._pristine_vars)
        return self._driver


def _run_with_stdio(call, stdin_text: str) -> dict[str, Any]:
    """Call ``call()`` with sys.stdin/stdout/stderr swapped for strings; collect output.

    The CLI adds a logging handler bound to the current stderr on every run; handlers
    added during the call are removed so they neither pile up nor write to a stale
    buffer.
    """
    awscli_logger = logging.getLogger("awscli")
    handlers_before = list(awscli_logger.handlers)
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin_text), stdout, stderr
    try:
        rc = call()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for handler in awscli_logger.handlers[:]:
            if handler not in handlers_before:
                awscli_logger.removeHandler(handler)
    return {"stdout": stdout.getvalue(), "rc": rc, "stderr": stderr.getvalue()}


def _make_worker(kind: str):
    if kind == "git_url":
        return _GitUrlWorker()
    if kind == "credential_helper":
        return _CredentialHelperWorker(
            fresh_driver=os.environ.get("OFFICIAL_ORACLE_FRESH_DRIVER") == "1"
        )
    raise ValueError(f"unknown worker kind {kind!r}")


def worker_main(kind: str) -> int:
    """Serve one kind of case: a JSON line in, a JSON line out, until EOF.

    Writes go through a private handle on the original stdout so nothing the tools
    print can corrupt the protocol.
    """
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    worker = _make_worker(kind)
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            result = worker.run(case)
        except Exception as exc:  # report, keep serving: one bad case must not end the batch
            result = {"error": type(exc).__name__, "message": str(exc)}
        protocol_out.write(json.dumps(result) + "\n")
        protocol_out.flush()
    return 0


# --------------------------------------------------------------- coordinator


def isolated_env(home: Path) -> dict[str, str]:
    """Environment for a worker: no outer AWS_* or endpoint variables, a private HOME.

    Why: the oracle must depend only on the case, never on whoever runs it
    (their ~/.aws, AWS_PROFILE, AWS_DEFAULT_REGION, ...).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in _CASE_ENV_KEYS
    }
    config, credentials = home / "config", home / "credentials"
    config.touch()
    credentials.touch()
    env.update(
        {
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(config),
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_EC2_METADATA_DISABLED": "true",  # never wait on an instance-metadata probe
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


class _WorkerProcess:
    """One long-lived ``official.py --worker KIND`` process spoken to line by line."""

    def __init__(self, kind: str, python: str) -> None:
        self._home = tempfile.TemporaryDirectory(prefix=f"oracle-{kind}-")
        self._proc = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "--worker", kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # tracebacks from a crashing worker go straight to the console
            env=isolated_env(Path(self._home.name)),
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def request(self, case: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps(case) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"oracle worker exited with {self._proc.wait()}")
        return json.loads(line)

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._home.cleanup()


class Oracle:
    """Owns one worker per kind (started lazily); thread-safe; use as a context manager."""

    def __init__(self, python: str | None = None) -> None:
        self._python = python or sys.executable
        self._workers: dict[str, _WorkerProcess] = {}
        self._lock = threading.Lock()

    def run_case(self, case: dict[str, Any]) -> dict[str, Any]:
        kind = case.get("kind")
        if kind not in KINDS:
            return {"error": "UnknownKind", "message": f"kind must be one of {KINDS}"}
        with self._lock:
            if kind not in self._workers:
                self._workers[kind] = _WorkerProcess(kind, self._python)
            result = self._workers[kind].request(case)
        if "id" in case:
            result = {"id": case["id"], **result}
        return result

    def run_cases(self, cases: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.run_case(case) for case in cases]

    def close(self) -> None:
        with self._lock:
            for worker in self._workers.values():
                worker.close()
            self._workers.clear()

    def __enter__(self) -> "Oracle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_default_oracle: Oracle | None = None


def _oracle() -> Oracle:
    global _default_oracle
    if _default_oracle is None:
        _default_oracle = Oracle()
        atexit.register(_default_oracle.close)
    return _default_oracle


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Run one case (see module docstring) on the shared default oracle."""
    return _oracle().run_case(case)


def run_cases(cases: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run many cases in order on the shared default oracle."""
    return _oracle().run_cases(cases)


def git_url(repo, region, akid, secret, token=None, *, at, endpoint=None, profile=None) -> str:
    """The official signed URL; raises RuntimeError with the official error otherwise."""
    case = {"kind": "git_url", "repo": repo, "region": region, "akid": akid,
            "secret": secret, "token": token, "at": at, "endpoint": endpoint}
    if profile is not None:
        case["profile"] = profile
    result = run_case(case)
    if "url" not in result:
        raise RuntimeError(f"{result.get('error')}: {result.get('message')}")
    return result["url"]


def credential_helper(stdin, akid, secret, token=None, *, at, region=None,
                      ignore_host_check=False) -> dict[str, Any]:
    """What ``aws codecommit credential-helper get`` prints: {"stdout", "rc", "stderr"}."""
    return run_case({"kind": "credential_helper", "stdin": stdin, "akid": akid,
                     "secret": secret, "token": token, "at": at, "region": region,
                     "ignore_host_check": ignore_host_check})


def main(argv: list[str]) -> int:
    """Batch mode: JSON lines on stdin -> one JSON line per case on stdout."""
    if len(argv) == 2 and argv[0] == "--worker":
        return worker_main(argv[1])
    if argv:
        sys.stderr.write("usage: official.py < cases.jsonl  (see module docstring)\n")
        return 2
    with Oracle() as oracle:
        for line in sys.stdin:
            if line.strip():
                sys.stdout.write(json.dumps(oracle.run_case(json.loads(line))) + "\n")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
