-- Areas as analysis units (issue #16): Gi* and local Moran's I over the 22
-- Vancouver local areas (vancouver_areas, scripts/load-data.sql) with their
-- 2020 theft counts, each checked against an independent computation in
-- plain SQL/PostGIS; local Moran's I over grid cells; every bad input.
-- (R spdep agreement: test/suites/r_areas.sh.)
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
\set ECHO none
SET client_min_messages = warning;
\i scripts/load-vancouver.sql
\unset ON_ERROR_STOP
RESET client_min_messages;
\set ECHO all
CREATE TEMP TABLE av AS
SELECT a.area_id, a.name, a.geom, count(v.id)::float8 AS thefts
FROM vancouver_areas a LEFT JOIN vancouver v ON ST_Intersects(a.geom, v.geom)
GROUP BY a.area_id, a.name, a.geom;
CREATE TEMP TABLE arr AS
SELECT array_agg(area_id ORDER BY area_id) AS ids, array_agg(geom ORDER BY area_id) AS geoms,
       array_agg(thefts ORDER BY area_id) AS x FROM av;
SELECT count(*) AS areas, sum(thefts) AS thefts, min(thefts), max(thefts) FROM av;

-- 1. Neighbour lists against PostGIS.  Queen: areas whose boundaries share
-- a point, ST_Intersects; rook (spdep's rule: at least two shared boundary
-- vertices) from ST_DumpPoints, each ring's first point left out (spdep
-- drops the closing duplicate); distance: centroids within 3000 m; knn: the
-- 4 nearest centroids by distance.
CREATE TEMP TABLE verts AS
SELECT area_id, (d).geom AS pt FROM (SELECT area_id, ST_DumpPoints(geom) AS d FROM av) s
WHERE (d).path[3] > 1;
CREATE TEMP TABLE nb (weights text, a bigint, b bigint);
INSERT INTO nb SELECT 'queen', a.area_id, b.area_id FROM av a JOIN av b
	ON a.area_id <> b.area_id AND ST_Intersects(a.geom, b.geom);
INSERT INTO nb SELECT 'rook', v.area_id, w.area_id FROM verts v JOIN verts w
	ON v.area_id <> w.area_id AND ST_DWithin(v.pt, w.pt, 1.4901161193847656e-08)
	GROUP BY 1, 2, 3 HAVING count(*) >= 2;
INSERT INTO nb SELECT 'distance', a.area_id, b.area_id FROM av a JOIN av b
	ON a.area_id <> b.area_id AND ST_DWithin(ST_Centroid(a.geom), ST_Centroid(b.geom), 3000);
INSERT INTO nb SELECT 'knn', a.area_id, n.area_id FROM av a CROSS JOIN LATERAL (
	SELECT b.area_id FROM av b WHERE b.area_id <> a.area_id
	ORDER BY ST_Distance(ST_Centroid(a.geom), ST_Centroid(b.geom)), b.area_id LIMIT 4) n;
SELECT weights, count(*) AS pairs, count(*) FILTER (WHERE NOT EXISTS (
	SELECT 1 FROM nb m WHERE m.weights = nb.weights AND m.a = nb.b AND m.b = nb.a)) AS one_way
FROM nb GROUP BY 1 ORDER BY 1;

-- Gi* of each weights, and Gi* recomputed in SQL from those lists
-- (Ord & Getis 1995: binary weights, the area itself included):
-- z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1))), S² = Σx²/n − x̄²
CREATE TEMP TABLE gi AS
SELECT 'queen' AS weights, r.* FROM arr, safety.gi_star_areas(ids, geoms, x) r
UNION ALL SELECT 'rook', r.* FROM arr, safety.gi_star_areas(ids, geoms, x, 'rook') r
UNION ALL SELECT 'distance', r.* FROM arr, safety.gi_star_areas(ids, geoms, x, 'distance', 3000) r
UNION ALL SELECT 'knn', r.* FROM arr, safety.gi_star_areas(ids, geoms, x, 'knn', k => 4) r;
CREATE TEMP TABLE gi_sql AS
WITH s AS (SELECT count(*)::float8 AS n, avg(thefts) AS xbar,
                  sqrt(avg(thefts ^ 2) - avg(thefts) ^ 2) AS sd FROM av),
