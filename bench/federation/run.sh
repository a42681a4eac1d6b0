#!/usr/bin/env bash
# Federation benchmark of `make bench`; run from the repository root.
#
# Initial sync of N alerts (BENCH_ALERTS, default 100000) from instance A
# to an empty instance B, both `trellis serve` on loopback, B pulling with
# the signed long-poll protocol and applying each bundle in one
# transaction. Measured in the same run, the baseline moves the same bytes
# the cheapest way: the answers A gives a new peer (bench/federation/dump)
# served as static files by nginx, fetched with curl over one connection,
# and their records inserted by a bare SQLite loop in one transaction
# (bench/federation/bare). Prints records/s of both, their ratio (floor
# 0.3) and B's extra memory while syncing (peak resident minus resident
# before it began, MiB). Then bench/federation/mesh.mjs: 58 instances as a
# star and as a partial mesh, the time for an alert to reach all of them.
# Exit status 1 when the ratio is below the floor or an alert does not
# reach every instance. BENCH_MESH=0 leaves the mesh out.
set -u
cd "$(dirname "$0")/../.." || exit 2

N=${BENCH_ALERTS:-100000}
TRELLIS=${TRELLIS:-build/trellis}
FLOOR=0.3
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup()
{
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die()
{
	echo "bench/federation: $*" >&2
	exit 2
}

command -v nginx >/dev/null || die "nginx is missing (scripts/bootstrap bench)"
command -v curl >/dev/null || die "curl is missing"
command -v sqlite3 >/dev/null || die "sqlite3 is missing"
make -s "$TRELLIS" build/bench/alerts/gen build/bench/federation/dump \
	build/bench/federation/bare >/dev/null || die "cannot build"
export TRELLIS_SECRET_KEY=${TRELLIS_SECRET_KEY:-$(printf 'be%.0s' $(seq 32))}
export TRELLIS_AUDIT_KEY=${TRELLIS_AUDIT_KEY:-$(printf 'ad%.0s' $(seq 32))}

port_of()
{
	local p=""
	for _ in $(seq 300); do
		p=$(sed -n 's/.*"msg":"listening","port":\([0-9]*\).*/\1/p' "$1")
		[ -n "$p" ] && break
		sleep 0.1
	done
	echo "$p"
}

# A: N alerts marked for federation
a="$tmp/a.db" b="$tmp/b.db"
"$TRELLIS" seed --reference --db "sqlite:$a" >/dev/null 2>&1 || die "seed failed"
"$TRELLIS" seed --reference --db "sqlite:$b" >/dev/null 2>&1 || die "seed failed"
echo "generating $N alerts on A ..."
build/bench/alerts/gen "sqlite:$a" "$N" >/dev/null || die "gen failed"
sqlite3 "$a" "UPDATE alerts SET distribution = 'federation'" || die "cannot mark"
read -r ida pka < <("$TRELLIS" node key --db "sqlite:$a")
read -r idb pkb < <("$TRELLIS" node key --db "sqlite:$b")

"$TRELLIS" serve --listen 127.0.0.1:0 --db "sqlite:$a" 2>"$tmp/a.log" >/dev/null &
pids+=($!)
pa=$(port_of "$tmp/a.log")
[ -n "$pa" ] || die "A did not start: $(cat "$tmp/a.log")"
"$TRELLIS" serve --listen 127.0.0.1:0 --db "sqlite:$b" 2>"$tmp/b.log" >/dev/null &
bpid=$!
pids+=($bpid)
pb=$(port_of "$tmp/b.log")
[ -n "$pb" ] || die "B did not start: $(cat "$tmp/b.log")"
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$bpid/status")
anon0=$(awk '/RssAnon/ {print $2}' "/proc/$bpid/status")
file0=$(awk '/RssFile/ {print $2}' "/proc/$bpid/status")

# B's progress is read from its log (a line per bundle applied, with the
# cursor reached and the time it committed), never by asking B: a count of
# its alerts costs B more the more it holds and would slow what is measured
head=$(sqlite3 "$a" "SELECT n FROM alert_seq WHERE id = 1") || die "cannot read A's head"
reached()
{
	awk -v h="$head" '/"msg":"federation bundle applied"/ && match($0, /"cursor":[0-9]+/) {
		if (substr($0, RSTART + 9, RLENGTH - 9) + 0 >= h && match($0, /"at_ms":[0-9]+/)) {
			print substr($0, RSTART + 8, RLENGTH - 8)
			exit
		}
	}' "$tmp/b.log"
}
"$TRELLIS" peer add --name b --url "http://127.0.0.1:$pb" --node-id "$idb" --public-key "$pkb" \
	--db "sqlite:$a" || die "peer add on A"
