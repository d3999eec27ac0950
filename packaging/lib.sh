# Shared by ./x and the packaging/*.sh scripts (sourced, never run). Each packaging script
# builds one kind of release artefact into dist/<kind>/ and installs what it needs itself.
#
# Contract for packaging/<kind>.sh:
#   packaging/<kind>.sh [ci|all]
#     ci   one artefact of this kind (what ./x test builds and tests)
#     all  every artefact of this kind this machine can build (./x dist)
#   It writes only under dist/<kind>/ (cleaning that folder first), honours CARGO_TARGET_DIR,
#   runs with stdin closed and from a tree without .git. tests/dist/test_<kind>.py checks it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/.venv
DIST=$ROOT/dist
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PATH="$HOME/.cargo/bin:$PATH"  # not the venv: it holds the official git-remote-codecommit

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The one project version: [workspace.package] version in Cargo.toml.
project_version() {
  awk '/^\[workspace.package\]/{p=1;next} /^\[/{p=0} p && $1=="version"{gsub(/"/,"",$3); print $3; exit}' \
    "$ROOT/Cargo.toml"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rust_target() {
  rustup target list --installed | grep -qx "$1" || { log "rustup target add $1"; rustup target add "$1"; }
}

# Runs a command with the venv's tools first on PATH: cargo-zigbuild, maturin and PyPI's
# ziglang (found as `python3 -m ziglang`) come from tests/requirements.txt. Only for build
# commands: tests must not see the venv's official git-remote-codecommit on PATH.
with_venv() { PATH="$VENV/bin:$PATH" "$@"; }

# The folder for one kind, emptied: a rebuild never leaves a stale artefact behind.
dist_dir() { rm -rf "${DIST:?}/$1"; mkdir -p "$DIST/$1"; echo "$DIST/$1"; }

# ci|all from the first argument, default all.
dist_set() { case "${1:-all}" in ci|all) echo "${1:-all}" ;; *) echo "usage: $0 [ci|all]" >&2; exit 2 ;; esac; }
