#!/usr/bin/env bash
# bench/io.sh — text and binary I/O of safety.grid and safety.events, all
# inside the server (bench.time_ms: median of REPS runs after a warm-up):
#   text out  g::text                    (the type's output function)
#   text in   s::safety.grid             (the type's input function)
#   send      safety.grid_send(g)        (binary output)
#   recv      COPY ... FROM file (FORMAT binary) into an unlogged table
#             whose column is stored uncompressed, minus the same COPY of
#             a bytea column with the same bytes (what COPY itself costs)
# on a grid of 100,000 cells with full-precision densities (kde_agg-like
# values), a grid of 100,000 cells with integer counts, and 1,000,000
# synthetic clustered events (bench.make_events: full-precision UTM
# coordinates, times to the microsecond, ids).
# Usage: bench/io.sh [REPS]   (needs a server with the extension: make demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
reps=${1:-5}
datadir=$(psql -X -qtAc "SHOW data_directory")
psql -X -q -v ON_ERROR_STOP=1 -f bench/lib.sql
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.ensure_events('bench_events_m', 1000000)"
# the inputs, once (delete them to rebuild: DROP TABLE bench_io_text)
[ "$(psql -X -qtAc "SELECT count(*) FROM pg_class WHERE relname = 'bench_io_events'")" = 1 ] ||
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_io_grid, bench_io_text, bench_io_events;
-- 100,000 cells (316 x 317, first 100,000), densities and counts
CREATE UNLOGGED TABLE bench_io_text(what text PRIMARY KEY, s text);
ALTER TABLE bench_io_text ALTER s SET STORAGE EXTERNAL;
SELECT setseed(0.15);
INSERT INTO bench_io_text
SELECT 'grid densities', 'SRID=32616;SQUARE(100){' || string_agg(format('(%s,%s,%s)', i, j, v), ',' ORDER BY i, j) || '}'
FROM (SELECT k / 317 AS i, k % 317 AS j, (random() * 2e-5)::float8 AS v FROM generate_series(0, 99999) k) c;
INSERT INTO bench_io_text
SELECT 'grid counts', 'SRID=32616;SQUARE(100){' || string_agg(format('(%s,%s,%s)', i, j, v), ',' ORDER BY i, j) || '}'
FROM (SELECT k / 317 AS i, k % 317 AS j, 1 + floor(random() * 50) AS v FROM generate_series(0, 99999) k) c;
CREATE UNLOGGED TABLE bench_io_grid(what text PRIMARY KEY, g safety.grid);
ALTER TABLE bench_io_grid ALTER g SET STORAGE EXTERNAL;
INSERT INTO bench_io_grid SELECT what, s::safety.grid FROM bench_io_text;
CREATE UNLOGGED TABLE bench_io_events(what text PRIMARY KEY, e safety.events);
ALTER TABLE bench_io_events ALTER e SET STORAGE EXTERNAL;
INSERT INTO bench_io_events SELECT 'events 1,000,000', safety.events_agg(geom, occurred_at, id) FROM bench_events_m;
INSERT INTO bench_io_text SELECT what, e::text FROM bench_io_events;
SQL
rm -f "$datadir"/bench_io_*.bin
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE io(what text, op text, ms float8, bytes bigint);
INSERT INTO io SELECT what, 'text out', bench.time_ms(format('SELECT octet_length(g::text) FROM bench_io_grid WHERE what = %L', what), $reps),
  (SELECT length(s) FROM bench_io_text t WHERE t.what = g.what) FROM bench_io_grid g;
INSERT INTO io SELECT what, 'text out', bench.time_ms(format('SELECT octet_length(e::text) FROM bench_io_events WHERE what = %L', what), $reps),
  (SELECT length(s) FROM bench_io_text t WHERE t.what = e.what) FROM bench_io_events e;
INSERT INTO io SELECT what, 'text in', bench.time_ms(format('SELECT safety.num_cells(s::safety.grid) FROM bench_io_text WHERE what = %L', what), $reps),
  length(s) FROM bench_io_text WHERE what LIKE 'grid%';
INSERT INTO io SELECT what, 'text in', bench.time_ms(format('SELECT safety.num_events(s::safety.events) FROM bench_io_text WHERE what = %L', what), $reps),
  length(s) FROM bench_io_text WHERE what LIKE 'events%';
INSERT INTO io SELECT what, 'send', bench.time_ms(format('SELECT length(safety.grid_send(g)) FROM bench_io_grid WHERE what = %L', what), $reps),
  length(safety.grid_send(g)) FROM bench_io_grid;
INSERT INTO io SELECT what, 'send', bench.time_ms(format('SELECT length(safety.events_send(e)) FROM bench_io_events WHERE what = %L', what), $reps),
  length(safety.events_send(e)) FROM bench_io_events;
-- recv: COPY FROM a binary file into the type, minus the same COPY into bytea
DROP TABLE IF EXISTS bench_io_back;
CREATE UNLOGGED TABLE bench_io_back(g safety.grid, e safety.events, b bytea);
ALTER TABLE bench_io_back ALTER g SET STORAGE EXTERNAL, ALTER e SET STORAGE EXTERNAL, ALTER b SET STORAGE EXTERNAL;
DO \$\$
DECLARE r record; f text; col text;
BEGIN
  FOR r IN SELECT what, 'g' AS col, format('SELECT g FROM bench_io_grid WHERE what = %L', what) AS q FROM bench_io_grid
           UNION ALL SELECT what, 'e', format('SELECT e FROM bench_io_events WHERE what = %L', what) FROM bench_io_events LOOP
    f := '$datadir/bench_io_' || md5(r.what) || '.bin';
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', r.q, f);
    INSERT INTO io SELECT r.what, 'recv',
      bench.time_ms(format('TRUNCATE bench_io_back; COPY bench_io_back(%I) FROM %L (FORMAT binary)', r.col, f), $reps)
      - bench.time_ms(format('TRUNCATE bench_io_back; COPY bench_io_back(b) FROM %L (FORMAT binary)', f), $reps),
      NULL;
  END LOOP;
END \$\$;
\echo 'I/O times, ms (median of $reps runs after a warm-up; recv net of a bytea COPY of the same bytes)'
SELECT what, op, round(ms::numeric, 1) AS ms, bytes FROM io ORDER BY what, op;
SQL
rm -f "$datadir"/bench_io_*.bin
