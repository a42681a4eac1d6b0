#!/usr/bin/env bash
# Notifications benchmark of `make bench`; run from the repository root.
#
# (1) An alert matching 10,000 subscriptions: the time to write the 10,000
# inbox items and queue the 10,000 e-mails in one transaction, against a
# bare SQLite loop inserting the same rows in one transaction
# (bench/notify/fanout_bench.c; floor: ratio bare / trellis >= 0.5).
# (2) E-mails per second delivered to an SMTP server on loopback
# (bench/notify/mail_rate.mjs, tests/smtp_sink.py; reported, no floor).
# Environment: BENCH_SUBSCRIPTIONS (10000), BENCH_MAILS (1000).
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
build/bench/notify/fanout_bench "$tmp" "${BENCH_SUBSCRIPTIONS:-10000}" || status=1
TRELLIS_BIN=${TRELLIS:-build/trellis} node bench/notify/mail_rate.mjs "${BENCH_MAILS:-1000}" || status=1
exit $status
