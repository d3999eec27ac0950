"""CODECOMMIT_AUTH_TRACE (issue 14, section 4): every step with timings, no secret.

A role profile through moto's STS, the shared cache and a real `git credential`-style
request. The trace must show the remote parsed, the profile/region/host chosen and why, the
credential source, the cache miss, lock and write (then a hit), the STS call with its
duration, and the signature's time and expiry. Planted secrets (the source profile's secret
key, the session's secret and token, the signed password, the full access key ids) must not
appear anywhere in it.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
HELPER = BIN_DIR / "git-credential-codecommit"
TOOL = BIN_DIR / "codecommit-auth"
ROLE = "arn:aws:iam::123456789012:role/tracer"
BASE_AKID = "AKIABASEPLANTED7Q2X"
BASE_SECRET = "planted-base-secret-Zq8w1e5r"

pytestmark = pytest.mark.skipif(not HELPER.exists(), reason=f"binaries not built in {BIN_DIR}")


@pytest.fixture
def env(sts_endpoint, isolated_env):
    helpers.write_aws_files(isolated_env, helpers.role_config("tracer", ROLE, role_session_name="trace"),
                            f"[base]\naws_access_key_id = {BASE_AKID}\naws_secret_access_key = {BASE_SECRET}\n")
    return {**isolated_env, "AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url}


def get(env: dict[str, str], endpoint) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    host = endpoint.url.split("://", 1)[1]
    request = f"protocol=http\nhost={host}\npath=v1/repos/demo\n\n"
    proc = subprocess.run([str(HELPER), "--profile", "tracer", "--region", "us-east-1", "--endpoint", endpoint.url,
                           "get"], input=request, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc, dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)


def secrets_of(env: dict[str, str], reply: dict[str, str]) -> list[str]:
    """Everything that must never be traced, read from the cache and the reply."""
    cache = Path(env["HOME"]) / ".aws" / "cli" / "cache"
    [entry] = [json.loads(p.read_text())["Credentials"] for p in cache.glob("*.json")]
    signature = reply["password"][16:]
    return [BASE_SECRET, BASE_AKID, entry["SecretAccessKey"], entry["SessionToken"], entry["AccessKeyId"],
            reply["password"], signature, signature[:32], reply["username"]]


def test_trace_to_a_file_has_every_step_and_no_secret(env, sts_endpoint, tmp_path):
    trace = tmp_path / "trace.log"
    traced = {**env, "CODECOMMIT_AUTH_TRACE": str(trace)}
    first, reply = get(traced, sts_endpoint)
    assert first.stderr == "", "a file trace writes nothing to stderr"
    second, _ = get(traced, sts_endpoint)
    text = trace.read_text()
    lines = text.splitlines()
    assert all(re.match(r"^\d\d:\d\d:\d\d\.\d{6} \+\d+\.\d{3}ms codecommit-auth trace: [a-z]+: ", l) for l in lines), text
    steps = [l.split("trace: ", 1)[1] for l in lines]

    def has(pattern: str) -> bool:
        return any(re.search(pattern, s) for s in steps)

    assert has(r"^request: git asks `get` for http://127\.0\.0\.1:\d+/v1/repos/demo$")
    assert has(r"^target: repository demo profile tracer \(from the profile option\) region us-east-1 "
               r"\(from the region option\) host 127\.0\.0\.1:\d+ \(from the URL\)$")
    assert has(r"^cache: miss \(no entry\)")
    assert has(r"^cache: lock .* -> locked \(\d+\.\d{3} ms\)$")
    assert has(r"^http: STS AssumeRole POST 127\.0\.0\.1:\d+ -> HTTP 200 \(\d+\.\d{3} ms\)$")
    assert has(r"^cache: write \*\*\*\*[A-Z0-9]{4} expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    assert has(r"^cache: hit \*\*\*\*[A-Z0-9]{4} expires ")
    assert has(r"^credentials: source .* key \*\*\*\*[A-Z0-9]{4} profile tracer$")
    assert has(r"^signature: signed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ for 127\.0\.0\.1:\d+/v1/repos/demo in "
               r"us-east-1, valid until \d{4}-")
    assert len(sts_endpoint.sts_calls("assume_role")) == 1
    leaked = [s for s in secrets_of(env, reply) if s in text]
    assert not leaked, f"{len(leaked)} planted secret(s) in the trace"


def test_trace_to_stderr_is_the_same_and_off_by_default(env, sts_endpoint):
    quiet, reply = get(env, sts_endpoint)
    assert quiet.stderr == ""
    for value in ("1", "true"):
        traced, _ = get({**env, "CODECOMMIT_AUTH_TRACE": value}, sts_endpoint)
        assert "codecommit-auth trace: signature: signed at" in traced.stderr
        assert "codecommit-auth trace: cache: hit" in traced.stderr
        leaked = [s for s in secrets_of(env, reply) if s in traced.stderr]
        assert not leaked
    off, _ = get({**env, "CODECOMMIT_AUTH_TRACE": "0"}, sts_endpoint)
    assert off.stderr == ""


def test_a_relative_trace_path_is_refused_with_one_warning(env, sts_endpoint, tmp_path):
    proc, _ = get({**env, "CODECOMMIT_AUTH_TRACE": "trace.log"}, sts_endpoint)
    assert proc.stderr.count("\n") == 1 and "neither 1 nor an absolute path" in proc.stderr
    assert not (tmp_path / "trace.log").exists()


def test_doctor_trace_masks_keys(env, sts_endpoint, tmp_path):
    trace = tmp_path / "doctor.log"
    proc = subprocess.run([str(TOOL), "doctor", f"codecommit::us-east-1://tracer@demo"],
                          env={**env, "CODECOMMIT_AUTH_TRACE": str(trace)}, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert BASE_SECRET not in trace.read_text() and BASE_AKID not in trace.read_text()
    assert "http: STS AssumeRole" in trace.read_text()
