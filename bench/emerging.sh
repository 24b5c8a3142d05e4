#!/usr/bin/env bash
# emerging.sh — time and peak memory of safety.emerging_hotspots, and
# space-time Gi* against R spdep::localG on the same cube.
#
#   bash bench/emerging.sh        (cluster running, extension installed)
#
# 1. the bundled burglaries: 250 m cells, weekly steps, 750 m, time_steps 1
# 2. 1,000,000 synthetic clustered events over five years, weekly steps
#    (250 m cells, 750 m); peak memory of the backend from /proc (VmHWM;
#    needs the server on this machine and a superuser, for pg_read_file)
# 3. space-time Gi* of every bin (500 m, monthly, 1000 m, time_steps 1, the
#    bundled data): safety.space_time_gi_star vs spdep::localG with the same
#    neighbours, both timed in this run (R: building the neighbour list and
#    localG, not reading the data)
# One core (max_parallel_workers_per_gather = 0); best of 3 where timed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
export PGDATABASE=${SAFETY_BENCH_DB:-safety_bench}
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 ||
	psql -X -q -d postgres -c "CREATE DATABASE \"$PGDATABASE\""
psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. bundled data, 250 m cells, weekly steps, 750 m, time_steps 1"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
SET max_parallel_workers_per_gather = 0; SET timezone = 'UTC';
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
CREATE FUNCTION pg_temp.hwm() RETURNS text LANGUAGE sql AS $$
  SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*([0-9]+ kB)') $$;
SELECT pg_temp.hwm() AS backend_peak_rss_before;
CREATE TEMP TABLE runs (run int, ms float8);
DO $$ DECLARE t0 timestamptz; BEGIN
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM ev, safety.emerging_hotspots(e, 250, '7 days', 750);
    INSERT INTO runs VALUES (r, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END $$;
SELECT (SELECT count(DISTINCT cell_id) FROM ev, safety.space_time_cube(e, 250, '7 days', 750)) AS cells,
       (SELECT max(step_no) FROM ev, safety.space_time_cube(e, 250, '7 days', 750)) AS steps,
       round(min(ms)::numeric, 1) AS best_ms, pg_temp.hwm() AS backend_peak_rss_after FROM runs;
SELECT category, count(*) FROM ev, safety.emerging_hotspots(e, 250, '7 days', 750) GROUP BY 1 ORDER BY 2 DESC;
SQL

echo "== 2. 1,000,000 synthetic clustered events over five years (20 km city, 70% in 300 hot spots), weekly, 250 m, 750 m"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
SET max_parallel_workers_per_gather = 0; SET timezone = 'UTC';
SELECT setseed(0.18);
CREATE TEMP TABLE hot AS
SELECT h, 700000 + random() * 20000 AS cx, 4330000 + random() * 20000 AS cy FROM generate_series(1, 300) h;
CREATE TEMP TABLE synev AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(x, y), 32616), t, id) AS e FROM (
  SELECT k AS id,
         CASE WHEN k % 10 < 7 THEN h.cx + 150 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
              ELSE 700000 + random() * 20000 END AS x,
         CASE WHEN k % 10 < 7 THEN h.cy + 150 * sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random())
              ELSE 4330000 + random() * 20000 END AS y,
         timestamptz '2019-01-01 00:00+00' + random() * interval '1826 days' AS t
  FROM generate_series(1, 1000000) k JOIN hot h ON h.h = 1 + k % 300) s;
CREATE FUNCTION pg_temp.hwm() RETURNS text LANGUAGE sql AS $$
  SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*([0-9]+ kB)') $$;
SELECT safety.num_events(e) AS events, pg_temp.hwm() AS backend_peak_rss_before FROM synev;
CREATE TEMP TABLE runs (run int, ms float8);
DO $$ DECLARE t0 timestamptz; BEGIN
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM synev, safety.emerging_hotspots(e, 250, '7 days', 750);
    INSERT INTO runs VALUES (r, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END $$;
SELECT (SELECT count(*) FROM synev, safety.emerging_hotspots(e, 250, '7 days', 750)) AS cells,
       (SELECT max(steps) FROM synev, safety.emerging_hotspots(e, 250, '7 days', 750)) AS steps,
       round(min(ms)::numeric, 1) AS best_ms, pg_temp.hwm() AS backend_peak_rss_after FROM runs;
SQL

echo "== 3. space-time Gi* of every bin, bundled data, 500 m, monthly, 1000 m, time_steps 1: safety vs spdep::localG"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 777 "$tmp"
psql -X -q -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET max_parallel_workers_per_gather = 0; SET timezone = 'UTC';
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
CREATE TEMP TABLE runs (run int, ms float8);
DO \$\$ DECLARE t0 timestamptz; BEGIN
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM ev, safety.space_time_gi_star(e, 500, '1 month', 1000);
    INSERT INTO runs VALUES (r, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END \$\$;
SELECT round(min(ms)::numeric, 1) AS safety_best_ms FROM runs \gset
\echo safety.space_time_gi_star best of 3: :safety_best_ms ms
\copy (SELECT g.cell_id, g.step_no, g.count, coalesce(g.z::text, 'NA') AS z, 500 * g.i + 250 AS cx, 500 * g.j + 250 AS cy FROM ev, safety.space_time_gi_star(e, 500, '1 month', 1000) g ORDER BY g.cell_id, g.step_no) TO '$tmp/cube.csv' WITH (FORMAT csv, HEADER true)
\o $tmp/safety_ms
SELECT :safety_best_ms;
SQL
Rscript --vanilla - "$tmp/cube.csv" "$(tr -dc '0-9.' < "$tmp/safety_ms")" <<'R'
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); ours_ms <- as.numeric(args[2])
cells <- unique(d[, c("cell_id", "cx", "cy")]); T <- max(d$step_no); n <- nrow(cells); k <- 1
best <- Inf
for (r in 1:3) {
  t0 <- proc.time()[["elapsed"]]
  snb <- dnearneigh(cbind(cells$cx, cells$cy), 0, 1000 * (1 + 1e-9))
  nb <- vector("list", n * T)
  for (c in seq_len(n)) {
    js <- c(c, snb[[c]])
    for (t in seq_len(T)) nb[[(c - 1) * T + t]] <- sort(as.integer(outer(max(1, t - k):t, (js - 1) * T, "+")))
  }
  class(nb) <- "nb"; attr(nb, "self.included") <- TRUE; attr(nb, "region.id") <- as.character(seq_len(n * T))
  g <- as.numeric(localG(d$count, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE))
  best <- min(best, 1000 * (proc.time()[["elapsed"]] - t0))
}
cat(sprintf("spdep neighbours + localG best of 3: %.1f ms for %d bins; max |z - safety| %.2g; safety is %.0fx faster\n",
            best, n * T, max(abs(g - suppressWarnings(as.numeric(d$z))), na.rm = TRUE), best / ours_ms))
R
