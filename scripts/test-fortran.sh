#!/usr/bin/env bash
# Build the Fortran module, example and tests against target/release/libhpkern.so (run
# `make lib` first) into target/fortran/, installing gfortran if needed, and run both programs.
# The example counts as two checks (it exits 0; it prints the book's Julia checksum); the tests
# report their own counts. The last line is "Fortran: N passed, M failed"; the exit status is
# non-zero on any failure.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$REPO/target/release
OUT=$REPO/target/fortran

if [ ! -e "$LIBDIR/libhpkern.so" ]; then
    echo "test-fortran: $LIBDIR/libhpkern.so is missing: run 'make lib' first" >&2
    exit 1
fi
"$REPO/scripts/ensure-gfortran.sh"
mkdir -p "$OUT"
cd "$REPO"

FFLAGS=(-std=f2018 -Wall -Wextra -pedantic -Werror -O2)
USE_LIB=(-L "$LIBDIR" -lhpkern -Wl,-rpath,"$LIBDIR")

# Compile failures stop the script here (set -e): nothing to count yet. The module's .mod and
# object go to $OUT; -J there keeps the source tree clean.
gfortran "${FFLAGS[@]}" -J "$OUT" -c bindings/fortran/hpkern.f90 -o "$OUT/hpkern.o"
gfortran "${FFLAGS[@]}" -I "$OUT" bindings/fortran/example.f90 "$OUT/hpkern.o" "${USE_LIB[@]}" -o "$OUT/example"
# The tests compare reals exactly on purpose (outputs must be bit-for-bit untouched after errors).
gfortran "${FFLAGS[@]}" -Wno-compare-reals -I "$OUT" ffi-tests/fortran/test_hpkern.f90 "$OUT/hpkern.o" \
    "${USE_LIB[@]}" -o "$OUT/test_hpkern"
# The shim is built and run by the Rust crate in ffi-tests/; here it only has to compile cleanly.
mkdir -p "$OUT/shim"
gfortran "${FFLAGS[@]}" -shared -fPIC -J "$OUT/shim" bindings/fortran/hpkern.f90 ffi-tests/shims/fortran_shim.f90 \
    "${USE_LIB[@]}" -o "$OUT/shim/libhpk_fortran_shim.so"

passed=0 failed=0
if "$OUT/example" >"$OUT/example.out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: bindings/fortran/example.f90 exited with an error" >&2; fi
cat "$OUT/example.out"
if grep -q 'checksum 33219980 ' "$OUT/example.out"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: the example did not print the Julia checksum 33219980" >&2; fi

set +e
"$OUT/test_hpkern" >"$OUT/test.log" 2>&1
rc=$?
set -e
grep -v '^Fortran: ' "$OUT/test.log" || true
summary=$(grep -E '^Fortran: [0-9]+ passed, [0-9]+ failed$' "$OUT/test.log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    read -r tp tf < <(echo "$summary" | awk '{ print $2, $4 }')
    passed=$((passed + tp)) failed=$((failed + tf))
    [ "$rc" -eq 0 ] || [ "$tf" -gt 0 ] || { failed=$((failed + 1)); echo "FAIL: test_hpkern exited $rc" >&2; }
else
    failed=$((failed + 1))
    echo "FAIL: test_hpkern exited $rc without its summary line (crash?)" >&2
fi
echo "Fortran: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
