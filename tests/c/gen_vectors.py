#!/usr/bin/env python3
"""tests/vectors.json (signatures computed by the official tool) -> a C header for test_api.c."""

import calendar
import json
import sys
import time


def c_string(value):
    if value is None:
        return "NULL"
    assert all(32 <= ord(ch) < 127 for ch in value), value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(source, target):
    with open(source) as f:
        vectors = json.load(f)["vectors"]
    fields = ["access_key_id", "secret_access_key", "session_token", "region", "host", "path"]
    lines = [
        "/* Generated from tests/vectors.json by tests/c/gen_vectors.py: do not edit. */",
        "typedef struct { const char *access_key_id, *secret_access_key, *session_token, *region,",
        "                 *host, *path; long long at; const char *username, *password, *url; } vector;",
        "static const vector VECTORS[] = {",
    ]
    for v in vectors:
        at = calendar.timegm(time.strptime(v["at"], "%Y-%m-%dT%H:%M:%SZ"))
        parts = [c_string(v[k]) for k in fields] + [f"{at}LL"]
        parts += [c_string(v[k]) for k in ("username", "password", "url")]
        lines.append("    {" + ", ".join(parts) + "},")
    lines += ["};", f"#define VECTOR_COUNT {len(vectors)}", ""]
    with open(target, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
