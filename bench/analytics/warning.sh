#!/bin/sh
# Early warning's false alarms and power (issue 14), from the repository
# root: sh bench/analytics/warning.sh [RUNS [SCAN_RUNS]]
# 200 seeded simulations of pure noise and of planted clusters; see the
# head of bench/analytics/warning_bench.c for what each row means. Prints
# figures, checks no floor: a benchmark, not a timed test.
set -eu
test -f src/analytics/gistar.c || { echo "run from the repository root" >&2; exit 2; }
BENCH=build/bench/analytics/warning_bench
make -s "$BENCH" >/dev/null
"$BENCH" "${1:-200}" "${2:-${1:-200}}"
