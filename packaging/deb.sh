#!/usr/bin/env bash
# The .deb (issue 15, item 2): dist/deb/codecommit-auth_VERSION-1_amd64.deb, made by cargo-deb
# (crates.io, pinned) from the same x86_64 glibc-2.17 release build as the C tarball:
#   /usr/bin/                                   the three programs
#   /usr/lib/x86_64-linux-gnu/                  libcodecommit_auth.so.VERSION, .so.MAJOR, .so, .a
#   /usr/lib/x86_64-linux-gnu/pkgconfig/        codecommit_auth.pc, codecommit_auth-static.pc
#   /usr/lib/x86_64-linux-gnu/cmake/codecommit_auth/   the CMake package
#   /usr/include/                               codecommit_auth.h, codecommit_auth_libgit2.h
#   /usr/share/man/man1/                        one page per program, made from its --help
#   /usr/share/doc/codecommit-auth/             README.md, copyright
# The library part is exactly `make -C ffi install` with PREFIX=/usr and the multiarch LIBDIR,
# staged in TARGET/release/deb-root, which cli/Cargo.toml [package.metadata.deb] packs.
# ci and all build the same one package.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/packaging/release_build.sh"

dist_set "${1:-all}" >/dev/null
TARGET=x86_64-unknown-linux-gnu
MULTIARCH=x86_64-linux-gnu
CARGO_DEB_VERSION=3.8.0

apt_install make dpkg
if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
  log "cargo install cargo-deb $CARGO_DEB_VERSION"
  cargo install --quiet --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi
release_build "$TARGET"

built=$(release_dir "$TARGET")
root=$built/deb-root
rm -rf "$root"
make -s -C "$ROOT/ffi" install PREFIX=/usr LIBDIR="/usr/lib/$MULTIARCH" DESTDIR="$root" \
     TARGET_DIR="$TARGET_DIR/$TARGET" >/dev/null
strip_static_debug "$TARGET" "$root/usr/lib/$MULTIARCH/libcodecommit_auth.a"
install -d "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/codecommit-auth"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(archive_mtime)}
while IFS='|' read -r program description; do
  install -m 0755 "$built/$program" "$root/usr/bin/"
  "$ROOT/packaging/deb/man_page.sh" "$built/$program" "$description" | gzip -9n >"$root/usr/share/man/man1/$program.1.gz"
done <<'PROGRAMS'
git-remote-codecommit|git remote helper for codecommit:// URLs (AWS CodeCommit, signed HTTPS)
git-credential-codecommit|git credential helper answering with signed AWS CodeCommit passwords
codecommit-auth|sign AWS CodeCommit Git URLs and passwords, set up and check git for CodeCommit
PROGRAMS
install -m 0644 "$ROOT/README.md" "$root/usr/share/doc/codecommit-auth/"

out=$(dist_dir deb)
cargo deb --quiet --manifest-path "$ROOT/cli/Cargo.toml" --no-build --no-strip --target "$TARGET" \
  --output "$out/" >/dev/null
log "dist/deb/$(cd "$out" && ls)"
