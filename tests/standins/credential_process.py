"""Scripts for ``credential_process`` profiles.

aws-config runs the configured command with ``sh -c`` and reads JSON (Version 1) from its
stdout.  Each script appends one line to ``<script>.calls`` when it runs, so a test can
count invocations.  Return values are the command line to put in the profile.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

UTC = dt.timezone.utc


def _write(directory: Path, name: str, stdout: str, stderr: str = "", exit_code: int = 0) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / name
    calls = directory / f"{name}.calls"
    script.write_text(
        "#!/bin/sh\n"
        f"echo run >> {shlex.quote(str(calls))}\n"
        f"cat <<'__STDOUT__'\n{stdout}\n__STDOUT__\n"
        + (f"cat >&2 <<'__STDERR__'\n{stderr}\n__STDERR__\n" if stderr else "")
        + f"exit {exit_code}\n"
    )
    script.chmod(0o700)
    return shlex.quote(str(script))


def calls(command: str) -> int:
    """How many times the script behind ``command`` ran."""
    path = Path(shlex.split(command)[0] + ".calls")
    return len(path.read_text().splitlines()) if path.exists() else 0


def good(directory: Path, akid: str, secret: str, session_token: str | None = None,
         expiration: dt.datetime | None = None, name: str = "creds-ok") -> str:
    """Prints valid Version 1 JSON (with Expiration unless ``expiration`` is False-y and no token)."""
    data = {"Version": 1, "AccessKeyId": akid, "SecretAccessKey": secret}
    if session_token:
        data["SessionToken"] = session_token
        expiration = expiration or dt.datetime.now(UTC) + dt.timedelta(hours=1)
    if expiration:
        data["Expiration"] = expiration.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _write(directory, name, json.dumps(data, indent=2))


def failing(directory: Path, stdout: str = "", stderr: str = "token expired; run sso-helper login",
            exit_code: int = 3, name: str = "creds-fail") -> str:
    """Exits non-zero; ``stdout`` may hold secret-looking JSON that must not be echoed."""
    return _write(directory, name, stdout, stderr, exit_code)


def malformed(directory: Path, stdout: str, name: str = "creds-malformed") -> str:
    """Exits 0 but prints ``stdout`` (not valid credential JSON)."""
    return _write(directory, name, stdout)
