"""Give a musllinux wheel's native modules the C library name musllinux tools expect.

zig (maturin --zig) links musl as NEEDED ``libc.so``: musl's own libc.so has no SONAME, so
the file name is recorded. Wheels built the usual way, on Alpine (the musllinux images), say
``libc.musl-<arch>.so.1``. musl's loader resolves every ``libc.*`` name to itself, so both
load, but auditwheel recognises a musl module only by the second name: with ``libc.so`` it
takes the module for glibc, looks for libc.so on the host, and fails.

This rewrites that one NEEDED entry with patchelf, then rewrites the wheel with the new file's
hash and size in RECORD. Everything else (member order, timestamps, other files) is kept.

    python musl_soname.py WHEEL      (in place)
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ARCH_BY_TAG = {"x86_64": "x86_64", "aarch64": "aarch64"}
ZIG_NAME = "libc.so"


def musl_name(wheel: Path) -> str:
    """libc.musl-<arch>.so.1 for the wheel's one musllinux platform tag."""
    platform = wheel.name[: -len(".whl")].split("-")[-1]
    for tag in platform.split("."):
        if tag.startswith("musllinux_"):
            arch = tag.split("_", 3)[3]
            return f"libc.musl-{ARCH_BY_TAG[arch]}.so.1"
    raise SystemExit(f"{wheel.name}: not a musllinux wheel")


def needed(path: Path) -> list[str]:
    out = subprocess.run(["patchelf", "--print-needed", str(path)], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return out.split()


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def patched_members(archive: zipfile.ZipFile, tmp: Path, soname: str) -> dict[str, bytes]:
    """The new bytes of every native module that named libc.so."""
    patched = {}
    for name in archive.namelist():
        if not name.endswith(".so"):
            continue
        path = Path(archive.extract(name, tmp))
        if ZIG_NAME in needed(path):
            subprocess.run(["patchelf", "--replace-needed", ZIG_NAME, soname, str(path)],
                           check=True, timeout=60)
            patched[name] = path.read_bytes()
    return patched


def new_record(old: str, patched: dict[str, bytes]) -> str:
    lines = []
    for line in old.splitlines():
        name = line.rsplit(",", 2)[0]
        lines.append(record_line(name, patched[name]) if name in patched else line)
    return "\n".join(lines) + "\n"


def rewrite(wheel: Path) -> list[str]:
    soname = musl_name(wheel)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        patched = patched_members(archive, Path(tmp), soname)
        if not patched:
            return []
        out = Path(tmp) / wheel.name
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            for info in archive.infolist():
                data = patched.get(info.filename) or archive.read(info)
                if info.filename.endswith(".dist-info/RECORD"):
                    data = new_record(data.decode(), patched).encode()
                new.writestr(info, data)
        shutil.move(out, wheel)
    return sorted(patched)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for member in rewrite(Path(sys.argv[1])):
        print(f"{member}: NEEDED {ZIG_NAME} -> {musl_name(Path(sys.argv[1]))}")
