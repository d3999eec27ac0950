"""Prints a Markdown table of the artefacts in dist/: the download size and, for archives, what
they unpack to (docs/SIZES.md is this output, measured after ./x dist).

    python3 packaging/sizes.py [DIST]
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from pathlib import Path


def unpacked(path: Path) -> int | None:
    """Total size of the regular files inside an archive; None for other files."""
    name = path.name
    if name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tar:
            return sum(m.size for m in tar.getmembers() if m.isfile())
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist())
    if name.endswith(".deb"):
        return deb_unpacked(path)
    return None


def deb_unpacked(path: Path) -> int | None:
    """The data.tar.* member of an ar archive, summed like a tarball."""
    data = path.read_bytes()
    offset = 8  # "!<arch>\n"
    while offset + 60 <= len(data):
        header = data[offset:offset + 60]
        member, size = header[:16].decode().strip().rstrip("/"), int(header[48:58].decode())
        body = data[offset + 60:offset + 60 + size]
        if member.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                return sum(m.size for m in tar.getmembers() if m.isfile())
        offset += 60 + size + (size % 2)
    return None


def mib(n: int) -> str:
    return f"{n / 1048576:.1f} MiB" if n >= 104858 else f"{n / 1024:.0f} KiB"


def main() -> None:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "dist")
    print("| artefact | download | unpacked |\n|---|---|---|")
    for path in sorted(p for p in dist.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        size = unpacked(path)
        print(f"| `{path.relative_to(dist).as_posix()}` | {mib(path.stat().st_size)} | {mib(size) if size else '—'} |")


if __name__ == "__main__":
    main()
