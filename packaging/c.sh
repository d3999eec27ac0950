#!/usr/bin/env bash
# C library tarballs (issue 15, item 5): dist/c/libcodecommit_auth-VERSION-TARGET.tar.gz, one
# folder of that name holding what `make -C ffi install` installs under a prefix: include/,
# lib/ (libcodecommit_auth.so.VERSION + SONAME links, libcodecommit_auth.a), lib/pkgconfig/,
# lib/cmake/codecommit_auth/, share/codecommit_auth/, plus README.md and LICENSE.
# The .pc files say prefix=/usr/local (right when unpacked there; elsewhere use
# `pkg-config --define-prefix`); the CMake package is relocatable.
#   ci   x86_64-unknown-linux-gnu (glibc 2.17+), the same build as the .deb
#   all  + aarch64-unknown-linux-gnu (glibc 2.17+)
# Not here: x86_64-pc-windows-gnu. The CMake template (ffi/cmake) and ffi/Makefile describe
# the Unix layout only (SONAME, .so); a Windows package needs its own config (dll in bin/,
# IMPORTED_IMPLIB), which the release workflow's MSVC build is the better place for.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/packaging/release_build.sh"

SET=$(dist_set "${1:-all}")
targets=(x86_64-unknown-linux-gnu)
[ "$SET" = all ] && targets+=(aarch64-unknown-linux-gnu)

apt_install make
for target in "${targets[@]}"; do release_build "$target"; done

out=$(dist_dir c)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
version=$(project_version)
for target in "${targets[@]}"; do
  name=libcodecommit_auth-$version-$target
  # TARGET_DIR: the Makefile's OUT is TARGET_DIR/release, here that target's release folder;
  # the libraries exist, so make runs no cargo.
  make -s -C "$ROOT/ffi" install PREFIX=/usr/local DESTDIR="$stage/$target" \
       TARGET_DIR="$TARGET_DIR/$target" >/dev/null
  mv "$stage/$target/usr/local" "$stage/$name"
  strip_static_debug "$target" "$stage/$name/lib/libcodecommit_auth.a"
  install -m 0644 "$ROOT/README.md" "$ROOT/LICENSE" "$stage/$name/"
  tar_dir "$stage/$name" "$out/$name.tar.gz"
  log "dist/c/$name.tar.gz"
done
