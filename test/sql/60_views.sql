-- Hotspot views: create -> refresh -> query -> refresh after inserts -> drop;
-- a failing refresh is logged and keeps the old rows; privacy suppression;
-- odd identifiers; filters that try to smuggle in statements; bad inputs;
-- row-level security on the source.  Every count is checked against plain
-- SQL over the same rows.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';

-- a copy of the bundled data that this suite may change
CREATE TABLE hv_incidents AS SELECT id, offense, occurred_at, geom FROM incidents;
ALTER TABLE hv_incidents ADD PRIMARY KEY (id);
-- the same counts in plain SQL: events per 250 m square in (as_of - 28 days, as_of]
CREATE FUNCTION hv_plain(as_of timestamptz, min_count int, only_offense text DEFAULT NULL)
RETURNS TABLE (i int, j int, events bigint) LANGUAGE sql STABLE AS $$
  SELECT floor(ST_X(geom) / 250)::int, floor(ST_Y(geom) / 250)::int, count(*)
  FROM hv_incidents
  WHERE geom IS NOT NULL AND occurred_at > as_of - interval '28 days' AND occurred_at <= as_of
    AND (only_offense IS NULL OR offense = only_offense)
  GROUP BY 1, 2 HAVING count(*) >= min_count $$;

-- 1. create: one row per cell with at least min_count events in the window
SELECT safety.create_hotspot_view('hv_hot', 'hv_incidents', 'geom', 'occurred_at',
  cell_size => 250, bandwidth => 500, "window" => '28 days', min_count => 3,
  as_of => '2018-06-30 00:00+00');
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'hv_hot'::regclass AND attnum > 0 ORDER BY attnum;
SELECT indexdef FROM pg_indexes WHERE tablename = 'hv_hot' ORDER BY 1;
SELECT schema, name, kind, source, parameters FROM safety.views;
SELECT count(*) AS cells, sum(events) AS events, min(events) AS fewest,
       min(window_start) AS window_start, max(window_end) AS window_end, max(as_of) AS as_of
FROM hv_hot;
-- the same cells, counts and polygons as plain SQL
SELECT count(*) AS cells,
       count(*) FILTER (WHERE v.events IS DISTINCT FROM p.events) AS count_mismatches,
       count(*) FILTER (WHERE NOT ST_Equals(v.geom, ST_Square(250, p.i, p.j, 'SRID=32616;POINT(0 0)'::geometry))) AS polygon_mismatches
FROM hv_hot v FULL JOIN hv_plain('2018-06-30 00:00+00', 3) p
  ON v.cell_id = (p.i::bigint << 32) + (p.j::bigint & 4294967295);

