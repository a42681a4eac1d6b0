#!/bin/sh
# Time-series detector benchmark: Trellis against R surveillance on the same
# 1,000 seeded weekly series of 520 counts. Times EARS C3 and the Poisson
# CUSUM (reading the CSV files included on both sides), checks that the
# results are equal (upperbound to 1e-6 relative, alarms identical, NA where
# R has NA) and prints the times and the ratio R/Trellis.
# Run from the repository root: bench/analytics/ts.sh [COUNT]
# Exit status: 0 equal results, 1 a difference or a failure.
set -eu

COUNT=${1:-1000}
WORK=build/bench/ts
TIMEOUT=900
BENCH=build/bench/analytics/ts_bench

mkdir -p "$WORK/in"
rm -f "$WORK"/in/s*.csv

echo "generating $COUNT series of 520 weekly counts (R, seeded)..."
timeout $TIMEOUT Rscript bench/analytics/ts_gen.R "$WORK/in" "$COUNT"

make -s "$BENCH" >/dev/null

# Compares Trellis's and R's result files line by line.
compare() {
	paste -d, "$1" "$2" | awk -F, '
		NR == 1 { next }
		$1 != $5 || $2 != $6 { print "misaligned at line " NR; bad++; exit }
		($3 == "NA") != ($7 == "NA") { if (bad++ < 5) print "NA differs: series " $1 " t " $2; next }
		$3 != "NA" {
			d = $3 - $7; if (d < 0) d = -d
			w = $7 < 0 ? -$7 : $7
			if (d > 1e-6 * w + 1e-9 && bad++ < 5) print "upperbound differs: series " $1 " t " $2 ": " $3 " vs R " $7
			if (d > worst) worst = d
		}
		$4 != $8 && !($4 == "0" && $8 == "NA") { if (bad++ < 5) print "alarm differs: series " $1 " t " $2 }
		END { printf "  compared %d periods, largest absolute difference %.3g, %d differences\n", NR - 1, worst, bad; exit bad > 0 }'
	# (an alarm of 0 where R has NA is the same verdict: ts_bench writes
	# NA only when upperbound is NA)
}

status=0
for method in ears cusum; do
	label=$method; [ "$method" = ears ] && label="EARS C3"
	echo "$label:"
	tr=$("$BENCH" $method "$WORK/in" "$COUNT" "$WORK/trellis_$method.csv")
	r=$(timeout $TIMEOUT Rscript bench/analytics/ts_bench.R $method "$WORK/in" "$COUNT" \
		"$WORK/r_$method.csv")
	if ! compare "$WORK/trellis_$method.csv" "$WORK/r_$method.csv"; then
		echo "  RESULTS DIFFER"
		status=1
	fi
	awk -v t="$tr" -v r="$r" -v n="$COUNT" 'BEGIN {
		printf "  Trellis %.4f s (median of 15), R %.2f s, R/Trellis %.0fx (%d series)\n", t, r, r / t, n }'
done
exit $status
