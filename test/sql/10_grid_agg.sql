-- grid_agg, hex_agg, grid_merge and cells against plain SQL / PostGIS on the
-- bundled data: the same cells with the same sums, exactly.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;

-- square cells: plain SQL formulation floor(x / s), floor(y / s)
CREATE TEMP TABLE sizes(s float8);
INSERT INTO sizes VALUES (100), (250), (333.3), (1000);
WITH ours AS (
  SELECT s, c.i, c.j, c.value
  FROM sizes, LATERAL safety.cells((SELECT safety.grid_agg(geom, s) FROM incidents)) c
), plain AS (
  SELECT s, floor(ST_X(geom) / s)::int AS i, floor(ST_Y(geom) / s)::int AS j, count(*)::float8 AS value
  FROM sizes, incidents WHERE geom IS NOT NULL GROUP BY 1, 2, 3
)
SELECT s, count(*) AS cells, sum(coalesce(o.value, 0)) AS total,
       count(*) FILTER (WHERE o.value IS DISTINCT FROM p.value) AS mismatches
FROM ours o FULL JOIN plain p USING (s, i, j) GROUP BY s ORDER BY s;

-- weighted sums (weights exact in binary, so any summation order is exact)
WITH ours AS (
  SELECT c.i, c.j, c.value FROM safety.cells((
    SELECT safety.grid_agg(geom, 250, CASE offense WHEN 'AGGRAVATED BURGLARY' THEN 2.5 ELSE 0.75 END)
    FROM incidents)) c
), plain AS (
  SELECT floor(ST_X(geom) / 250)::int AS i, floor(ST_Y(geom) / 250)::int AS j,
         sum(CASE offense WHEN 'AGGRAVATED BURGLARY' THEN 2.5 ELSE 0.75 END) AS value
  FROM incidents WHERE geom IS NOT NULL GROUP BY 1, 2
)
SELECT count(*) AS cells, sum(o.value) AS total,
       count(*) FILTER (WHERE o.value IS DISTINCT FROM p.value) AS mismatches
FROM ours o FULL JOIN plain p USING (i, j);

-- the same cells as PostGIS ST_SquareGrid: polygons identical, counts equal
WITH g AS (SELECT safety.grid_agg(geom, 500) AS g FROM incidents),
ours AS (SELECT c.* FROM g, safety.cells(g.g) c),
pg AS (
  SELECT sq.i, sq.j, sq.geom, count(*)::float8 AS value
  FROM ST_SquareGrid(500, (SELECT ST_SetSRID(ST_Extent(geom), 32616) FROM incidents)) sq
  JOIN incidents p ON ST_Intersects(sq.geom, p.geom)
  GROUP BY sq.i, sq.j, sq.geom
)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE o.value IS DISTINCT FROM pg.value) AS count_mismatches,
       count(*) FILTER (WHERE ST_AsEWKB(o.geom) IS DISTINCT FROM ST_AsEWKB(pg.geom)) AS polygon_mismatches
FROM ours o FULL JOIN pg USING (i, j);

-- hexagons: the same cells as ST_HexagonGrid / ST_Hexagon
WITH g AS (SELECT safety.hex_agg(geom, 300) AS g FROM incidents),
ours AS (SELECT c.* FROM g, safety.cells(g.g) c),
pg AS (
  SELECT hx.i, hx.j, hx.geom, count(*)::float8 AS value
  FROM ST_HexagonGrid(300, (SELECT ST_SetSRID(ST_Extent(geom), 32616) FROM incidents)) hx
  JOIN incidents p ON ST_Intersects(hx.geom, p.geom)
  GROUP BY hx.i, hx.j, hx.geom
)
SELECT count(*) AS cells, sum(o.value) AS total,
       count(*) FILTER (WHERE o.value IS DISTINCT FROM pg.value) AS count_mismatches,
       count(*) FILTER (WHERE ST_AsEWKB(o.geom) IS DISTINCT FROM ST_AsEWKB(pg.geom)) AS polygon_mismatches,
       count(*) FILTER (WHERE ST_AsEWKB(o.geom) IS DISTINCT FROM ST_AsEWKB(ST_SetSRID(ST_Hexagon(300, o.i, o.j), 32616))) AS st_hexagon_mismatches
FROM ours o FULL JOIN pg USING (i, j);

-- negative indices and odd columns: hand-placed points
SELECT c.cell_id, c.i, c.j, c.value, ST_Contains(c.geom, p.g) AS contains_point
FROM (VALUES ('SRID=32616;POINT(-150 86)'::geometry), ('SRID=32616;POINT(0 0.5)'),
             ('SRID=32616;POINT(149 -1)'), ('SRID=32616;POINT(-1 -1)')) p(g),
     LATERAL (SELECT safety.hex_agg(q.g, 100) AS h FROM (SELECT p.g) q(g)) a,
     LATERAL safety.cells(a.h) c ORDER BY 2, 3;
SELECT c.cell_id, c.i, c.j, c.value, ST_AsText(c.geom)
FROM safety.cells((SELECT safety.grid_agg(g, 10)
                   FROM (VALUES ('SRID=32616;POINT(-0.5 -0.5)'::geometry), ('SRID=32616;POINT(10 0)'),
                                ('SRID=32616;POINT(9.999 0)'), ('SRID=32616;POINT(-10 -10)')) v(g))) c
ORDER BY 2, 3;

-- cell ids are stable and map back to their polygons
WITH g AS (SELECT safety.grid_agg(geom, 250) AS g FROM incidents)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE c.cell_id <> (c.i::int8 << 32) | (c.j::int8 & 4294967295)) AS id_mismatches,
       count(*) FILTER (WHERE NOT ST_Equals(safety.cell_geom(g.g, c.cell_id), c.geom)) AS geom_mismatches
FROM g, safety.cells(g.g) c;

-- grid_merge: the sum of yearly partial grids equals the grid of all years
CREATE TEMP TABLE yearly AS
SELECT extract(year FROM occurred_at) AS year, safety.grid_agg(geom, 250) AS g
FROM incidents GROUP BY 1;
SELECT (SELECT safety.grid_merge(g) FROM yearly)::text = (SELECT safety.grid_agg(geom, 250) FROM incidents)::text AS merge_equals_one_pass,
       (SELECT safety.total(safety.grid_merge(g)) FROM yearly) AS total,
       (SELECT sum(safety.num_cells(g)) FROM yearly) AS yearly_cells,
       (SELECT safety.num_cells(safety.grid_merge(g)) FROM yearly) AS merged_cells;
-- hexagon rollups too, and accessors
SELECT safety.shape(g), safety.srid(g), safety.cell_size(g), safety.num_cells(g), safety.total(g)
FROM (SELECT safety.grid_merge(h) AS g FROM (SELECT safety.hex_agg(geom, 400) AS h FROM incidents GROUP BY offense) s) t;

-- NULL geometries are skipped; empty input gives NULL
SELECT safety.total(safety.grid_agg(geom, 250)) AS total_with_nulls FROM incidents;
SELECT safety.grid_agg(geom, 250) IS NULL AS empty_is_null FROM incidents WHERE false;
SELECT safety.grid_agg(NULL::geometry, 250) IS NULL AS all_null_is_null FROM generate_series(1, 3);
SELECT safety.grid_merge(g) IS NULL AS merge_of_nothing FROM yearly WHERE false;
