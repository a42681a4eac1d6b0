#!/bin/sh
# Farrington flexible: Trellis against R surveillance::farringtonFlexible on
# the same 50 seeded series of 520 weeks (default options, last 104 weeks).
# Checks the results are equal (upperbound and expected to 1e-6 relative,
# NA alike, alarms identical), prints both times and the ratio, and fails
# when Trellis is not at least 50 times faster. Run from the repo root.
set -eu
FLOOR=50
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
dir=bench/analytics

bench=build/bench/analytics/farrington_bench
make -s "$bench" >/dev/null
timeout 120 Rscript "$dir/farrington_series.R" "$tmp/series.csv"

set -- $(timeout 300 "$bench" "$tmp/series.csv" "$tmp/trellis.csv")
t_trellis=$1
passes=$2
t_r=$(timeout 900 Rscript "$dir/farrington_r.R" "$tmp/series.csv" "$tmp/r.csv")

# Compare row by row; both files list series 1..50, weeks 417..520 in order.
paste -d, "$tmp/trellis.csv" "$tmp/r.csv" | awk -F, '
function same(a, b) {
	if (a == "NA" || b == "NA") return a == b
	d = a - b; if (d < 0) d = -d
	m = b < 0 ? -b : b
	return d <= 1e-6 * m + 1e-12
}
NR > 1 {
	n++
	if ($1 != $6 || $2 != $7 || !same($3, $8) || !same($4, $9) || $5 != $10) {
		bad++
		if (bad <= 5) print "mismatch: " $0 > "/dev/stderr"
	}
	if ($3 == "NA") na++
	alarms += $5
}
END {
	printf "compared %d periods: %d mismatches (%d NA upperbounds, %d alarms)\n", n, bad, na, alarms
	exit bad > 0 || n != 5200
}'

awk -v t="$t_trellis" -v r="$t_r" -v p="$passes" -v floor="$FLOOR" 'BEGIN {
	ratio = r / t
	printf "Trellis: %.4f s per pass (50 series x 104 weeks; mean of %d passes)\n", t, p
	printf "R:       %.3f s (farringtonFlexible, same input)\n", r
	printf "ratio:   %.0fx (floor %dx)\n", ratio, floor
	exit ratio < floor
}'
