#!/usr/bin/env bash
# msi.sh STAGED_DIR OUT.msi VERSION: the Windows installer of the staged programs (the folder of
# the Windows zip: three .exe, README.md, LICENSE), from codecommit-auth.wxs beside this script.
# Used by packaging/cli.sh all and by tests/dist/test_cli.py (a next version's MSI, to upgrade).
# MSI versions are numbers only, so a pre-release or build suffix (-rc.1, +x) is dropped.
# wixl 0.101 (Debian 12) has no <Environment>: msibuild adds the PATH entry afterwards, as the
# Environment.idt row and the two standard actions WiX would have written (see the .wxs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(realpath -m "$2")
version=${3%%[-+]*}
# wixl takes no absolute Source path: it runs in the staged folder.
(cd "$1" && wixl -a x64 -D Version="$version" -D SourceDir=. -o "$out" "$here/codecommit-auth.wxs")
msibuild "$out" -i "$here/Environment.idt" \
  -q "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('RemoveEnvironmentStrings', 3300)" \
  -q "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('WriteEnvironmentStrings', 5200)"
