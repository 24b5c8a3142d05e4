#!/usr/bin/env bash
# bench/grid.sh — grid_agg and hex_agg against a plain scan, serial and with
# 2 parallel workers, on the bundled data and on 1,000,000 synthetic
# clustered events.  Prints ratios measured in the same run.
# Usage: bench/grid.sh [N]   (needs a server with the extension: make demo)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_cluster_env
n=${1:-1000000}
psql -X -q -v ON_ERROR_STOP=1 -f bench/lib.sql
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.make_events('bench_events', $n)" -c "VACUUM bench_events"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE TEMP TABLE t(bench text, table_name text, workers int, ms float8);
INSERT INTO t
SELECT b, tb, 0, bench.time_ms(format(q, tb), 5)
FROM (VALUES ('count(geom)', 'SELECT count(geom) FROM %I'),
             ('grid_agg 250 m', 'SELECT safety.grid_agg(geom, 250) FROM %I'),
             ('hex_agg 250 m', 'SELECT safety.hex_agg(geom, 250) FROM %I'),
             ('plain SQL grid', 'SELECT floor(ST_X(geom)/250), floor(ST_Y(geom)/250), count(*) FROM %I GROUP BY 1, 2'))
     AS q(b, q), (VALUES ('incidents'), ('bench_events')) AS tabs(tb);
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
INSERT INTO t
SELECT b, 'bench_events', 2, bench.time_ms(format(q, 'bench_events'), 5)
FROM (VALUES ('count(geom)', 'SELECT count(geom) FROM %I'),
             ('grid_agg 250 m', 'SELECT safety.grid_agg(geom, 250) FROM %I'),
             ('hex_agg 250 m', 'SELECT safety.hex_agg(geom, 250) FROM %I')) AS q(b, q);
\echo 'median of 5 runs, ms'
SELECT table_name, (SELECT count(*) FROM incidents) AS incidents_rows, bench, workers, round(ms::numeric, 1) AS ms
FROM t ORDER BY table_name, workers, bench;
\echo 'ratios (same run)'
SELECT s.table_name,
       round((g.ms / s.ms)::numeric, 2) AS grid_agg_over_count_scan,
       round((h.ms / s.ms)::numeric, 2) AS hex_agg_over_count_scan,
       round((p.ms / g.ms)::numeric, 2) AS plain_sql_grid_over_grid_agg
FROM t s JOIN t g ON g.table_name = s.table_name AND g.workers = 0 AND g.bench = 'grid_agg 250 m'
JOIN t h ON h.table_name = s.table_name AND h.workers = 0 AND h.bench = 'hex_agg 250 m'
JOIN t p ON p.table_name = s.table_name AND p.workers = 0 AND p.bench = 'plain SQL grid'
WHERE s.bench = 'count(geom)' AND s.workers = 0 ORDER BY 1;
SELECT a.bench, round((a.ms / b.ms)::numeric, 2) AS speedup_with_2_workers
FROM t a JOIN t b ON b.bench = a.bench AND b.table_name = a.table_name AND b.workers = 2
WHERE a.table_name = 'bench_events' AND a.workers = 0 ORDER BY 1;
SQL
