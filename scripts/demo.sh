#!/usr/bin/env bash
# The newcomer's first run: the same three kernels from C, Fortran and Python (ctypes and cffi),
# each printing the Julia checksum, a diffusion result and prime answers. Needs `make lib` first;
# installs gfortran and the Python venv when missing.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$REPO/target/release
OUT=$REPO/target/demo
cd "$REPO"
[ -e "$LIBDIR/libhpkern.so" ] || { echo "demo: $LIBDIR/libhpkern.so is missing: run 'make lib' first" >&2; exit 1; }
scripts/ensure-gfortran.sh
scripts/setup-python.sh
mkdir -p "$OUT"
USE_LIB=(-L "$LIBDIR" -lhpkern -Wl,-rpath,"$LIBDIR")

banner() { printf '\n===== %s =====\n' "$1"; }

banner "C (bindings/c/example.c)"
"${CC:-cc}" -std=c11 -O2 -I include bindings/c/example.c "${USE_LIB[@]}" -o "$OUT/example_c"
"$OUT/example_c"

banner "Fortran (bindings/fortran/example.f90)"
gfortran -O2 -J "$OUT" bindings/fortran/hpkern.f90 bindings/fortran/example.f90 "${USE_LIB[@]}" -o "$OUT/example_fortran"
"$OUT/example_fortran"

banner "Python (bindings/python/example.py)"
PYTHONPATH=bindings/python .venv/bin/python bindings/python/example.py
