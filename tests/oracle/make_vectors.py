"""Writes tests/vectors.json: signing vectors computed by the OFFICIAL git-remote-codecommit.

Every binding (Rust, C, Python, Node) checks its pure `sign` against these, so all of them
are tied to the official tool rather than to each other. Regenerate with
`.venv/bin/python tests/oracle/make_vectors.py` (deterministic).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import official  # noqa: E402

CASES = [
    ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, "us-east-1", "MyDemoRepo", "2023-11-14T22:13:20Z", None),
    ("ASIAQWERTYUIOPASDFGH", "abc+/=DEF0123456789abcdefghijklmnopqrstu", "FwoGZXIvYXdzE+/=token/with+chars==", "eu-west-1", "repo_1.x-y", "2026-01-02T03:04:05Z", None),
    ("AKIAZZZZZZZZZZZZZZZZ", "s3cr3t/s3cr3t+s3cr3t=s3cr3t/s3cr3t+s3cr3", None, "cn-north-1", "china-repo", "2030-12-31T23:59:59Z", None),
    ("ASIAGOVGOVGOVGOVGOV1", "GovCloudSecretKeyGovCloudSecretKeyGovClo", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", "us-gov-west-1", "gov", "2025-06-15T12:00:00Z", None),
    ("AKIALOCALLOCALLOCAL1", "local-secret", None, "us-west-2", "local", "2026-11-21T10:00:00Z", "127.0.0.1:8443"),
]


def main() -> None:
    vectors = []
    for akid, secret, token, region, repo, at, endpoint in CASES:
        url = official.git_url(repo, region, akid, secret, token, at=at, endpoint=endpoint)
        userinfo, rest = url[len("https://"):].rsplit("@", 1)
        host, path = rest.split("/", 1)
        vectors.append({
            "access_key_id": akid, "secret_access_key": secret, "session_token": token,
            "region": region, "host": host, "path": "/" + path, "at": at,
            "username": akid + ("%" + token if token else ""),
            "password": userinfo.split(":", 1)[1], "url": url,
        })
    out = Path(__file__).resolve().parent.parent / "vectors.json"
    out.write_text(json.dumps({"source": "git-remote-codecommit (PyPI), pinned time", "vectors": vectors}, indent=2) + "\n")
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
