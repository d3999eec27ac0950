"""The Rust example for git2-rs users (core/examples/git2_clone.rs, issue 15 item 8): it clones
from the local SigV4-verifying CodeCommit endpoint through a git2 credentials callback backed
by the codecommit-auth crate, with static keys, a profile and an HTTPS URL, and a role assumed
through moto's STS. A refused credential ends the clone at once (no second signature for the
same URL, no loop), with exit 1 and a one-line reason; a library error keeps its exit code.

The example links Debian's libgit2-dev through pkg-config when it is installed, else the
libgit2 bundled with libgit2-sys (built with cc).
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "target" / "debug" / "examples" / "git2_clone"
REGION = "us-west-2"
CONTENT = {"README.md": "hello from git2\n", "src/main.txt": "nested file\n"}


@pytest.fixture(scope="module")
def example() -> Path:
    if shutil.which("cargo") is None:
        helpers.missing_toolchain("cargo is missing: install Rust (rustup)")
    # Cargo compiles nothing when the example is up to date.
    build = subprocess.run(["cargo", "build", "--quiet", "-p", "codecommit-auth", "--example", "git2_clone"],
                           cwd=ROOT, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    assert build.returncode == 0, build.stderr
    return EXAMPLE


def seed(endpoint) -> tuple[str, str]:
    """A repository on the endpoint holding CONTENT on main, pushed straight to the bare
    repository (no endpoint involved); returns its name and the commit id."""
    bare = endpoint.add_repo()
    work = bare.parent.parent / f"seed-{bare.name}"
    env = helpers.make_isolated_env(work.parent / f"seed-env-{bare.name}")
    subprocess.run(["git", "init", "-q", "--initial-branch=main", str(work)], check=True, env=env)
    for name, text in CONTENT.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    git = ["git", "-C", str(work)]
    subprocess.run([*git, "add", "."], check=True, env=env)
    subprocess.run([*git, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "seed"],
                   check=True, env=env)
    subprocess.run([*git, "push", "-q", str(bare), "main"], check=True, env=env)
    oid = subprocess.run([*git, "rev-parse", "HEAD"], check=True, env=env, capture_output=True, text=True)
    return bare.name, oid.stdout.strip()


def run(example: Path, args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(example), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def check_cloned(proc: subprocess.CompletedProcess, dest: Path, oid: str, url: str) -> None:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.stdout.splitlines() == [f"url {url}", f"cloned {oid}"], proc.stdout
    for name, text in CONTENT.items():
        assert (dest / name).read_text() == text, name


def check_no_secret(proc: subprocess.CompletedProcess, *secrets: str | None) -> None:
    for secret in filter(None, secrets):
        assert secret not in proc.stdout + proc.stderr
    assert not helpers.PASSWORD_SHAPE.search(proc.stdout + proc.stderr)


def test_clone_with_keys_from_the_environment(example, endpoint, isolated_env, tmp_path):
    akid, secret, token = endpoint.new_key(token=True)
    repo, oid = seed(endpoint)
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_SESSION_TOKEN": token, "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = run(example, [f"codecommit::{REGION}://{repo}", str(tmp_path / "clone")], env)
    check_cloned(proc, tmp_path / "clone", oid, endpoint.repo_url(repo))
    check_no_secret(proc, secret, token)
    # One anonymous request refused with 401, then the signed ones, all accepted.
    statuses = [r["status"] for r in endpoint.requests()]
    assert statuses[0] == 401 and set(statuses[1:]) == {200}, statuses
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


def test_clone_with_a_profile_an_https_url_and_the_endpoint_option(example, endpoint, isolated_env, tmp_path):
    akid, secret, _ = endpoint.new_key()
    repo, oid = seed(endpoint)
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text(f"[profile dev]\nregion = {REGION}\n")
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n")
    url = endpoint.repo_url(repo)
    proc = run(example, ["--profile", "dev", "--endpoint", endpoint.url, url, str(tmp_path / "clone")], isolated_env)
    check_cloned(proc, tmp_path / "clone", oid, url)
    check_no_secret(proc, secret)
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}


def test_clone_with_an_assumed_role(example, sts_endpoint, isolated_env, tmp_path):
    repo, oid = seed(sts_endpoint)
    env = helpers.role_profiles_env(sts_endpoint, isolated_env)
    # The profile named in the remote, the region from that profile.
    proc = run(example, [f"codecommit://deployer@{repo}", str(tmp_path / "clone")], env)
    check_cloned(proc, tmp_path / "clone", oid, sts_endpoint.repo_url(repo))
    calls = sts_endpoint.sts_calls("assume_role")
    assert len(calls) == 1 and calls[0]["RoleArn"] == helpers.ROLE_ARN, calls
    keys = {r["access_key_id"] for r in sts_endpoint.requests() if r["status"] == 200}
    assert keys and all(k.startswith("ASIA") for k in keys), keys


def test_wrong_secret_fails_cleanly(example, endpoint, isolated_env, tmp_path):
    akid, _, _ = endpoint.new_key()
    repo, _ = seed(endpoint)
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": "not-the-secret",
           "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = run(example, [f"codecommit::{REGION}://{repo}", str(tmp_path / "clone")], env, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("git2_clone: clone failed:") and "403" in lines[0], proc.stderr
    assert "panicked" not in proc.stderr
    check_no_secret(proc, "not-the-secret")
    # The endpoint refuses the signature with 403, which libgit2 does not retry.
    assert [r["status"] for r in endpoint.requests()] == [401, 403], endpoint.requests()
    assert not (tmp_path / "clone" / "README.md").exists()


def test_a_refused_credential_is_not_signed_again(example, isolated_env, tmp_path):
    with helpers.AlwaysUnauthorized() as server:
        env = {**isolated_env, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00", "AWS_SECRET_ACCESS_KEY": "x",
               "CODE_COMMIT_ENDPOINT": server.url}
        proc = run(example, [f"codecommit::{REGION}://repo", str(tmp_path / "clone")], env, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "refused the signed credential" in proc.stderr, proc.stderr
    assert f"codecommit-auth doctor codecommit::{REGION}://repo" in proc.stderr, proc.stderr
    # One request without credentials, one with the signed credential; then the callback
    # refuses instead of signing again (it looped until libgit2 gave up, without the check).
    assert server.count == 2, server.count


def test_a_redirect_is_not_followed(example, endpoint, isolated_env, tmp_path):
    # A server on another origin redirecting to the real endpoint: libgit2 would ask the
    # callback for the original URL and send the signature to wherever the redirect went.
    akid, secret, _ = endpoint.new_key()
    repo, _ = seed(endpoint)

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            # Another host name for the endpoint: libgit2 compares hosts, not ports.
            self.send_header("Location", endpoint.url.replace("127.0.0.1", "localhost") + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
               "CODE_COMMIT_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}"}
        proc = run(example, [f"codecommit::{REGION}://{repo}", str(tmp_path / "clone")], env, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 1 and "redirect" in proc.stderr, proc.stdout + proc.stderr
    assert endpoint.requests() == []


def test_library_errors_keep_their_exit_code(example, endpoint, isolated_env, tmp_path):
    env = {**isolated_env, "CODE_COMMIT_ENDPOINT": endpoint.url}
    # The endpoint override makes the URL profile-free, so the unknown profile is met in the
    # credentials callback, and still reported with its code (13 UNKNOWN_PROFILE).
    proc = run(example, ["codecommit://nobody@repo", str(tmp_path / "clone")], env)
    assert proc.returncode == 13, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and 'profile "nobody"' in proc.stderr, proc.stderr
    assert "(code 13 UNKNOWN_PROFILE)" in proc.stderr, proc.stderr
    # A bad remote is refused before libgit2 runs.
    proc = run(example, [f"codecommit::{REGION}://bad/name", str(tmp_path / "clone2")], env)
    assert proc.returncode == 10 and "INVALID_REMOTE" in proc.stderr, proc.stderr
    proc = run(example, ["only-one-argument"], env)
    assert proc.returncode == 2 and "usage: git2_clone" in proc.stderr, proc.stderr
