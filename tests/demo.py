"""The end-to-end demo behind `./x demo`.

Starts the local CodeCommit-compatible endpoint (HTTPS, SigV4-verifying) with a local STS
(moto), writes a throwaway AWS config with a role profile, then clones, commits, pushes
and fetches through `codecommit::us-west-2://demo@demo-repo` using our
git-remote-codecommit with assumed-role (temporary, rotating) credentials. Nothing here
touches a real AWS account or the user's ~/.aws or ~/.gitconfig.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import helpers

BIN_DIR = helpers.REPO_ROOT / "target" / "debug"
ENDPOINT = helpers.ENDPOINT_SCRIPT
REMOTE = "codecommit::us-west-2://demo@demo-repo"

AWS_CONFIG = "[profile base]\nregion = us-west-2\n" + helpers.role_profile(
    "demo", "arn:aws:iam::123456789012:role/codecommit-demo", role_session_name="demo", duration_seconds=900)
AWS_CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"""


def say(text: str) -> None:
    print(f"\033[1m--> {text}\033[0m", flush=True)


def start_endpoint(root: Path) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, str(ENDPOINT), "--root", str(root), "--tls", "--sts", "--create-repo", "demo-repo"],
        stdout=subprocess.PIPE, stderr=open(root / "endpoint.log", "wb"), text=True,
    )
    line = process.stdout.readline()
    if not line:
        sys.exit(f"the local endpoint did not start; see {root / 'endpoint.log'}")
    return process, json.loads(line)


def demo_env(tmp: Path, ready: dict) -> dict[str, str]:
    home = tmp / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(AWS_CONFIG)
    (home / ".aws" / "credentials").write_text(AWS_CREDENTIALS)
    (home / ".gitconfig").write_text("[user]\n\tname = Demo\n\temail = demo@example.com\n[init]\n\tdefaultBranch = main\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GIT_"))}
    env.update(
        HOME=str(home),
        PATH=f"{BIN_DIR}:{env['PATH']}",
        GIT_CONFIG_NOSYSTEM="1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ENDPOINT_URL_STS=ready["sts_url"],
        CODE_COMMIT_ENDPOINT=ready["host"],
        GIT_SSL_CAINFO=ready["ca"],
    )
    return env


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    print(f"    $ {' '.join(args)}", flush=True)
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        sys.exit(f"FAILED ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="codecommit-auth-demo-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "endpoint").mkdir()
        process, ready = start_endpoint(tmp / "endpoint")
        try:
            env = demo_env(tmp, ready)
            say(f"local CodeCommit endpoint {ready['url']} (TLS, verifies SigV4), local STS {ready['sts_url']}")
            say("profile 'demo' assumes arn:aws:iam::123456789012:role/codecommit-demo from profile 'base'")
            print(run([str(BIN_DIR / "codecommit-auth"), "doctor", REMOTE], env), end="")
            say(f"git clone {REMOTE}")
            run(["git", "clone", "-q", REMOTE, str(tmp / "work")], env)
            (tmp / "work" / "README.md").write_text("# demo-repo\n\npushed by codecommit-auth\n")
            run(["git", "add", "README.md"], env, cwd=tmp / "work")
            run(["git", "commit", "-q", "-m", "first commit through codecommit-auth"], env, cwd=tmp / "work")
            say("git push")
            run(["git", "push", "-q", "origin", "HEAD:main"], env, cwd=tmp / "work")
            say("second clone sees the push")
            run(["git", "clone", "-q", REMOTE, str(tmp / "again")], env)
            log = run(["git", "log", "--oneline"], env, cwd=tmp / "again")
            print(f"    {log.strip()}")
            summarize(tmp / "endpoint" / "requests.log")
        finally:
            process.terminate()
            process.wait(10)


def summarize(log_path: Path) -> None:
    requests = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    ok = [r for r in requests if r["status"] == 200]
    keys = sorted({r["access_key_id"] for r in ok})
    say(f"done: {len(ok)} signed requests accepted, {len(requests) - len(ok)} rejected/challenged")
    print(f"    temporary access keys used (issued by STS for the role): {', '.join(keys)}")
    calls_log = log_path.with_name("sts-calls.log")
    calls = calls_log.read_text().splitlines() if calls_log.exists() else []
    assumed = sum('"assume_role"' in line for line in calls)
    print(f"    AssumeRole calls for doctor + clone + push + clone: {assumed} (the session is cached in")
    print("    ~/.aws/cli/cache, shared with the AWS CLI, and reused until 10 minutes before expiry)")
    print("    the signed password never appeared in any process's argv: git got the plain URL and")
    print("    asked our credential helper (injected via GIT_CONFIG_COUNT) for each request.")


if __name__ == "__main__":
    main()