-- density, Gi* and tier against safety.kde_agg and safety.gi_star over the
-- same events (the whole window's count grid: suppressed cells count too)
CREATE FUNCTION hv_direct(as_of timestamptz, distance float8, fdr bool)
RETURNS TABLE (cell_id bigint, density float8, z float8, p float8, class int2) LANGUAGE sql STABLE AS $$
  WITH e AS (SELECT geom FROM hv_incidents
             WHERE geom IS NOT NULL AND occurred_at > as_of - interval '28 days' AND occurred_at <= as_of),
       k AS (SELECT c.cell_id, c.value FROM (SELECT safety.kde_agg(geom, 250, 500) AS g FROM e) t, safety.cells(t.g) c),
       z AS (SELECT s.cell_id, s.z, s.p, s.class FROM (SELECT safety.grid_agg(geom, 250) AS g FROM e) t,
             safety.gi_star(t.g, distance, NULL, fdr) s)
  SELECT z.cell_id, coalesce(k.value, 0), z.z, z.p, z.class FROM z LEFT JOIN k USING (cell_id) $$;
SELECT count(*) AS cells,
       count(*) FILTER (WHERE d.cell_id IS NULL) AS missing,
       count(*) FILTER (WHERE v.density IS DISTINCT FROM d.density) AS density_mismatches,
       count(*) FILTER (WHERE v.density_km2 IS DISTINCT FROM d.density * 1e6) AS km2_mismatches,
       count(*) FILTER (WHERE v.gi_z IS DISTINCT FROM d.z OR v.gi_p IS DISTINCT FROM d.p) AS z_mismatches,
       count(*) FILTER (WHERE v.gi_class IS DISTINCT FROM d.class) AS class_mismatches,
       count(*) FILTER (WHERE v.tier IS DISTINCT FROM safety.tier_from_gi(v.gi_class)) AS tier_mismatches,
       count(*) FILTER (WHERE v.density > 0) AS with_density
FROM hv_hot v LEFT JOIN hv_direct('2018-06-30 00:00+00', 750, true) d USING (cell_id);
-- the density by hand: quartic kernel 3/(pi h^2) (1 - d^2/h^2)^2 summed over
-- the window's events within h = 500 m of the cell centre
SELECT count(*) AS cells, max(abs(v.density / k.plain - 1)) < 1e-9 AS density_plain_ok
FROM hv_hot v, LATERAL (
  SELECT sum(3 / (pi() * 500^2) * (1 - (ST_Distance(e.geom, c.p) / 500)^2)^2) AS plain
  FROM (SELECT ST_Centroid(v.geom) AS p) c, hv_incidents e
  WHERE e.occurred_at > '2018-06-02 00:00+00' AND e.occurred_at <= '2018-06-30 00:00+00'
    AND ST_DWithin(e.geom, c.p, 500)) k;
SELECT tier, gi_class, count(*) AS cells, min(events) AS fewest, max(events) AS most,
       round(min(gi_z)::numeric, 3) AS min_z, round(max(gi_z)::numeric, 3) AS max_z
FROM hv_hot GROUP BY 1, 2 ORDER BY 2 DESC;
SELECT cell_id, events, round(density_km2::numeric, 4) AS density_km2, round(gi_z::numeric, 4) AS gi_z, gi_class, tier
FROM hv_hot ORDER BY events DESC, cell_id LIMIT 5;
-- another distance band, without the FDR correction
SELECT safety.create_hotspot_view('hv_band', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  min_count => 1, as_of => '2018-06-30 00:00+00', distance => 500, fdr => false);
SELECT parameters->'distance' AS distance, parameters->'fdr' AS fdr FROM safety.views WHERE name = 'hv_band';
SELECT count(*) AS cells,
       count(*) FILTER (WHERE v.gi_z IS DISTINCT FROM d.z OR v.gi_class IS DISTINCT FROM d.class) AS gi_mismatches,
       count(*) FILTER (WHERE v.density IS DISTINCT FROM d.density) AS density_mismatches,
       count(*) FILTER (WHERE v.tier IS DISTINCT FROM safety.tier_from_gi(d.class)) AS tier_mismatches,
       count(*) FILTER (WHERE v.tier IS NOT NULL) AS tiered
FROM hv_band v LEFT JOIN hv_direct('2018-06-30 00:00+00', 500, false) d USING (cell_id);
-- no events in the window: an empty view, no error
SELECT safety.create_hotspot_view('hv_empty', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  min_count => 1, as_of => '1990-01-01 00:00+00');
SELECT count(*) AS cells FROM hv_empty;
-- one event: Gi* cannot compare cells (fewer than 3): no z, class or tier, no error
SELECT safety.create_hotspot_view('hv_one', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => 'id = (SELECT min(id) FROM hv_incidents WHERE occurred_at > ''2018-06-02'' AND occurred_at <= ''2018-06-30'')',
  min_count => 1, as_of => '2018-06-30 00:00+00');
SELECT events, density > 0 AS density, gi_z, gi_class, tier FROM hv_one;
SELECT safety.drop_view('hv_band'), safety.drop_view('hv_empty'), safety.drop_view('hv_one');

-- 2. refresh, logged
CALL safety.refresh('hv_hot');
SELECT id, schema, view, rows, status, error, finished >= started AS timed, duration = finished - started AS duration_ok
FROM safety.refresh_log ORDER BY id;

-- 3. new events: invisible until the next refresh, then counted
INSERT INTO hv_incidents
SELECT 1000000 + k, 'BURGLARY', '2018-06-20 12:00+00', 'SRID=32616;POINT(700125 4330125)'
FROM generate_series(1, 4) k;
SELECT count(*) AS cells, sum(events) AS events FROM hv_hot;
CALL safety.refresh('hv_hot');
SELECT count(*) AS cells, sum(events) AS events FROM hv_hot;
SELECT events FROM hv_hot WHERE cell_id = (2800::bigint << 32) + 17320;
SELECT count(*) AS cells, count(*) FILTER (WHERE v.events IS DISTINCT FROM p.events) AS count_mismatches
FROM hv_hot v FULL JOIN hv_plain('2018-06-30 00:00+00', 3) p
  ON v.cell_id = (p.i::bigint << 32) + (p.j::bigint & 4294967295);
-- an event outside the window changes nothing
INSERT INTO hv_incidents VALUES (1000010, 'BURGLARY', '2018-07-01 00:00+00', 'SRID=32616;POINT(700125 4330125)');
CALL safety.refresh('hv_hot');
SELECT events FROM hv_hot WHERE cell_id = (2800::bigint << 32) + 17320;
SELECT id, view, rows, status FROM safety.refresh_log ORDER BY id;

-- 4. privacy: no published cell has fewer than min_count events
SELECT safety.create_hotspot_view('hv_all', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  min_count => 1, as_of => '2018-06-30 00:00+00');
SET safety.min_count = 5;   -- the default for views created from now on
SELECT safety.create_hotspot_view('hv_min5', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  as_of => '2018-06-30 00:00+00');
RESET safety.min_count;
SELECT name, parameters->'min_count' AS min_count FROM safety.views ORDER BY name;
SELECT (SELECT count(*) FROM hv_all) AS cells_1, (SELECT count(*) FROM hv_plain('2018-06-30 00:00+00', 1)) AS plain_1,
       (SELECT count(*) FROM hv_hot) AS cells_3, (SELECT count(*) FROM hv_plain('2018-06-30 00:00+00', 3)) AS plain_3,
       (SELECT count(*) FROM hv_min5) AS cells_5, (SELECT count(*) FROM hv_plain('2018-06-30 00:00+00', 5)) AS plain_5,
       (SELECT min(events) FROM hv_min5) AS fewest_5;

-- 5. a view that follows the clock: as_of is the refresh time
SELECT safety.create_hotspot_view('hv_live', 'hv_incidents', 'geom', 'occurred_at', 1000, 1000, '10 years', min_count => 1);
SELECT count(DISTINCT as_of) AS times, bool_and(as_of = window_end) AS end_is_as_of,
       bool_and(window_start + interval '10 years' = window_end) AS width,
       bool_and(as_of <= now()) AS not_future,
       sum(events) = (SELECT count(*) FROM hv_incidents WHERE geom IS NOT NULL
                      AND occurred_at > min(window_start) AND occurred_at <= max(as_of)) AS events_match
FROM hv_live;

-- 6. a filter: aggravated burglaries only, checked against plain SQL
SELECT safety.create_hotspot_view('hv_aggr', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$offense = 'AGGRAVATED BURGLARY'$$, min_count => 1, as_of => '2018-06-30 00:00+00');
SELECT count(*) AS cells, sum(v.events) AS events,
       count(*) FILTER (WHERE v.events IS DISTINCT FROM p.events) AS count_mismatches
FROM hv_aggr v FULL JOIN hv_plain('2018-06-30 00:00+00', 1, 'AGGRAVATED BURGLARY') p
  ON v.cell_id = (p.i::bigint << 32) + (p.j::bigint & 4294967295);

-- 7. filters that try to run statements of their own are refused by
-- parsing alone; the victim table survives and nothing is created
CREATE TABLE hv_victim (x int);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$'; DROP TABLE hv_victim; --$$);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$true); DROP TABLE hv_victim; --$$);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$true)) s) g; DROP TABLE hv_victim; SELECT ((true$$);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$true) LIMIT 0; --$$);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$true) UNION SELECT (false$$);
-- a trailing comment ends with the filter; it cannot eat the rest of the query
SELECT safety.create_hotspot_view('hv_comment', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$true -- a comment$$, min_count => 1, as_of => '2018-06-30 00:00+00');
SELECT (SELECT count(*) FROM hv_comment) AS cells, (SELECT count(*) FROM hv_all) AS cells_unfiltered;
SELECT to_regclass('hv_victim') AS victim, to_regclass('hv_bad') AS bad_view,
       (SELECT count(*) FROM safety.views WHERE name = 'hv_bad') AS catalog_rows;
SELECT safety.check_expression($$offense = 'BURGLARY' AND id IN (SELECT 1)$$) AS expression;

-- 8. bad inputs: each a clear error, nothing half-created
CREATE TABLE hv_shapes (id int, line geometry(LineString, 32616), pt geometry(Point, 32616),
  label text, day date, at timestamptz);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'nowhere', 'occurred_at', 250, 500, '28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'nowhen', 250, 500, '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_shapes', 'line', 'at', 250, 500, '28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_hotspot_view('hv_bad', 'hv_shapes', 'label', 'at', 250, 500, '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_shapes', 'pt', 'day', 250, 500, '28 days');
SELECT safety.create_hotspot_view('hv_victim', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_hotspot_view('hv_hot', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', filter => 'offense = = 1');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', filter => 'no_such_column > 0');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', filter => 'id + 1');
SELECT safety.create_hotspot_view('hv_bad', 'no_such_table', 'geom', 'occurred_at', 250, 500, '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 0, 500, '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 'NaN', '28 days');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', distance => -1);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '-1 day');
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', min_count => 0);
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days', schema => 'no_such_schema');
SELECT safety.create_hotspot_view(NULL, 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days');
-- a source the caller cannot read
CREATE ROLE regress_safety_reader;
GRANT CREATE ON SCHEMA public TO regress_safety_reader;
SET ROLE regress_safety_reader;
SELECT safety.create_hotspot_view('hv_bad', 'hv_incidents', 'geom', 'occurred_at', 250, 500, '28 days');
\echo :LAST_ERROR_SQLSTATE
-- nor refresh or drop a view of someone else
CALL safety.refresh('hv_hot');
SELECT safety.drop_view('hv_hot');
RESET ROLE;
SELECT to_regclass('hv_bad') AS bad_view, (SELECT count(*) FROM safety.views WHERE name = 'hv_bad') AS catalog_rows;
CALL safety.refresh('no_such_view');

-- 9. a failing refresh is logged and leaves the old rows readable: a
-- source whose geometry column takes any shape gets a line
CREATE TABLE hv_any (id int, geom geometry, at timestamptz);
INSERT INTO hv_any SELECT id, geom, occurred_at FROM hv_incidents WHERE geom IS NOT NULL;
SELECT safety.create_hotspot_view('hv_fragile', 'hv_any', 'geom', 'at', 250, 500, '28 days', as_of => '2018-06-30 00:00+00');
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hv_fragile'::regclass AND attname = 'geom';
SELECT count(*) AS cells, sum(events) AS events FROM hv_fragile;
INSERT INTO hv_any VALUES (-1, 'SRID=32616;LINESTRING(700000 4330000, 700100 4330100)', '2018-06-29 00:00+00');
INSERT INTO hv_any SELECT -1 - k, 'SRID=32616;POINT(700125 4330125)', '2018-06-29 00:00+00' FROM generate_series(1, 9) k;
CALL safety.refresh('hv_fragile');
SELECT view, rows, status, error FROM safety.refresh_log WHERE view = 'hv_fragile' ORDER BY id;
SELECT count(*) AS cells, sum(events) AS events FROM hv_fragile;
DELETE FROM hv_any WHERE id = -1;
CALL safety.refresh('hv_fragile');
SELECT view, rows, status, error FROM safety.refresh_log WHERE view = 'hv_fragile' ORDER BY id;
SELECT count(*) AS cells, sum(events) AS events FROM hv_fragile;
-- a view dropped behind safety's back: its refresh fails and is logged
DROP MATERIALIZED VIEW hv_fragile;
CALL safety.refresh('hv_fragile');
SELECT view, rows, status, error FROM safety.refresh_log WHERE view = 'hv_fragile' ORDER BY id DESC LIMIT 1;
SELECT safety.drop_view('hv_fragile');

-- 10. spaces, quotes and mixed case in every identifier
CREATE SCHEMA "Crime ""Maps"" 2018";
CREATE TABLE "Crime ""Maps"" 2018"."Incident Reports" AS
SELECT id AS "Report ID", offense AS "Offense Type", occurred_at AS "When It Happened", geom AS "Geo Point"
FROM hv_incidents;
SELECT safety.create_hotspot_view('Hot "Spots", June', '"Crime ""Maps"" 2018"."Incident Reports"',
  'Geo Point', 'When It Happened', 250, 500, '28 days',
  filter => $$"Offense Type" <> 'AGGRAVATED BURGLARY' OR "Report ID" > 0$$,
  schema => 'Crime "Maps" 2018', as_of => '2018-06-30 00:00+00');
SELECT schema, name, source FROM safety.views WHERE schema <> 'public';
SELECT count(*) AS cells, sum(events) AS events FROM "Crime ""Maps"" 2018"."Hot ""Spots"", June";
CALL safety.refresh('Hot "Spots", June');
CALL safety.refresh_all();
SELECT schema, view, status FROM safety.refresh_log WHERE view = 'Hot "Spots", June' ORDER BY id;
SELECT safety.drop_view('Hot "Spots", June', 'Crime "Maps" 2018');
SELECT to_regclass('"Crime ""Maps"" 2018"."Hot ""Spots"", June"') AS gone, count(*) AS catalog_rows
FROM safety.views WHERE schema <> 'public';

-- 11. row-level security on the source holds: the view reads as its owner
CREATE TABLE hv_secret AS SELECT * FROM hv_incidents;
ALTER TABLE hv_secret ENABLE ROW LEVEL SECURITY;
CREATE ROLE regress_safety_analyst;
CREATE SCHEMA hv_analyst AUTHORIZATION regress_safety_analyst;
GRANT SELECT ON hv_secret TO regress_safety_analyst;
CREATE POLICY burglary_only ON hv_secret FOR SELECT TO regress_safety_analyst USING (offense = 'BURGLARY');
SET ROLE regress_safety_analyst;
SELECT safety.create_hotspot_view('hv_rls', 'hv_secret', 'geom', 'occurred_at', 250, 500, '28 days',
  schema => 'hv_analyst', min_count => 1, as_of => '2018-06-30 00:00+00');
RESET ROLE;
CALL safety.refresh('hv_rls');   -- by a superuser: the query still runs as the owner
SELECT (SELECT sum(events) FROM hv_analyst.hv_rls) AS view_events,
       (SELECT sum(events) FROM hv_plain('2018-06-30 00:00+00', 1, 'BURGLARY')) AS burglaries,
       (SELECT sum(events) FROM hv_plain('2018-06-30 00:00+00', 1)) AS all_offenses;
SELECT status FROM safety.refresh_log WHERE view = 'hv_rls';
SET ROLE regress_safety_analyst;
CALL safety.refresh_all();       -- only the analyst's own view
SELECT view, status FROM safety.refresh_log WHERE id > (SELECT max(id) - 1 FROM safety.refresh_log);
SELECT safety.drop_view('hv_rls');
RESET ROLE;
SELECT to_regclass('hv_analyst.hv_rls') AS gone, count(*) AS catalog_rows FROM safety.views WHERE name = 'hv_rls';

-- 12. map tiles (Web Mercator): features in a tile over the city; none far
-- away, nor at zoom 0, where a 250 m cell is far below a pixel
SELECT z, x, y, length(safety.hotspot_tile('hv_hot', z, x, y)) > 0 AS has_features
FROM (VALUES (0, 0, 0), (10, 271, 390), (3, 0, 0)) t(z, x, y) ORDER BY z;
SELECT safety.hotspot_tile('hv_hot', 31, 0, 0);
SELECT safety.hotspot_tile('hv_hot', 2, 4, 0);
SELECT safety.hotspot_tile('hv_victim', 1, 0, 0);

-- 13. kept by pg_dump; drop removes view and catalog row
SELECT unnest(extconfig)::regclass AS dumped FROM pg_extension WHERE extname = 'safety' ORDER BY 1;
SELECT safety.drop_view('hv_hot');
SELECT safety.drop_view('hv_hot');
SELECT name FROM safety.views ORDER BY name;

-- clean up
SELECT safety.drop_view(name) FROM safety.views WHERE schema = 'public';
DROP SCHEMA "Crime ""Maps"" 2018" CASCADE;
DROP SCHEMA hv_analyst CASCADE;
DROP TABLE hv_incidents, hv_victim, hv_shapes, hv_any, hv_secret;
DROP FUNCTION hv_plain, hv_direct;
REVOKE ALL ON SCHEMA public FROM regress_safety_reader;
DROP ROLE regress_safety_reader;
DROP ROLE regress_safety_analyst;
DELETE FROM safety.refresh_log;
