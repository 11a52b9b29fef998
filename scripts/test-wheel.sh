#!/usr/bin/env bash
# The Python package as a user gets it, tested outside the repository:
#  1. `pip wheel ./bindings/python` builds a platform wheel (py3-none-<platform>) that bundles
#     libhpkern.so and py.typed;
#  2. the wheel installs into a fresh venv, and the whole Python test suite runs against the
#     installed package, both backends, from a directory that is not the repository
#     (HPKERN_TEST_INSTALLED=1, see ffi-tests/python/conftest.py);
#  3. `mypy --strict` accepts the package and a user script that calls every function, which
#     then runs;
#  4. `pip install -e ./bindings/python` works for development (the library is then the
#     repository build).
# Each numbered step counts as checks; the last line is "wheel: N passed, M failed".
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$REPO/target/wheel
cd "$REPO"
scripts/setup-python.sh

passed=0 failed=0
check() {  # check DESCRIPTION COMMAND...: run COMMAND, count it
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi
}

rm -rf "$OUT" && mkdir -p "$OUT"
fresh_venv() {  # fresh_venv DIR PACKAGE...: a new venv with PACKAGE... installed
    local dir=$1; shift
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}

# 1. The wheel.
.venv/bin/python -m pip wheel --quiet --disable-pip-version-check --no-deps ./bindings/python -w "$OUT/dist"
wheel=$(ls "$OUT"/dist/hpkern-*.whl)
echo "built $(basename "$wheel")"
check "the wheel is tagged py3-none-<platform>" \
    bash -c "[[ '$(basename "$wheel")' =~ -py3-none-linux_[a-z0-9_]+\.whl$ ]]"
contents=$(.venv/bin/python -m zipfile -l "$wheel")
check "the wheel bundles hpkern/libhpkern.so" grep -q ' *hpkern/libhpkern.so ' <<<"$contents"
check "the wheel has hpkern/py.typed" grep -q 'hpkern/py.typed ' <<<"$contents"

# 2. Installed into a fresh venv outside the repository; the test suite from there.
elsewhere=$(mktemp -d "${TMPDIR:-/tmp}/hpkern-wheel-test.XXXXXX")
trap 'rm -rf "$elsewhere"' EXIT
fresh_venv "$elsewhere/venv" "$wheel[progress,plot,dask]" "pytest>=7.0" "mypy>=1.8"
check "the installed package loads its bundled library" \
    bash -c "cd '$elsewhere' && env -u PYTHONPATH -u HPKERN_LIBRARY '$elsewhere/venv/bin/python' -c \
        'import hpkern, pathlib; p = pathlib.Path(hpkern.library_path()); \
         assert p.parent == pathlib.Path(hpkern.__file__).parent, p; \
         assert hpkern.julia_grid(1000, 1000).sum() == 33219980'"
summary=$elsewhere/summary
status=0
(cd "$elsewhere" && env -u PYTHONPATH HPKERN_TEST_INSTALLED=1 "$elsewhere/venv/bin/python" -m pytest \
    "$REPO/ffi-tests/python" -q -p no:cacheprovider --rootdir="$REPO/ffi-tests/python" \
    --backend-summary="$summary") || status=$?
check "the test suite passes against the installed package (pytest exit $status)" [ "$status" -eq 0 ]
check "both backends ran tests against the installed package" \
    awk '$2 == 0 || $4 != 0 { bad = 1 } END { exit bad || NR != 2 }' "$summary"
sed 's/^/installed /' "$summary"

# 3. Types.
check "mypy --strict accepts the installed package" \
    bash -c "cd '$elsewhere' && '$elsewhere/venv/bin/python' -m mypy --strict --no-incremental -p hpkern"
check "mypy --strict accepts a user script calling every function" \
    bash -c "cd '$elsewhere' && '$elsewhere/venv/bin/python' -m mypy --strict --no-incremental \
        '$REPO/ffi-tests/typing/uses_every_function.py'"
check "the user script runs" \
    bash -c "cd '$elsewhere' && '$elsewhere/venv/bin/python' '$REPO/ffi-tests/typing/uses_every_function.py'"

# 4. Editable install, for development.
fresh_venv "$elsewhere/venv-editable" -e ./bindings/python
check "an editable install imports from elsewhere and uses the repository build" \
    bash -c "cd '$elsewhere' && env -u PYTHONPATH -u HPKERN_LIBRARY '$elsewhere/venv-editable/bin/python' -c \
        'import hpkern; assert hpkern.library_path() == \"$REPO/target/release/libhpkern.so\", \
         hpkern.library_path(); assert hpkern.count_primes(10**6) == 78498'"

echo "wheel: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
