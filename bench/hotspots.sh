#!/usr/bin/env bash
# bench/hotspots.sh — kde_agg against the plain PostGIS SQL kernel density
# (cell centres joined to events with ST_DWithin, kernel weights summed),
# grid_agg against count(geom), the speed-up of kde_agg and grid_agg with 2
# parallel workers, gi_star on a grid of more than 100,000 cells, and the
# peak memory (backend VmHWM) of each — all from one run on the same tables:
# the bundled incidents and N (default 5,000,000) synthetic clustered events.
#
# The plain SQL KDE on all N events would take very long, so it is timed on
# a 1-in-SUB subset (default 50: 100,000 events) and the full-table time is
# EXTRAPOLATED linearly (its cost is proportional to the number of
# (cell, event) pairs, i.e. to the number of events at a fixed density
# pattern); kde_agg is timed on that same subset too, so the measured ratio
# is printed next to the extrapolated one.
# The parallel speed-ups are measured on the N events and again on M
# (default 1,000,000; 0 skips it) events, and the fixed cost of a parallel
# query (its workers start, and load PostGIS unless it is preloaded) on
# 20,000 events: the shorter the query, the more that cost weighs.
# Usage: bench/hotspots.sh [N] [SUB] [M]   (needs a server with the extension: make demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
n=${1:-5000000}
sub=${2:-50}
m=${3:-1000000}
cell=100 h=400 gcell=70 band=210
# the database with the bundled incidents (as make demo leaves it)
bench_database
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.ensure_events('bench_events', $n)"
if [ "$m" -gt 0 ]; then
	psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.ensure_events('bench_events_m', $m)" -c "VACUUM bench_events_m"
fi
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE INDEX IF NOT EXISTS bench_events_geom_idx ON bench_events USING gist (geom);
-- 20,000 events, planned with 2 workers: what a parallel query costs beyond its share of work
DROP TABLE IF EXISTS bench_small;
CREATE TABLE bench_small AS SELECT * FROM bench_events WHERE id <= 20000;
ALTER TABLE bench_small SET (parallel_workers = 2);
VACUUM ANALYZE bench_small;
DROP TABLE IF EXISTS bench_sub;
CREATE TABLE bench_sub AS SELECT * FROM bench_events WHERE id % $sub = 0;
CREATE INDEX ON bench_sub USING gist (geom);
VACUUM ANALYZE bench_events; VACUUM ANALYZE bench_sub;
-- the plain SQL KDE: quartic kernel at the centres of $cell m cells within $h m of an event
CREATE OR REPLACE FUNCTION bench.plain_kde_sql(tbl text) RETURNS text LANGUAGE sql AS \$f\$
  SELECT format(\$q\$
    WITH ext AS (SELECT ST_SetSRID(ST_Expand(ST_Extent(geom), $h), 32616) AS e FROM %I),
         grid AS (SELECT g.i, g.j, ST_SetSRID(ST_MakePoint((g.i + 0.5) * $cell, (g.j + 0.5) * $cell), 32616) AS c
                  FROM ext, ST_SquareGrid($cell, ext.e) g)
    SELECT count(*) FROM (
      SELECT g.i, g.j, sum(3 / pi() * (1 - (ST_Distance(g.c, e.geom) / $h) ^ 2) ^ 2 / ($h * $h)) AS density
      FROM grid g JOIN %I e ON ST_DWithin(g.c, e.geom, $h)
      WHERE ST_Distance(g.c, e.geom) < $h
      GROUP BY 1, 2) s\$q\$, tbl, tbl) \$f\$;
