# Release builds shared by packaging/cli.sh, c.sh and deb.sh (sourced after lib.sh, never run).
# One cargo invocation per target builds the CLI and the C library together, so their
# dependencies compile once per target and a later script finds them fresh.
#
#   x86_64-unknown-linux-musl   CLI only, static (musl-gcc from musl-tools for ring's C)
#   x86_64-unknown-linux-gnu    CLI + C library + Node addon, glibc 2.17 floor (cargo zigbuild
#                               ....2.17): the C tarball, the .deb and the npm linux-x64-gnu package
#   aarch64-unknown-linux-gnu   CLI + C library + Node addon, glibc 2.17 floor (cargo zigbuild): zig brings
#                               its own cross linker and libc stubs, so no cross gcc is needed
#                               to build, and the result runs on Amazon Linux 2, RHEL 7/8, ...
#   x86_64-pc-windows-gnu       CLI + C library (mingw-w64)

GLIBC_FLOOR=2.17

# The folder holding one target's release outputs.
release_dir() { echo "$TARGET_DIR/$1/release"; }

# CODECOMMIT_AUTH_DIST_PREBUILT=1 skips cargo and packs what TARGET_DIR holds (a machine whose
# target/ lock is busy with other builds; the release build must have run before).
release_build() {
  local target=$1 start=$SECONDS
  [ "${CODECOMMIT_AUTH_DIST_PREBUILT:-}" = 1 ] && return 0
  local cli=(-p codecommit-auth-cli) both=(-p codecommit-auth-cli -p codecommit-auth-ffi)
  # The Node addon joins the glibc builds: one feature set, so npm.sh finds it fresh.
  local all=("${both[@]}" -p codecommit-auth-node)
  rust_target "$target"
  case "$target" in
    x86_64-unknown-linux-musl)
      apt_install musl-tools
      CC_x86_64_unknown_linux_musl=musl-gcc cargo build --quiet --release --target "$target" "${cli[@]}" --bins ;;
    *-unknown-linux-gnu)
      with_venv cargo zigbuild --quiet --release --target "$target.$GLIBC_FLOOR" "${all[@]}" ;;
    x86_64-pc-windows-gnu)
      apt_install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
      cargo build --quiet --release --target "$target" "${both[@]}" ;;
    *) echo "release_build: no recipe for $target" >&2; return 2 ;;
  esac
  log "release build $target: $((SECONDS - start)) s"
}

# Reproducible archives: sorted names, root-owned, mtime of the last commit (or a fixed date).
archive_mtime() { echo "${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1700000000)}"; }

# tar_dir DIR OUT.tar.gz: DIR's basename as the single top-level folder.
tar_dir() {
  tar -C "$(dirname "$1")" --sort=name --owner=0 --group=0 --numeric-owner \
      --mtime="@$(archive_mtime)" -cf - "$(basename "$1")" | gzip -9n >"$2"
}

# pack_dir DIR OUT TARGET: DIR as OUT.zip for Windows (what its users unpack without extra
# tools), else OUT.tar.gz.
pack_dir() {
  if [[ $3 == *windows* ]]; then
    python3 "$ROOT/packaging/cli/zip_dir.py" "$1" "$2.zip" "$(archive_mtime)"
  else
    tar_dir "$1" "$2.tar.gz"
  fi
}

# The static library keeps the DWARF of C objects (ring, compiled by zig cc), which names the
# build machine's paths (the venv's ziglang include folders). Users get no use from it; drop it.
strip_static_debug() {
  local target=$1 library=$2 strip=strip
  case "$target" in
    x86_64-unknown-linux-*) apt_install binutils ;;
    aarch64-unknown-linux-gnu) apt_install binutils-aarch64-linux-gnu; strip=aarch64-linux-gnu-strip ;;
    # binutils' mingw strip stops at the section-less .dwo members rustc puts into the archive.
    x86_64-pc-windows-gnu) apt_install llvm; strip=llvm-strip ;;
    *) echo "strip_static_debug: no strip for $target" >&2; return 2 ;;
  esac
  "$strip" --strip-debug "$library"
}
