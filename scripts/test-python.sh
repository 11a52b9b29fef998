#!/usr/bin/env bash
# Test the Python bindings (bindings/python) with pytest, against both backends (ctypes, cffi).
# Needs the library built first (`make lib`). Ends with one line per backend,
# "ctypes: N passed, N failed" and "cffi: N passed, N failed", and exits non-zero if any test
# failed, pytest found no test (its exit code 5), or a backend ran no test.
set -euo pipefail
cd "$(dirname "$0")/.."

lib=target/release/libhpkern.so
[ -f "$lib" ] || { echo "test-python: $lib is missing: run \`make lib\` first" >&2; exit 1; }

scripts/setup-python.sh

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
status=0
# ffi-tests/python/pytest.ini puts bindings/python on sys.path; the library is found the default
# way (the repository build). Extra arguments go to pytest, e.g. -x or -k julia.
.venv/bin/python -m pytest ffi-tests/python -q --backend-summary="$summary" "$@" || status=$?

[ -s "$summary" ] || { echo "test-python: pytest wrote no summary (exit code $status)" >&2; exit 1; }
cat "$summary"
# pytest exit codes: 0 all passed, 1 some failed, 5 no test collected, others usage/internal errors.
[ "$status" -eq 0 ] || exit 1
# Every backend must have run tests, none failed.
awk '$2 == 0 || $4 != 0 { bad = 1 } END { exit bad }' "$summary"