w AS (SELECT weights, a, b FROM nb UNION ALL
      SELECT w.weights, av.area_id, av.area_id FROM av, (SELECT DISTINCT weights FROM nb) w),
g AS (SELECT w.weights, w.a AS area_id, count(*)::float8 AS wi, sum(x.thefts) AS sx
      FROM w JOIN av x ON x.area_id = w.b GROUP BY 1, 2)
SELECT g.weights, g.area_id, g.wi::int AS neighbors,
       (g.sx - s.xbar * g.wi) / (s.sd * sqrt((s.n * g.wi - g.wi ^ 2) / (s.n - 1))) AS z
FROM g, s;
SELECT gi.weights, count(*) AS areas,
       count(*) FILTER (WHERE gi.neighbors = q.neighbors) AS same_neighbors,
       max(abs(gi.z - q.z)) < 1e-10 AS z_equal,
       count(*) FILTER (WHERE gi.class <> 0) AS significant
FROM gi JOIN gi_sql q USING (weights, area_id) GROUP BY 1 ORDER BY 1;
-- p is the two-sided normal p of z; class ±3/±2/±1 at p < 0.01/0.05/0.10
SELECT count(*) AS rows, count(*) FILTER (WHERE class = sign(z) * CASE WHEN p < 0.01 THEN 3
	WHEN p < 0.05 THEN 2 WHEN p < 0.10 THEN 1 ELSE 0 END) AS class_as_p
FROM gi;
-- the queen result in full (rounded)
SELECT area_id, name, value, neighbors, round(z::numeric, 6) AS z, round(p::numeric, 6) AS p, class
FROM gi JOIN av USING (area_id) WHERE weights = 'queen' ORDER BY area_id;
-- FDR: classes from the Benjamini-Hochberg cut-offs, never more than without
SELECT count(*) FILTER (WHERE r.class <> 0) AS fdr_significant,
       bool_and(r.z = g.z AND abs(r.class) <= abs(g.class)) AS z_same_class_weaker
FROM arr, safety.gi_star_areas(ids, geoms, x, fdr => true) r JOIN gi g ON g.weights = 'queen' AND g.area_id = r.area_id;

-- 2. Local Moran's I (Anselin 1995), row-standardised weights, recomputed
-- in SQL: z_i = x_i − x̄, m2 = Σz²/n, I_i = z_i/m2 · mean of the neighbours' z
CREATE TEMP TABLE lm AS
SELECT 'queen' AS weights, r.* FROM arr, safety.local_moran_areas(ids, geoms, x) r
UNION ALL SELECT 'rook', r.* FROM arr, safety.local_moran_areas(ids, geoms, x, 'rook') r
UNION ALL SELECT 'distance', r.* FROM arr, safety.local_moran_areas(ids, geoms, x, 'distance', 3000) r
UNION ALL SELECT 'knn', r.* FROM arr, safety.local_moran_areas(ids, geoms, x, 'knn', k => 4) r;
CREATE TEMP TABLE lm_sql AS
WITH s AS (SELECT avg(thefts) AS xbar, avg((thefts - (SELECT avg(thefts) FROM av)) ^ 2) AS m2 FROM av),
l AS (SELECT nb.weights, nb.a AS area_id, count(*) AS neighbors, avg(x.thefts) AS lag
      FROM nb JOIN av x ON x.area_id = nb.b GROUP BY 1, 2)
SELECT l.weights, l.area_id, l.neighbors, l.lag,
       (a.thefts - s.xbar) / s.m2 * (l.lag - s.xbar) AS i,
       CASE WHEN a.thefts > s.xbar THEN 'H' ELSE 'L' END ||
       CASE WHEN l.lag > avg(l.lag) OVER (PARTITION BY l.weights) THEN 'H' ELSE 'L' END AS quadrant
