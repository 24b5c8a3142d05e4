-- Emerging hot-spot views: create -> query (equal to a direct
-- safety.emerging_hotspots call over the same steps) -> refresh after
-- inserts (still equal, at the new latest event) -> 'latest' and a fixed
-- as_of -> an empty window -> bad inputs -> drop.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = notice;
SET timezone = 'UTC';
SET extra_float_digits = 0;

-- a copy of the bundled data that this suite may change
CREATE TABLE ev_incidents AS SELECT id, offense, occurred_at, geom FROM incidents;
ALTER TABLE ev_incidents ADD PRIMARY KEY (id);
-- the same categories by a direct call over the steps [stop - window, stop)
CREATE FUNCTION ev_direct(stop timestamptz, win interval, only_offense text DEFAULT NULL)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
  SELECT h.cell_id, h.geom, h.category, h.trend_z, h.trend_p, h.hot_steps, h.cold_steps, h.steps, h.final_z, h.final_p
  FROM (SELECT safety.events_agg(geom, occurred_at) AS e FROM ev_incidents
        WHERE geom IS NOT NULL AND occurred_at < stop AND occurred_at >= stop - win
          AND (only_offense IS NULL OR offense = only_offense)) g,
       safety.emerging_hotspots(g.e, 250, '7 days', 500, 1, stop - win, stop) h $$;
-- rows of a view that differ from the direct call (every column), and cells missing on either side
CREATE FUNCTION ev_compare(view regclass, stop timestamptz, win interval, only_offense text DEFAULT NULL)
RETURNS TABLE (view_rows bigint, direct_rows bigint, mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH d AS (SELECT * FROM ev_direct($1, $2, $3) AS t(cell_id bigint, geom geometry, category text,
                 trend_z float8, trend_p float8, hot_steps int, cold_steps int, steps int, final_z float8, final_p float8)),
         v AS (SELECT cell_id, geom, category, trend_z, trend_p, hot_steps, cold_steps, steps, final_z, final_p FROM %s)
    SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM d),
           (SELECT count(*) FROM d FULL JOIN v USING (cell_id)
            WHERE d.cell_id IS NULL OR v.cell_id IS NULL OR NOT ST_Equals(d.geom, v.geom)
               OR d.category IS DISTINCT FROM v.category OR d.trend_z IS DISTINCT FROM v.trend_z
               OR d.trend_p IS DISTINCT FROM v.trend_p OR d.hot_steps IS DISTINCT FROM v.hot_steps
               OR d.cold_steps IS DISTINCT FROM v.cold_steps OR d.steps IS DISTINCT FROM v.steps
               OR d.final_z IS DISTINCT FROM v.final_z OR d.final_p IS DISTINCT FROM v.final_p)$q$, view)
  USING stop, win, only_offense;
END $$;

-- 1. a fixed as_of: the steps end there; a year of weekly steps (52 weeks)
SELECT safety.create_emerging_view('emv_fixed', 'ev_incidents', 'geom', 'occurred_at',
  250, '7 days', 500, '364 days', as_of => '2018-07-01 00:00+00'::timestamptz);
SELECT kind, parameters->>'step' AS step, parameters->>'window' AS "window", parameters->>'as_of' AS as_of,
       parameters->>'time_steps' AS time_steps, parameters->>'fdr' AS fdr, companions
FROM safety.views WHERE name = 'emv_fixed';
SELECT * FROM ev_compare('emv_fixed', '2018-07-01 00:00+00', '364 days');
SELECT category, count(*) FROM emv_fixed GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT min(window_start) AS window_start, max(window_end) AS window_end, max(as_of) AS as_of,
       min(steps) AS steps_min, max(steps) AS steps_max FROM emv_fixed;
SELECT obj_description('emv_fixed'::regclass, 'pg_class');
-- a typed geometry column (QGIS reads it) and the indexes of a managed view
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'emv_fixed'::regclass AND attname = 'geom';
SELECT count(*) AS indexes FROM pg_index WHERE indrelid = 'emv_fixed'::regclass;
-- served as map tiles like the other views: one feature per cell in the tile, with its category
SELECT position('category'::bytea IN safety.hotspot_tile('emv_fixed', 13, 2172, 3126)) > 0 AS tile_has_category,
       (SELECT count(*) FROM emv_fixed v
        WHERE ST_Intersects(ST_Transform(v.geom, 3857), ST_TileEnvelope(13, 2172, 3126))) > 0 AS cells_in_tile;

-- 2. 'latest': the steps end at the midnight after the last event, as
-- emerging_hotspots does by default, and follow new events at each refresh
SELECT safety.create_emerging_view('emv_latest', 'ev_incidents', 'geom', 'occurred_at',
  250, '7 days', 500, '364 days', as_of => 'latest');
