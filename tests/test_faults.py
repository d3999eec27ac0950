"""Fault injection against local stand-ins: every fault ends in bounded time, with an
actionable message and the documented exit status (or a success after bounded retries),
and leaves no corrupted state behind (no half-written cache entry, no temp file).

  STS        standins.sts.FlakySts: HTTP 500/503 then success; Throttling then success (the
             SDK's standard retry: 3 attempts with jittered exponential backoff); permanent
             500s and permanent Throttling (exit 18 after exactly 3 attempts); a stall past
             the 10 s read timeout, then success on the retry.
             (STS refusing connections, never answering, and never completing the TCP
             handshake are in test_sources.py: test_sts_closed_port_fails_fast,
             test_sts_that_never_answers_times_out, test_sts_connect_timeout.)
  CACHE      ~/.aws/cli/cache read-only (empty, and holding a fresh session) and full (a tiny
             tmpfs filled up), both mounted in a private mount namespace (`unshare -m`);
             a cache entry truncated mid-write at several points, and a writer's leftover
             temp file.
  CLOCK      the endpoint's clock ±20 minutes off: git fails and shows the endpoint's
             "check the system clock" reason as `remote: ...`; ±10 minutes still works.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import helpers
from standins.sts import SERVER_ERROR, THROTTLING, UNAVAILABLE, FlakySts, Stall

BIN_DIR = helpers.BIN_DIR
CRED = BIN_DIR / "git-credential-codecommit"
REGION = "us-west-2"
CONFIG = helpers.role_config(region="us-east-1")
CREDENTIAL_SOURCE, TIMEOUT = 18, 19
# 3 attempts, jittered exponential backoff (at most 1 s + 2 s) and the 30 s resolution bound.
RETRY_BOUND = 15.0

pytestmark = pytest.mark.skipif(not CRED.exists(), reason=f"binaries not built in {BIN_DIR}")


@pytest.fixture
def role_env(endpoint, isolated_env):
    helpers.write_aws_files(isolated_env, CONFIG)
    return {**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}", "CODE_COMMIT_ENDPOINT": endpoint.url}


def cache_dir(env: dict[str, str]) -> Path:
    return Path(env["HOME"]) / ".aws" / "cli" / "cache"


def get(env: dict[str, str], endpoint, repo: str = "repo", wrap: list[str] | None = None, timeout: float = 90):
    """`git-credential-codecommit get` for the endpoint; returns (process, seconds)."""
    request = f"protocol=http\nhost={endpoint.host}\npath=v1/repos/{repo}\n\n"
    started = time.monotonic()
    proc = subprocess.run([*(wrap or []), str(CRED), "--profile", "deployer", "--region", REGION, "get"],
                          input=request, env=env, capture_output=True, text=True, timeout=timeout)
    return proc, time.monotonic() - started


def username(proc) -> str:
    return dict(line.split("=", 1) for line in proc.stdout.splitlines())["username"]


def assert_one_line_error(proc, status: int, *needles: str) -> None:
    print(f"\n[exit {proc.returncode}] {proc.stderr.strip()}")
    assert proc.returncode == status, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "panicked" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def assert_cache_clean(env: dict[str, str]) -> None:
    """Every entry is complete JSON and no writer's temp file is left."""
    directory = cache_dir(env)
    for path in directory.iterdir() if directory.exists() else []:
        assert not path.name.endswith(".tmp"), f"leftover {path.name}"
        if path.suffix == ".json":
            json.loads(path.read_text())["Credentials"]["SessionToken"]


# --------------------------------------------------------------------------
# STS faults.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [SERVER_ERROR, UNAVAILABLE, THROTTLING], ids=["500", "503", "throttling"])
def test_sts_fails_twice_then_succeeds(failure, role_env, endpoint):
    with FlakySts([failure, failure]) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        proc, elapsed = get(env, endpoint)
    print(f"\n{sts.attempts} attempts, backoffs {[round(b, 3) for b in sts.backoffs()]} s, {elapsed:.2f} s in all")
    assert proc.returncode == 0, proc.stderr
    assert sts.attempts == 3 and len(sts.issued) == 1
    akid, _, token = sts.issued[0]
    assert username(proc) == f"{akid}%{token}"
    assert elapsed < RETRY_BOUND and sum(sts.backoffs()) > 0
    # The session is cached whole: a second request needs no STS at all.
    assert_cache_clean(role_env)
    again, _ = get(env, endpoint)
    assert again.returncode == 0 and sts.attempts == 3


@pytest.mark.parametrize("failure", [SERVER_ERROR, THROTTLING], ids=["500", "throttling"])
def test_sts_failing_for_good_gives_up_after_three_attempts(failure, role_env, endpoint):
    with FlakySts([], forever=failure) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        proc, elapsed = get(env, endpoint)
    print(f"\n{sts.attempts} attempts, backoffs {[round(b, 3) for b in sts.backoffs()]} s, {elapsed:.2f} s in all")
    reasons = ("throttling", "wait a minute", "Rate exceeded") if failure is THROTTLING else ("internal error",)
    assert_one_line_error(proc, CREDENTIAL_SOURCE, '"deployer"', *reasons)
    assert sts.attempts == 3, "retries must be bounded"
    assert elapsed < RETRY_BOUND
    assert not list(cache_dir(role_env).glob("*.json")) if cache_dir(role_env).exists() else True
    assert_cache_clean(role_env)


