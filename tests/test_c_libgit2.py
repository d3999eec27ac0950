"""The C library end to end: a libgit2 program (tests/c/git_clone_push.c) clones, commits,
pushes and clones again through the adapter callback of include/codecommit_auth_libgit2.h,
against the local SigV4-verifying CodeCommit endpoint. Linked once against the shared and
once against the static library (via pkg-config); the shared build runs under valgrind.

The programs are built by `make -C tests/c programs` (which `./x test` runs before pytest).
Without libgit2-dev the tests skip, unless CODECOMMIT_AUTH_C_REQUIRED=1 (set by ./x), when
they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "target" / "c-tests"
PROGRAMS = {"shared": BUILD / "git_clone_push_shared", "static": BUILD / "git_clone_push_static"}
REGION = "us-west-2"
MFA_SERIAL = helpers.MFA_SERIAL
# Definite and indirect leaks and every memory error fail. "Possibly lost" is not counted here:
# the network path fills process-wide statics (the shared runtime, the AWS SDK's retry token
# buckets) whose hash tables valgrind only sees through interior pointers. tests/c/Makefile
# runs the API tests (static keys) with "possible" counted too.
VALGRIND = [
    "valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
    "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
    f"--suppressions={ROOT / 'tests' / 'c' / 'valgrind.supp'}",
]


def _toolchain_missing() -> str | None:
    for tool in ("cargo", "cc", "make", "pkg-config"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if subprocess.run(["pkg-config", "--exists", "libgit2"]).returncode != 0:
        return "libgit2-dev is not installed (./x test installs it)"
    return None


@pytest.fixture(scope="module")
def programs() -> dict[str, Path]:
    missing = _toolchain_missing()
    if missing:
        if os.environ.get("CODECOMMIT_AUTH_C_REQUIRED") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    build = subprocess.run(["make", "-s", "-C", str(ROOT / "tests" / "c"), "programs"],
                           capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout + build.stderr
    return PROGRAMS


def run_program(program: Path, args: list[str], env: dict[str, str], valgrind: bool = False,
                timeout: float = 300) -> subprocess.CompletedProcess:
    command = [str(program), *args]
    if valgrind:
        command = [*VALGRIND, *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def pushed_commit(endpoint, repo: str) -> str:
    """The commit on main in the endpoint's bare repository, and its message."""
    git_dir = endpoint.repos_dir / repo
    return subprocess.run(["git", "--git-dir", str(git_dir), "log", "-1", "--format=%H %s", "main"],
                          capture_output=True, text=True, check=True).stdout.strip()


def check_done(proc: subprocess.CompletedProcess, endpoint, repo: str) -> dict[str, str]:
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    steps = dict(line.split(" ", 1) if " " in line else (line, "") for line in proc.stdout.splitlines())
    assert {"url", "cloned", "pushed", "reused", "verified"} <= steps.keys(), proc.stdout
    oid = steps["pushed"].split()[0]
    assert pushed_commit(endpoint, repo) == f"{oid} add hello.txt from libgit2"
    return steps


@pytest.mark.parametrize("linkage", ["shared", "static"])
def test_clone_and_push_with_env_keys(linkage, programs, endpoint, isolated_env, tmp_path):
    akid, secret, token = endpoint.new_key(token=True)
    repo = endpoint.add_repo().name
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_SESSION_TOKEN": token, "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = run_program(programs[linkage], [f"codecommit::{REGION}://{repo}", str(tmp_path / "w")], env,
                       valgrind=linkage == "shared")
    steps = check_done(proc, endpoint, repo)
    assert steps["url"] == endpoint.repo_url(repo)
    # One credential per operation: no rejected attempt.
    assert steps["cloned"] == "attempts=1" and steps["pushed"].endswith("attempts=1")
    # One payload for a clone and three fetches: the attempt count is per operation, so the
    # third fetch is not mistaken for a third refusal (it was, before remote_ready reset it).
    assert steps["reused"] == "operations=4 attempts=1", steps
    ok = [r for r in endpoint.requests() if r["status"] == 200]
    assert ok and {r["access_key_id"] for r in ok} == {akid}
    assert any("git-receive-pack" in (r["path"] + str(r["service"])) for r in ok), ok


@pytest.mark.parametrize("linkage", ["shared", "static"])
def test_clone_and_push_with_profile_and_https_url(linkage, programs, endpoint, isolated_env, tmp_path):
    akid, secret, token = endpoint.new_key(token=True)
    repo = endpoint.add_repo().name
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text(f"[profile dev]\nregion = {REGION}\n")
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\naws_session_token = {token}\n")
    # The endpoint given as an option instead of CODE_COMMIT_ENDPOINT; the remote is the plain URL.
    args = ["--profile", "dev", "--endpoint", endpoint.url, endpoint.repo_url(repo), str(tmp_path / "w")]
    check_done(run_program(programs[linkage], args, isolated_env), endpoint, repo)


def test_wrong_secret_fails_at_once(programs, endpoint, isolated_env, tmp_path):
    akid, _, _ = endpoint.new_key()
    repo = endpoint.add_repo().name
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": akid, "AWS_SECRET_ACCESS_KEY": "not-the-secret",
           "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = run_program(programs["static"], [f"codecommit::{REGION}://{repo}", str(tmp_path / "w")], env,
                       timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "clone failed" in proc.stderr and "403" in proc.stderr, proc.stderr
    assert [r["status"] for r in endpoint.requests()] in ([401, 403], [403]), endpoint.requests()


def test_adapter_stops_after_its_attempt_limit(programs, isolated_env, tmp_path):
    with helpers.AlwaysUnauthorized() as server:
        env = {**isolated_env, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00", "AWS_SECRET_ACCESS_KEY": "x",
               "CODE_COMMIT_ENDPOINT": server.url}
        proc = run_program(programs["static"], [f"codecommit::{REGION}://repo", str(tmp_path / "w")], env,
                           timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "attempt limit" in proc.stderr, proc.stderr
    # One request without credentials, then one per allowed attempt (3), then the callback refuses.
    assert server.count == 4, server.count


def test_library_errors_reach_the_program(programs, endpoint, isolated_env, tmp_path):
    # No region in the remote and no endpoint: the URL itself needs the profile, so the
    # library error comes from repository_url, before libgit2 runs (exit 2, status name).
    proc = run_program(programs["shared"], ["codecommit://nobody@repo", str(tmp_path / "w")], isolated_env)
    assert proc.returncode == 2
    assert "UNKNOWN_PROFILE" in proc.stderr and 'profile "nobody"' in proc.stderr, proc.stderr
    # With an endpoint override the URL needs no profile (repository_url reads none), so the
    # same error reaches the program through libgit2's credential callback (clone fails, exit 1).
    env = {**isolated_env, "CODE_COMMIT_ENDPOINT": endpoint.url}
    proc = run_program(programs["shared"], ["codecommit://nobody@repo", str(tmp_path / "w2")], env)
    assert proc.returncode == 1
    assert 'profile "nobody"' in proc.stderr and "aws configure --profile nobody" in proc.stderr, proc.stderr
    proc = run_program(programs["shared"], [f"codecommit::{REGION}://bad/name", str(tmp_path / "w")], env)
    assert proc.returncode == 2 and "INVALID_REMOTE" in proc.stderr, proc.stderr


def test_mfa_callback_is_asked_once_for_clone_push_and_clone(programs, sts_endpoint, isolated_env, tmp_path):
    repo = sts_endpoint.add_repo().name
    env = helpers.role_profiles_env(sts_endpoint, isolated_env)  # profile `mfa`: MFA_SERIAL
    args = ["--mfa-code", "123456", f"codecommit::{REGION}://mfa@{repo}", str(tmp_path / "w")]
    # Under valgrind too: this is the path through the shared runtime, HTTP client and STS.
    steps = check_done(run_program(programs["shared"], args, env, valgrind=True), sts_endpoint, repo)
    assert steps["verified"] == "mfa_calls=1"
    calls = sts_endpoint.sts_calls("assume_role")
    assert len(calls) == 1
    assert calls[0]["SerialNumber"] == MFA_SERIAL and calls[0]["TokenCode"] == "123456"
    keys = {r["access_key_id"] for r in sts_endpoint.requests() if r["status"] == 200}
    assert keys and all(k.startswith("ASIA") for k in keys), keys


# ---- installing and linking, as a C developer does ---------------------------------------

USER_PROGRAM = r"""
#include <stdio.h>
#include <codecommit_auth.h>
int main(void)
{
    codecommit_auth_client *client = NULL;
    codecommit_auth_credential *c = NULL;
    int st = codecommit_auth_client_new(NULL, &client);
    if (st == 0) st = codecommit_auth_client_credential(client, "codecommit::us-east-1://repo", &c);
    codecommit_auth_credential_free(c);
    c = NULL;
    if (st == 0) st = codecommit_auth_sign("AKIAIOSFODNN7EXAMPLE", "s", NULL, "us-east-1",
                                           "git-codecommit.us-east-1.amazonaws.com", "/v1/repos/r",
                                           1700000000, &c);
    codecommit_auth_credential_free(c);
    codecommit_auth_client_free(client);
    printf("status %d %s\n", st, codecommit_auth_last_error());
    return st;
}
"""


def build_tree_program(tmp_path: Path) -> Path:
    """A program linked against target/debug (the build tree), as `-L target/debug` users do."""
    source = tmp_path / "user.c"
    source.write_text(USER_PROGRAM)
    out = tmp_path / "user"
    lib_dir = ROOT / "target" / "debug"
    subprocess.run(["cc", str(source), f"-I{ROOT / 'include'}", f"-L{lib_dir}", f"-Wl,-rpath,{lib_dir}",
                    "-lcodecommit_auth", "-o", str(out)], check=True, capture_output=True, timeout=120)
    return out


def test_make_install_installs_what_is_built_without_cargo(programs, tmp_path):
    # As `sudo make install` where root has no cargo: the library exists, so cargo is not run.
    prefix = tmp_path / "prefix"
    proc = subprocess.run(["make", "-s", "-C", str(ROOT / "ffi"), "install", "PROFILE=dev", f"PREFIX={prefix}",
                           "CARGO=/nonexistent/cargo"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("lib/libcodecommit_auth.so.0", "lib/libcodecommit_auth.a", "include/codecommit_auth.h",
                 "lib/pkgconfig/codecommit_auth.pc", "share/codecommit_auth/valgrind.supp"):
        assert (prefix / name).exists(), name


def test_a_program_linked_against_the_build_tree_runs(programs, isolated_env, tmp_path):
    program = build_tree_program(tmp_path)
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"}
    proc = subprocess.run([str(program)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("status 0"), proc.stdout


def test_valgrind_is_clean_without_our_suppressions(programs, isolated_env, tmp_path):
    # A user's CI: every leak kind counted, no suppression file of ours.
    program = build_tree_program(tmp_path)
    env = {**isolated_env, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"}
    proc = subprocess.run(["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                           "--show-leak-kinds=definite,indirect,possible",
                           "--errors-for-leak-kinds=definite,indirect,possible", str(program)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
