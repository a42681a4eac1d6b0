#!/usr/bin/env bash
# Where a Trellis endpoint spends its time: `make flame` (or bench/flame/run.sh
# [list|search|related|healthz], default search), from the repository root
# after `make`. Not part of `make bench`: it measures nothing against a floor.
#
# Serves the database of bench/http (the reference data and 100,000 alerts
# made by bench/alerts/gen, through bench/http/lib.sh; FLAME_DB=FILE reuses a
# SQLite file made so), drives the endpoint with wrk while `perf record`
# samples the server at 999 Hz, folds the stacks of `perf script` and writes
# bench/flame/out/ENDPOINT.svg (and .folded) with bench/flame/flame.mjs, which
# also prints the top 15 functions by self and by inclusive time.
#
# build/trellis is built -O2 -g without frame pointers (as are Debian's
# libraries), so the stacks are unwound from DWARF (--call-graph dwarf, 16 KiB
# of stack a sample: a deeper one is cut and shows under [unknown]);
# FLAME_CALLGRAPH=fp takes frame pointers instead (cheaper, broken stacks
# through code built without them). perf needs to see the server: as root it
# does; otherwise run `sysctl kernel.perf_event_paranoid=-1` first.
#
# Environment: FLAME_SECONDS (sampled seconds, default 10), FLAME_DB,
# FLAME_ALERTS (alerts made when FLAME_DB is not given, 100000),
# FLAME_CALLGRAPH (dwarf), BENCH_CONNECTIONS (64), BENCH_THREADS (2).
set -u

ENDPOINT=${1:-search}
SECONDS_SAMPLED=${FLAME_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
OUT=bench/flame/out
BENCH_NAME=bench/flame
# shellcheck source=bench/http/lib.sh
. bench/http/lib.sh

tmp=$(mktemp -d)
pids=()

cleanup()
{
	stop_servers
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$ENDPOINT" in
list | search | related | healthz) ;;
*)
	echo "usage: bench/flame/run.sh [list|search|related|healthz]" >&2
	exit 2
	;;
esac
[ -x "$TRELLIS" ] || die "$TRELLIS not found: run make first"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v perf >/dev/null || die "perf is not installed (apt-get install linux-perf)"
node bench/flame/flame.mjs --check >/dev/null || die "bench/flame/flame.mjs fails its own check"
if [ "$(id -u)" -ne 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 1 ]; then
	echo "$BENCH_NAME: perf may not see the server: sysctl kernel.perf_event_paranoid=-1 (as root)" >&2
fi

if [ -n "${FLAME_DB:-}" ]; then
	[ -f "$FLAME_DB" ] || die "$FLAME_DB not found"
	db="sqlite:$FLAME_DB"
	TOKEN=$("$TRELLIS" token create --email bench@example.org --db "$db") ||
		die "no bench analyst in $FLAME_DB (make it with bench/alerts/gen)"
else
	db="sqlite:$tmp/flame.db"
	alert_db "$db" "${FLAME_ALERTS:-100000}" "into SQLite"
fi
start_server trellis "$TRELLIS" serve --listen 127.0.0.1:0 --db "$db"
case "$ENDPOINT" in
list) path=/api/v1/alerts ;;
search) path="/api/v1/search?q=fentanyl+tablets&type=alert&limit=20" ;;
related) path="/api/v1/alerts/$(alert_anchor "$PORT")/related?limit=20" ;;
healthz) path=/healthz ;;
esac
url="http://127.0.0.1:$PORT$path"
auth="Authorization: Bearer ${TOKEN:-}"

# a warm-up, then the sampled run
wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d 2s -H "$auth" "$url" >/dev/null 2>&1
wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "$((SECONDS_SAMPLED + 2))s" --latency -H "$auth" "$url" \
	>"$tmp/wrk.out" 2>&1 &
wrk_pid=$!
sleep 1
case "${FLAME_CALLGRAPH:-dwarf}" in
fp) graph=(-g) ;;
*) graph=(--call-graph "dwarf,16384") ;;
esac
perf record -q -F 999 "${graph[@]}" -p "$SERVER_PID" -o "$tmp/perf.data" -- sleep "$SECONDS_SAMPLED" \
	2>"$tmp/perf.log" || { cat "$tmp/perf.log" >&2; die "perf record failed"; }
wait "$wrk_pid"
perf script -i "$tmp/perf.data" 2>/dev/null >"$tmp/perf.txt" || die "perf script failed"

mkdir -p "$OUT"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$tmp/wrk.out")
echo "flame graph of $ENDPOINT ($path): ${rps:-?} requests/s under perf, trellis $commit"
node bench/flame/flame.mjs --title "trellis $ENDPOINT, commit $commit, ${rps:-?} req/s under perf" \
	--svg "$OUT/$ENDPOINT.svg" --folded "$OUT/$ENDPOINT.folded" <"$tmp/perf.txt" ||
	die "folding failed"
echo "written: $OUT/$ENDPOINT.svg, $OUT/$ENDPOINT.folded"
