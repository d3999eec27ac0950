"""pytest fixtures: the local CodeCommit endpoint and isolated environments.

Fixtures:
  endpoint_factory(**options) -> Endpoint   start an endpoint subprocess (any options)
  endpoint                                  plain HTTP endpoint
  tls_endpoint                              HTTPS endpoint (Endpoint.ca is the CA file)
  sts_endpoint                              plain HTTP endpoint with moto STS
  isolated_env                              dict env: private HOME, git and AWS config

Every test also runs with the AWS_* variables of the outer environment removed from
os.environ (autouse ``_no_ambient_aws``), so nothing reaches a real account.

Markers: ``harness`` marks tests of the test harness itself (the local endpoint, the
official-tool oracles); ``./x test`` runs them, ``-m "not harness"`` leaves them out.

One policy for missing toolchains: under ``CI=true`` every skip is turned into a failure
(``helpers.toolchains_required``), whichever way the test skipped (``pytest.skip``,
``skipif``, ``importorskip``, a module-level skip). Outside CI a skip stays a skip.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

import helpers

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "harness: tests of the test harness itself (local endpoint, oracles), not of the product"
    )


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _fail_skip_under_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Under CI a skipped test (or module) is a failure that says what was missing."""
    if report.skipped and not hasattr(report, "wasxfail") and helpers.toolchains_required():
        reason = _skip_reason(report)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    _fail_skip_under_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    _fail_skip_under_ci(outcome.get_result())


class Endpoint:
    """A running codecommit_endpoint.py and ways to change its state while it runs."""

    def __init__(self, process: subprocess.Popen, root: Path, ready: dict, stderr_path: Path) -> None:
        self.process = process
        self.root = root
        self.url: str = ready["url"]
        self.host: str = ready["host"]
        self.port: int = ready["port"]
        self.ca: str | None = ready["ca"]
        self.sts_url: str | None = ready["sts_url"]
        self.pid: int = ready["pid"]
        self.stderr_path = stderr_path
        # Everything registered here must never show up in requests.log.
        self.registered_secrets: list[str] = []

    @property
    def repos_dir(self) -> Path:
        return self.root / "repos"

    def add_repo(self, name: str | None = None) -> Path:
        """Create a bare repository (a random name if none); the server picks it up at once."""
        return helpers.create_bare_repo(self.repos_dir / (name or helpers.random_repo_name()))

    def add_secret(self, akid: str, secret: str, token: str | None = None, expires: str | None = None) -> None:
        """Register a key in secrets.json (``expires``: ISO-8601 UTC, optional)."""
        path = self.root / "secrets.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        data[akid] = {"secret": secret, "token": token}
        if expires:
            data[akid]["expires"] = expires
        # Replace atomically so the server never reads a half-written file.
        tmp = path.with_name(f".secrets.{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)
        self.registered_secrets += [s for s in (secret, token) if s]

    def new_key(self, token: bool = False) -> tuple[str, str, str | None]:
        """Register a fresh random (akid, secret, token-or-None) and return it."""
        akid = helpers.random_access_key_id("ASIA" if token else "AKIA")
        secret = helpers.random_secret()
        tok = helpers.random_session_token() if token else None
        self.add_secret(akid, secret, tok)
        return akid, secret, tok

    def repo_url(self, name: str) -> str:
        """The plain URL of a repository (no credentials)."""
        return f"{self.url}/v1/repos/{name}"

    def signed_url(self, repo: str, akid: str, secret: str, token: str | None = None, **kwargs) -> str:
        """A URL carrying a fresh signature for this endpoint (see helpers.signed_url)."""
        return helpers.signed_url(self.url, repo, akid, secret, token, **kwargs)

    def requests(self) -> list[dict]:
        """The parsed request log, oldest first."""
        path = self.root / "requests.log"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def sts_calls(self, action: str | None = None) -> list[dict]:
        """STS calls moto received (with --sts), oldest first, optionally one action only
        (e.g. "assume_role"); each has the request's RoleArn, SerialNumber, TokenCode...
        and SignedBy, the access key id that signed it (absent for unsigned calls)."""
        path = self.root / "sts-calls.log"
        calls = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        return [c for c in calls if action is None or c["action"] == action]

    def log_text(self) -> str:
        path = self.root / "requests.log"
        return path.read_text() if path.exists() else ""

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode


def _wait_for_ready_line(process: subprocess.Popen, stderr_path: Path) -> dict:
    """The endpoint's one JSON line, or a failure that shows the child's stderr."""
    deadline = time.monotonic() + READY_TIMEOUT
    buffer = b""
    with selectors.DefaultSelector() as sel:
        sel.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                process.kill()
                process.wait()
                pytest.fail(f"endpoint not ready after {READY_TIMEOUT:.0f} s; stderr:\n{stderr_path.read_text()}")
            if sel.select(min(remaining, 0.5)):
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    process.wait()
                    pytest.fail(
                        f"endpoint exited with {process.returncode} before it was ready; "
                        f"stderr:\n{stderr_path.read_text()}"
                    )
                buffer += chunk
    return json.loads(buffer.split(b"\n", 1)[0])


@pytest.fixture
def endpoint_factory(tmp_path_factory: pytest.TempPathFactory):
    """Start endpoints: ``endpoint_factory(tls=False, sts=False, regions=None,
    clock_skew=None, repos=(), extra_args=())`` -> Endpoint.  All are stopped at teardown,
    after checking that no registered secret or token leaked into requests.log."""
    started: list[Endpoint] = []

    def start(
        *,
        tls: bool = False,
        sts: bool = False,
        regions: list[str] | None = None,
        clock_skew: float | None = None,
        repos: tuple[str, ...] | list[str] = (),
        extra_args: tuple[str, ...] | list[str] = (),
    ) -> Endpoint:
        root = tmp_path_factory.mktemp("endpoint")
        args = [sys.executable, str(helpers.ENDPOINT_SCRIPT), "--root", str(root)]
        if tls:
            args.append("--tls")
        if sts:
            args.append("--sts")
        if regions:
            args += ["--regions", ",".join(regions)]
        if clock_skew is not None:
            args += ["--clock-skew", str(clock_skew)]
        if repos:
            args += ["--create-repo", *repos]
        args += list(extra_args)
        stderr_path = root / "endpoint.stderr.log"
        # stderr to a file: a pipe nobody reads could fill up and stall the server.
        with open(stderr_path, "wb") as stderr:
            process = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                env=helpers.make_isolated_env(root / "server-env"),
            )
        endpoint = Endpoint(process, root, _wait_for_ready_line(process, stderr_path), stderr_path)
        started.append(endpoint)
        return endpoint

    yield start

    for endpoint in started:
        endpoint.stop()
    for endpoint in started:
        log = endpoint.log_text()
        leaked = [s for s in endpoint.registered_secrets if s in log]
        assert not leaked, f"requests.log of {endpoint.url} contains a registered secret or token"


@pytest.fixture
def endpoint(endpoint_factory) -> "Endpoint":
    return endpoint_factory()


@pytest.fixture
def tls_endpoint(endpoint_factory) -> "Endpoint":
    return endpoint_factory(tls=True)


@pytest.fixture
def sts_endpoint(endpoint_factory) -> "Endpoint":
    return endpoint_factory(sts=True)


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """Env for child processes: HOME, GIT_CONFIG_GLOBAL, AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE under tmp_path; outer AWS_*/GIT_* removed."""
    return helpers.make_isolated_env(tmp_path)


@pytest.fixture(autouse=True)
def _no_ambient_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Keep boto3 and friends in the test process away from the user's AWS setup."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield
