"""`codecommit-auth configure` / `unconfigure` and `doctor`'s set-up checks (issue 14, section 3).

Each test runs the real git against the configuration `configure` wrote:
- `git credential fill` for every CodeCommit host pattern (commercial, FIPS, China, VPC
  endpoints, VPC FIPS endpoints) answers through our helper, and a password-storing helper
  inherited from the global config (`store`) never receives the password (`git credential
  approve` leaves its file absent);
- a real clone through the local endpoint with a configured `--endpoint`;
- configure twice changes no byte; unconfigure restores the file byte for byte;
- doctor names a storing helper, a missing useHttpPath and the Python git-remote-codecommit
  first on PATH, each with its fix.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
VENV_BIN = helpers.REPO_ROOT / ".venv" / "bin"
TOOL = BIN_DIR / "codecommit-auth"

pytestmark = pytest.mark.skipif(not TOOL.exists(), reason=f"binaries not built in {BIN_DIR}")

HOSTS = [
    ("git-codecommit.us-east-1.amazonaws.com", "us-east-1"),
    ("git-codecommit-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ("git-codecommit.cn-north-1.amazonaws.com.cn", "cn-north-1"),
    ("vpce-0123456789abcdef0-abcdefgh.git-codecommit.eu-west-1.vpce.amazonaws.com", "eu-west-1"),
    ("vpce-0123456789abcdef0-abcdefgh-us-east-2a.git-codecommit-fips.us-east-2.vpce.amazonaws.com", "us-east-2"),
]

USER_GITCONFIG = (
    "[user]\n\tname = Test User\n\temail = test@example.com\n"
    "[init]\n\tdefaultBranch = main\n"
)


def tool(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(TOOL), *args], env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def env(isolated_env, tmp_path):
    """A global config holding an inherited `store` helper (as a keychain would be)."""
    store = tmp_path / "git-credentials"
    Path(isolated_env["GIT_CONFIG_GLOBAL"]).write_text(
        USER_GITCONFIG + f"[credential]\n\thelper = store --file={store}\n"
    )
    akid, secret = helpers.random_access_key_id(), helpers.random_secret()
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"
    )
    # doctor's clock check asks STS for its Date: keep it on loopback (refused: skipped).
    return ({**isolated_env, "PATH": f"{BIN_DIR}:{isolated_env['PATH']}",
             "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"}, store, akid, secret)


def fill(host: str, env: dict[str, str], path: str = "v1/repos/demo") -> dict[str, str]:
    request = f"protocol=https\nhost={host}\npath={path}\n\n"
    proc = subprocess.run(["git", "credential", "fill"], input=request, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)


@pytest.mark.parametrize("host,region", HOSTS, ids=[h.split(".")[1] if h.startswith("vpce") else h.split(".")[0]
                                                     + "-" + h.rsplit(".", 1)[1] for h, _ in HOSTS])
def test_credential_fill_answers_through_the_configured_helper(env, host, region):
    env, store, akid, secret = env
    tool(["configure", "--profile", "dev"], env)
    reply = fill(host, env)
    assert reply["username"] == akid
    password = reply["password"]
    signed_at = dt.datetime.strptime(password[:15], "%Y%m%dT%H%M%S").replace(tzinfo=dt.timezone.utc)
    assert password == helpers.sign_password(akid, secret, region, host, "/v1/repos/demo", signed_at)
    assert "password_expiry_utc" in reply
    # git hands an accepted password to every helper in effect: `store` must not be one.
    approve = "".join(f"{k}={v}\n" for k, v in reply.items()) + "\n"
    subprocess.run(["git", "credential", "approve"], input=approve, env=env, text=True, check=True, timeout=60)
    assert not store.exists(), "the inherited store helper kept the 15-minute password"


def test_without_configure_the_store_helper_would_keep_the_password(env):
    """The control for the test above: the same approve reaches `store` when not configured."""
    env, store, akid, _ = env
    approve = f"protocol=https\nhost={HOSTS[0][0]}\nusername={akid}\npassword=20260101T000000Zabc\n\n"
    subprocess.run(["git", "credential", "approve"], input=approve, env=env, text=True, check=True, timeout=60)
    assert store.exists()


def test_other_hosts_are_left_alone(env):
    env, _, _, _ = env
    tool(["configure"], env)
    for url in ["https://github.com/x", "https://git-codecommit.us-east-1.amazonaws.com.evil.com/x",
                "http://git-codecommit.us-east-1.amazonaws.com/x"]:
        out = subprocess.run(["git", "config", "--get-urlmatch", "credential.useHttpPath", url],
                             env=env, capture_output=True, text=True)
        assert out.stdout.strip() == "", url


def test_clone_through_a_configured_endpoint(endpoint, env, tmp_path):
    env, store, _, _ = env
    akid, secret, _ = endpoint.new_key()
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\nregion = us-east-1\n"
    )
    repo = endpoint.add_repo().name
    tool(["configure", "--profile", "dev", "--endpoint", endpoint.url], env)
    helpers.run_git(["clone", "-q", endpoint.repo_url(repo), str(tmp_path / "work")], env)
    assert {r["access_key_id"] for r in endpoint.requests() if r["status"] == 200} == {akid}
    assert not store.exists()
    allow = helpers.run_git(["config", "--global", "protocol.codecommit.allow"], env).stdout.strip()
    assert allow == "always"


def test_configure_twice_changes_nothing_and_unconfigure_restores_every_byte(env, tmp_path):
    env, _, _, _ = env
    config = Path(env["GIT_CONFIG_GLOBAL"])
    # The user's own settings, also inside one of our sections, must survive untouched.
    config.write_text(config.read_text() + '[credential "https://git-codecommit.*.amazonaws.com"]\n'
                      "\tusername = someone\n[protocol]\n\tallow = user\n")
    before = config.read_bytes()
    tool(["configure", "--profile", "dev"], env)
    once = config.read_bytes()
    assert once != before
    second = tool(["configure", "--profile", "dev"], env)
    assert config.read_bytes() == once
    assert "nothing changed" in second.stdout
    # Another profile replaces our helper line; it does not add a second one.
    tool(["configure", "--profile", "other"], env)
    helpers_now = helpers.run_git(
        ["config", "--global", "--get-all", "credential.https://git-codecommit.*.amazonaws.com.helper"], env
    ).stdout.splitlines()
    assert helpers_now == ["", f"{BIN_DIR}/git-credential-codecommit --profile other"]
    tool(["unconfigure"], env)
    assert config.read_bytes() == before
    assert "nothing to remove" in tool(["unconfigure"], env).stdout


def test_helper_path_is_absolute_and_quoted(env):
    env, _, _, _ = env
    tool(["configure", "--profile", "two words"], env)
    value = helpers.run_git(
        ["config", "--global", "--get-all", "credential.https://git-codecommit.*.amazonaws.com.helper"], env
    ).stdout.splitlines()[-1]
    assert value == f"{BIN_DIR}/git-credential-codecommit --profile 'two words'"


def test_local_scope(env, tmp_path):
    env, _, _, _ = env
    work = tmp_path / "repo"
    helpers.run_git(["init", "-q", str(work)], env)
    before = Path(env["GIT_CONFIG_GLOBAL"]).read_bytes()
    subprocess.run([str(TOOL), "configure", "--local"], cwd=work, env=env, check=True, capture_output=True)
    assert Path(env["GIT_CONFIG_GLOBAL"]).read_bytes() == before
    local = (work / ".git" / "config").read_text()
    assert "git-credential-codecommit" in local and "useHttpPath = true" in local
    subprocess.run([str(TOOL), "unconfigure", "--local"], cwd=work, env=env, check=True, capture_output=True)
    assert "codecommit" not in (work / ".git" / "config").read_text()


def test_two_scopes_is_a_usage_error(env):
    env, _, _, _ = env
    proc = tool(["configure", "--global", "--local"], env, check=False)
    assert proc.returncode == 2 and "at most one" in proc.stderr


def doctor(env: dict[str, str]) -> list[str]:
    proc = tool(["doctor", "codecommit::us-east-1://dev@demo"], env, check=False)
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line.startswith(("problem:", "set-up:"))]


def test_doctor_names_storing_helper_and_missing_use_http_path_then_ok_after_configure(env):
    env, store, _, _ = env
    found = doctor(env)
    assert any("credential helper" in f and "store" in f and "codecommit-auth configure" in f for f in found), found
    assert any("useHttpPath" in f and "codecommit-auth configure" in f for f in found), found
    tool(["configure", "--profile", "dev"], env)
    assert [f.split() for f in doctor(env)] == [["set-up:", "ok"]]


@pytest.mark.skipif(not (VENV_BIN / "git-remote-codecommit").exists(), reason="the Python git-remote-codecommit is not in .venv")
def test_doctor_names_the_python_remote_helper_first_on_path(env):
    env, _, _, _ = env
    tool(["configure", "--profile", "dev"], env)
    shadowed = {**env, "PATH": f"{VENV_BIN}:{env['PATH']}"}
    found = doctor(shadowed)
    assert any("PATH finds" in f and str(VENV_BIN / "git-remote-codecommit") in f and "pip uninstall" in f
               for f in found), found


class _SkewedSts:
    """Answers every request with 403 and a `Date` header `offset` seconds from now."""

    def __init__(self, offset: float) -> None:
        import http.server
        import threading
        import time as _time

        class Handler(http.server.BaseHTTPRequestHandler):
            def date_time_string(self, timestamp=None):  # noqa: ANN001, ARG002
                from email.utils import formatdate
                return formatdate(_time.time() + offset, usegmt=True)

            def do_GET(self):  # noqa: N802
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args):  # noqa: ANN002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("offset,expected", [(3600, "behind"), (-900, "ahead"), (0, None)])
def test_doctor_reports_clock_skew_against_the_sts_date_header(env, offset, expected):
    env, _, _, _ = env
    tool(["configure", "--profile", "dev"], env)
    sts = _SkewedSts(offset)
    try:
        found = doctor({**env, "AWS_ENDPOINT_URL_STS": sts.url})
    finally:
        sts.close()
    skew = [f for f in found if "clock" in f]
    if expected is None:
        assert skew == [] and [f.split() for f in found] == [["set-up:", "ok"]]
    else:
        assert len(skew) == 1 and expected in skew[0], found
        seconds = int(re.search(r"(\d+) s ", skew[0]).group(1))
        assert abs(seconds - abs(offset)) <= 2, skew[0]
        assert "fix:" in skew[0]


def test_doctor_skips_the_clock_check_when_sts_is_unreachable(env):
    env, _, _, _ = env
    tool(["configure", "--profile", "dev"], env)
    found = doctor({**env, "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"})
    assert [f.split() for f in found] == [["set-up:", "ok"]]


def test_system_scope_writes_the_system_file(env, tmp_path):
    env, _, _, _ = env
    system = tmp_path / "gitconfig-system"
    system_env = {k: v for k, v in env.items() if k != "GIT_CONFIG_NOSYSTEM"}
    system_env["GIT_CONFIG_SYSTEM"] = str(system)
    before = Path(env["GIT_CONFIG_GLOBAL"]).read_bytes()
    tool(["configure", "--system", "--profile", "dev"], system_env)
    assert Path(env["GIT_CONFIG_GLOBAL"]).read_bytes() == before
    assert "git-credential-codecommit --profile dev" in system.read_text()
    tool(["unconfigure", "--system"], system_env)
    assert "codecommit" not in system.read_text()
