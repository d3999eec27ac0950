#!/usr/bin/env bash
# man_page.sh PROGRAM DESCRIPTION > PROGRAM.1: a man page made from the program's own --help
# and --version, so the page can never disagree with the program. (help2man would do the
# same with more guessing and one more apt package; the help text is already written for
# people, so it is shown as it is, in a preformatted block.)
set -euo pipefail
program=$1 description=$2
name=$(basename "$program")
help=$("$program" --help </dev/null)
version=$("$program" --version </dev/null)
# roff: a leading . or ' starts a request and a backslash an escape; keep both literal.
escape() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%d)
cat <<ROFF
.TH "$(tr '[:lower:]' '[:upper:]' <<<"$name")" 1 "$date" "$(escape <<<"$version")" "User Commands"
.SH NAME
$name \\- $(escape <<<"$description")
.SH DESCRIPTION
.nf
$(escape <<<"$help")
.fi
.SH VERSION
$(escape <<<"$version")
.SH SEE ALSO
.BR git (1),
.BR gitcredentials (7),
.BR gitremote-helpers (7)
ROFF
