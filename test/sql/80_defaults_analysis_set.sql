-- The default analysis set of safety.gi_star (analysis_set => 'near_events'):
-- the cells of the grid's rectangle whose centre lies within the distance
-- band of the centre of a cell with events.  Every set below is computed
-- again in plain PostGIS (ST_SquareGrid, ST_DWithin on cell centroids, the
-- Gi* formula in SQL) and compared cell by cell.
\i test/sql/include/incidents.sql
SET client_min_messages = notice;

-- a set of cells is compared with an independent one: cells only in one,
-- and cells whose centre is beyond the band of every cell with events
CREATE FUNCTION pg_temp.compare(got regclass, want regclass, events regclass, band float8,
	OUT got_cells bigint, OUT want_cells bigint, OUT only_got bigint, OUT only_want bigint, OUT far_from_events bigint)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SELECT (SELECT count(*) FROM %1$s), (SELECT count(*) FROM %2$s),
		(SELECT count(*) FROM %1$s g WHERE NOT EXISTS (SELECT 1 FROM %2$s w WHERE w.i = g.i AND w.j = g.j)),
		(SELECT count(*) FROM %2$s w WHERE NOT EXISTS (SELECT 1 FROM %1$s g WHERE w.i = g.i AND w.j = g.j)),
		(SELECT count(*) FROM %1$s g WHERE NOT EXISTS (SELECT 1 FROM %3$s e WHERE ST_DWithin(e.c, ST_Centroid(g.geom), %4$s)))',
		got, want, events, band * (1 + 1e-9))
	INTO got_cells, want_cells, only_got, only_want, far_from_events;
END $$;

-- Gi* written out over a set of cells (i, j, value, c = centre): binary
-- weights within the band, the cell itself included, mean and S over the set;
-- returns how many z differ from gi_star's by more than 1e-9
CREATE FUNCTION pg_temp.plain_gi_differs(got regclass, cells regclass, band float8) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	EXECUTE format('WITH s AS (SELECT count(*) AS n, avg(value) AS m, sqrt(avg(value * value) - avg(value) ^ 2) AS sd FROM %2$s),
		w AS (SELECT a.i, a.j, count(*) AS nb, sum(b.value) AS sx FROM %2$s a JOIN %2$s b ON ST_DWithin(a.c, b.c, %3$s) GROUP BY 1, 2),
		plain AS (SELECT w.i, w.j, w.nb, (w.sx - s.m * w.nb) / (s.sd * sqrt((s.n * w.nb - w.nb * w.nb)::float8 / (s.n - 1))) AS z FROM w, s)
		SELECT count(*) FILTER (WHERE g.neighbors <> p.nb OR abs(g.z - p.z) > 1e-9) + abs((SELECT count(*) FROM %1$s) - count(*))
		FROM %1$s g JOIN plain p USING (i, j)', got, cells, band * (1 + 1e-9))
	INTO n;
	RETURN n;
END $$;

-- 1. The bundled burglaries, 250 m squares, band 750 m (the README's call).
--    Independent: the fishnet by ST_SquareGrid over the rectangle of the
--    cells holding incidents, counts by ST_Intersects.
CREATE TEMP TABLE b_fish AS
WITH r AS (SELECT min(i) AS i0, max(i) AS i1, min(j) AS j0, max(j) AS j1
           FROM (SELECT floor(ST_X(geom) / 250)::int AS i, floor(ST_Y(geom) / 250)::int AS j FROM incidents WHERE geom IS NOT NULL) e)
SELECT q.i, q.j, q.geom, ST_Centroid(q.geom) AS c,
       (SELECT count(*) FROM incidents x WHERE x.geom IS NOT NULL
          AND floor(ST_X(x.geom) / 250) = q.i AND floor(ST_Y(x.geom) / 250) = q.j)::float8 AS value
FROM r, ST_SquareGrid(250, ST_MakeEnvelope(r.i0 * 250 + 1, r.j0 * 250 + 1, r.i1 * 250 + 249, r.j1 * 250 + 249, 32616)) q
WHERE q.i BETWEEN r.i0 AND r.i1 AND q.j BETWEEN r.j0 AND r.j1;
CREATE INDEX ON b_fish USING gist (c);
CREATE TEMP TABLE b_events AS SELECT i, j, c FROM b_fish WHERE value > 0;
CREATE INDEX ON b_events USING gist (c);
CREATE TEMP TABLE b_near AS
SELECT f.* FROM b_fish f WHERE EXISTS (SELECT 1 FROM b_events e WHERE ST_DWithin(e.c, f.c, 750 * (1 + 1e-9)));
CREATE INDEX ON b_near USING gist (c);
SELECT count(*) AS rectangle_cells, count(*) FILTER (WHERE value > 0) AS cells_with_events, sum(value) AS incidents,
       (SELECT count(*) FROM b_near) AS near_cells, (SELECT count(*) FROM b_near WHERE value = 0) AS near_empty_cells
FROM b_fish;

-- the default: no NOTICE, exactly the cells near events, the same counts
CREATE TEMP TABLE b_gi AS SELECT * FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750);
SELECT * FROM pg_temp.compare('b_gi', 'b_near', 'b_events', 750);
SELECT count(*) FILTER (WHERE g.value <> n.value) AS values_differ FROM b_gi g JOIN b_near n USING (i, j);
-- its z equal Gi* in SQL over the same cells (mean and S over them)
SELECT pg_temp.plain_gi_differs('b_gi', 'b_near', 750) AS z_or_neighbors_differ;
-- fewer cells, so a higher mean: fewer and more demanding hot spots than over the rectangle
SELECT 'near_events' AS analysis_set, count(*) AS cells, count(*) FILTER (WHERE class = 3) AS hot_99,
       sum(value) FILTER (WHERE class = 3) AS incidents_in_hot_99
FROM b_gi
UNION ALL
SELECT 'rectangle', count(*), count(*) FILTER (WHERE class = 3), sum(value) FILTER (WHERE class = 3)
FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, analysis_set => 'rectangle');

