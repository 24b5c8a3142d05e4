-- Points from a geometry(Point, S) table column skip the per-row type and
-- SRID checks (PostGIS enforces a column's type modifier on every write);
-- every other source keeps them.  Both paths must give the same grids and
-- the same errors.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
CREATE TABLE pc_typed (id int, g geometry(Point, 32616));
INSERT INTO pc_typed SELECT k, ST_SetSRID(ST_MakePoint(k * 37.5 % 1000, k * 91.25 % 800), 32616)
FROM generate_series(1, 500) k;
CREATE TABLE pc_any_srid (g geometry(Point));
INSERT INTO pc_any_srid VALUES ('SRID=32616;POINT(0 0)'), ('SRID=32617;POINT(5 5)');
CREATE TABLE pc_z (g geometry(PointZM, 32616));
INSERT INTO pc_z VALUES ('SRID=32616;POINT ZM (5 5 1 2)'), ('SRID=32616;POINT ZM (15 5 1 2)');
CREATE TABLE pc_geog (g geometry(Point, 4326));
INSERT INTO pc_geog VALUES ('SRID=4326;POINT(-84.5 39.1)');
CREATE TABLE pc_parts (id int, g geometry(Point, 32616)) PARTITION BY RANGE (id);
CREATE TABLE pc_parts_1 PARTITION OF pc_parts FOR VALUES FROM (0) TO (250);
CREATE TABLE pc_parts_2 PARTITION OF pc_parts FOR VALUES FROM (250) TO (1000);
INSERT INTO pc_parts SELECT * FROM pc_typed;
CREATE VIEW pc_view AS SELECT id, g FROM pc_typed WHERE id % 2 = 0;
CREATE TABLE pc_big (g geometry);
INSERT INTO pc_big VALUES ('SRID=32616;POINT(1 1)'),
  (ST_SetSRID(ST_MakeLine(ARRAY(SELECT ST_MakePoint(k % 7, k % 11) FROM generate_series(1, 20000) k)), 32616));
SELECT pg_column_size(g) < ST_MemSize(g) AS stored_compressed FROM pc_big WHERE GeometryType(g) = 'LINESTRING';
CREATE TABLE pc_multi (g geometry(MultiPoint, 32616));
INSERT INTO pc_multi VALUES ('SRID=32616;MULTIPOINT(1 1)');
-- a function's result column is not a stored column (no DEBUG line):
-- not trusted, so every row is checked
CREATE FUNCTION pc_untyped() RETURNS SETOF record LANGUAGE plpgsql AS
$$ BEGIN RETURN QUERY SELECT 'SRID=32616;POINT(1 1)'::geometry(Point, 32616); RETURN QUERY SELECT 'SRID=32616;POINT(2 2)'::geometry(Point, 32616); END $$;
SET client_min_messages = debug1;
-- the typed path is taken (DEBUG1 names the column type) ...
SELECT safety.num_cells(safety.grid_agg(g, 100)) FROM pc_typed;
-- ... and gives the grid of the checked path (an expression is not a column)
SELECT safety.grid_agg(g, 100)::text = (SELECT safety.grid_agg(ST_SetSRID(g, 32616), 100)::text FROM pc_typed) AS same_grid,
       safety.hex_agg(g, 60)::text = (SELECT safety.hex_agg(ST_SetSRID(g, 32616), 60)::text FROM pc_typed) AS same_hex,
       safety.kde_agg(g, 50, 120)::text = (SELECT safety.kde_agg(ST_SetSRID(g, 32616), 50, 120)::text FROM pc_typed) AS same_kde,
       safety.events_agg(g, now())::text = (SELECT safety.events_agg(ST_SetSRID(g, 32616), now())::text FROM pc_typed) AS same_events
FROM pc_typed;
-- an empty point or a NaN coordinate in a point column: the same errors
INSERT INTO pc_typed VALUES (501, 'SRID=32616;POINT EMPTY');
SELECT safety.grid_agg(g, 100) FROM pc_typed;
DELETE FROM pc_typed WHERE id = 501;
INSERT INTO pc_typed VALUES (502, ST_SetSRID(ST_MakePoint('NaN', 5), 32616));
SELECT safety.grid_agg(g, 100) FROM pc_typed;
DELETE FROM pc_typed WHERE id = 502;
-- a geometry(Point) column allows any SRID: the SRID is still read per row
SELECT safety.grid_agg(g, 10) FROM pc_any_srid;
-- Z and M columns are points too
SELECT safety.grid_agg(g, 10)::text FROM pc_z;
-- a geographic point column is refused as before
SELECT safety.grid_agg(g, 250) FROM pc_geog;
-- an SQL function's result is coerced to its column definition list
-- (PostGIS refuses what does not fit) before safety sees it
CREATE FUNCTION pc_lying() RETURNS SETOF record LANGUAGE sql AS
$$ SELECT 'SRID=32616;POINT(1 1)'::geometry UNION ALL SELECT 'SRID=32616;LINESTRING(0 0,1 1)'::geometry $$;
SELECT safety.grid_agg(g, 10) FROM pc_lying() AS t(g geometry(Point, 32616));
CREATE FUNCTION pc_lying_srid() RETURNS SETOF record LANGUAGE sql AS
$$ SELECT 'SRID=32616;POINT(1 1)'::geometry UNION ALL SELECT 'SRID=3857;POINT(2 2)'::geometry $$;
SELECT safety.grid_agg(g, 10) FROM pc_lying_srid() AS t(g geometry(Point, 32616));
-- a column of another geometry type is checked row by row
SELECT safety.grid_agg(g, 10) FROM pc_multi;
-- a large (toasted, compressed) non-point in a plain geometry column
SELECT safety.grid_agg(g, 10) FROM pc_big;
SELECT safety.events_agg(g, now()) FROM pc_big;
SELECT safety.grid_agg(g, 10)::text FROM pc_untyped() AS t(g geometry(Point, 32616));
-- columns of a partitioned table and of a view over the table are read too
SELECT (SELECT safety.grid_agg(g, 100)::text FROM pc_parts) = (SELECT safety.grid_agg(g, 100)::text FROM pc_typed) AS partitions_same,
       (SELECT safety.grid_agg(g, 100)::text FROM pc_view) = (SELECT safety.grid_agg(ST_SetSRID(g, 32616), 100)::text FROM pc_typed WHERE id % 2 = 0) AS view_same;
RESET client_min_messages;
-- cells are added in batches; a running (window) grid is read after every
-- row and must hold every row so far: its total is the running count
WITH w AS (
  SELECT safety.total(safety.grid_agg(g, 100) OVER (ORDER BY id)) AS total,
         safety.num_cells(safety.hex_agg(g, 60) OVER (ORDER BY id)) AS hexes,
         count(*) OVER (ORDER BY id) AS n,
         (SELECT count(DISTINCT (floor(ST_X(p.g) / 100), floor(ST_Y(p.g) / 100))) FROM pc_typed p WHERE p.id <= t.id) AS cells,
         safety.num_cells(safety.grid_agg(g, 100) OVER (ORDER BY id)) AS grid_cells
  FROM pc_typed t)
SELECT count(*) AS rows, count(*) FILTER (WHERE total <> n) AS total_differs,
       count(*) FILTER (WHERE grid_cells <> cells) AS cells_differ, max(hexes) > 0 AS has_hexes
FROM w;
DROP VIEW pc_view;
DROP TABLE pc_typed, pc_any_srid, pc_z, pc_geog, pc_parts, pc_multi, pc_big;
DROP FUNCTION pc_lying(), pc_lying_srid(), pc_untyped();
