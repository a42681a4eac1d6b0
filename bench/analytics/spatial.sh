#!/bin/sh
# Spatial analytics benchmark; run from the repository root:
#   sh bench/analytics/spatial.sh
# 1. Gi* on 20,000 points with ~25 neighbours each: Trellis against R
#    spdep (dnearneigh + nb2listw(include.self) + localG) on the same CSV in
#    this run, z-values checked equal, ratio R / Trellis printed.
# 2. Gi* on 25k, 250k and 1M points (same density): growth with n.
# 3. Space-time permutation scan, 999 replications, prospective, radius
#    1.5 km, windows up to 30 days, 365 days: 25k, 100k and 250k events at
#    the same density (the area grows with n).
# Times are compute only (no CSV parsing) on both sides; Trellis's Gi* on
# 20k is the best of 5 runs since it takes milliseconds.
set -eu
ROOT=$(pwd)
test -f "$ROOT/src/analytics/gistar.c" || { echo "run from the repository root" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
THREADS=$(nproc 2>/dev/null || echo 1)

BENCH=build/bench/analytics/spatial_bench
make -s "$BENCH" >/dev/null

echo "== Gi* 20,000 points, ~25 neighbours: Trellis vs R spdep"
Rscript --vanilla - "$WORK" <<'REOF'
suppressMessages(library(spdep))
w <- commandArgs(TRUE)[1]
set.seed(1)
n <- 20000; side <- sqrt(pi * n / 25)
d <- data.frame(id = paste0("p", 1:n), x = runif(n, 0, side), y = runif(n, 0, side),
                value = rpois(n, 3))
write.csv(d, file.path(w, "gi20k.csv"), row.names = FALSE, quote = FALSE)
t0 <- proc.time()[["elapsed"]]
nb <- dnearneigh(cbind(d$x, d$y), 0, 1)
z <- as.numeric(localG(d$value, nb2listw(include.self(nb), style = "B")))
t1 <- proc.time()[["elapsed"]]
writeLines(sprintf("%.17g", z), file.path(w, "r_z.txt"))
writeLines(sprintf("%.6f", t1 - t0), file.path(w, "r_time.txt"))
cat(sprintf("mean neighbours (self included): %.1f\n", mean(card(nb)) + 1))
REOF
T_C=$("$BENCH" gistar "$WORK/gi20k.csv" 1 "$WORK/c_z.txt")
T_R=$(cat "$WORK/r_time.txt")
paste -d' ' "$WORK/c_z.txt" "$WORK/r_z.txt" | awk -v tc="$T_C" -v tr="$T_R" '
	{ d = $1 - $2; if (d < 0) d = -d; a = $2 < 0 ? -$2 : $2;
	  if (d > 1e-6 * a + 1e-9) bad++; r = d / (a > 1e-12 ? a : 1e-12); if (r > m) m = r; n++ }
	END {
		printf "R spdep:  %.3f s\nTrellis:  %.4f s\n", tr, tc
		printf "z equal on %d of %d points (max relative difference %.2g)\n", n - bad, n, m
		printf "ratio R / Trellis: %.0fx\n", tr / tc
		if (bad > 0 || n != 20000) { print "FAIL: results differ"; exit 1 }
	}'

echo "== Gi* growth with n (~25 neighbours, euclidean)"
for n in 25000 250000 1000000; do
	printf "n = %7d  %.3f s\n" "$n" "$("$BENCH" gistar-synth "$n" 25)"
done

echo "== space-time permutation scan, 999 replications, $THREADS threads"
echo "   (prospective, 365 days, windows <= 30 days, radius 1.5 km, one place per 5 events, same density)"
for n in 25000 100000 250000; do
	"$BENCH" stscan-synth "$n" 999 "$THREADS" 365 $((n / 5)) | awk -v n="$n" \
		'{ printf "events = %6d  %.2f s  (%d locations, %d centre-neighbour pairs, top LLR %.2f, p %.3f)\n", n, $1, $2, $3, $4, $5 }'
done
