-- Forced parallel plans: partial aggregation in workers, combined in the
-- leader, gives exactly the serial result.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF) SELECT safety.grid_agg(geom, 250) FROM incidents;
EXPLAIN (COSTS OFF) SELECT safety.hex_agg(geom, 250, 1.5) FROM incidents;
EXPLAIN (COSTS OFF) SELECT safety.events_agg(geom, occurred_at, id) FROM incidents;
EXPLAIN (COSTS OFF) SELECT offense, safety.grid_merge(safety.grid_agg(geom, 250)) OVER () FROM incidents GROUP BY offense;

CREATE TEMP TABLE par AS
SELECT safety.grid_agg(geom, 250) AS sq,
       safety.grid_agg(geom, 250, CASE offense WHEN 'BURGLARY' THEN 1.25 ELSE 3 END) AS sqw,
       safety.grid_agg(geom, 250, extract(epoch FROM occurred_at) / 1e9) AS sqf,
       safety.hex_agg(geom, 250) AS hx,
       safety.events_agg(geom, occurred_at, id) AS ev,
       safety.events_agg(geom, occurred_at, occurred_at + interval '2 hours', id, 0.5) AS evw
FROM incidents;
\i test/sql/include/plan_lines.sql
SELECT pg_temp.plan_lines('SELECT safety.grid_agg(geom, 250) FROM incidents');
SELECT pg_temp.plan_lines('SELECT safety.events_agg(geom, occurred_at, id) FROM incidents');

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE ser AS
SELECT safety.grid_agg(geom, 250) AS sq,
       safety.grid_agg(geom, 250, CASE offense WHEN 'BURGLARY' THEN 1.25 ELSE 3 END) AS sqw,
       safety.grid_agg(geom, 250, extract(epoch FROM occurred_at) / 1e9) AS sqf,
       safety.hex_agg(geom, 250) AS hx,
       safety.events_agg(geom, occurred_at, id) AS ev,
       safety.events_agg(geom, occurred_at, occurred_at + interval '2 hours', id, 0.5) AS evw
FROM incidents;
EXPLAIN (COSTS OFF) SELECT safety.grid_agg(geom, 250) FROM incidents;

SELECT par.sq::text = ser.sq::text AS counts_equal,
       par.sqw::text = ser.sqw::text AS exact_weights_equal,
       par.hx::text = ser.hx::text AS hex_equal,
       par.ev::text = ser.ev::text AS events_equal,
       par.evw::text = ser.evw::text AS windowed_events_equal
FROM par, ser;
-- inexact weights: same cells, sums equal up to floating-point reassociation
SELECT count(*) AS cells,
       count(*) FILTER (WHERE abs(a.value - b.value) > 1e-12 * abs(b.value)) AS beyond_1e_12
FROM safety.cells((SELECT sqf FROM par)) a FULL JOIN safety.cells((SELECT sqf FROM ser)) b USING (cell_id);
