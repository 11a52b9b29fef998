#!/usr/bin/env bash
# make bench-compare: hpkern beside the peers a Python user would otherwise reach for, in one run
# on this machine. Installs what is missing (as root on Debian: gcc, the venv module, Python
# headers, libprimesieve), keeps the Python peers in their own venv under target/bench-compare/
# (numba pins numpy, so they stay out of the test venv .venv), builds the book's C
# (gcc -O3 -march=native -fopenmp) and the Cython extensions, times hpkern's C ABI with
# criterion, then runs the Python harness (bench-compare/runner.py), which checks every answer,
# times everything and writes target/bench-compare/results.{json,md,png}.
# Needs the library built (`make lib`). Extra arguments go to runner.py (e.g. --only julia).
# BENCH_COMPARE_SKIP_CRITERION=1 leaves the C ABI rows out (quicker while developing).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
out=target/bench-compare
venv=$out/venv
cores=$(nproc)
mkdir -p "$out"

die() { echo "bench-compare: $*" >&2; exit 1; }
[ -f target/release/libhpkern.so ] || die "target/release/libhpkern.so is missing: run \`make lib\` first"

# The criterion bench compiles (LTO, a minute or two on a fresh tree) while the peers install.
criterion_log=$out/criterion.log
if [ "${BENCH_COMPARE_SKIP_CRITERION:-0}" != 1 ]; then
    cargo bench -p hpkern-bench-baseline --bench c_abi --no-run >"$criterion_log" 2>&1 &
    cargo_build=$!
fi

# -- system packages ---------------------------------------------------------------------------
scripts/ensure-command.sh gcc build-essential
scripts/ensure-command.sh python3
apt_install() {
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || die "$1 is missing: install the Debian package(s) ${*:2}"
    echo "bench-compare: installing the Debian package(s) ${*:2}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}"; } >/dev/null \
        || die "apt-get could not install ${*:2}"
}
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install "the venv module" python3-venv
[ -f "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] \
    || apt_install "Python.h (for Cython)" python3-dev
ldconfig -p | grep -q 'libprimesieve\.so' || apt_install "libprimesieve" libprimesieve-dev
ldconfig -p | grep -q 'libprimecount\.so' || apt_install "libprimecount" primecount

# -- the Python peers --------------------------------------------------------------------------
[ -x "$venv/bin/python" ] || { rm -rf "$venv"; python3 -m venv "$venv" || die "python3 -m venv failed"; }
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench-compare/requirements.txt \
    || die "pip install -r bench-compare/requirements.txt failed"

# -- the compiled peers: the book's C as a shared library, the Cython extensions ----------------
if [ ! -f "$out/libpeers.so" ] || [ bench-compare/c/peers.c -nt "$out/libpeers.so" ] \
    || [ bench-baseline/c/book_kernels.c -nt "$out/libpeers.so" ]; then
    gcc -O3 -march=native -fopenmp -shared -fPIC -Wall -o "$out/libpeers.so" bench-compare/c/peers.c -lm
fi
"$venv/bin/python" bench-compare/build_cython.py "$out/cython" >"$out/cython-build.log" 2>&1 \
    || { cat "$out/cython-build.log" >&2; die "building the Cython peers failed"; }

# -- hpkern's C ABI through criterion (all cores) -------------------------------------------------
runner_args=()
if [ -n "${cargo_build:-}" ]; then
    wait "$cargo_build" || { tail -n 30 "$criterion_log" >&2; die "building the c_abi bench failed"; }
    rm -rf target/criterion/c_abi  # only this run's medians may reach the report
    echo "bench-compare: timing hpkern's C ABI (criterion, log in $criterion_log)" >&2
    cargo bench -p hpkern-bench-baseline --bench c_abi >>"$criterion_log" 2>&1 \
        || { tail -n 30 "$criterion_log" >&2; die "the c_abi bench failed"; }
else
    runner_args+=(--no-criterion)
fi

# -- everything else in one Python process -------------------------------------------------------
echo "bench-compare: timing hpkern (ctypes) and the peers" >&2
status=0
NUMBA_NUM_THREADS=$cores OMP_NUM_THREADS=$cores NUMBA_CACHE_DIR="$PWD/$out/numba-cache" \
    BENCH_COMPARE_OUT="$PWD/$out" "$venv/bin/python" bench-compare/runner.py "${runner_args[@]}" "$@" || status=$?
echo "bench-compare: finished in $(( $(date +%s) - start )) s (exit status $status)"
exit "$status"
