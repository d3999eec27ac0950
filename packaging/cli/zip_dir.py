"""zip_dir.py DIR OUT.zip MTIME: DIR (its name as the top folder) into a reproducible zip.

Python's zipfile rather than Info-ZIP: sorted names, one fixed time, no extra fields, so the
same build gives the same bytes.
"""

import sys
import time
import zipfile
from pathlib import Path


def main(src: str, out: str, mtime: str) -> None:
    root = Path(src)
    stamp = time.gmtime(max(int(mtime), 315532800))[:6]  # zip cannot hold times before 1980
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{root.name}/{path.relative_to(root).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
            archive.writestr(info, path.read_bytes())


if __name__ == "__main__":
    main(*sys.argv[1:])
