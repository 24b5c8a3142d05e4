-- Hot spots, bad input: each a clear error naming the function and the
-- argument, with a hint; never a crash.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
-- kde_agg: non-points, NaN, geographic and mixed SRIDs, sizes
SELECT safety.kde_agg('SRID=32616;LINESTRING(0 0,1 1)'::geometry, 10, 50);
SELECT safety.kde_agg(ST_SetSRID(ST_MakePoint('NaN', 0), 32616), 10, 50);
SELECT safety.kde_agg('SRID=4326;POINT(-84.5 39.1)'::geometry, 10, 50);
SELECT safety.kde_agg(g, 10, 50) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32617;POINT(0 0)')) v(g);
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 0, 50);
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, 'NaN');
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, -5);
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, 50, 'cosine');
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 10, 50, 'NaN'::float8);
SELECT safety.kde_agg(g, 10, h) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry, 50), ('SRID=32616;POINT(5 5)', 60)) v(g, h);
-- one event covering more cells than safety.max_cells, refused before allocating
SET safety.max_cells = 1000;
SELECT safety.kde_agg('SRID=32616;POINT(0 0)'::geometry, 1, 100);
\echo :LAST_ERROR_SQLSTATE
RESET safety.max_cells;
-- NULL points and weights are skipped; no rows gives NULL
-- densities rounded to 12 decimals (about 10 digits): the last bits depend on the CPU's arithmetic
SELECT i, j, round(value::numeric, 12) AS value FROM safety.cells((SELECT safety.kde_agg(g, 10, 15) FROM (VALUES (NULL::geometry), ('SRID=32616;POINT(5 5)')) v(g))) ORDER BY i, j;
SELECT i, j, round(value::numeric, 12) AS value FROM safety.cells((SELECT safety.kde_agg(g, 10, 15, w) FROM (VALUES ('SRID=32616;POINT(5 5)'::geometry, NULL::float8), ('SRID=32616;POINT(5 5)', 2)) v(g, w))) ORDER BY i, j;
SELECT safety.kde_agg(geom, 10, 50) IS NULL AS no_rows_is_null FROM incidents WHERE false;
-- kde and kde_bandwidth
SELECT safety.kde_bandwidth(safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now()));
SELECT safety.kde_bandwidth(safety.events_agg(g, now())) FROM (VALUES ('SRID=32616;POINT(1 1)'::geometry), ('SRID=32616;POINT(1 1)')) v(g);
SELECT safety.kde(safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now()), 10, 0);
SELECT safety.kde(safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now()), NULL, 10);
SELECT safety.kde(safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now()), 10, 10, 'box');
SELECT i, j, round(value::numeric, 12) AS value FROM safety.cells((SELECT safety.kde(safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now()), 10, 10))) ORDER BY i, j;

-- gi_star
SELECT * FROM safety.gi_star(NULL, 10);
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', NULL);
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 'NaN');
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', -1);
-- a band smaller than the cell spacing: no cell would have a neighbour
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 9.9);
SELECT * FROM safety.gi_star('SRID=32616;HEX(10){(0,0,1),(0,1,2),(1,0,3)}', 15);
-- all values equal, too few cells, empty grid
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,1),(1,0,1),(1,1,1)}', 10);
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2)}', 10);
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){}', 10);
-- a neighbourhood that is the whole set: z and p are NULL, class 0
SELECT i, j, neighbors, z, p, class FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 15) ORDER BY i, j;
-- the rectangle of a sparse grid is checked against safety.max_cells before allocating
SET safety.max_cells = 1000;
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(100,100,2)}', 10, analysis_set => 'rectangle');
\echo :LAST_ERROR_SQLSTATE
RESET safety.max_cells;
-- study areas: another SRID, not a polygon, empty, holding no cells
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 10, ST_MakeEnvelope(0, 0, 30, 30, 3857));
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 10, 'SRID=32616;LINESTRING(0 0,30 30)');
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 10, 'SRID=32616;POLYGON EMPTY');
SELECT * FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3)}', 10, ST_MakeEnvelope(1000, 1000, 1001, 1001, 32616));
-- a study area in degrees around a metre grid: far too many cells
SET safety.max_cells = 100000;
SELECT count(*) FROM safety.gi_star('SRID=32616;SQUARE(0.001){(0,0,1),(0,1,2),(1,0,3)}', 0.002, ST_MakeEnvelope(-1000, -1000, 1000, 1000, 32616));
RESET safety.max_cells;
-- a study area beyond the cell index range of the grid (±2^30 cells)
SELECT count(*) FROM safety.gi_star('SRID=32616;SQUARE(0.000001){(0,0,1),(0,1,2),(1,0,3)}', 0.000002, ST_MakeEnvelope(-10000, -10000, 10000, 10000, 32616));

-- nni
SELECT * FROM safety.nni((SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now())));
SELECT * FROM safety.nni((SELECT safety.events_agg(g, now()) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(1 1)'), ('SRID=32616;POINT(2 2)')) v(g)));
SELECT * FROM safety.nni((SELECT safety.events_agg(g, now()) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(1 1)')) v(g)), 0);
SELECT round(ratio::numeric, 6) FROM safety.nni((SELECT safety.events_agg(g, now()) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(1 1)'), ('SRID=32616;POINT(2 2)')) v(g)), 100);

-- optimized_hotspots: too few incidents, study area in another SRID
SELECT * FROM safety.optimized_hotspots((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE id <= 50));
SELECT * FROM safety.optimized_hotspots((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE id <= 50), ST_MakeEnvelope(0, 0, 1, 1, 4326));
SELECT * FROM safety.optimized_hotspots(NULL);
