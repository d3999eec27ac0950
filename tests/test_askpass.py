"""MFA without a terminal (issue 14, section 2): the prompt goes to GIT_ASKPASS, then
SSH_ASKPASS, as git's own prompts do; when no interaction is allowed (GIT_TERMINAL_PROMPT=0
without askpass, credential.interactive=never) or possible, the helper fails at once with exit
17 naming the profile and the MFA serial. Real git, moto STS with an MFA role. Every process
runs in a new session (setsid), so it has no controlling terminal unless a test gives it a pty."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import helpers

BIN_DIR = helpers.BIN_DIR
REGION = "us-west-2"
ROLE_ARN = helpers.ROLE_ARN
MFA_SERIAL = helpers.MFA_SERIAL

pytestmark = pytest.mark.skipif(not (BIN_DIR / "git-credential-codecommit").exists(), reason="binaries not built")
CODE = "654321"


@pytest.fixture
def mfa_env(sts_endpoint, isolated_env):
    return helpers.role_profiles_env(sts_endpoint, isolated_env)


def askpass_program(tmp_path: Path, name: str, answer: str = CODE, status: int = 0) -> tuple[Path, Path]:
    """A program that records each argv (one JSON-ish line per call) and answers `answer`
    padded with blanks (the helper must trim)."""
    log = tmp_path / f"{name}.log"
    program = tmp_path / name
    program.write_text(
        "#!/bin/sh\n"
        f"printf '%s|%s\\n' \"$#\" \"$1\" >> '{log}'\n"
        f"printf '  {answer}  \\n'\n"
        f"exit {status}\n"
    )
    program.chmod(0o755)
    return program, log


def calls(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [(int(n), prompt) for n, prompt in (line.split("|", 1) for line in log.read_text().splitlines())]


def credential_get(env: dict[str, str], repo: str) -> subprocess.CompletedProcess:
    host = env["CODE_COMMIT_ENDPOINT"].split("://")[1]
    return subprocess.run(
        [str(BIN_DIR / "git-credential-codecommit"), "--profile", "mfa", "--region", REGION, "get"],
        input=f"protocol=http\nhost={host}\npath=v1/repos/{repo}\n\n",
        env=env, capture_output=True, text=True, timeout=30, start_new_session=True,
    )


def assert_mfa_refused(reply: subprocess.CompletedProcess, why: str) -> None:
    assert reply.returncode == 17, reply.stderr
    lines = reply.stderr.strip().splitlines()
    assert len(lines) == 1, reply.stderr
    assert "profile mfa" in lines[0] and MFA_SERIAL in lines[0] and why in lines[0], lines[0]


def test_real_git_asks_through_git_askpass(sts_endpoint, mfa_env, tmp_path):
    """The IDE case: git run without a terminal, GIT_ASKPASS set (as VS Code and JetBrains do)."""
    program, log = askpass_program(tmp_path, "askpass")
    repo = sts_endpoint.add_repo().name
    env = {**mfa_env, "GIT_ASKPASS": str(program), "SSH_ASKPASS": "/nonexistent/ssh-askpass"}
    proc = subprocess.run(["git", "ls-remote", f"codecommit::{REGION}://mfa@{repo}"], env=env,
                          capture_output=True, text=True, timeout=60, start_new_session=True,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    [(argc, prompt)] = calls(log)
    assert argc == 1
    assert MFA_SERIAL in prompt and "profile mfa" in prompt
    [call] = sts_endpoint.sts_calls("assume_role")
    assert call["SerialNumber"] == MFA_SERIAL and call["TokenCode"] == CODE
    # One prompt per role session: the next git command uses the cached session.
    again = subprocess.run(["git", "ls-remote", f"codecommit::{REGION}://mfa@{repo}"], env=env,
                           capture_output=True, text=True, timeout=60, start_new_session=True,
                           stdin=subprocess.DEVNULL)
    assert again.returncode == 0, again.stderr
    assert len(calls(log)) == 1 and len(sts_endpoint.sts_calls("assume_role")) == 1


def test_ssh_askpass_when_git_askpass_is_unset(sts_endpoint, mfa_env, tmp_path):
    program, log = askpass_program(tmp_path, "ssh-askpass")
    reply = credential_get({**mfa_env, "SSH_ASKPASS": str(program)}, sts_endpoint.add_repo().name)
    assert reply.returncode == 0, reply.stderr
    assert len(calls(log)) == 1
    assert sts_endpoint.sts_calls("assume_role")[0]["TokenCode"] == CODE
    assert CODE not in reply.stderr


def test_no_terminal_and_no_askpass_fails_at_once(sts_endpoint, mfa_env):
    reply = credential_get(mfa_env, sts_endpoint.add_repo().name)
    assert_mfa_refused(reply, "neither GIT_ASKPASS nor SSH_ASKPASS")
    assert sts_endpoint.sts_calls("assume_role") == []


def test_credential_interactive_never_is_read_from_git_config(sts_endpoint, mfa_env, tmp_path):
    """Git Credential Manager's switch, read through real git: no askpass, no STS call."""
    program, log = askpass_program(tmp_path, "askpass")
    subprocess.run(["git", "config", "--global", "credential.interactive", "never"], env=mfa_env, check=True)
    reply = credential_get({**mfa_env, "GIT_ASKPASS": str(program)}, sts_endpoint.add_repo().name)
    assert_mfa_refused(reply, "credential.interactive is never")
    assert calls(log) == []
    assert sts_endpoint.sts_calls("assume_role") == []


def test_askpass_that_fails_is_one_line_exit_17(sts_endpoint, mfa_env, tmp_path):
    program, log = askpass_program(tmp_path, "askpass", status=1)
    reply = credential_get({**mfa_env, "GIT_ASKPASS": str(program)}, sts_endpoint.add_repo().name)
    assert reply.returncode == 17, reply.stderr
    assert len(reply.stderr.strip().splitlines()) == 1 and "GIT_ASKPASS" in reply.stderr
    assert len(calls(log)) == 1
    assert sts_endpoint.sts_calls("assume_role") == []


def test_git_terminal_prompt_0_keeps_off_the_terminal(sts_endpoint, mfa_env, tmp_path):
    """A terminal is there, but GIT_TERMINAL_PROMPT=0 forbids it: no prompt on it, exit 17
    at once (the old helper printed its prompt on the terminal and waited)."""
    request = tmp_path / "request"
    host = mfa_env["CODE_COMMIT_ENDPOINT"].split("://")[1]
    request.write_text(f"protocol=http\nhost={host}\npath=v1/repos/{sts_endpoint.add_repo().name}\n\n")
    helper = BIN_DIR / "git-credential-codecommit"
    command = f"'{helper}' --profile mfa --region {REGION} get < '{request}'"
    status, output = helpers.run_in_pty(["/bin/sh", "-c", command], {**mfa_env, "GIT_TERMINAL_PROMPT": "0"})
    assert status == 17, output
    assert "(profile mfa):" not in output  # the prompt itself
    assert "GIT_TERMINAL_PROMPT=0" in output and MFA_SERIAL in output
    assert sts_endpoint.sts_calls("assume_role") == []