SQL
psql -X -qtA -c "SELECT 'server: ' || split_part(version(), ' on ', 1) || ', shared_preload_libraries = ''' || current_setting('shared_preload_libraries') || ''', shared_buffers ' || current_setting('shared_buffers') || ', max_parallel_workers ' || current_setting('max_parallel_workers') || ', ' || (SELECT count(*) FROM regexp_split_to_table(pg_read_file('/proc/cpuinfo'), E'\\n') l WHERE l LIKE 'processor%') || ' CPUs'"
# how far a second process scales on this machine at all (bench/two_cores.c)
tc=$(mktemp -d)
trap 'rm -rf "$tc"' EXIT
cc -O2 -o "$tc/two_cores" bench/two_cores.c && "$tc/two_cores"
echo "tables: incidents $(psql -X -qtAc 'SELECT count(geom) FROM incidents'), bench_events $(psql -X -qtAc 'SELECT count(*) FROM bench_events'), bench_sub $(psql -X -qtAc 'SELECT count(*) FROM bench_sub') (1 in $sub), bench_events_m $m (parallel only), bench_small 20000 (parallel only)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE t(bench text, table_name text, workers int, ms float8, min_ms float8, over_first float8);
-- kernel density against the plain SQL KDE (medians; the ratio is ~100x, far beyond drift)
INSERT INTO t
SELECT 'kde_agg $cell m h $h', tb, 0, bench.time_ms(format('SELECT safety.kde_agg(geom, $cell, $h) FROM %I', tb), 3), NULL, NULL
FROM (VALUES ('incidents'), ('bench_sub'), ('bench_events')) AS tabs(tb);
INSERT INTO t SELECT 'plain SQL KDE', tb, 0, bench.time_ms(bench.plain_kde_sql(tb), 1), NULL, NULL
FROM (VALUES ('incidents'), ('bench_sub')) AS tabs(tb);
-- grid_agg against the scan, taking turns (bench.interleaved_ms): on a
-- geometry(Point, 32616) column, and on the same values as plain geometry
-- (geom::geometry), whose type and SRID are checked row by row
INSERT INTO t
SELECT b.bench, tb, 0, r.median_ms, r.min_ms, r.over_first
FROM (VALUES ('incidents'), ('bench_events')) AS tabs(tb),
     LATERAL bench.interleaved_ms(ARRAY[
       format('SELECT count(geom) FROM %I', tb),
       format('SELECT safety.grid_agg(geom, $cell) FROM %I', tb),
       format('SELECT safety.grid_agg(geom::geometry, $cell) FROM %I', tb)], 11) WITH ORDINALITY AS r(q, median_ms, min_ms, over_first, k)
JOIN (VALUES (1, 'count(geom)'), (2, 'grid_agg $cell m'), (3, 'grid_agg $cell m, plain geometry')) AS b(k, bench) ON b.k = r.k;
-- gi_star on the $gcell m count grid of all events: every cell of the
-- rectangle (zeros included), and the default analysis set (the cells
-- within the band of a cell with events, which gi_star finds first)
CREATE TEMP TABLE g AS SELECT safety.grid_agg(geom, $gcell) AS g FROM bench_events;
INSERT INTO t SELECT 'gi_star $gcell m cells, band $band m, rectangle', 'bench_events', 0,
  bench.time_ms('SELECT count(*) FROM safety.gi_star((SELECT g FROM g), $band, analysis_set => ''rectangle'')', 3), NULL, NULL;
INSERT INTO t SELECT 'gi_star $gcell m cells, band $band m, near events', 'bench_events', 0,
  bench.time_ms('SELECT count(*) FROM safety.gi_star((SELECT g FROM g), $band)', 3), NULL, NULL;
-- serial against 2 parallel workers (with and without the leader scanning
-- too), taking turns (bench.parallel_ms)
CREATE TEMP TABLE par(table_name text, bench text, workers int, leader bool, ms float8, min_ms float8, speedup float8);
INSERT INTO par
SELECT tb, b, p.workers, p.leader, p.median_ms, p.min_ms, p.speedup
FROM (VALUES ('bench_events', 11, 5), ('bench_events_m', 11, 5), ('bench_small', 11, 11)) AS tabs(tb, r, rk)
     CROSS JOIN LATERAL (SELECT WHERE tb <> 'bench_events_m' OR $m > 0) AS wanted,
     LATERAL (VALUES ('count(geom)', format('SELECT count(geom) FROM %I', tb), r),
                     ('grid_agg $cell m', format('SELECT safety.grid_agg(geom, $cell) FROM %I', tb), r),
                     ('kde_agg $cell m h $h', format('SELECT safety.kde_agg(geom, $cell, $h) FROM %I', tb), rk)) AS q(b, q, reps),
     LATERAL bench.parallel_ms(q.q, q.reps) p;
\echo 'wall time, ms: median (and minimum where queries took turns; plain SQL KDE: one timed run after a warm-up run)'
SELECT table_name, bench, workers, round(ms::numeric, 1) AS ms, round(min_ms::numeric, 1) AS min_ms
FROM t ORDER BY table_name, workers, bench;
\echo 'serial and 2 workers taking turns: wall time, ms (leader: whether the leader scans too)'
SELECT table_name, bench, workers, leader, round(ms::numeric, 1) AS ms, round(min_ms::numeric, 1) AS min_ms
FROM par ORDER BY 1, 2, 3, 4 DESC;
\echo 'gi_star grid size'
SELECT s.analysis_set, count(*) AS analysed_cells, sum(value)::bigint AS events
FROM (VALUES ('rectangle'), ('near_events')) AS s(analysis_set),
     LATERAL safety.gi_star((SELECT g FROM g), $band, analysis_set => s.analysis_set) GROUP BY 1 ORDER BY 1 DESC;
