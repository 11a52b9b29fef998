#!/usr/bin/env bash
# The newcomer's first run (`make demo`; needs `make lib` first, installs gfortran and the Python
# venv when missing):
#  1. the C and Fortran examples: the same library from those languages;
#  2. scripts/demo.py: each kernel checked against the book's answer and timed beside the book's
#     pure-Python and numpy versions, a table of speedups and three pictures in target/demo/;
#  3. the command line, `python -m hpkern` (the `hpkern` console script once pip-installed).
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
PY=(env PYTHONPATH=bindings/python .venv/bin/python)

banner() { printf '\n===== %s =====\n' "$1"; }

banner "C: bindings/c/example.c"
"${CC:-cc}" -std=c11 -O2 -I include bindings/c/example.c "${USE_LIB[@]}" -o "$OUT/example_c"
"$OUT/example_c"

banner "Fortran: bindings/fortran/example.f90"
gfortran -O2 -J "$OUT" bindings/fortran/hpkern.f90 bindings/fortran/example.f90 "${USE_LIB[@]}" -o "$OUT/example_fortran"
"$OUT/example_fortran"

banner "Python: the book's kernels, checked and timed (scripts/demo.py)"
"${PY[@]}" scripts/demo.py

banner "The command line: hpkern (python -m hpkern)"
for command in "info" "primes count 1e9" "primes check 100109100129100369" \
               "julia --size 400 -o $OUT/julia-cli.png"; do
    echo "\$ hpkern $command"
    # shellcheck disable=SC2086  # the command's words
    "${PY[@]}" -m hpkern $command
done
