# shellcheck shell=bash disable=SC2154 # tmp and pids are the caller's
# Shared by bench/http/run.sh and bench/flame/run.sh (sourced, bash): the
# reference database with the generated alerts, and the servers under test.
# The caller sets tmp (a scratch directory), pids=() (killed on exit by its
# cleanup) and BENCH_NAME (the prefix of its messages).

TRELLIS=${TRELLIS:-build/trellis}
GEN_ALERTS=build/bench/alerts/gen

die()
{
	echo "$BENCH_NAME: $*" >&2
	exit 2
}

# stop_servers: kills the servers started (for the caller's cleanup).
stop_servers()
{
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
}

# start_server NAME COMMAND...: starts COMMAND with stderr in $tmp/NAME.log,
# waits (at most 10 s) for its {"msg":"listening","port":N} line and sets
# PORT and SERVER_PID. The process is killed on exit.
start_server()
{
	local name=$1
	shift
	"$@" 2>"$tmp/$name.log" >/dev/null &
	pids+=($!)
	SERVER_PID=$!
	PORT=
	for _ in $(seq 100); do
		PORT=$(grep -m1 -o '"msg":"listening","port":[0-9]*' "$tmp/$name.log" 2>/dev/null |
			grep -o '[0-9]*$')
		[ -n "$PORT" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$tmp/$name.log" >&2
	die "$name did not start"
}

# alert_db DBURL N WHERE [BATCH WORKERS]: the reference data in DBURL and N
# alerts made by bench/alerts/gen through the domain code (BATCH alerts per
# transaction by WORKERS processes; default one and one, see gen.c); prints
# how long they took ("generated N alerts WHERE in T s") and sets TOKEN, an
# API token of the bench analyst.
alert_db()
{
	local url=$1 n=$2 where=$3 t0 email
	shift 3
	"$TRELLIS" seed --reference --db "$url" >/dev/null 2>"$tmp/seed.log" ||
		{ cat "$tmp/seed.log" >&2; die "seed failed"; }
	[ "$n" -gt 0 ] || return 0
	make -s "$GEN_ALERTS" >/dev/null || die "cannot build the alert generator"
	t0=$(date +%s)
	email=$("$GEN_ALERTS" "$url" "$n" "$@") || die "alert generation failed"
	echo "generated $n alerts $where in $(($(date +%s) - t0)) s"
	TOKEN=$("$TRELLIS" token create --email "$email" --db "$url") || die "token failed"
}

# alert_anchor PORT: the id of the newest alert the bench analyst sees on the
# server at PORT (the anchor of the related rows).
alert_anchor()
{
	curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1/api/v1/alerts?limit=1" |
		grep -o '"id":"[0-9a-f-]*"' | head -1 | cut -d'"' -f4
}