FROM l JOIN av a USING (area_id), s;
SELECT lm.weights, count(*) AS areas,
       count(*) FILTER (WHERE lm.neighbors = q.neighbors) AS same_neighbors,
       max(abs(lm.i - q.i)) < 1e-12 AS i_equal,
       count(lm.quadrant) AS significant,
       count(*) FILTER (WHERE lm.quadrant = q.quadrant) AS same_quadrant,
       bool_and((lm.quadrant IS NOT NULL) = (lm.p < 0.05)) AS quadrant_iff_p_below_alpha,
       bool_and(lm.p >= 0.001 AND lm.p <= 0.5) AS pseudo_p_in_range
FROM lm JOIN lm_sql q USING (weights, area_id) GROUP BY 1 ORDER BY 1;
-- the queen result in full; the pseudo p of 999 permutations with seed 1
SELECT area_id, name, value, neighbors, round(i::numeric, 6) AS i, round(z::numeric, 6) AS z, p, quadrant
FROM lm JOIN av USING (area_id) WHERE weights = 'queen' ORDER BY area_id;
-- the same seed gives the same pseudo p; another seed other ones; without
-- permutations p is the normal p of z, and alpha => 1 keeps every quadrant
SELECT bool_and(r.p = l.p) AS same_seed_same_p
FROM arr, safety.local_moran_areas(ids, geoms, x) r JOIN lm l ON l.weights = 'queen' AND l.area_id = r.area_id;
SELECT count(*) FILTER (WHERE r.p <> l.p) > 0 AS other_seed_other_p
FROM arr, safety.local_moran_areas(ids, geoms, x, seed => 2) r JOIN lm l ON l.weights = 'queen' AND l.area_id = r.area_id;
SELECT count(*) AS areas, count(r.quadrant) AS with_quadrant, bool_and(r.i = l.i AND r.z = l.z) AS same_i_z,
       bool_and((r.p < 0.05) = (abs(r.z) > 1.959963984540054)) AS p_normal
FROM arr, safety.local_moran_areas(ids, geoms, x, permutations => 0, alpha => 1) r
JOIN lm l ON l.weights = 'queen' AND l.area_id = r.area_id;