start=$(date +%s%3N)
"$TRELLIS" peer add --name a --url "http://127.0.0.1:$pa" --node-id "$ida" --public-key "$pka" \
	--db "sqlite:$b" || die "peer add on B"
end=""
anon=0 file=0 # B's largest private and file-backed (the mapped database) resident sizes
for _ in $(seq 6000); do
	end=$(reached)
	[ -n "$end" ] && break
	read -r an fi < <(awk '/RssAnon/ {a = $2} /RssFile/ {f = $2} END {print a + 0, f + 0}' \
		"/proc/$bpid/status")
	[ "$an" -gt "$anon" ] && anon=$an
	[ "$fi" -gt "$file" ] && file=$fi
	sleep 0.1
done
[ -n "$end" ] || die "B did not reach A's change $head in 10 minutes: $(grep -c 'bundle applied' "$tmp/b.log") bundles applied"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$bpid/status")
got=$(sqlite3 "$b" "SELECT COUNT(*) FROM alerts WHERE origin_node IS NOT NULL" 2>/dev/null || echo 0)
[ "$got" -ge "$N" ] || die "B reached A's last change with $got of $N alerts"
trellis_rate=$(awk -v n="$N" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n * 1000 / (b - a)}')

# the baseline: the same answers as static files, curl, a bare insert loop
mkdir -p "$tmp/www" && chmod 755 "$tmp/www"
read -r _ records _ bytes _ files < <(build/bench/federation/dump "sqlite:$a" "$tmp/www") ||
	die "dump failed"
chmod 644 "$tmp/www"/*.json
cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $tmp;
	proxy_temp_path $tmp;
	fastcgi_temp_path $tmp;
	uwsgi_temp_path $tmp;
	scgi_temp_path $tmp;
	server { listen 127.0.0.1:0; root $tmp/www; }
}
CONF
# nginx cannot listen on port 0: take a free port from the kernel first
np=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -i "s/listen 127.0.0.1:0/listen 127.0.0.1:$np/" "$tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" &
pids+=($!)
sleep 0.5
urls=()
for f in "$tmp/www"/*.json; do urls+=("http://127.0.0.1:$np/$(basename "$f")"); done
mkdir -p "$tmp/got"
t0=$(date +%s.%N)
(cd "$tmp/got" && curl -s --fail --remote-name-all "${urls[@]}") || die "curl failed"
t1=$(date +%s.%N)
bare=$(build/bench/federation/bare "$tmp/bare.db" "$tmp/got"/*.json | awk '{print $5}')
[ -n "$bare" ] || die "the bare loop failed"
base_rate=$(awk -v n="$records" -v a="$t0" -v b="$t1" -v s="$bare" 'BEGIN {printf "%.0f", n / (b - a + s)}')
ratio=$(awk -v t="$trellis_rate" -v b="$base_rate" 'BEGIN {printf "%.2f", t / b}')
extra=$(awk -v h="$hwm" -v r="$rss0" 'BEGIN {printf "%.1f", (h - r) / 1024}')

printf '%-58s %10s\n' "baseline: nginx + curl + bare SQLite loop ($files files, $((bytes / 1048576)) MiB)" "$base_rate/s"
printf '%-58s %10s\n' "trellis: initial sync of $N alerts A -> empty B" "$trellis_rate/s"
echo "B's extra memory while syncing: $extra MiB (peak resident $((hwm / 1024)) MiB; at most" \
	"$(((anon - anon0) / 1024)) MiB more private memory and $(((file - file0) / 1024)) MiB more of" \
	"the database file mapped, seen every 0.1 s)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
if awk -v r="$ratio" -v f="$FLOOR" 'BEGIN {exit !(r >= f)}'; then
	echo "ratio $ratio (floor $FLOOR): ok"
else
	echo "ratio $ratio (floor $FLOOR): BELOW"
	status=1
fi

# 57 national instances and the OSCE structures' on this machine
[ "${BENCH_MESH:-1}" = 0 ] && exit $status
echo "a federation of $(printf %s "${BENCH_NODES:-58}") instances on loopback:"
TRELLIS="$TRELLIS" node bench/federation/mesh.mjs || status=1
exit $status
