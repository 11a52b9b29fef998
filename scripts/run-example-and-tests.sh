#!/usr/bin/env bash
# Shared tail of test-c.sh and test-fortran.sh: run a language's example and test program and
# print one summary line.
#   run-example-and-tests.sh LABEL EXAMPLE_SOURCE OUT_DIR
# OUT_DIR holds the built `example` and `test_hpkern`. The example counts as two checks (it exits
# 0; it prints the book's Julia checksum); the test program prints "LABEL: N passed, M failed"
# itself. The last line is "LABEL: N passed, M failed"; the exit status is non-zero on any failure,
# on a crash before the test's summary, or when nothing passed.
set -euo pipefail
label=$1 example_source=$2 out=$3

passed=0 failed=0
if "$out/example" >"$out/example.out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $example_source exited with an error" >&2; fi
cat "$out/example.out"
if grep -q 'checksum 33219980 ' "$out/example.out"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: the example did not print the Julia checksum 33219980" >&2; fi

set +e
"$out/test_hpkern" >"$out/test.log" 2>&1
rc=$?
set -e
grep -v "^$label: " "$out/test.log" || true
summary=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed\$" "$out/test.log" | tail -n 1 || true)
if [ -n "$summary" ]; then
    read -r tp tf < <(echo "$summary" | awk '{ print $2, $4 }')
    passed=$((passed + tp)) failed=$((failed + tf))
    [ "$rc" -eq 0 ] || [ "$tf" -gt 0 ] || { failed=$((failed + 1)); echo "FAIL: test_hpkern exited $rc" >&2; }
else
    failed=$((failed + 1))
    echo "FAIL: test_hpkern exited $rc without its summary line (crash?)" >&2
fi
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