\echo 'parallel plan check'
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT safety.kde_agg(geom, $cell, $h) FROM bench_events;
\echo 'kde_agg against the plain PostGIS SQL KDE (same run)'
SELECT p.table_name, round((p.ms / k.ms)::numeric, 1) AS plain_sql_over_kde_agg, 'measured' AS how
FROM t p JOIN t k ON k.table_name = p.table_name AND k.workers = 0 AND k.bench LIKE 'kde_agg%'
WHERE p.bench = 'plain SQL KDE'
UNION ALL
SELECT 'bench_events', round((p.ms * $sub / k.ms)::numeric, 1),
       'EXTRAPOLATED: plain SQL on the 1-in-$sub subset x $sub, over kde_agg measured on all events'
FROM t p, t k WHERE p.bench = 'plain SQL KDE' AND p.table_name = 'bench_sub'
  AND k.bench LIKE 'kde_agg%' AND k.table_name = 'bench_events' AND k.workers = 0;
\echo 'grid_agg over count(geom), serial, queries taking turns: median over the rounds of the ratio within a round; ratio of the medians; of the minimums'
SELECT s.table_name, g.bench, round(g.over_first::numeric, 2) AS over_count_scan,
       round((g.ms / s.ms)::numeric, 2) AS of_medians, round((g.min_ms / s.min_ms)::numeric, 2) AS of_minimums
FROM t s JOIN t g ON g.table_name = s.table_name AND g.workers = 0 AND g.bench LIKE 'grid_agg%'
WHERE s.bench = 'count(geom)' AND s.workers = 0 ORDER BY 1, 2;
-- each table and query in one row: serial, with the leader, workers only
CREATE TEMP VIEW par_wide AS
SELECT a.table_name, a.bench, a.ms, a.min_ms,
       b.ms AS l_ms, b.min_ms AS l_min_ms, b.speedup AS l_speedup,
       c.ms AS w_ms, c.min_ms AS w_min_ms, c.speedup AS w_speedup
FROM par a
JOIN par b ON b.table_name = a.table_name AND b.bench = a.bench AND b.workers = 2 AND b.leader
JOIN par c ON c.table_name = a.table_name AND c.bench = a.bench AND c.workers = 2 AND NOT c.leader
WHERE a.workers = 0;
\echo 'speed-up with 2 parallel workers, serial and parallel taking turns: median over the rounds of serial time / parallel time within a round (ratio of the medians, of the minimums)'
SELECT table_name, bench,
       round(l_speedup::numeric, 2) || ' (' || round((ms / l_ms)::numeric, 2) || ', ' || round((min_ms / l_min_ms)::numeric, 2) || ')' AS with_leader,
       round(w_speedup::numeric, 2) || ' (' || round((ms / w_ms)::numeric, 2) || ', ' || round((min_ms / w_min_ms)::numeric, 2) || ')' AS workers_only
FROM par_wide WHERE table_name <> 'bench_small' ORDER BY 1, 2;
\echo 'fixed cost of a parallel query: 2 workers minus half the serial time, on bench_small (20,000 events), ms (median)'
SELECT bench, round((l_ms - ms / 2)::numeric, 1) AS with_leader, round((w_ms - ms / 2)::numeric, 1) AS workers_only
FROM par_wide WHERE table_name = 'bench_small' ORDER BY 1;
SQL
echo "machine check again, after the timed queries"
"$tc/two_cores"
# peak memory: each query in a fresh serial backend, then its VmHWM
echo "peak memory of the backend (VmHWM, fresh session per query, serial plans; includes shared buffers it touched)"
hwm() {
	psql -X -qtA -v ON_ERROR_STOP=1 <<SQL
SET max_parallel_workers_per_gather = 0; SET jit = off;
$2;
SELECT rpad('$1', 40) || (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+ kB)'))[1];
SQL
}
hwm "baseline: count(geom) bench_events" "SELECT count(geom) FROM bench_events" | tail -1
hwm "grid_agg $cell m, bench_events" "SELECT safety.num_cells(safety.grid_agg(geom, $cell)) FROM bench_events" | tail -1
hwm "kde_agg $cell m h $h, bench_events" "SELECT safety.num_cells(safety.kde_agg(geom, $cell, $h)) FROM bench_events" | tail -1
hwm "grid_agg $gcell m + gi_star $band m" "SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, $gcell) FROM bench_events), $band)" | tail -1
