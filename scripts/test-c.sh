#!/usr/bin/env bash
# Build the C example and tests against target/release/libhpkern.so (run `make lib` first) into
# target/c/, check the header from C++, and run both programs. The example counts as two checks
# (it exits 0; it prints the book's Julia checksum); the tests report their own counts. The last
# line is "C: N passed, M failed"; the exit status is non-zero on any failure.
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
# The shim is built and run by the Rust crate in ffi-tests/; here it only has to compile cleanly.
"$CC" "${CFLAGS[@]}" -fPIC -shared ffi-tests/shims/c_shim.c "${USE_LIB[@]}" -o "$OUT/libhpk_c_shim.so"

passed=0 failed=0
if "$OUT/example" >"$OUT/example.out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: bindings/c/example.c exited with an error" >&2; fi
cat "$OUT/example.out"
if grep -q 'checksum 33219980 ' "$OUT/example.out"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: the example did not print the Julia checksum 33219980" >&2; fi

set +e
"$OUT/test_hpkern" >"$OUT/test.log" 2>&1
rc=$?
set -e
grep -v '^C: ' "$OUT/test.log" || true
summary=$(grep -E '^C: [0-9]+ passed, [0-9]+ failed$' "$OUT/test.log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    read -r tp tf < <(echo "$summary" | awk '{ print $2, $4 }')
    passed=$((passed + tp)) failed=$((failed + tf))
    [ "$rc" -eq 0 ] || [ "$tf" -gt 0 ] || { failed=$((failed + 1)); echo "FAIL: test_hpkern exited $rc" >&2; }
else
    failed=$((failed + 1))
    echo "FAIL: test_hpkern exited $rc without its summary line (crash?)" >&2
fi
echo "C: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
