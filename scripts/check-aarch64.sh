#!/usr/bin/env bash
# Cross-build the kernels for aarch64 (the scalar path is the only one there) and run their unit
# tests under qemu user-mode emulation. Installs the Rust target, the cross gcc and qemu-user.
# Slow (the tests run emulated: about 3 minutes on 2 cores); not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=aarch64-unknown-linux-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
scripts/ensure-command.sh aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
scripts/ensure-command.sh qemu-aarch64 qemu-user
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
cargo build --release -p hpkern --target "$target"
cargo test -p hpkern --lib --target "$target"