-- islands (areas without neighbours: spdep's zero.policy): Gi* compares
-- the area alone (neighbors 1), local Moran's I is 0 without z, p or
-- quadrant; a NOTICE counts them
SELECT r.area_id, r.neighbors, round(r.z::numeric, 6) AS z, r.class
FROM arr, safety.gi_star_areas(ids, geoms, x, 'distance', 1800) r WHERE r.neighbors = 1 ORDER BY 1 LIMIT 3;
SELECT count(*) AS islands, bool_and(i = 0 AND z IS NULL AND p IS NULL AND quadrant IS NULL) AS zero_policy
FROM arr, safety.local_moran_areas(ids, geoms, x, 'distance', 1800) r WHERE r.neighbors = 0;

-- 3. Local Moran's I over grid cells: the cells of gi_star's default
-- analysis set, neighbours within the band less the cell itself
CREATE TEMP TABLE g500 AS SELECT safety.grid_agg(geom, 500) AS g FROM incidents;
CREATE TEMP TABLE lmg AS SELECT r.* FROM g500, safety.local_moran(g, 1100) r;
SELECT count(*) AS cells, count(quadrant) AS significant,
       count(*) FILTER (WHERE quadrant = 'HH') AS hh, count(*) FILTER (WHERE quadrant = 'LL') AS ll,
       count(*) FILTER (WHERE quadrant = 'HL') AS hl, count(*) FILTER (WHERE quadrant = 'LH') AS lh
FROM lmg;
SELECT count(*) AS cells, count(*) FILTER (WHERE l.neighbors = s.neighbors - 1 AND l.value = s.value
	AND ST_Equals(l.geom, s.geom)) AS as_gi_star
FROM lmg l FULL JOIN (SELECT r.* FROM g500, safety.gi_star(g, 1100) r) s USING (cell_id);
-- I of a few cells recomputed in SQL over the same set
WITH s AS (SELECT avg(value) AS xbar, avg(value ^ 2) - avg(value) ^ 2 AS m2 FROM lmg),
l AS (SELECT a.cell_id, avg(b.value) AS lag FROM lmg a JOIN lmg b
	ON a.cell_id <> b.cell_id AND ST_DWithin(ST_Centroid(a.geom), ST_Centroid(b.geom), 1100)
	WHERE a.cell_id IN (SELECT cell_id FROM lmg ORDER BY value DESC, cell_id LIMIT 5) GROUP BY 1)
SELECT a.i, a.j, a.value, a.neighbors, round(a.ii::numeric, 6) AS ii,
       abs(a.ii - (a.value - s.xbar) / s.m2 * (l.lag - s.xbar)) < 1e-10 AS ii_as_sql, a.quadrant
FROM lmg a JOIN l USING (cell_id), s ORDER BY a.value DESC, a.cell_id;

-- 5. Events counted into areas: equal to a plain PostGIS join (each event
-- to the lowest area_id it intersects; the rest in the row area_id NULL)
CREATE TEMP TABLE ve AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM vancouver WHERE geom IS NOT NULL;
CREATE TEMP TABLE ac AS SELECT r.* FROM ve, arr,
	safety.area_counts(e, ids, geoms, (SELECT array_agg(1000 * area_id::float8 ORDER BY area_id) FROM av)) r;
WITH j AS (SELECT v.id, min(a.area_id) AS area_id FROM vancouver v
           LEFT JOIN vancouver_areas a ON ST_Intersects(a.geom, v.geom)
           WHERE v.geom IS NOT NULL GROUP BY v.id),
c AS (SELECT area_id, count(*) AS events FROM j GROUP BY 1)
SELECT count(*) AS rows, count(*) FILTER (WHERE ac.events = c.events AND ac.weight = c.events) AS as_postgis_join,
       sum(ac.events) AS events, (SELECT count(*) FROM vancouver WHERE geom IS NOT NULL) AS located
FROM ac FULL JOIN c ON coalesce(ac.area_id, -1) = coalesce(c.area_id, -1);
SELECT bool_and(abs(ac.area_km2 - ST_Area(a.geom) / 1e6) < 1e-9 AND ac.per_km2 = ac.events / ac.area_km2
                AND ac.per_1000 = ac.events / ac.population * 1000) AS rates
FROM ac JOIN vancouver_areas a USING (area_id);
SELECT area_id, events, round(area_km2::numeric, 3) AS km2, round(per_km2::numeric, 1) AS per_km2, population,
       round(per_1000::numeric, 3) AS per_1000
FROM ac ORDER BY area_id NULLS LAST LIMIT 3;
SELECT * FROM ac WHERE area_id IS NULL;
-- each area's events as a collection: the very events (by id) of the join,
-- weights and times kept
WITH j AS (SELECT v.id, min(a.area_id) AS area_id FROM vancouver v
           LEFT JOIN vancouver_areas a ON ST_Intersects(a.geom, v.geom)
           WHERE v.geom IS NOT NULL GROUP BY v.id),
x AS (SELECT x.area_id, r.id, r.occurred_from, r.weight FROM ve, arr, safety.area_events(e, ids, geoms) x, safety.event_rows(x.events) r)
SELECT (SELECT count(*) FROM ve, arr, safety.area_events(e, ids, geoms)) AS rows,
       (SELECT count(*) FROM x) AS events,
       (SELECT count(*) FROM x JOIN j ON j.id = x.id AND j.area_id IS NOT DISTINCT FROM x.area_id) AS in_their_join_area,
       (SELECT count(*) FROM x JOIN vancouver v ON v.id = x.id AND v.occurred_at = x.occurred_from AND x.weight = 1) AS same_time_weight;
-- the boundary rule: a point on the edge two squares share, in both
-- (overlap) or on the outer boundary goes to the lowest area_id; weights summed
SELECT r.* FROM safety.area_counts(
	(SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(x, y), 32610), '2020-01-01'::timestamptz, NULL::bigint, w)
	 FROM (VALUES (10, 5, 1), (5, 5, 2), (15, 5, 4), (0, 3, 8), (25, 5, 16), (12, 12, 32)) v(x, y, w)),
	'{7,3,5}', ARRAY['SRID=32610;POLYGON((10 0,20 0,20 10,10 10,10 0))', 'SRID=32610;POLYGON((0 0,10 0,10 10,0 10,0 0))',
	                 'SRID=32610;POLYGON((12 2,18 2,18 8,12 8,12 2))']::geometry[], '{100,0,NULL}') r;

