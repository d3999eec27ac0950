"""Side-by-side benchmarks against the official tools: `./x bench`.

Every comparison alternates its commands (A, B, A, B, ...) in one run, so machine noise
hits both sides alike, and reports medians with min-max and the ratio of medians. Peak RSS
is the child's own ru_maxrss (wait4). Prints one markdown table; `--write` also writes
docs/BENCHMARKS.md. No timing is asserted anywhere: tests run this with `--quick`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import helpers  # noqa: E402  (tests/helpers.py: the role profiles the tests use too)

VENV_BIN = ROOT / ".venv" / "bin"
ENDPOINT = helpers.ENDPOINT_SCRIPT
REGION = "us-west-2"
ROLE_CONFIG = helpers.role_config(region="us-east-1")
BASE_KEYS = helpers.ROLE_CREDENTIALS
STATIC = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


@dataclass
class Run:
    wall: list[float] = field(default_factory=list)  # seconds
    rss: list[int] = field(default_factory=list)  # KiB, from separate runs under /usr/bin/time


def run_once(argv: list[str], env: dict[str, str], stdin: str, before=None) -> tuple[float, int]:
    """Wall time and peak RSS of one child; fails loudly on a non-zero exit."""
    if before:
        before()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
        # wait4, not Popen.wait: it also returns the child's own resource usage.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv[:3])} failed ({code}):\n{err.read().decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss


def peak_rss(argv: list[str], env: dict[str, str], stdin: str, before=None) -> int:
    """Peak RSS (KiB) under /usr/bin/time: a child forked from this Python process would
    report the parent's pre-exec pages as its own."""
    with tempfile.NamedTemporaryFile("r") as out:
        run_once(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv], env, stdin, before)
        return int(out.read().split()[-1])


def alternate(commands: dict[str, tuple], iterations: int) -> dict[str, Run]:
    runs = {name: Run() for name in commands}
    for _ in range(iterations):
        for name, (argv, env, stdin, before) in commands.items():
            wall, _ = run_once(argv, env, stdin, before)
            runs[name].wall.append(wall)
    for name, (argv, env, stdin, before) in commands.items():
        runs[name].rss = [peak_rss(argv, env, stdin, before) for _ in range(3)]
    return runs


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms ({min(values) * 1000:.1f}–{max(values) * 1000:.1f})"


