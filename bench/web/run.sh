#!/usr/bin/env bash
# Web benchmark of `make bench`: the dashboard's first render on the demo
# data, in Debian's chromium, against the same page as static HTML served by
# the same server in the same run. Run from the repository root after `make`
# (and scripts/web-vendor).
set -u
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
db="sqlite:$tmp/demo.db"
build/trellis seed --reference --db "$db" >/dev/null 2>&1 || { echo "bench/web: seed failed"; exit 2; }
scripts/demo-data "$db" >/dev/null || { echo "bench/web: demo data failed"; exit 2; }
# a copy of the app, where the reference page is written
cp -r "${BENCH_WEB:-web}" "$tmp/web"
build/trellis serve --listen 127.0.0.1:0 --db "$db" --web "$tmp/web" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 100); do
  port=$(grep -o '"listening","port":[0-9]*' "$tmp/serve.log" | grep -o '[0-9]*$')
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "bench/web: server did not start"; exit 2; }
timeout 300 node bench/web/dashboard.mjs "http://127.0.0.1:$port" officer.wien@demo.example.org \
  "${TRELLIS_DEMO_PASSWORD:-trellis-demo-2026}" "$tmp/web"
