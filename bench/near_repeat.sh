#!/usr/bin/env bash
# near_repeat.sh — timing and memory of safety.near_repeat, and a comparison
# with R surveillance::knox on the same single-band problem.
#
#   bash bench/near_repeat.sh        (cluster running, extension installed)
#
# 1. the bundled burglaries, 999 permutations, bands 100..400 m / 7..28 days,
#    one core (max_parallel_workers_per_gather = 0)
# 2. 100,000 synthetic clustered events, 99 permutations; peak memory of the
#    backend from /proc/<pid>/status (VmHWM; needs the server on this machine
#    and a superuser, for pg_read_file)
# 3. one distance band (400 m, euclidean) x one time band (28 days) on the
#    2016 events: safety.near_repeat vs surveillance::knox, 99 permutations
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
export PGDATABASE=${SAFETY_BENCH_DB:-safety_bench}
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 ||
	psql -X -q -d postgres -c "CREATE DATABASE \"$PGDATABASE\""
psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null

echo "== 1. bundled data: $(psql -X -tAc 'SELECT count(geom) FROM incidents') events, 999 permutations, 100/200/300/400 m x 7/14/21/28 days, one core"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FILTER (WHERE significant) AS significant_cells
FROM safety.near_repeat((SELECT e FROM ev), '{100,200,300,400}', '{7,14,21,28}', 999, 1);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2) AS seconds_near_repeat;
SQL

echo "== 2. 100,000 synthetic clustered events (20 km city, 70% in 300 hotspots), 99 permutations, one core"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.42);
CREATE TEMP TABLE hot AS
SELECT h, 700000 + random() * 20000 AS cx, 4330000 + random() * 20000 AS cy FROM generate_series(1, 300) h;
CREATE TEMP TABLE syn AS
SELECT k AS id,
       CASE WHEN k % 10 < 7 THEN h.cx + 150 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
            ELSE 700000 + random() * 20000 END AS x,
       CASE WHEN k % 10 < 7 THEN h.cy + 150 * sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random())
            ELSE 4330000 + random() * 20000 END AS y,
       timestamptz '2016-01-01 00:00+00' + random() * interval '730 days' AS t
FROM generate_series(1, 100000) k JOIN hot h ON h.h = 1 + k % 300;
CREATE TEMP TABLE synev AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(x, y), 32616), t, id) AS e FROM syn;
CREATE FUNCTION pg_temp.hwm() RETURNS text LANGUAGE sql AS $$
  SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*([0-9]+ kB)') $$;
SELECT safety.num_events(e) AS events, pg_temp.hwm() AS backend_peak_rss_before FROM synev;
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) FILTER (WHERE significant) AS significant_cells, sum(observed) FILTER (WHERE distance_to IS NOT NULL) AS close_pairs
FROM safety.near_repeat((SELECT e FROM synev), '{100,200,300,400}', '{7,14,21,28}', 99, 1);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2) AS seconds_near_repeat,
       pg_temp.hwm() AS backend_peak_rss_after;
SQL

echo "== 3. one band (euclidean d < 400 m, dt < 28 days), 2016 events, 99 permutations: safety vs R surveillance::knox"
tmp=$(mktemp -d)
chmod 755 "$tmp"
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT ST_X(geom), ST_Y(geom), extract(epoch FROM occurred_at) / 86400 FROM incidents WHERE geom IS NOT NULL AND occurred_at < '2017-01-01 00:00+00' ORDER BY id) TO '$tmp/ev.csv' WITH (FORMAT csv)"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE ev16 AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents
WHERE occurred_at < '2017-01-01 00:00+00';
SELECT clock_timestamp() AS t0 \gset
SELECT sum(observed) FILTER (WHERE distance_to IS NOT NULL AND time_band = 0) AS close_close_pairs,
       round(max(p_value) FILTER (WHERE distance_band = 1 AND time_band = 0)::numeric, 3) AS p_value
FROM safety.near_repeat((SELECT e FROM ev16), '{400}', '{28}', 99, 1, 'euclidean');
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 3) AS seconds_safety \gset
\echo safety.near_repeat seconds: :seconds_safety
SQL
Rscript -e '
suppressMessages(library(surveillance))
d <- read.csv(commandArgs(TRUE)[1], header = FALSE)
t0 <- Sys.time()
set.seed(1)
# knox counts dt <= eps.t and ds <= eps.s; the band edges here are strict (<),
# so the thresholds sit just below them (no pair is exactly 400 m apart)
k <- knox(dist(d[[3]]), dist(d[, 1:2]), eps.t = 28 - 1e-9, eps.s = 400 - 1e-9, B = 99)
el <- as.numeric(Sys.time() - t0, units = "secs")
cat(sprintf("surveillance::knox close_close_pairs: %d  p_value: %.3f  events: %d\n", k$statistic, k$p.value, nrow(d)))
cat(sprintf("surveillance::knox seconds: %.3f\n", el))
' "$tmp/ev.csv"
rm -rf "$tmp"
