#!/usr/bin/env bash
# C library packages (issue 15, item 5): dist/c/libcodecommit_auth-VERSION-TARGET.tar.gz (.zip
# for Windows), one folder of that name holding what `make -C ffi install` installs under a
# prefix, plus README.md and LICENSE:
#   Linux    include/, lib/ (libcodecommit_auth.so.VERSION + SONAME links, libcodecommit_auth.a),
#            lib/pkgconfig/, lib/cmake/codecommit_auth/, share/codecommit_auth/valgrind.supp
#   Windows  include/, bin/codecommit_auth.dll, lib/ (libcodecommit_auth.dll.a, the import
#            library, and libcodecommit_auth.a), lib/pkgconfig/, lib/cmake/codecommit_auth/
#            (ffi/Makefile's HOST_OS=Windows layout: the same templates, Windows names)
# The .pc files say prefix=/usr/local (right when unpacked there; elsewhere use
# `pkg-config --define-prefix`); the CMake package is relocatable.
#   ci   x86_64-unknown-linux-gnu (glibc 2.17+), the same build as the .deb
#   all  + aarch64-unknown-linux-gnu (glibc 2.17+) and x86_64-pc-windows-gnu (MinGW-w64; the
#        same build as the CLI's Windows zip). MSVC packages are the release workflow's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/packaging/release_build.sh"

SET=$(dist_set "${1:-all}")
targets=(x86_64-unknown-linux-gnu)
[ "$SET" = all ] && targets+=(aarch64-unknown-linux-gnu x86_64-pc-windows-gnu)

apt_install make
# tests/dist/test_c.py cross-builds C and C++ programs against the Windows zip.
[ "$SET" = all ] && apt_install gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 cmake
for target in "${targets[@]}"; do release_build "$target"; done

out=$(dist_dir c)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
version=$(project_version)
for target in "${targets[@]}"; do
  name=libcodecommit_auth-$version-$target
  windows=(); [[ $target == *windows* ]] && windows=(HOST_OS=Windows)
  # TARGET_DIR: the Makefile's OUT is TARGET_DIR/release, here that target's release folder;
  # the libraries exist, so make runs no cargo.
  make -s -C "$ROOT/ffi" install PREFIX=/usr/local DESTDIR="$stage/$target" \
       TARGET_DIR="$TARGET_DIR/$target" "${windows[@]}" >/dev/null
  mv "$stage/$target/usr/local" "$stage/$name"
  strip_static_debug "$target" "$stage/$name/lib/libcodecommit_auth.a"
  install -m 0644 "$ROOT/README.md" "$ROOT/LICENSE" "$stage/$name/"
  pack_dir "$stage/$name" "$out/$name" "$target"
  log "dist/c/$(basename "$out/$name".*)"
done
