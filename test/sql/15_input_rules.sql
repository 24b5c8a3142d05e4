-- Input rules: each bad input is a clear error with an SQLSTATE, the
-- argument named and a hint; NULLs are skipped; empty input gives NULL.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default

-- non-point geometries
SELECT safety.grid_agg('SRID=32616;LINESTRING(0 0,1 1)'::geometry, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.hex_agg('SRID=32616;POLYGON((0 0,1 0,1 1,0 0))'::geometry, 10);
SELECT safety.grid_agg('SRID=32616;MULTIPOINT(0 0,1 1)'::geometry, 10);
SELECT safety.events_agg('SRID=32616;GEOMETRYCOLLECTION(POINT(0 0))'::geometry, now());
-- empty points, NaN and infinite coordinates
SELECT safety.grid_agg('SRID=32616;POINT EMPTY'::geometry, 10);
SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint('NaN', 0), 32616), 10);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(0, 'Infinity'), 32616), 10);
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint('-Infinity', 0), 32616), now());
-- Z and M are ignored: the cell of (x, y)
SELECT safety.grid_agg('SRID=32616;POINT Z (5 5 100)'::geometry, 10);
-- mixed SRIDs name both
SELECT safety.grid_agg(g, 10) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32617;POINT(0 0)')) v(g);
SELECT safety.events_agg(g, now()) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=3857;POINT(0 0)')) v(g);
SELECT safety.grid_merge(g) FROM (VALUES ('SRID=32616;SQUARE(10){}'::safety.grid), ('SRID=32617;SQUARE(10){}')) v(g);
SELECT safety.grid_merge(g) FROM (VALUES ('SRID=32616;SQUARE(10){}'::safety.grid), ('SRID=32616;SQUARE(20){}')) v(g);
SELECT safety.grid_merge(g) FROM (VALUES ('SRID=32616;SQUARE(10){}'::safety.grid), ('SRID=32616;HEX(10){}')) v(g);
-- geographic SRIDs with metric sizes
SELECT safety.grid_agg('SRID=4326;POINT(-84.5 39.1)'::geometry, 250);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.hex_agg('SRID=4269;POINT(-84.5 39.1)'::geometry, 250);
SELECT safety.events_agg('SRID=4326;POINT(-84.5 39.1)'::geometry, now());
-- the helper that picks the UTM zone
SELECT safety.utm_srid('SRID=4326;POINT(-84.5 39.1)'::geometry) AS cincinnati,
       safety.utm_srid('SRID=4326;POINT(151.2 -33.9)'::geometry) AS sydney,
       safety.utm_srid('SRID=4326;POINT(180 0)'::geometry) AS antimeridian;
SELECT safety.grid_agg(ST_Transform(g, safety.utm_srid(g)), 250)
FROM (VALUES ('SRID=4326;POINT(-84.5 39.1)'::geometry)) v(g);
SELECT safety.utm_srid('SRID=32616;POINT(700000 4330000)'::geometry);
SELECT safety.utm_srid('SRID=4326;POINT(10 85)'::geometry);
-- an SRID unknown to spatial_ref_sys (and SRID 0) is taken as projected
-- (SRID 0 unless its points look like longitude/latitude: 84_defaults_units)
SELECT safety.grid_agg('SRID=0;POINT(500 500)'::geometry, 10), safety.grid_agg('SRID=900913;POINT(5 5)'::geometry, 10);
-- cell sizes
SELECT safety.grid_agg('SRID=32616;POINT(0 0)'::geometry, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.grid_agg('SRID=32616;POINT(0 0)'::geometry, -5);
SELECT safety.grid_agg('SRID=32616;POINT(0 0)'::geometry, 'NaN');
SELECT safety.hex_agg('SRID=32616;POINT(0 0)'::geometry, 'Infinity');
SELECT safety.grid_agg('SRID=32616;POINT(0 0)'::geometry, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.grid_agg(g, s) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry, 10), ('SRID=32616;POINT(0 0)', 20)) v(g, s);
-- a cell index beyond ±2^30 (tiny cells far from the origin)
SELECT safety.grid_agg('SRID=32616;POINT(700000 4330000)'::geometry, 1e-6);
\echo :LAST_ERROR_SQLSTATE
-- weights
SELECT safety.grid_agg('SRID=32616;POINT(0 0)'::geometry, 10, 'NaN');
SELECT safety.grid_agg(g, 10, w) FROM (VALUES ('SRID=32616;POINT(0 0)'::geometry, 2), ('SRID=32616;POINT(1 1)', NULL)) v(g, w);
-- the cell limit is checked before allocating
SET safety.max_cells = 50;
SELECT safety.grid_agg(geom, 100) FROM incidents;
\echo :LAST_ERROR_SQLSTATE
SELECT safety.num_cells(safety.grid_agg(geom, 10000)) AS few_cells_fit FROM incidents;
RESET safety.max_cells;
SET safety.max_events = 100;
SELECT safety.events_agg(geom, occurred_at) FROM incidents;
RESET safety.max_events;
SET safety.max_cells = 0;
SHOW safety.max_cells;
-- times
SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, 'infinity'::timestamptz);
SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, '2016-01-02'::timestamptz, '2016-01-01'::timestamptz, 1);
SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, '10000-01-01'::timestamptz);
-- NULLs are skipped: geometry, time, weight; a NULL window end is no window, a NULL id no id
SELECT safety.events_agg(g, t, t2, id) FROM (VALUES
  ('SRID=32616;POINT(1 1)'::geometry, '2016-01-01 00:00+00'::timestamptz, NULL::timestamptz, NULL::int8),
  (NULL, '2016-01-01 00:00+00', NULL, 1),
  ('SRID=32616;POINT(2 2)', NULL, NULL, 2),
  ('SRID=32616;POINT(3 3)', '2016-01-01 00:00+00', '2016-01-01 06:00+00', 3)) v(g, t, t2, id);
SELECT safety.events_agg(geom, occurred_at) IS NULL AS empty_is_null FROM incidents WHERE false;
-- aggregate support functions refuse direct calls
SELECT safety.grid_agg_transfn(NULL, 'SRID=32616;POINT(0 0)'::geometry, 10);
SELECT safety.cell_geom('SRID=32616;SQUARE(10){}', 9223372036854775807);
