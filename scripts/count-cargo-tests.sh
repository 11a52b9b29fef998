#!/usr/bin/env bash
# Sum the "test result:" lines of a cargo test log into one summary line: "LABEL: N passed, N failed".
# Fails (exit 1) when the log shows no test at all or any failure, so a silent run cannot pass.
set -euo pipefail
label=$1 log=$2
read -r passed failed < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { print p + 0, f + 0 }' "$log")
echo "$label: $passed passed, $failed failed"
[ "$passed" -gt 0 ] && [ "$failed" -eq 0 ]
