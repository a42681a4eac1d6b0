#!/usr/bin/env bash
# Tip intake benchmark of `make bench`; run from the repository root.
#
# Measures, in one run on this machine: (1) a bare C loop doing one durable
# SQLite insert per transaction (bench/tips/bare.c: WAL,
# synchronous=FULL), (2) Trellis taking tips on POST /api/v1/public/tips
# from 64 concurrent connections (wrk) against SQLite with
# synchronous=FULL, and prints tips/s (rows actually committed, counted in
# the database) and the ratio to the bare loop. Group commit should put
# the ratio at or above the floor, 1.0.
#
# For the benchmark only, the abuse checks that would stop one address
# from sending thousands of tips are switched off through the environment:
# TRELLIS_TIP_POW_BITS=0 (no proof of work), TRELLIS_TIP_RATE=0 (no
# per-address limit), TRELLIS_TIP_PENDING_MAX=0 (no bound per area).
# Environment: BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS
# (64). Exit status 1 when the ratio is below the floor.
set -u
cd "$(dirname "$0")/../.." || exit 2

DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
TRELLIS=${TRELLIS:-build/trellis}
FLOOR=1.0
tmp=$(mktemp -d)
pid=""
cleanup()
{
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die()
{
	echo "bench/tips: $*" >&2
	exit 2
}

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"
[ -x "$TRELLIS" ] || die "$TRELLIS is missing: run make first"
make -s build/bench/tips/bare >/dev/null || die "cannot build bench/tips/bare.c"

# (1) the reference, on the same file system as the server's database
bare=$(build/bench/tips/bare "$tmp/bare.db" "$DURATION" | awk '/bare inserts/ {print $3}')
[ -n "$bare" ] || die "the bare loop failed"

# (2) Trellis
db="$tmp/trellis.db"
"$TRELLIS" seed --reference --db "sqlite:$db" >/dev/null 2>&1 || die "seed failed"
sqlite3 "$db" "INSERT INTO organisations (id, name, kind, country, created_at, updated_at)
  VALUES ('0190f000-0000-7000-8000-0000000be0c4', 'Bench Police', 'police', 'AT', 0, 0)"
# 64 workers: each request waits for its batch to commit, so as many
# workers as connections let one commit carry them all
TRELLIS_TIP_POW_BITS=0 TRELLIS_TIP_RATE=0 TRELLIS_TIP_PENDING_MAX=0 \
	"$TRELLIS" serve --listen 127.0.0.1:0 --db "sqlite:$db" --threads "$CONNECTIONS" \
	2>"$tmp/serve.log" >/dev/null &
pid=$!
port=""
for _ in $(seq 100); do
	port=$(sed -n 's/.*"msg":"listening","port":\([0-9]*\).*/\1/p' "$tmp/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || die "trellis did not start: $(cat "$tmp/serve.log")"
before=$(sqlite3 "$db" "SELECT COUNT(*) FROM tips")
start=$(date +%s.%N)
wrk -t 2 -c "$CONNECTIONS" -d "${DURATION}s" -s bench/tips/post.lua \
	"http://127.0.0.1:$port/api/v1/public/tips" >"$tmp/wrk.txt" 2>&1 || die "wrk failed"
end=$(date +%s.%N)
after=$(sqlite3 "$db" "SELECT COUNT(*) FROM tips")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk.txt")
p99=$(awk '/Latency/ {print $2; exit}' "$tmp/wrk.txt")
tips=$(awk -v n=$((after - before)) -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", n / (b - a)}')
ratio=$(awk -v t="$tips" -v b="$bare" 'BEGIN {printf "%.2f", t / b}')
printf '%-44s %10s\n' "bare C loop, 1 durable insert/transaction" "$bare/s"
printf '%-44s %10s  (avg latency %s, non-2xx %s)\n' "trellis tips, $CONNECTIONS connections" "$tips/s" "$p99" "${non2xx:-0}"
if awk -v r="$ratio" -v f="$FLOOR" 'BEGIN {exit !(r >= f)}'; then
	echo "ratio $ratio (floor $FLOOR): ok"
else
	echo "ratio $ratio (floor $FLOOR): BELOW"
	exit 1
fi
