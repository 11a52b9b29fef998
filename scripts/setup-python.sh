#!/usr/bin/env bash
# Create (once) the repo's Python virtual environment .venv and install what the Python bindings
# and their tests need: numpy, cffi, pytest, tqdm (progress bars), matplotlib (pictures), dask and
# distributed (hpkern.dask). Idempotent and quiet: a second run changes nothing.
# The bindings themselves are used from the source tree (PYTHONPATH=bindings/python), so no
# editable install is needed. Prints only errors.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
requirements=("numpy>=1.24" "cffi>=1.15" "pytest>=7.0" "tqdm>=4.60" "matplotlib>=3.6" "dask[array]>=2024.1" "distributed>=2024.1")

die() { echo "setup-python: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 not found: install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "python3 is $(python3 -V 2>&1); the bindings need Python 3.10 or newer"

if [ ! -x "$venv/bin/python" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    # Debian and Ubuntu ship venv/ensurepip separately (python3-venv); install it when we may.
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
      { apt-get update -qq && apt-get install -y -qq python3-venv "python${pyver}-venv"; } >/dev/null 2>&1 \
        || apt-get install -y -qq python3-venv >/dev/null 2>&1 \
        || die "could not install python3-venv with apt-get"
      python3 -m venv "$venv" >/dev/null || die "python3 -m venv failed even after installing python3-venv"
    else
      die "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv) and retry"
    fi
  fi
fi

# pip checks the installed versions itself, offline, when the requirements are already met.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" \
  || die "pip install ${requirements[*]} failed"