SELECT * FROM ev_compare('emv_latest', '2019-01-01 00:00+00', '364 days');
-- the default stop of the function itself gives the same rows
SELECT count(*) AS differ FROM (
  SELECT cell_id, category, trend_z, hot_steps, final_z FROM emv_latest
  EXCEPT
  SELECT h.cell_id, h.category, h.trend_z, h.hot_steps, h.final_z
  FROM (SELECT safety.events_agg(geom, occurred_at) AS e FROM ev_incidents
        WHERE geom IS NOT NULL AND occurred_at >= '2019-01-01 00:00+00'::timestamptz - interval '364 days') g,
       safety.emerging_hotspots(g.e, 250, '7 days', 500, start => '2019-01-01 00:00+00'::timestamptz - interval '364 days') h) x;
-- a new week of events in one cell: after a refresh the view is the direct call at the new latest event
INSERT INTO ev_incidents (id, offense, occurred_at, geom)
SELECT 9000000 + k, 'BURGLARY', '2019-01-03 12:00+00'::timestamptz + k * interval '1 hour', s.geom
FROM generate_series(1, 20) k, (SELECT geom FROM ev_incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 1) s;
CALL safety.refresh('emv_latest');
SELECT view, status, rows, note FROM safety.refresh_log ORDER BY id DESC LIMIT 1;
SELECT * FROM ev_compare('emv_latest', '2019-01-05 00:00+00', '364 days');
SELECT max(window_end) AS window_end, max(as_of) AS as_of FROM emv_latest;
-- the planted cell's last steps are hot
SELECT v.category, v.final_z > 1.645 AS final_hot FROM emv_latest v
WHERE ST_Intersects(v.geom, (SELECT geom FROM ev_incidents WHERE id = 9000001));
-- the fixed view is unchanged by events after its as_of
CALL safety.refresh('emv_fixed');
SELECT view, status, rows, note FROM safety.refresh_log ORDER BY id DESC LIMIT 1;
SELECT * FROM ev_compare('emv_fixed', '2018-07-01 00:00+00', '364 days');
DELETE FROM ev_incidents WHERE id > 9000000;

-- 3. a filter, time_steps 2 and no FDR are stored and used
SELECT safety.create_emerging_view('emv_opts', 'ev_incidents', 'geom', 'occurred_at',
  250, '14 days', 750, '280 days', time_steps => 2, fdr => false,
  filter => $$offense = 'BURGLARY'$$, as_of => '2018-01-01 00:00+00'::timestamptz);
SELECT count(*) AS differ FROM (
  SELECT cell_id, category, trend_z, trend_p, hot_steps, cold_steps, steps, final_z, final_p FROM emv_opts
  EXCEPT
  SELECT h.cell_id, h.category, h.trend_z, h.trend_p, h.hot_steps, h.cold_steps, h.steps, h.final_z, h.final_p
  FROM (SELECT safety.events_agg(geom, occurred_at) AS e FROM ev_incidents WHERE offense = 'BURGLARY') g,
       safety.emerging_hotspots(g.e, 250, '14 days', 750, 2, '2018-01-01 00:00+00'::timestamptz - interval '280 days',
         '2018-01-01 00:00+00', fdr => false) h) x,
  (SELECT count(*) AS view_rows FROM emv_opts) n;

-- 4. a window without events: a notice, an empty view, no error
SELECT safety.create_emerging_view('emv_empty', 'ev_incidents', 'geom', 'occurred_at',
  250, '7 days', 500, '364 days', as_of => '2030-01-01 00:00+00'::timestamptz);
SELECT count(*) FROM emv_empty;

-- 5. bad input: clear errors, nothing created
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 250, '7 days', 500, '28 days');
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 250, '0 days', 500, '364 days');
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 250, '7 days', 500, '364 days', time_steps => -1);
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 0, '7 days', 500, '364 days');
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 250, '7 days', 'NaN', '364 days');
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'geom', 'occurred_at', 250, NULL, 500, '364 days');
SELECT safety.create_emerging_view('emv_bad', 'ev_incidents', 'offense', 'occurred_at', 250, '7 days', 500, '364 days');
SELECT safety.create_emerging_view('emv_fixed', 'ev_incidents', 'geom', 'occurred_at', 250, '7 days', 500, '364 days');
SELECT count(*) AS bad_views FROM safety.views WHERE name = 'emv_bad';

-- 6. drop
SELECT safety.drop_view('emv_fixed');
SELECT safety.drop_view('emv_latest');
SELECT safety.drop_view('emv_opts');
SELECT safety.drop_view('emv_empty');
SELECT count(*) AS left_over FROM safety.views WHERE kind = 'emerging';
DROP TABLE ev_incidents;
DROP FUNCTION ev_compare(regclass, timestamptz, interval, text);
DROP FUNCTION ev_direct(timestamptz, interval, text);
