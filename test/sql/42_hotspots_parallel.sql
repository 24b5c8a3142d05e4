-- kde_agg in forced parallel plans: partial density grids from the workers
-- add up to the serial grid (same cells; values equal to 1e-12 relative,
-- since the summation order differs).
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT safety.kde_agg(geom, 100, 400) FROM incidents;
\i test/sql/include/plan_lines.sql
SELECT pg_temp.plan_lines('SELECT safety.kde_agg(geom, 100, 400) FROM incidents');
CREATE TEMP TABLE par AS
SELECT safety.kde_agg(geom, 100, 400) AS q,
       safety.kde_agg(geom, 100, 300, CASE offense WHEN 'BURGLARY' THEN 1 ELSE 2.5 END, 'gaussian') AS gw,
       safety.kde_agg(geom, 100, 400, 'triangular') AS t
FROM incidents;
-- with the leader participating too (its own partial state is combined in-process)
SET parallel_leader_participation = on;
CREATE TEMP TABLE par_leader AS SELECT safety.kde_agg(geom, 100, 400) AS q FROM incidents;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT safety.kde_agg(geom, 100, 400) FROM incidents;
CREATE TEMP TABLE ser AS
SELECT safety.kde_agg(geom, 100, 400) AS q,
       safety.kde_agg(geom, 100, 300, CASE offense WHEN 'BURGLARY' THEN 1 ELSE 2.5 END, 'gaussian') AS gw,
       safety.kde_agg(geom, 100, 400, 'triangular') AS t
FROM incidents;
SELECT 'quartic' AS grid, count(*) AS cells, count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL) AS cells_differ,
       count(*) FILTER (WHERE abs(a.value - b.value) > 1e-12 * abs(b.value)) AS beyond_1e_12
FROM safety.cells((SELECT q FROM par)) a FULL JOIN safety.cells((SELECT q FROM ser)) b USING (cell_id)
UNION ALL
SELECT 'gaussian weighted', count(*), count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL),
       count(*) FILTER (WHERE abs(a.value - b.value) > 1e-12 * abs(b.value))
FROM safety.cells((SELECT gw FROM par)) a FULL JOIN safety.cells((SELECT gw FROM ser)) b USING (cell_id)
UNION ALL
SELECT 'triangular', count(*), count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL),
       count(*) FILTER (WHERE abs(a.value - b.value) > 1e-12 * abs(b.value))
FROM safety.cells((SELECT t FROM par)) a FULL JOIN safety.cells((SELECT t FROM ser)) b USING (cell_id)
UNION ALL
SELECT 'quartic, leader participating', count(*), count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL),
       count(*) FILTER (WHERE abs(a.value - b.value) > 1e-12 * abs(b.value))
FROM safety.cells((SELECT q FROM par_leader)) a FULL JOIN safety.cells((SELECT q FROM ser)) b USING (cell_id);
-- partial grids stored and merged later add up too (grid_merge of per-offense densities)
SELECT count(*) AS cells, count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL
         OR abs(a.value - b.value) > 1e-12 * abs(b.value)) AS differ
FROM safety.cells((SELECT safety.grid_merge(k) FROM (SELECT safety.kde_agg(geom, 100, 400) k FROM incidents GROUP BY offense) s)) a
FULL JOIN safety.cells((SELECT q FROM ser)) b USING (cell_id);
