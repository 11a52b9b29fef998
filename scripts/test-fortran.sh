#!/usr/bin/env bash
# Build the Fortran module, example and tests against target/release/libhpkern.so (run
# `make lib` first) into target/fortran/, installing gfortran if needed, and run both programs
# through scripts/run-example-and-tests.sh, whose last line is "Fortran: N passed, M failed".
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

# Compile failures stop the script here (set -e): nothing to count yet. The modules' .mod files
# (hpkern's, and the tests' own test_progress_log) and objects go to $OUT; -J there keeps the
# source tree clean.
gfortran "${FFLAGS[@]}" -J "$OUT" -c bindings/fortran/hpkern.f90 -o "$OUT/hpkern.o"
gfortran "${FFLAGS[@]}" -J "$OUT" -I "$OUT" bindings/fortran/example.f90 "$OUT/hpkern.o" "${USE_LIB[@]}" -o "$OUT/example"
# The tests compare reals exactly on purpose (outputs must be bit-for-bit untouched after errors).
gfortran "${FFLAGS[@]}" -Wno-compare-reals -J "$OUT" -I "$OUT" ffi-tests/fortran/test_hpkern.f90 "$OUT/hpkern.o" \
    "${USE_LIB[@]}" -o "$OUT/test_hpkern"
# The shim is built and run by the Rust crate in ffi-tests/; here it only has to compile cleanly.
mkdir -p "$OUT/shim"
gfortran "${FFLAGS[@]}" -shared -fPIC -J "$OUT/shim" bindings/fortran/hpkern.f90 ffi-tests/shims/fortran_shim.f90 \
    "${USE_LIB[@]}" -o "$OUT/shim/libhpk_fortran_shim.so"

exec "$REPO/scripts/run-example-and-tests.sh" Fortran bindings/fortran/example.f90 "$OUT"
