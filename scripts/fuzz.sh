#!/usr/bin/env bash
# Fuzz the C ABI with libFuzzer through cargo-fuzz: target `abi` (fuzz/fuzz_targets/abi.rs) drives
# every hpk_* export with arbitrary arguments, sizes and pointer layouts under AddressSanitizer.
#
# Usage: scripts/fuzz.sh [SECONDS] [LIBFUZZER_ARGS...]
#   SECONDS defaults to $FUZZ_SECONDS, else 60. Extra arguments go to libFuzzer (e.g. -seed=1).
# The corpus grows in fuzz/corpus/abi (kept between runs, git-ignored), seeded from fuzz/seeds/abi
# (written by `make fuzz-seeds` from fuzz/src/seeds.rs); a crash is saved in fuzz/artifacts/abi. Exits non-zero on any
# crash, panic, timeout, leak or sanitizer report (libFuzzer's exit status).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-${FUZZ_SECONDS:-60}}"
[ $# -gt 0 ] && shift
case "$seconds" in
    '' | *[!0-9]*) echo "fuzz: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# cargo-fuzz builds with nightly-only rustc flags (-Zsanitizer=address, sancov passes). Use the
# nightly toolchain when rustup has one; otherwise the default (stable) toolchain with
# RUSTC_BOOTSTRAP=1, which unlocks those flags on a stable compiler.
toolchain=()
if command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
    echo "fuzz: no nightly toolchain; using $(rustc --version) with RUSTC_BOOTSTRAP=1"
fi

corpus=fuzz/corpus/abi
seeds=fuzz/seeds/abi
artifacts=fuzz/artifacts/abi
mkdir -p "$corpus" "$artifacts" fuzz/target
log=fuzz/target/fuzz-abi.log
before=$(ls "$artifacts" | sort)

set +e
# -timeout: one input taking 30 s is a hang (work per input is bounded far below that).
# -print_final_stats=1: the execution count parsed below.
cargo "${toolchain[@]}" fuzz run abi "$corpus" "$seeds" -- \
    -max_total_time="$seconds" -timeout=30 -print_final_stats=1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
corpus_size=$(find "$corpus" -type f | wc -l)
crashes=$(comm -13 <(echo "$before") <(ls "$artifacts" | sort) | grep -cE '^(crash|leak|timeout|oom|slow-unit)-' || true)
if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1 # a failure libFuzzer could not save (e.g. a sanitizer report before the crash handler)
fi

echo
echo "fuzz: log in $log"
echo "fuzz: corpus $corpus: $corpus_size inputs; coverage ${cov:-unknown}; ${rate:-?} executions/s"
if [ -z "$execs" ]; then
    echo "fuzz: no libFuzzer statistics (the build or the run failed, exit status $status)"
    exit $(( status == 0 ? 1 : status ))
fi
echo "fuzz: $execs executions, $crashes crashes"
if [ "$crashes" -gt 0 ]; then
    comm -13 <(echo "$before") <(ls "$artifacts" | sort) | sed "s|^|fuzz: new artifact $artifacts/|"
fi
exit "$status"
