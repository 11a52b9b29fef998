#!/usr/bin/env bash
# Run the C programs under valgrind's memcheck against target/release/libhpkern.so (run
# `make lib` first), installing valgrind if needed:
#   target/c/example      bindings/c/example.c: every kernel with the book's numbers
#   target/c/test_hpkern  ffi-tests/c/test_hpkern.c: results and every error status
#   target/c/stress       ffi-tests/c/stress.c, one round (HPK_STRESS_ROUNDS=1): 16 threads
#                         calling every kernel while the thread count changes (pool rebuilds)
# The programs are built with scripts/test-c.sh's flags when missing or older than their source.
# Other programs can be named instead: scripts/test-valgrind.sh PROGRAM... (each run without
# arguments).
#
# A program passes when it exits 0 and valgrind reports no error. Leak policy: definitely and
# indirectly lost blocks are errors. "Possibly lost" ones are not: they are glibc's per-thread TLS
# vectors (DTV, allocated by pthread_create) of the library's pool workers, still running when the
# process exits, and of exited threads whose stacks glibc keeps cached for reuse; valgrind sees
# them only through interior pointers. "Still reachable" ones are the pool and statics alive at
# exit. No suppressions are used (there is no ffi-tests/valgrind.supp).
#
# Logs go to target/valgrind/<program>.log. The last line is "valgrind: N passed, M failed"
# (N = programs that ran clean); the exit status is non-zero if any failed.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$REPO/target/release
BIN=$REPO/target/c
LOGS=$REPO/target/valgrind
CC=${CC:-cc}

if [ ! -e "$LIBDIR/libhpkern.so" ]; then
    echo "test-valgrind: $LIBDIR/libhpkern.so is missing: run 'make lib' first" >&2
    exit 1
fi
"$REPO/scripts/ensure-valgrind.sh"
mkdir -p "$BIN" "$LOGS"
cd "$REPO"

CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -O2)
USE_LIB=(-I "$REPO/include" -L "$LIBDIR" -lhpkern -Wl,-rpath,"$LIBDIR")

# build OUTPUT SOURCE [EXTRA_FLAGS...]: compile unless OUTPUT is newer than SOURCE and the header.
build() {
    local output=$1 source=$2
    shift 2
    if [ ! -x "$output" ] || [ "$source" -nt "$output" ] || [ include/hpkern.h -nt "$output" ]; then
        echo "test-valgrind: building $output" >&2
        "$CC" "${CFLAGS[@]}" "$source" "${USE_LIB[@]}" "$@" -o "$output"
    fi
}

VALGRIND=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
          --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect,possible
          --num-callers=30)

if [ "$#" -gt 0 ]; then
    programs=("$@")
else
    build "$BIN/example" bindings/c/example.c
    build "$BIN/test_hpkern" ffi-tests/c/test_hpkern.c -lm
    build "$BIN/stress" ffi-tests/c/stress.c -pthread
    programs=("$BIN/example" "$BIN/test_hpkern" "$BIN/stress")
fi

passed=0 failed=0
for program in "${programs[@]}"; do
    name=$(basename "$program")
    log=$LOGS/$name.log
    start=$SECONDS
    set +e
    HPK_STRESS_ROUNDS=1 "${VALGRIND[@]}" --log-file="$log" "$program" >"$LOGS/$name.out" 2>&1
    rc=$?
    set -e
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
    definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1)
    possible=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1)
    echo "valgrind: $name: exit $rc, ${errors:-?} errors, definitely lost ${definite:-0} bytes," \
         "possibly lost ${possible:-0} bytes ($((SECONDS - start)) s; log $log)"
    if [ "$rc" -eq 0 ] && [ "$errors" = 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        if [ "$rc" -eq 99 ] || [ "${errors:-1}" != 0 ]; then
            echo "FAIL: valgrind found errors in $name:" >&2
            grep -E '^==[0-9]+== ' "$log" | sed -n '/Invalid\|uninitialised\|definitely lost\|indirectly lost\|Mismatched\|free()/,+12p' | head -n 80 >&2 || true
        else
            echo "FAIL: $name exited $rc under valgrind; its output:" >&2
            tail -n 20 "$LOGS/$name.out" >&2
        fi
    fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
