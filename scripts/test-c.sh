#!/usr/bin/env bash
# Build the C example and tests against target/release/libhpkern.so (run `make lib` first) into
# target/c/, check the header from C++, and run the example, test_hpkern, the progress tests
# (progress: hpk_set_progress_handler) and the concurrency tests (stress: threads; fork:
# processes) through scripts/run-example-and-tests.sh, which adds up their counts into its last
# line, "C: N passed, M failed".
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$REPO/target/release
OUT=$REPO/target/c
CC=${CC:-cc}
CXX=${CXX:-c++}

if [ ! -e "$LIBDIR/libhpkern.so" ]; then
    echo "test-c: $LIBDIR/libhpkern.so is missing: run 'make lib' first" >&2
    exit 1
fi
mkdir -p "$OUT"
cd "$REPO"

CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -O2)
CXXFLAGS=(-std=c++11 -Wall -Wextra -Werror -pedantic -O2)
USE_LIB=(-I "$REPO/include" -L "$LIBDIR" -lhpkern -Wl,-rpath,"$LIBDIR")

# Compile failures stop the script here (set -e): nothing to count yet.
echo '#include <hpkern.h>' | "$CXX" -x c++ "${CXXFLAGS[@]}" -I "$REPO/include" -fsyntax-only -
"$CC" "${CFLAGS[@]}" bindings/c/example.c "${USE_LIB[@]}" -o "$OUT/example"
"$CXX" -x c++ "${CXXFLAGS[@]}" bindings/c/example.c -x none "${USE_LIB[@]}" -o "$OUT/example-cxx"
"$CC" "${CFLAGS[@]}" ffi-tests/c/test_hpkern.c "${USE_LIB[@]}" -lm -o "$OUT/test_hpkern"
# Progress reports and cancellation (hpk_set_progress_handler), one behaviour per test.
"$CC" "${CFLAGS[@]}" -pthread ffi-tests/c/test_progress.c "${USE_LIB[@]}" -o "$OUT/progress"
# Concurrency: 16 threads x every kernel while the thread count changes (and handlers cancel at
# random moments); fork() after and during use.
"$CC" "${CFLAGS[@]}" -pthread ffi-tests/c/stress.c "${USE_LIB[@]}" -o "$OUT/stress"
"$CC" "${CFLAGS[@]}" -pthread ffi-tests/c/fork.c "${USE_LIB[@]}" -o "$OUT/fork"
# The shim is built and run by the Rust crate in ffi-tests/; here it only has to compile cleanly.
"$CC" "${CFLAGS[@]}" -fPIC -shared ffi-tests/shims/c_shim.c "${USE_LIB[@]}" -o "$OUT/libhpk_c_shim.so"

exec "$REPO/scripts/run-example-and-tests.sh" C bindings/c/example.c "$OUT" progress stress fork
