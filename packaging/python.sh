#!/usr/bin/env bash
# Python release artefacts into dist/python/ (contract: packaging/lib.sh; checked by
# tests/dist/test_python.py):
#   codecommit_auth-V-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl   (ci, all)
#   codecommit_auth_cli-V-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (all)
#   codecommit_auth-V-cp39-abi3-manylinux_2_17_aarch64.manylinux2014_aarch64.whl (all)
#   codecommit_auth-V-cp39-abi3-musllinux_1_2_x86_64.whl                         (all)
#   codecommit_auth-V-cp39-abi3-win_amd64.whl  (all; windows-gnu, pyo3 makes the python3.dll import lib)
#   codecommit_auth-V.tar.gz, the sdist                                           (all)
# The Linux wheels link with zig (PyPI's ziglang) against glibc 2.17, so they install on
# Amazon Linux 2, RHEL 7/8, Ubuntu 20.04 and Debian 11; maturin's own auditwheel check then
# refuses any symbol newer than the manylinux2014 tag promises.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SET=$(dist_set "${1:-}")
OUT=$(dist_dir python)
cd "$ROOT"

# One maturin build into dist/python; the rest of the arguments choose project and target.
# Its own target dir: maturin's flags differ from cargo zigbuild's (release_build.sh), and in
# one target/<triple>/release the two builds would keep recompiling each other's dependencies.
wheel() {
  local start=$SECONDS
  CARGO_TARGET_DIR=$TARGET_DIR/python with_venv maturin build --release --quiet --out "$OUT" "$@"
  log "  ($((SECONDS - start)) s: maturin build $*)"
}

# The extension module package codecommit_auth (bindings/python; compatibility in pyproject.toml).
abi3_wheel() { wheel --manifest-path bindings/python/Cargo.toml "$@"; }

# The binary-only wheel codecommit_auth_cli (packaging/python-cli/pyproject.toml points at cli/).
cli_wheel() { (cd packaging/python-cli && wheel "$@"); }

log "python ($SET): abi3 wheel, manylinux2014 x86_64"
abi3_wheel --zig --target x86_64-unknown-linux-gnu
# CI builds one artefact of each kind: the CLI wheel (maturin links each of the three
# programs in its own release build) is in the all set only.
[ "$SET" = all ] || exit 0
log "python: CLI wheel, manylinux2014 x86_64"
cli_wheel --zig --target x86_64-unknown-linux-gnu

log "python: sdist"
with_venv maturin sdist --manifest-path bindings/python/Cargo.toml --out "$OUT"

log "python: abi3 wheel, manylinux2014 aarch64"
rust_target aarch64-unknown-linux-gnu
abi3_wheel --zig --target aarch64-unknown-linux-gnu

log "python: abi3 wheel, musllinux_1_2 x86_64"
rust_target x86_64-unknown-linux-musl
abi3_wheel --zig --target x86_64-unknown-linux-musl --compatibility musllinux_1_2
# zig records musl as NEEDED libc.so; auditwheel and the musllinux convention want
# libc.musl-x86_64.so.1 (both load on musl). The script says why and rewrites RECORD.
apt_install patchelf
with_venv python packaging/python/musl_soname.py "$OUT"/codecommit_auth-*-musllinux_1_2_x86_64.whl

log "python: abi3 wheel, win_amd64 (x86_64-pc-windows-gnu)"
rust_target x86_64-pc-windows-gnu
apt_install gcc-mingw-w64-x86-64
# pyo3 writes the python3.dll import library itself (no Windows Python needed here).
abi3_wheel --target x86_64-pc-windows-gnu --features pyo3/generate-import-lib
