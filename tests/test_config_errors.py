"""Config errors through the real CLI name the right file (config or credentials file, with its
path) and the right source, on one line without a stray `|` (issue 12, Python bullets).

  credentials file  a profile defined only there whose settings aws-config refuses (a secret
                    key without a key id): exit 14 naming the credentials file, not the config
                    file and not the instance-metadata fallback
  parse errors      a line without `=` in either file: exit 14 naming that file and its line
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import helpers

TOOL = helpers.BIN_DIR / "codecommit-auth"


def url(env: dict[str, str], remote: str = "codecommit::us-east-1://repo") -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOL), "url", remote], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def one_line_error(proc: subprocess.CompletedProcess, status: int) -> str:
    print(f"\n[exit {proc.returncode}] {proc.stderr.strip()}")
    assert proc.returncode == status, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "|" not in proc.stderr, proc.stderr
    return proc.stderr


def test_a_profile_only_in_the_credentials_file_is_named_there(tmp_path: Path):
    env = helpers.make_isolated_env(tmp_path)
    Path(env["AWS_CONFIG_FILE"]).write_text("[profile other]\nregion = us-east-1\n")
    credentials = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text("[default]\naws_secret_access_key = abc\n")
    err = one_line_error(url(env), 14)
    assert f'fix profile "default" in the AWS credentials file {credentials}. Details:' in err
    assert "config file" not in err
    assert "instance metadata" not in err and "IMDS" not in err
    assert "aws_access_key_id" in err


@pytest.mark.parametrize("broken", ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"])
def test_a_parse_error_names_the_file_and_its_kind(tmp_path: Path, broken: str):
    env = helpers.make_isolated_env(tmp_path)
    path = Path(env[broken])
    path.write_text("[default]\nnot a property\n")
    kind = "config" if broken == "AWS_CONFIG_FILE" else "credentials"
    err = one_line_error(url(env), 14)
    assert f"cannot read the AWS {kind} file {path}: " in err
    assert "on line 2: Expected an '=' sign" in err