def test_sts_stall_past_the_read_timeout_then_success(role_env, endpoint):
    """The first AssumeRole hangs for 12 s (read timeout 10 s): the attempt is abandoned and
    the retry succeeds, well within the 30 s bound."""
    with FlakySts([Stall(12)]) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        proc, elapsed = get(env, endpoint)
    print(f"\nstall: {sts.attempts} attempts, exit {proc.returncode} after {elapsed:.2f} s")
    assert proc.returncode == 0, proc.stderr
    assert sts.attempts == 2
    assert 9 < elapsed < 25


# --------------------------------------------------------------------------
# Cache faults.
# --------------------------------------------------------------------------


def _namespace_wrapper(cache: Path, setup: str, listing: Path) -> list[str]:
    """Runs the command in a private mount namespace with a tmpfs on the cache directory,
    prepared by `setup` (shell), then lists what the command left there into `listing`."""
    script = (
        'set -e; mkdir -p "$CACHE"; mount -t tmpfs -o size=64k,mode=0700 tmpfs "$CACHE"; '
        f'{setup}; set +e; "$@"; rc=$?; ls -A "$CACHE" > "$LISTING"; exit $rc'
    )
    return ["env", f"CACHE={cache}", f"LISTING={listing}", "unshare", "-m", "sh", "-c", script, "sh"]


@pytest.fixture
def can_mount():
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True,
                           timeout=10)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a private namespace here: {probe.stderr.decode().strip()}")


def _warning_run(proc) -> str:
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "warning" in lines[0] and "continuing without it" in lines[0], proc.stderr
    return lines[0]


def test_read_only_cache_dir(can_mount, role_env, endpoint, tmp_path):
    with FlakySts([]) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        listing = tmp_path / "listing"
        wrap = _namespace_wrapper(cache_dir(env), 'mount -o remount,ro "$CACHE"', listing)
        proc, elapsed = get(env, endpoint, wrap=wrap)
        print(f"\nread-only cache: {_warning_run(proc)}")
        assert "Read-only file system" in proc.stderr
        assert sts.attempts == 1 and listing.read_text() == ""
        # A fresh session already in the read-only cache is used as is: no STS call.
        ok, _ = get(env, endpoint)
        assert ok.returncode == 0 and sts.attempts == 2
        seed = tmp_path / "seed"
        shutil.copytree(cache_dir(env), seed)
        shutil.rmtree(cache_dir(env))
        wrap = _namespace_wrapper(cache_dir(env), f'cp -p {seed}/*.json "$CACHE"/; mount -o remount,ro "$CACHE"',
                                  listing)
        proc, _ = get(env, endpoint, wrap=wrap)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        assert sts.attempts == 2
        assert username(proc) == f"{sts.issued[1][0]}%{sts.issued[1][2]}"
    assert elapsed < 10


def test_full_cache_dir(can_mount, role_env, endpoint, tmp_path):
    with FlakySts([]) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        listing = tmp_path / "listing"
        fill = 'dd if=/dev/zero of="$CACHE/filler" bs=4096 2>/dev/null || true'
        proc, elapsed = get(env, endpoint, wrap=_namespace_wrapper(cache_dir(env), fill, listing))
        print(f"\nfull cache: {_warning_run(proc)}")
        assert "No space left on device" in proc.stderr
        assert sts.attempts == 1 and elapsed < 10
        left = set(listing.read_text().split())
        assert not any(name.endswith(".tmp") for name in left), f"a temp file was left behind: {left}"
        assert not any(name.endswith(".json") for name in left), f"a partial entry was left behind: {left}"


def test_truncated_cache_entry_is_a_miss_and_is_rewritten(role_env, endpoint):
    with FlakySts([]) as sts:
        env = {**role_env, "AWS_ENDPOINT_URL_STS": sts.url}
        assert get(env, endpoint)[0].returncode == 0
        entry = next(cache_dir(env).glob("*.json"))
        whole = entry.read_bytes()
        # A crashed writer's temp file next to the entry is ignored.
        (entry.parent / f".{entry.stem}.4242.1.tmp").write_bytes(whole[: len(whole) // 2])
        for cut in [0, 1, len(whole) // 4, len(whole) // 2, len(whole) - 2, len(whole) - 1]:
            entry.write_bytes(whole[:cut])
            before = sts.attempts
            proc, elapsed = get(env, endpoint)
            assert proc.returncode == 0 and proc.stderr == "", proc.stderr
            assert sts.attempts == before + 1, f"a {cut}-byte entry was used"
            assert username(proc) == f"{sts.issued[-1][0]}%{sts.issued[-1][2]}"
            json.loads(entry.read_text())
            assert elapsed < 10


# --------------------------------------------------------------------------
# Clock skew.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("skew", [1200, -1200, 600, -600], ids=["+20min", "-20min", "+10min", "-10min"])
def test_clock_skew(skew, endpoint_factory, isolated_env):
    ep = endpoint_factory(clock_skew=skew)
    akid, secret, _ = ep.new_key()
    repo = ep.add_repo().name
    env = {**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}", "AWS_ACCESS_KEY_ID": akid,
           "AWS_SECRET_ACCESS_KEY": secret, "CODE_COMMIT_ENDPOINT": ep.url}
    started = time.monotonic()
    proc = helpers.run_git(["ls-remote", f"codecommit::{REGION}://{repo}"], env, check=False, timeout=60)
    elapsed = time.monotonic() - started
    print(f"\nclock {skew:+d} s: exit {proc.returncode} after {elapsed:.2f} s: {proc.stderr.strip()[:200]}")
    assert elapsed < 20
    if abs(skew) < 900:
        assert proc.returncode == 0, proc.stderr
        return
    assert proc.returncode != 0
    assert "remote: signature time" in proc.stderr and "check the system clock" in proc.stderr, proc.stderr
    assert secret not in proc.stderr
