#!/usr/bin/env bash
# The kernel unit tests once per instruction-set path this CPU supports below its widest one,
# forced with HPK_FORCE_ISA, so the scalar and AVX2 paths are tested through the public API even
# where AVX-512 is the default. The widest path is the default, which `make test-rust` already
# runs. (The tests also compare every supported path against the scalar one within each run.)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
paths=(scalar)
if has avx2 fma; then
    paths+=(avx2)
    if has avx512f avx512dq avx512vl avx512bw; then paths+=(avx512); fi
fi
mkdir -p target
echo "== the widest path, ${paths[-1]}, is the default: make test-rust runs it"
for path in "${paths[@]:0:${#paths[@]}-1}"; do
    echo "== kernel tests with HPK_FORCE_ISA=$path"
    HPK_FORCE_ISA=$path cargo test -p hpkern --lib 2>&1 | tee "target/test-isa-$path.log"
    scripts/count-cargo-tests.sh "ISA $path" "target/test-isa-$path.log"
done
