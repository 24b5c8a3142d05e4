-- Unit traps (docs/reference.md, "Units and SRIDs"): points at SRID 0 whose
-- coordinates look like longitude/latitude are refused with the recipe,
-- genuine SRID-0 metres are accepted, and implausible lengths get a NOTICE
-- once per call, never on the bundled data's normal use.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
\set VERBOSITY default
-- the bundled burglaries back in degrees, with the SRID stripped (a regular
-- table, so that plans may be parallel)
CREATE TABLE u84_deg AS
SELECT id, occurred_at, ST_SetSRID(ST_Transform(geom, 4326), 0) AS geom FROM incidents WHERE geom IS NOT NULL;
-- local metres at SRID 0: a 5 km square with its origin in a corner
CREATE TABLE u84_m AS
SELECT k AS id, timestamptz '2020-01-01' + k * interval '5 hours' AS occurred_at,
       ST_MakePoint((k * 37.5) % 5000, (k * 91.25) % 5000) AS geom
FROM generate_series(1, 2000) k;
ANALYZE u84_deg;
ANALYZE u84_m;
-- the rule computed independently in SQL: every point within [-180,180] x
-- [-90,90], and the extent (larger side of the box) below the length
SELECT 'degrees' AS data, bool_and(ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90) AS in_box,
       round((greatest(max(ST_X(geom)) - min(ST_X(geom)), max(ST_Y(geom)) - min(ST_Y(geom))))::numeric, 3) AS extent,
       min(ST_SRID(geom)) AS srid
FROM u84_deg
UNION ALL
SELECT 'metres', bool_and(ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
       round((greatest(max(ST_X(geom)) - min(ST_X(geom)), max(ST_Y(geom)) - min(ST_Y(geom))))::numeric, 3),
       min(ST_SRID(geom))
FROM u84_m;

-- 1. SRID-0 longitude/latitude: refused, with the hint
SELECT safety.grid_agg(geom, 250) FROM u84_deg;
\echo :LAST_ERROR_SQLSTATE
SELECT safety.hex_agg(geom, 250) FROM u84_deg;
SELECT safety.grid_agg(geom, 250, 2) FROM u84_deg;
SELECT safety.kde_agg(geom, 100, 400) FROM u84_deg;
SELECT safety.kde_agg(geom, 100, 400, 'gaussian') FROM u84_deg;
-- Gi* on such a grid (one made as text, as an older grid_agg made it)
SELECT count(*) FROM safety.gi_star('SRID=0;SQUARE(250){(-1,0,8723)}'::safety.grid, 750);
-- the consumers of events_agg
CREATE TEMP TABLE u84_ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM u84_deg;
SELECT count(*) FROM u84_ev, safety.near_repeat(e, '{100,200,400}', '{7,14}', permutations => 9);
SELECT count(*) FROM u84_ev, safety.kde(e, 100, 400);
SELECT count(*) FROM u84_ev, safety.forecast(e, '2018-07-01', 250);
SELECT count(*) FROM u84_ev, safety.risk_tiers(e, '2018-07-01', 250);
SELECT count(*) FROM u84_ev, safety.repeat_windows(e, '2018-07-01', 200, 14);
-- the same refusal under a parallel plan (the check runs in the leader's
-- final function, on the combined grid)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT safety.grid_agg(geom, 250) FROM u84_deg;
SELECT safety.grid_agg(geom, 250) FROM u84_deg;
SELECT safety.kde_agg(geom, 100, 400) FROM u84_deg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- degrees analysed in degrees on purpose (lengths below the extent): accepted
SELECT safety.num_cells(safety.grid_agg(geom, 0.01)) AS cells,
       (SELECT count(DISTINCT (floor(ST_X(geom) / 0.01), floor(ST_Y(geom) / 0.01))) FROM u84_deg) AS sql_cells
FROM u84_deg;

-- 2. genuine SRID-0 metres are accepted, with the same cells as plain SQL
SELECT safety.num_cells(safety.grid_agg(geom, 250)) AS cells,
       (SELECT count(DISTINCT (floor(ST_X(geom) / 250), floor(ST_Y(geom) / 250))) FROM u84_m) AS sql_cells,
       safety.total(safety.grid_agg(geom, 250)) AS total, count(*) AS n
FROM u84_m;
SELECT safety.num_cells(safety.hex_agg(geom, 250)) > 0 AS hex_ok,
       safety.num_cells(safety.kde_agg(geom, 100, 400)) > 0 AS kde_ok
FROM u84_m;
WITH ev AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM u84_m)
SELECT (SELECT count(*) FROM ev, safety.near_repeat(e, '{100,200}', '{7,14}', permutations => 9)) AS nr_rows,
       (SELECT safety.num_cells(safety.kde(e, 100, 400)) > 0 FROM ev) AS kde_ok,
       (SELECT count(*) > 0 FROM ev, safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM u84_m), 750)) AS gi_ok;

-- 3. the NOTICEs, one example each, with the number computed in SQL beside it
-- (a) too many cells: 0.25 "metres" over a 5 km extent
SELECT safety.num_cells(safety.grid_agg(geom, 0.25)) AS cells FROM u84_m;
SELECT ((floor(max(ST_X(geom)) / 0.25) - floor(min(ST_X(geom)) / 0.25) + 1)
      * (floor(max(ST_Y(geom)) / 0.25) - floor(min(ST_Y(geom)) / 0.25) + 1))::bigint AS sql_cells_over_extent
FROM u84_m;
-- ... once per call, also from a parallel plan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT safety.grid_agg(geom, 0.25) FROM u84_m;
SELECT safety.num_cells(safety.grid_agg(geom, 0.25)) AS cells FROM u84_m;
EXPLAIN (COSTS OFF) SELECT safety.kde_agg(geom, 250, 100) FROM u84_m;
SELECT safety.num_cells(safety.kde_agg(geom, 250, 100)) > 0 AS kde_ok FROM u84_m;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- hex_agg, kde, forecast
SELECT safety.num_cells(safety.hex_agg(geom, 1)) > 0 AS hex_ok FROM u84_m;
WITH ev AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM u84_m)
SELECT count(*) > 0 AS forecast_ok FROM ev, safety.forecast(e, '2020-06-01', 2);
-- (b) a bandwidth below the cell size: kde_agg and kde
SELECT safety.num_cells(safety.kde_agg(geom, 250, 100)) AS cells FROM u84_m;
WITH ev AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM u84_m)
SELECT safety.num_cells(safety.kde(e, 250, 100)) AS cells FROM ev;
-- (c) a Gi* distance below the cell spacing was refused already
SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM u84_m), 200);

-- 4. the bundled data's normal use: no NOTICE at all
SET client_min_messages = notice;
SELECT safety.num_cells(safety.grid_agg(geom, 250)) AS cells FROM incidents;
SELECT count(*) AS hot FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, fdr => true) WHERE class > 0;
SELECT safety.num_cells(safety.kde_agg(geom, 100, 400)) > 0 AS kde_ok FROM incidents;
WITH ev AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents)
SELECT (SELECT safety.num_cells(safety.kde(e, 100, 400)) > 0 FROM ev) AS kde_ok,
       (SELECT count(*) > 0 FROM ev, safety.forecast(e, '2018-07-01', 250)) AS forecast_ok,
       (SELECT count(*) > 0 FROM ev, safety.risk_tiers(e, '2018-07-01', 250)) AS tiers_ok,
       (SELECT count(*) FROM ev, safety.near_repeat(e, '{100,200,400}', '{7,14,21,28}', permutations => 9)) AS nr_rows;

DROP TABLE u84_deg, u84_m;