-- 4. Bad input: each a clear error naming the argument
\set VERBOSITY default
-- arrays of different lengths, more than one dimension
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms FROM arr), '{1,2,3}');
SELECT * FROM safety.local_moran_areas('{{1,2},{3,4}}', '{}', '{}');
-- NULL and duplicate ids, NULL values
SELECT * FROM safety.gi_star_areas(ARRAY[1, NULL, 3], (SELECT geoms[1:3] FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,1}', (SELECT geoms[1:3] FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:3] FROM arr), ARRAY[1, NULL, 3]);
\echo :LAST_ERROR_SQLSTATE
-- NULL, empty, invalid and non-polygon geometries; mixed SRIDs
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || NULL::geometry FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || 'SRID=32610;POLYGON EMPTY'::geometry FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || 'SRID=32610;POLYGON((0 0,1 1,1 0,0 1,0 0))'::geometry FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || 'SRID=32610;POINT(0 0)'::geometry FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || 'SRID=32610;LINESTRING(0 0,1 1)'::geometry FROM arr), '{1,2,3}');
SELECT * FROM safety.gi_star_areas('{1,2,3}', (SELECT geoms[1:2] || ST_Transform(geoms[3], 4326) FROM arr), '{1,2,3}');
-- weights, distance, k
SELECT * FROM safety.gi_star_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'bishop');
SELECT * FROM safety.gi_star_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'distance');
SELECT * FROM safety.gi_star_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'distance', 0);
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'distance', -5);
SELECT * FROM safety.gi_star_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'knn', k => 0);
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), 'knn', k => 22);
SELECT * FROM safety.gi_star_areas((SELECT ids FROM arr), (SELECT array_agg(ST_Transform(g, 4326) ORDER BY n) FROM unnest((SELECT geoms FROM arr)) WITH ORDINALITY u(g, n)), (SELECT x FROM arr), 'knn');
-- permutations, alpha, seed
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), permutations => -1);
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), permutations => 100000);
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), alpha => 0);
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), (SELECT x FROM arr), seed => NULL);
-- too few areas, no variation (SQLSTATE 22S01: the statistic is undefined)
SELECT * FROM safety.gi_star_areas('{1,2}', (SELECT geoms[1:2] FROM arr), '{1,2}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.local_moran_areas((SELECT ids FROM arr), (SELECT geoms FROM arr), array_fill(7::float8, ARRAY[22]));
\echo :LAST_ERROR_SQLSTATE
-- the grid version: distance missing, below the cell spacing; permutations
SELECT count(*) FROM g500, safety.local_moran(g, NULL);
SELECT count(*) FROM g500, safety.local_moran(g, 400);
SELECT count(*) FROM g500, safety.local_moran(g, 1100, permutations => -1);
-- area_counts: SRIDs, population
SELECT * FROM ve, arr, safety.area_counts(e, ids, (SELECT array_agg(ST_Transform(g, 26910) ORDER BY n) FROM unnest(geoms) WITH ORDINALITY u(g, n)));
SELECT * FROM ve, arr, safety.area_counts(e, ids, geoms, '{1,2}');
SELECT * FROM ve, arr, safety.area_counts(e, ids, geoms, array_fill(-1::float8, ARRAY[22]));
SELECT * FROM ve, safety.area_counts(e, '{1,1}', ARRAY['SRID=32610;POLYGON((0 0,1 0,1 1,0 0))', 'SRID=32610;POLYGON((0 0,1 0,1 1,0 0))']::geometry[]);
-- NULL arrays or grid: no input, no rows
SELECT count(*) FROM safety.gi_star_areas(NULL, NULL, NULL);
SELECT count(*) FROM safety.local_moran_areas('{1}', NULL, '{1}');
SELECT count(*) FROM safety.local_moran(NULL, 1100);
SELECT count(*) FROM safety.area_counts(NULL, '{1}', NULL);
