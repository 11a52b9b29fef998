#!/usr/bin/env bash
# Shared tail of test-c.sh and test-fortran.sh: run a language's example and test programs and
# print one summary line.
#   run-example-and-tests.sh LABEL EXAMPLE_SOURCE OUT_DIR [EXTRA_TEST...]
# OUT_DIR holds the built `example` and `test_hpkern`, and any EXTRA_TEST programs named after it
# (e.g. `stress`, `fork`). The example counts as two checks (it exits 0; it prints the book's
# Julia checksum); test_hpkern prints "LABEL: N passed, M failed" itself, and each extra test
# "LABEL EXTRA_TEST: N passed, M failed" (e.g. "C stress: 23 passed, 0 failed"); their counts are
# added up. The last line is "LABEL: N passed, M failed"; the exit status is non-zero on any
# failure, on a crash before a test's summary, or when nothing passed.
set -euo pipefail
label=$1 example_source=$2 out=$3
shift 3

passed=0 failed=0
if "$out/example" >"$out/example.out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $example_source exited with an error" >&2; fi
cat "$out/example.out"
if grep -q 'checksum 33219980 ' "$out/example.out"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: the example did not print the Julia checksum 33219980" >&2; fi

# run_test PROGRAM SUMMARY_LABEL LOG: run OUT_DIR/PROGRAM, show its output without its summary
# line, and add the counts of that line to the totals.
run_test() {
    local program=$1 summary_label=$2 log=$3 rc summary tp tf
    set +e
    "$out/$program" >"$log" 2>&1
    rc=$?
    set -e
    grep -v "^$summary_label: [0-9]* passed, [0-9]* failed\$" "$log" || true
    summary=$(grep -E "^$summary_label: [0-9]+ passed, [0-9]+ failed\$" "$log" | tail -n 1 || true)
    if [ -n "$summary" ]; then
        read -r tp tf < <(echo "${summary#"$summary_label: "}" | awk '{ print $1, $3 }')
        passed=$((passed + tp)) failed=$((failed + tf))
        [ "$rc" -eq 0 ] || [ "$tf" -gt 0 ] || { failed=$((failed + 1)); echo "FAIL: $program exited $rc" >&2; }
        [ "$label" = "$summary_label" ] || echo "$summary"
    else
        failed=$((failed + 1))
        echo "FAIL: $program exited $rc without its summary line (crash?)" >&2
    fi
}

run_test test_hpkern "$label" "$out/test.log"
for extra in "$@"; do
    run_test "$extra" "$label $extra" "$out/$extra.log"
done
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