-- 'rectangle' is every cell of the rectangle (its far cells are under half: no NOTICE)
CREATE TEMP TABLE b_rect AS SELECT * FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, analysis_set => 'rectangle');
SELECT got_cells, want_cells, only_got, only_want FROM pg_temp.compare('b_rect', 'b_fish', 'b_events', 750);
SELECT pg_temp.plain_gi_differs('b_rect', 'b_fish', 750) AS z_or_neighbors_differ;
-- the default is explicit too, and NULL means the default
SELECT (SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, analysis_set => 'near_events')) AS explicit,
       (SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, NULL, false, NULL)) AS null_set;

-- hexagons (300 m, band 520 m) and a kernel density grid (250 m cells,
-- 750 m bandwidth, band 750 m): the cells near a non-zero cell, by
-- ST_DWithin between the centroids of the rectangle's cells (over the
-- rectangle half the hexagons have no event within 520 m: the NOTICE)
CREATE TEMP TABLE grids AS
SELECT 'hex300_d520' AS name, safety.hex_agg(geom, 300) AS g, 520::float8 AS band FROM incidents
UNION ALL SELECT 'kde250_h750_d750', safety.kde_agg(geom, 250, 750), 750 FROM incidents;
CREATE TEMP TABLE o_rect AS SELECT name, band, r.i, r.j, r.value, ST_Centroid(r.geom) AS c
FROM grids, safety.gi_star(g, band, analysis_set => 'rectangle') r;
CREATE INDEX ON o_rect USING gist (c);
CREATE TEMP TABLE o_near AS SELECT a.* FROM o_rect a
WHERE EXISTS (SELECT 1 FROM o_rect b WHERE b.name = a.name AND b.value <> 0 AND ST_DWithin(a.c, b.c, a.band * (1 + 1e-9)));
CREATE TEMP TABLE o_gi AS SELECT name, r.* FROM grids, safety.gi_star(g, band) r;
SELECT name, count(*) AS rectangle_cells,
       (SELECT count(*) FROM o_near n WHERE n.name = r.name) AS near_cells,
       (SELECT count(*) FROM o_gi g WHERE g.name = r.name) AS default_cells,
       (SELECT count(*) FROM o_gi g WHERE g.name = r.name
          AND NOT EXISTS (SELECT 1 FROM o_near n WHERE n.name = g.name AND n.i = g.i AND n.j = g.j)) AS only_default,
       (SELECT count(*) FROM o_near n WHERE n.name = r.name
          AND NOT EXISTS (SELECT 1 FROM o_gi g WHERE n.name = g.name AND n.i = g.i AND n.j = g.j)) AS only_near
FROM o_rect r GROUP BY name ORDER BY name;

-- 2. A synthetic city beside a lake: 1,200 incidents in a 5 km square (a
--    dense core among uniform ones) and one incident 15 km out across the
--    water, so the rectangle holds 60 x 60 cells of 250 m, most of them empty
CREATE TEMP TABLE lake_city AS
SELECT ST_SetSRID(ST_MakePoint(500000 + (g * 7919) % 5000, 4000000 + (g * 104729) % 5000), 32616) AS geom
FROM generate_series(1, 900) g
UNION ALL
SELECT ST_SetSRID(ST_MakePoint(501500 + (g * 37) % 600, 4002500 + (g * 53) % 600), 32616) FROM generate_series(1, 300) g
UNION ALL SELECT 'SRID=32616;POINT(514900 4014900)'::geometry;
CREATE TEMP TABLE l_fish AS
WITH r AS (SELECT min(floor(ST_X(geom) / 250))::int AS i0, max(floor(ST_X(geom) / 250))::int AS i1,
                  min(floor(ST_Y(geom) / 250))::int AS j0, max(floor(ST_Y(geom) / 250))::int AS j1 FROM lake_city)
