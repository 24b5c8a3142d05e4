-- incremental.sql — does rolling stored per-day grids up (safety.grid_merge)
-- beat recomputing the grid of a sliding window from the events?
-- Run after refresh_under_load.sh (it reads bench_events):
--   psql -X -d safety_bench -f bench/incremental.sql
\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- the stored partial grids: one per UTC day (kept up to date by a nightly job)
DROP TABLE IF EXISTS bench_daily;
\timing on
CREATE TABLE bench_daily AS
SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, safety.grid_agg(geom, 250) AS grid
FROM bench_events GROUP BY 1;
\timing off
ALTER TABLE bench_daily ADD PRIMARY KEY (day);
ANALYZE bench_daily;

CREATE OR REPLACE FUNCTION pg_temp.bench(q text, n int DEFAULT 5) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t timestamptz; best numeric := 'Infinity'; g text;
BEGIN
  FOR k IN 1 .. n LOOP
    t := clock_timestamp();
    EXECUTE q INTO g;
    best := least(best, extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
  RETURN round(best, 1);
END $$;

-- as_of is a time inside a day (13:00 UTC, 100 days ago): the window is
-- whole stored days plus two partial days at its edges, read from the events
CREATE TEMP TABLE results (as_of timestamptz, window_days int, recompute_ms numeric, merge_ms numeric, same boolean);
DO $$
DECLARE
  as_of timestamptz := date_trunc('day', now() - interval '100 days') + interval '13 hours';
  w int;
  recompute text;
  merged text;
  same boolean;
BEGIN
  FOREACH w IN ARRAY ARRAY[7, 28, 91, 365] LOOP
    recompute := format($q$SELECT safety.grid_agg(geom, 250)::text FROM bench_events
      WHERE occurred_at > %1$L::timestamptz - %2$L::interval AND occurred_at <= %1$L::timestamptz$q$, as_of, w || ' days');
    merged := format($q$SELECT safety.grid_merge(g)::text FROM (
        SELECT grid AS g FROM bench_daily
        WHERE day > (%1$L::timestamptz - %2$L::interval) AT TIME ZONE 'UTC' AND day < (%1$L::timestamptz AT TIME ZONE 'UTC')::date
        UNION ALL
        SELECT safety.grid_agg(geom, 250) FROM bench_events
        WHERE (occurred_at > %1$L::timestamptz - %2$L::interval
               AND occurred_at < date_trunc('day', (%1$L::timestamptz - %2$L::interval) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day')
           OR (occurred_at >= date_trunc('day', %1$L::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AND occurred_at <= %1$L::timestamptz)
      ) t$q$, as_of, w || ' days');
    EXECUTE format('SELECT (%s) = (%s)', recompute, merged) INTO same;
    INSERT INTO results VALUES (as_of, w, pg_temp.bench(recompute), pg_temp.bench(merged), same);
  END LOOP;
END $$;
SELECT window_days, (SELECT count(*) FROM bench_events WHERE occurred_at > as_of - window_days * interval '1 day'
         AND occurred_at <= as_of) AS events,
       recompute_ms, merge_ms, round(recompute_ms / nullif(merge_ms, 0), 1) AS speedup, same AS identical_grid
FROM results ORDER BY window_days;
SELECT count(*) AS daily_grids, pg_size_pretty(pg_total_relation_size('bench_daily')) AS stored FROM bench_daily;
