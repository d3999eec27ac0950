"""Single flight inside one process, through the Python package: N threads asking one Client
for the same profile at once share one resolution (one credential_process run), and share
its failure too, which is not remembered (the next call runs the process again). Before the
fix every concurrent call that missed the client's memo ran the process itself."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from pyutil import AwsFiles, load_package

cc = load_package()

THREADS = 100
AKID = "AKIACOUNTEDCOUNTED01"


def counting_process(tmp_path: Path, runs: Path, exit_code: int = 0) -> str:
    """A credential_process that appends a line to `runs` per run and takes a second (so that
    the concurrent calls overlap), then prints keys or fails."""
    payload = json.dumps({"Version": 1, "AccessKeyId": AKID, "SecretAccessKey": "s"})
    script = tmp_path / "count.sh"
    script.write_text(f"echo run >> '{runs}'\nsleep 1\nprintf '%s' '{payload}'\nexit {exit_code}\n")
    return f"sh {script}"


def burst(client) -> list[object]:
    """THREADS threads released together, each calling client.git_credential once."""
    start = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def call(i: int) -> None:
        start.wait()
        try:
            results[i] = client.git_credential("codecommit::us-east-1://counted@repo").access_key_id
        except cc.CodeCommitAuthError as e:
            results[i] = e

    threads = [threading.Thread(target=call, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def runs_of(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def test_concurrent_calls_run_the_process_once(aws_files: AwsFiles, tmp_path: Path):
    runs = tmp_path / "runs"
    aws_files.write(f"[profile counted]\nregion = us-east-1\ncredential_process = {counting_process(tmp_path, runs)}\n")
    client = cc.Client(cache=False)
    results = burst(client)
    assert results == [AKID] * THREADS, results
    assert runs_of(runs) == 1


def test_a_shared_failure_is_not_remembered(aws_files: AwsFiles, tmp_path: Path):
    runs = tmp_path / "runs"
    aws_files.write(
        f"[profile counted]\nregion = us-east-1\ncredential_process = {counting_process(tmp_path, runs, 1)}\n")
    client = cc.Client(cache=False)
    results = burst(client)
    assert all(isinstance(r, cc.CredentialSourceError) for r in results), results
    assert runs_of(runs) == 1
    with pytest.raises(cc.CredentialSourceError):
        client.git_credential("codecommit::us-east-1://counted@repo")
    assert runs_of(runs) == 2