SELECT q.i, q.j, q.geom, ST_Centroid(q.geom) AS c,
       (SELECT count(*) FROM lake_city x WHERE floor(ST_X(x.geom) / 250) = q.i AND floor(ST_Y(x.geom) / 250) = q.j)::float8 AS value
FROM r, ST_SquareGrid(250, ST_MakeEnvelope(r.i0 * 250 + 1, r.j0 * 250 + 1, r.i1 * 250 + 249, r.j1 * 250 + 249, 32616)) q
WHERE q.i BETWEEN r.i0 AND r.i1 AND q.j BETWEEN r.j0 AND r.j1;
CREATE INDEX ON l_fish USING gist (c);
CREATE TEMP TABLE l_events AS SELECT i, j, c FROM l_fish WHERE value > 0;
CREATE INDEX ON l_events USING gist (c);
CREATE TEMP TABLE l_near AS
SELECT f.* FROM l_fish f WHERE EXISTS (SELECT 1 FROM l_events e WHERE ST_DWithin(e.c, f.c, 750 * (1 + 1e-9)));
SELECT count(*) AS rectangle_cells, count(*) FILTER (WHERE value > 0) AS cells_with_events,
       (SELECT count(*) FROM l_near) AS near_cells FROM l_fish;

-- the full rectangle: the NOTICE names the cells without an event in their band
CREATE TEMP TABLE l_rect AS SELECT * FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750, analysis_set => 'rectangle');
SELECT got_cells, want_cells, only_got, only_want FROM pg_temp.compare('l_rect', 'l_fish', 'l_events', 750);
SELECT count(*) AS far_cells FROM l_fish f WHERE NOT EXISTS (SELECT 1 FROM l_near n WHERE n.i = f.i AND n.j = f.j);
-- the default: no NOTICE, no cell far from the events, the independent set
CREATE TEMP TABLE l_gi AS SELECT * FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750);
SELECT * FROM pg_temp.compare('l_gi', 'l_near', 'l_events', 750);
SELECT pg_temp.plain_gi_differs('l_gi', 'l_near', 750) AS z_or_neighbors_differ;
SELECT pg_temp.plain_gi_differs('l_rect', 'l_fish', 750) AS rectangle_z_or_neighbors_differ;
-- what the lake does: over the rectangle most incidents lie in 99% hot cells
SELECT 'near_events' AS analysis_set, count(*) AS cells, count(*) FILTER (WHERE class = 3) AS hot_99,
       round((sum(value) FILTER (WHERE class = 3) / sum(value))::numeric, 2) AS share_of_incidents_in_hot_99,
       min(value) FILTER (WHERE class = 3 AND value > 0) AS fewest_events_in_hot_99
FROM l_gi
UNION ALL
SELECT 'rectangle', count(*), count(*) FILTER (WHERE class = 3),
       round((sum(value) FILTER (WHERE class = 3) / sum(value))::numeric, 2), min(value) FILTER (WHERE class = 3 AND value > 0)
FROM l_rect;

-- a study area takes precedence over analysis_set: its cells, whatever it says;
-- one drawn over the lake too draws the NOTICE
SELECT (SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750,
                                            ST_MakeEnvelope(500000, 4000000, 505000, 4005000, 32616))) AS city_area,
       (SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750,
                                            ST_MakeEnvelope(500000, 4000000, 505000, 4005000, 32616), analysis_set => 'rectangle')) AS city_area_rectangle;
SELECT count(*) AS cells FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750,
                                             ST_MakeEnvelope(500000, 4000000, 515000, 4015000, 32616));

-- 3. Limits and errors
SELECT * FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750, analysis_set => 'bbox');
\echo :LAST_ERROR_SQLSTATE
-- a rectangle beyond safety.max_cells is no obstacle to the default set ...
SET safety.max_cells = 2000;
SELECT count(*) AS cells FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750);
SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750, analysis_set => 'rectangle');
\echo :LAST_ERROR_SQLSTATE
-- ... but the default set is bounded by it too
SET safety.max_cells = 400;
SELECT count(*) FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM lake_city), 750);
\echo :LAST_ERROR_SQLSTATE
RESET safety.max_cells;
-- a grid whose cells near events are fewer than 3
SELECT count(*) FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1)}', 10);
