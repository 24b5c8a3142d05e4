-- kde_hex_agg: kernel density at hexagon centres against a plain PostGIS
-- computation at the centres of ST_HexagonGrid cells, every kernel, unit
-- and weighted; a parallel plan gives the same grid; the cells
-- are those of hex_agg.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
CREATE TEMP TABLE hkernels(kernel text, support float8);
INSERT INTO hkernels VALUES ('quartic', 1), ('epanechnikov', 1), ('triangular', 1), ('uniform', 1), ('gaussian', 3);
CREATE FUNCTION pg_temp.kernel_value(kernel text, u float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kernel
    WHEN 'quartic' THEN 3 / pi() * (1 - u * u) ^ 2
    WHEN 'epanechnikov' THEN 2 / pi() * (1 - u * u)
    WHEN 'triangular' THEN 3 / pi() * (1 - u)
    WHEN 'uniform' THEN 1 / pi()
    WHEN 'gaussian' THEN 1 / (2 * pi()) * exp(-u * u / 2) END $$;
-- hexagons of edge 150 m, h = 400 m; weights 1, or 2 for aggravated
-- burglaries.  The centre of ST_HexagonGrid's cell (i, j) is
-- (1.5 s i, √3 s (j + ½ [i odd])), written out (ST_Centroid agrees to 1e-6 m,
-- checked below; its rounding would blur densities within 1e-8 of the
-- support's edge).
CREATE TEMP TABLE hgrid AS
WITH ext AS (SELECT ST_SetSRID(ST_Expand(ST_Extent(geom), 1500), 32616) AS e FROM incidents)
SELECT g.i, g.j, g.geom, ST_SetSRID(ST_MakePoint(1.5 * 150 * g.i, sqrt(3) * 150 * (g.j + CASE WHEN g.i % 2 <> 0 THEN 0.5 ELSE 0 END)), 32616) AS c
FROM ext, ST_HexagonGrid(150, ext.e) g;
SELECT count(*) AS hexagons, max(ST_Distance(c, ST_Centroid(geom))) < 1e-6 AS centres_as_centroids FROM hgrid;
CREATE TEMP TABLE hpairs AS
WITH grid AS (SELECT i, j, c FROM hgrid)
SELECT g.i, g.j, ST_Distance(g.c, e.geom) AS d, CASE WHEN e.offense <> 'BURGLARY' THEN 2 ELSE 1 END AS w
FROM grid g JOIN incidents e ON ST_DWithin(g.c, e.geom, 400 * 3);
CREATE TEMP TABLE hplain AS
SELECT k.kernel, wt.weighted, p.i, p.j,
       sum(CASE WHEN wt.weighted THEN p.w ELSE 1 END * pg_temp.kernel_value(k.kernel, p.d / 400) / (400 * 400)) AS density
FROM hkernels k, (VALUES (false), (true)) wt(weighted), hpairs p
WHERE p.d < k.support * 400
GROUP BY 1, 2, 3, 4;
CREATE TEMP TABLE hext AS
SELECT k.kernel, false AS weighted, c.i, c.j, c.value AS density
FROM hkernels k, safety.cells((SELECT safety.kde_hex_agg(geom, 150, 400, k.kernel) FROM incidents)) c
UNION ALL
SELECT k.kernel, true, c.i, c.j, c.value
FROM hkernels k, safety.cells((SELECT safety.kde_hex_agg(geom, 150, 400,
       CASE WHEN offense <> 'BURGLARY' THEN 2 ELSE 1 END, k.kernel) FROM incidents)) c;
SELECT kernel, weighted, count(*) AS cells,
       count(*) FILTER (WHERE a.density IS NULL) AS missing_in_kde_hex_agg,
       count(*) FILTER (WHERE b.density IS NULL) AS missing_in_plain_sql,
       count(*) FILTER (WHERE abs(a.density - b.density) > 1e-9 * abs(b.density)) AS beyond_1e_9
FROM hext a FULL JOIN hplain b USING (kernel, weighted, i, j)
GROUP BY 1, 2 ORDER BY 1, 2;
-- the grid is hexagonal, of edge 150, and its polygons are ST_HexagonGrid's
SELECT g::text LIKE 'SRID=32616;HEX(150){%' AS hex_text,
       (SELECT bool_and(ST_Equals(c.geom, h.geom))
        FROM safety.cells(g) c JOIN ST_HexagonGrid(150, ST_Expand(c.geom, 1)) h ON h.i = c.i AND h.j = c.j) AS polygons_as_postgis
FROM (SELECT safety.kde_hex_agg(geom, 150, 400) g FROM incidents) s;
-- every cell holding an event (hex_agg) has a density
SELECT count(*) AS event_cells, count(k.value) AS with_density
FROM safety.cells((SELECT safety.hex_agg(geom, 150) FROM incidents)) h
LEFT JOIN safety.cells((SELECT safety.kde_hex_agg(geom, 150, 400) FROM incidents)) k USING (i, j);
-- mass: density times the hexagon area (3√3/2 s²) sums to about the events
SELECT round((safety.total(g) * 1.5 * sqrt(3) * 150 * 150)::numeric, 0) AS mass,
       (SELECT count(geom) FROM incidents) AS located
FROM (SELECT safety.kde_hex_agg(geom, 150, 400) g FROM incidents) s;
-- a parallel plan (partial grids combined) gives the same text
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE TEMP TABLE hpar AS SELECT safety.kde_hex_agg(geom, 150, 400) AS g FROM incidents;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
SELECT (SELECT g FROM hpar)::text = (SELECT safety.kde_hex_agg(geom, 150, 400) FROM incidents)::text AS parallel_same;
-- errors name the aggregate
SELECT safety.kde_hex_agg(geom, 150, -1) FROM incidents;
SELECT safety.kde_hex_agg(geom, 150, 400, 'cosine') FROM incidents;
-- the checks of the final grid name the hexagon aggregate too
SELECT safety.kde_hex_agg(ST_MakePoint(-84.5 + g * 0.001, 39.1), 0.001, 0.005) FROM generate_series(1, 3) g;
