#!/usr/bin/env bash
# CLI binaries (issue 15, item 1): dist/cli/codecommit-auth-VERSION-TARGET.tar.gz (.zip for
# Windows), each holding one folder of that name with the three programs, README.md and LICENSE.
# Windows also gets dist/cli/codecommit-auth-VERSION-x86_64-pc-windows-gnu.msi from the same
# files (packaging/cli/codecommit-auth.wxs: per-machine, Program Files, system PATH).
#   ci   x86_64-unknown-linux-musl (static: runs on any x86_64 Linux)
#   all  + aarch64-unknown-linux-gnu (glibc 2.17+) and x86_64-pc-windows-gnu (zip and MSI)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/packaging/release_build.sh"

SET=$(dist_set "${1:-all}")
PROGRAMS=(git-remote-codecommit git-credential-codecommit codecommit-auth)

targets=(x86_64-unknown-linux-musl)
[ "$SET" = all ] && targets+=(aarch64-unknown-linux-gnu x86_64-pc-windows-gnu)
# What tests/dist/test_cli.py runs them with: qemu-user and the arm64 loader (wine comes
# from tests/windows/setup.sh, which that test runs).
# wixl builds the MSI; msibuild (msitools) completes it, and the test reads it with msiinfo.
[ "$SET" = all ] && apt_install qemu-user libc6-arm64-cross libgcc-s1-arm64-cross wixl msitools

# Builds first: dist/cli is emptied only once every build worked.
for target in "${targets[@]}"; do release_build "$target"; done

out=$(dist_dir cli)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
version=$(project_version)
for target in "${targets[@]}"; do
  name=codecommit-auth-$version-$target
  mkdir "$stage/$name"
  exe=""; [[ $target == *windows* ]] && exe=.exe
  for program in "${PROGRAMS[@]}"; do
    install -m 0755 "$(release_dir "$target")/$program$exe" "$stage/$name/"
  done
  install -m 0644 "$ROOT/README.md" "$ROOT/LICENSE" "$stage/$name/"
  pack_dir "$stage/$name" "$out/$name" "$target"
  if [ -n "$exe" ]; then
    bash "$ROOT/packaging/cli/msi.sh" "$stage/$name" "$out/$name.msi" "$version"
  fi
  log "dist/cli/$(cd "$out" && echo "$name".*)"
done
