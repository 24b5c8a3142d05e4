#!/usr/bin/env bash
# refresh_under_load.sh — dashboards keep working while hotspot views refresh.
#
#  1. 1,000,000 synthetic events (20 km square, last 730 days) and a hotspot
#     view over the last 365 days (250 m cells); refresh time measured 3x.
#  2. pgbench, 8 clients, 60 s, the dashboard queries (bench/dashboard.pgbench),
#     once without refreshes and once while CALL safety.refresh_all() runs in a
#     loop; per-transaction logs (--log) give p50/p95/p99 latencies; any
#     client error fails the run.
#
# Not part of make test.  Uses PGHOST/PGPORT/PGUSER when set, else the
# throwaway cluster (scripts/cluster.sh).  BENCH_SECONDS, BENCH_EVENTS override.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
[ -n "${SAFETY_OWN_CLUSTER:-}" ] && bash scripts/cluster.sh start >/dev/null
export PGDATABASE=${BENCH_DB:-safety_bench}
secs=${BENCH_SECONDS:-60}
events=${BENCH_EVENTS:-1000000}
pgbench=$(pg_bindir)/pgbench
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$out"' EXIT

psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 ||
	psql -X -q -d postgres -c "CREATE DATABASE $PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF to_regproc('safety.create_hotspot_view') IS NULL THEN CREATE EXTENSION IF NOT EXISTS safety CASCADE; END IF;
END \$\$;
DROP TABLE IF EXISTS bench_events CASCADE;
DELETE FROM safety.views WHERE name = 'bench_hot';
SELECT setseed(0.42) \gset
-- clustered like crime: half the events around 40 centres, half uniform
CREATE TABLE bench_events AS
SELECT k AS id, now() - random() * interval '730 days' AS occurred_at,
       CASE WHEN k % 2 = 0
            THEN ST_SetSRID(ST_MakePoint(680000 + random() * 20000, 4320000 + random() * 20000), 32616)
            ELSE ST_SetSRID(ST_MakePoint(682000 + (k % 40) * 400 + random() * 600, 4322000 + (k % 37) * 420 + random() * 600), 32616)
       END::geometry(Point, 32616) AS geom
FROM generate_series(1, $events) k;
CREATE INDEX ON bench_events (occurred_at);
ANALYZE bench_events;
SELECT safety.create_hotspot_view('bench_hot', 'bench_events', 'geom', 'occurred_at', 250, 500, '365 days') \gset
SQL
for _ in 1 2 3; do psql -X -q -c "CALL safety.refresh('bench_hot')"; done
echo "== refresh of a hotspot view over $events events (365-day window, 250 m cells)"
psql -X -P footer=off -c "SELECT rows, round(extract(epoch FROM duration)::numeric, 3) AS seconds FROM safety.refresh_log WHERE view = 'bench_hot' AND status = 'ok' ORDER BY id DESC LIMIT 3"
psql -X -tAc "SELECT count(*) AS in_window FROM bench_events WHERE occurred_at > now() - interval '365 days'" | sed 's/^/events in window: /'

stats() { # logprefix
	cat "$1".* | awk '{print $3}' | sort -n | awk '{ a[NR] = $1 } END {
		printf "transactions %d  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n",
			NR, a[int(NR * 0.50)] / 1000, a[int(NR * 0.95)] / 1000, a[int(NR * 0.99)] / 1000, a[NR] / 1000 }'
}
run() { # name
	local dir=$out/$1
	mkdir -p "$dir"
	(cd "$dir" && "$pgbench" -n -c 8 -j 8 -T "$secs" -f "$root/bench/dashboard.pgbench" --log --log-prefix=tx >summary.txt 2>&1) || {
		cat "$dir/summary.txt"; echo "pgbench failed"; exit 1; }
	grep -E 'number of (transactions actually processed|failed transactions)|latency average|tps' "$dir/summary.txt" || true
	if grep -qiE 'aborted|error' "$dir/summary.txt"; then echo "client errors:"; grep -iE 'aborted|error' "$dir/summary.txt"; exit 1; fi
	echo -n "per-transaction log: "; stats "$dir/tx"
}
echo "== pgbench 8 clients ${secs}s, no refresh"
run quiet
echo "== pgbench 8 clients ${secs}s, CALL safety.refresh_all() in a loop"
before=$(psql -X -tAc "SELECT coalesce(max(id), 0) FROM safety.refresh_log")
( while :; do psql -X -q -c "CALL safety.refresh_all()" >/dev/null 2>&1; done ) &
loop=$!
run refreshing
kill $loop 2>/dev/null; wait $loop 2>/dev/null || true
psql -X -P footer=off -c "SELECT count(*) AS refreshes, count(*) FILTER (WHERE status <> 'ok') AS failed,
  round(avg(extract(epoch FROM duration))::numeric, 3) AS avg_seconds
  FROM safety.refresh_log WHERE id > $before AND view = 'bench_hot'"