class Bench:
    def __init__(self, bin_dir: Path, iterations: int, workdir: Path) -> None:
        self.bin = bin_dir
        self.n = iterations
        self.tmp = workdir
        self.rows: list[tuple[str, str, str, str]] = []
        self.rss_rows: list[tuple[str, str]] = []

    def start_endpoint(self) -> dict:
        root = self.tmp / "endpoint"
        root.mkdir()
        self.endpoint = subprocess.Popen(
            [str(VENV_BIN / "python"), str(ENDPOINT), "--root", str(root), "--tls", "--sts", "--create-repo", "bench"],
            stdout=subprocess.PIPE, stderr=open(root / "stderr.log", "wb"), text=True,
        )
        ready = json.loads(self.endpoint.stdout.readline())
        (root / "secrets.json").write_text(json.dumps({STATIC["AWS_ACCESS_KEY_ID"]: {"secret": STATIC["AWS_SECRET_ACCESS_KEY"], "token": None}}))
        return ready

    def env(self, name: str, **extra: str) -> dict[str, str]:
        home = self.tmp / name
        (home / ".aws").mkdir(parents=True, exist_ok=True)
        (home / ".aws" / "config").write_text(ROLE_CONFIG)
        (home / ".aws" / "credentials").write_text(BASE_KEYS)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GIT_", "CODECOMMIT_"))}
        env.update(HOME=str(home), AWS_CONFIG_FILE=str(home / ".aws" / "config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
                   AWS_EC2_METADATA_DISABLED="true", GIT_CONFIG_NOSYSTEM="1", **extra)
        return env

    def record(self, what: str, runs: dict[str, Run], ours: str, theirs: str) -> None:
        ratio = statistics.median(runs[theirs].wall) / statistics.median(runs[ours].wall)
        self.rows.append((what, ms(runs[ours].wall), ms(runs[theirs].wall), f"**{ratio:.0f}×**" if ratio >= 10 else f"{ratio:.2f}×"))
        for name, run in runs.items():
            self.rss_rows.append((f"{what}: {name}", f"{statistics.median(run.rss) / 1024:.1f} MiB"))

    def credential_helpers(self, ready: dict) -> None:
        request = "protocol=https\nhost=git-codecommit.us-west-2.amazonaws.com\npath=v1/repos/bench\n\n"
        ours = [str(self.bin / "git-credential-codecommit"), "get"]
        aws = [str(VENV_BIN / "aws"), "codecommit", "credential-helper", "get"]
        static = self.env("static", **STATIC)
        runs = alternate({"ours": (ours, static, request, None), "aws": (aws, static, request, None)}, self.n)
        self.record("credential helper `get`, static keys", runs, "ours", "aws")

        role = self.env("role", AWS_ENDPOINT_URL_STS=ready["sts_url"])
        role_ours = [ours[0], "--profile", "deployer", "get"]
        role_aws = aws + ["--profile", "deployer"]
        run_once(role_ours, role, request)  # warms the shared cache for both tools
        runs = alternate({"ours": (role_ours, role, request, None), "aws": (role_aws, role, request, None)}, self.n)
        self.record("credential helper `get`, assumed role, warm cache", runs, "ours", "aws")

        cache = Path(role["HOME"]) / ".aws" / "cli" / "cache"
        clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
        runs = alternate({"ours": (role_ours, role, request, clear), "aws": (role_aws, role, request, clear)}, self.n)
        self.record("credential helper `get`, assumed role, cold cache (local STS)", runs, "ours", "aws")

    def remote_helpers(self, ready: dict) -> None:
        remote = f"codecommit::{REGION}://bench"
        base = self.env("git", CODE_COMMIT_ENDPOINT=ready["host"], GIT_SSL_CAINFO=ready["ca"], **STATIC)
        ours = {**base, "PATH": f"{self.bin}:{base['PATH']}"}
        official = {**base, "PATH": f"{VENV_BIN}:{base['PATH']}", "AWS_DEFAULT_REGION": REGION}
        signed = subprocess.run([str(self.bin / "codecommit-auth"), "url", remote], env=ours,
                                capture_output=True, text=True, check=True).stdout.strip()
        ls = ["git", "ls-remote"]
        runs = alternate({
            "ours": (ls + [remote], ours, "", None),
            "official": (ls + [remote], official, "", None),
            "pre-signed URL": (ls + [signed], base, "", None),
        }, self.n)
        self.record("`git ls-remote codecommit::…` vs official remote helper", runs, "ours", "official")
        floor = statistics.median(runs["pre-signed URL"].wall)
        over = (statistics.median(runs["ours"].wall) - floor) * 1000
        note = f"+{over:.1f} ms over the floor" if over >= 0 else f"{-over:.1f} ms under the floor (no 401 round trip)"
        self.rows.append(("`git ls-remote` via our helper vs pre-signed URL (floor)", ms(runs["ours"].wall),
                          ms(runs["pre-signed URL"].wall), note))

    def bindings(self) -> list[tuple[str, str]]:
        rows = []
        py = VENV_BIN / "python"
        code = ("import timeit,datetime as d,codecommit_auth as c;"
                "t=d.datetime(2023,11,14,22,13,20,tzinfo=d.timezone.utc);"
                "n=20000;print(timeit.timeit(lambda:c.sign('AKIAIOSFODNN7EXAMPLE','s',None,'us-east-1',"
                "'git-codecommit.us-east-1.amazonaws.com','/v1/repos/r',t),number=n)/n)")
        proc = subprocess.run([str(py), "-c", code], capture_output=True, text=True)
        rows.append(("Python `sign` per call", f"{float(proc.stdout) * 1e6:.2f} µs" if proc.returncode == 0 else "not built"))
        node_dir = ROOT / "bindings" / "node"
        js = ("const c=require('.');const t=new Date('2023-11-14T22:13:20Z');const n=20000;"
              "const a={accessKeyId:'AKIAIOSFODNN7EXAMPLE',secretAccessKey:'s',region:'us-east-1',"
              "host:'git-codecommit.us-east-1.amazonaws.com',path:'/v1/repos/r',at:t};"
              "const s=process.hrtime.bigint();for(let i=0;i<n;i++)c.sign(a);"
              "console.log(Number(process.hrtime.bigint()-s)/n/1000)")
        built = shutil.which("node") and list(node_dir.glob("*.node"))
        proc = subprocess.run(["node", "-e", js], cwd=node_dir, capture_output=True, text=True) if built else None
        rows.append(("Node `sign` per call", f"{float(proc.stdout):.2f} µs" if proc and proc.returncode == 0 else "not built"))
        return rows

    def sizes(self) -> list[tuple[str, str]]:
        names = ["git-credential-codecommit", "git-remote-codecommit", "codecommit-auth", "libcodecommit_auth.so", "libcodecommit_auth.a"]
        return [(n, f"{(self.bin / n).stat().st_size / 1e6:.1f} MB") for n in names if (self.bin / n).exists()]


def markdown(bench: Bench, extra: list[tuple[str, str]], iterations: int) -> str:
    lines = [f"Measured {dt.date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
             f"{platform.platform()}; {iterations} alternating runs per command, medians (min–max).", "",
             "| comparison | codecommit-auth | other | ratio / note |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in bench.rows]
    lines += ["", "| measure | value |", "|---|---|"]
    lines += [f"| peak RSS, {a} | {b} |" for a, b in bench.rss_rows]
    lines += [f"| {a} | {b} |" for a, b in extra]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", type=Path, default=ROOT / "target" / "release")
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="also write docs/BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codecommit-bench-") as tmp:
        bench = Bench(args.bin_dir.resolve(), args.iterations, Path(tmp))
        ready = bench.start_endpoint()
        try:
            bench.credential_helpers(ready)
            bench.remote_helpers(ready)
            table = markdown(bench, bench.bindings() + bench.sizes(), args.iterations)
        finally:
            bench.endpoint.terminate()
            bench.endpoint.wait(10)
    print(table)
    if args.write:
        doc = ROOT / "docs" / "BENCHMARKS.md"
        header = doc.read_text().split("<!-- table -->")[0] if doc.exists() else "# Benchmarks\n\n"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text(header + "<!-- table -->\n" + table)


if __name__ == "__main__":
    sys.exit(main())
