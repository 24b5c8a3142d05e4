#!/usr/bin/env bash
# bench/grid.sh — grid_agg and hex_agg against a plain scan (count(geom)) and
# against plain SQL grid counting, serial and with 2 parallel workers, on the
# bundled data and on N (default 1,000,000) synthetic clustered events (table
# bench_events_m, the same as the M events of bench/hotspots.sh).
# Queries take turns (bench.interleaved_ms, bench.parallel_ms in
# bench/lib.sql), so the drift of a shared machine hits all of them alike;
# prints medians, minimums and the ratios measured in the same run.
# Usage: bench/grid.sh [N]   (needs a server with the extension: make demo)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_cluster_env
n=${1:-1000000}
psql -X -q -v ON_ERROR_STOP=1 -f bench/lib.sql
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.ensure_events('bench_events_m', $n)" -c "VACUUM bench_events_m"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE TEMP TABLE t(table_name text, bench text, ms float8, min_ms float8, over_first float8);
INSERT INTO t
SELECT tb, b.bench, r.median_ms, r.min_ms, r.over_first
FROM (VALUES ('incidents'), ('bench_events_m')) AS tabs(tb),
     LATERAL bench.interleaved_ms(ARRAY[
       format('SELECT count(geom) FROM %I', tb),
       format('SELECT safety.grid_agg(geom, 250) FROM %I', tb),
       format('SELECT safety.hex_agg(geom, 250) FROM %I', tb),
       format('SELECT floor(ST_X(geom) / 250), floor(ST_Y(geom) / 250), count(*) FROM %I GROUP BY 1, 2', tb)], 11)
       WITH ORDINALITY AS r(q, median_ms, min_ms, over_first, k)
JOIN (VALUES (1, 'count(geom)'), (2, 'grid_agg 250 m'), (3, 'hex_agg 250 m'), (4, 'plain SQL grid')) AS b(k, bench) ON b.k = r.k;
\echo 'serial, queries taking turns: median and minimum of 11 runs, ms'
SELECT table_name, bench, round(ms::numeric, 1) AS ms, round(min_ms::numeric, 1) AS min_ms FROM t ORDER BY 1, 2;
\echo 'ratios (same run): median over the rounds of the ratio within a round; ratio of the minimums'
SELECT s.table_name, g.bench, round(g.over_first::numeric, 2) AS over_count_scan,
       round((g.min_ms / s.min_ms)::numeric, 2) AS over_count_scan_min,
       round((p.ms / g.ms)::numeric, 2) AS plain_sql_grid_over_it
FROM t s JOIN t g ON g.table_name = s.table_name AND g.bench IN ('grid_agg 250 m', 'hex_agg 250 m')
JOIN t p ON p.table_name = s.table_name AND p.bench = 'plain SQL grid'
WHERE s.bench = 'count(geom)' ORDER BY 1, 2;
CREATE TEMP TABLE par AS
SELECT b AS bench, x.workers, x.leader, x.median_ms, x.min_ms, x.speedup
FROM (VALUES ('count(geom)', 'SELECT count(geom) FROM bench_events_m'),
             ('grid_agg 250 m', 'SELECT safety.grid_agg(geom, 250) FROM bench_events_m'),
             ('hex_agg 250 m', 'SELECT safety.hex_agg(geom, 250) FROM bench_events_m')) AS q(b, q),
     LATERAL bench.parallel_ms(q.q, 11) x;
\echo 'speed-up with 2 parallel workers on bench_events_m, with the leader scanning too and without (median over the rounds of serial / parallel within a round)'
SELECT s.bench, round(s.median_ms::numeric, 1) AS serial_ms, round(p.median_ms::numeric, 1) AS two_workers_ms,
       round(p.speedup::numeric, 2) AS speedup, round(w.median_ms::numeric, 1) AS workers_only_ms,
       round(w.speedup::numeric, 2) AS workers_only_speedup
FROM par s JOIN par p ON p.bench = s.bench AND p.workers = 2 AND p.leader
JOIN par w ON w.bench = s.bench AND w.workers = 2 AND NOT w.leader
WHERE s.workers = 0 ORDER BY 1;
SQL
