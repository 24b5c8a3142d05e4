-- Near-repeat views: create -> refresh -> query (the Knox table equals a
-- direct call of safety.near_repeat over the same events, the windows equal
-- safety.repeat_windows) -> new events -> refresh -> drop; a failing refresh
-- is logged and keeps the old rows of both relations; odd identifiers;
-- filters that try to smuggle in statements; bad inputs.  The observed pair
-- counts and the open windows are also counted in plain SQL.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';
SET extra_float_digits = 0;

-- a copy of the bundled data that this suite may change
CREATE TABLE nr_incidents AS SELECT id, offense, occurred_at, geom FROM incidents;
ALTER TABLE nr_incidents ADD PRIMARY KEY (id);
-- the events of a view in plain SQL: located, in (as_of - window, as_of]
CREATE FUNCTION nr_events(as_of timestamptz, win interval DEFAULT '1 year', only_offense text DEFAULT NULL)
RETURNS safety.events LANGUAGE sql STABLE AS $$
  SELECT safety.events_agg(geom, occurred_at, id) FROM nr_incidents
  WHERE occurred_at > as_of - win AND occurred_at <= as_of
    AND (only_offense IS NULL OR offense = only_offense) $$;
-- the Knox table of a view against a direct call with the same parameters:
-- rows of either side without an identical row on the other
CREATE FUNCTION nr_knox_mismatches(v regclass, e safety.events, perms int DEFAULT 99, seed bigint DEFAULT 1,
  db float8[] DEFAULT '{100,200,400}', tb float8[] DEFAULT '{7,14,21,28}')
RETURNS TABLE (view_rows bigint, direct_rows bigint, mismatches bigint) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    SELECT count(v.*), count(d.*),
           count(*) FILTER (WHERE (v.distance_band, v.time_band, v.distance_from, v.distance_to, v.time_from, v.time_to,
                                   v.observed, v.expected, v.knox_ratio, v.knox_ratio_median, v.p_value, v.significant)
                        IS DISTINCT FROM (d.distance_band, d.time_band, d.distance_from, d.distance_to, d.time_from, d.time_to,
                                   d.observed, d.expected, d.knox_ratio, d.knox_ratio_median, d.p_value, d.significant))
    FROM %s v FULL JOIN safety.near_repeat($1, $3, $4, $2, $5) d
      ON (v.distance_band, v.time_band) = (d.distance_band, d.time_band)$q$, v)
  USING e, perms, db, tb, seed;
END $$;
-- the windows of a view against a direct call of safety.repeat_windows
CREATE FUNCTION nr_window_mismatches(v regclass, e safety.events, as_of timestamptz)
RETURNS TABLE (view_rows bigint, direct_rows bigint, mismatches bigint) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    SELECT count(v.*), count(d.*),
           count(*) FILTER (WHERE (v.occurred_at, v.window_end, v.days_left, ST_AsEWKB(v.zone))
                        IS DISTINCT FROM (d.occurred_at, d.window_end, d.days_left, ST_AsEWKB(d.zone)))
    FROM %s v FULL JOIN safety.repeat_windows($1, $2, ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1) d
      ON v.id = d.id$q$, v)
  USING e, as_of;
END $$;
-- the observed counts in plain SQL: every pair once, manhattan distance
-- bands same place / <100 / <200 / <400 / rest, time bands of 7 days (no
-- group for an empty band: the data have no two identical points)
CREATE FUNCTION nr_plain_pairs(as_of timestamptz)
RETURNS TABLE (distance_band int, time_band int, observed bigint) LANGUAGE sql STABLE AS $$
  WITH ev AS (SELECT id, occurred_at AS t, ST_X(geom) AS x, ST_Y(geom) AS y FROM nr_incidents
              WHERE geom IS NOT NULL AND occurred_at > as_of - interval '1 year' AND occurred_at <= as_of),
       p AS (SELECT abs(a.x - b.x) + abs(a.y - b.y) AS d, greatest(a.t, b.t) - least(a.t, b.t) AS dt
             FROM ev a JOIN ev b ON a.id < b.id)
  SELECT CASE WHEN d = 0 THEN 0 WHEN d < 100 THEN 1 WHEN d < 200 THEN 2 WHEN d < 400 THEN 3 ELSE 4 END,
         least(floor(extract(epoch FROM dt) / (7 * 86400))::int, 4), count(*)
  FROM p GROUP BY 1, 2 $$;

-- 1. create: the Knox table "nr" and its windows "nr_windows"
SELECT safety.create_near_repeat_view('nr', 'nr_incidents', 'geom', 'occurred_at', 'id',
  distance_bands => '{100,200,400}', time_bands => '{7,14,21,28}', as_of => '2018-06-30 00:00+00');
SELECT attrelid::regclass AS view, attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid IN ('nr'::regclass, 'nr_windows'::regclass) AND attnum > 0 ORDER BY attrelid::regclass::text, attnum;
SELECT indexdef FROM pg_indexes WHERE tablename IN ('nr', 'nr_windows') ORDER BY 1;
SELECT schema, name, kind, source, parameters, companions FROM safety.views;
SELECT obj_description('nr'::regclass, 'pg_class') AS comment
UNION ALL SELECT obj_description('nr_windows'::regclass, 'pg_class');

-- 2. query: the Knox table, the same as a direct call over the same events
SELECT distance_band AS db, time_band AS tb, distance_from, distance_to, time_from, time_to, observed,
       round(expected::numeric, 2) AS expected, round(knox_ratio::numeric, 3) AS ratio, p_value, significant, as_of
FROM nr ORDER BY distance_band, time_band;
SELECT * FROM nr_knox_mismatches('nr', nr_events('2018-06-30 00:00+00'));
-- the observed counts, and all n(n-1)/2 pairs, in plain SQL
SELECT count(*) AS cells, count(*) FILTER (WHERE v.observed IS DISTINCT FROM coalesce(p.observed, 0)) AS observed_mismatches,
       sum(v.observed) AS pairs,
       (SELECT count(*) * (count(*) - 1) / 2 FROM nr_incidents WHERE geom IS NOT NULL
          AND occurred_at > '2018-06-30 00:00+00'::timestamptz - interval '1 year' AND occurred_at <= '2018-06-30 00:00+00') AS plain_pairs
FROM nr v FULL JOIN nr_plain_pairs('2018-06-30 00:00+00') p USING (distance_band, time_band);
-- the windows: the zone of this table is 400 m / 7 days (rows 1-3 are
-- significant in the first week, row 1 not in the second); the open
-- windows are the same as safety.repeat_windows and as plain SQL
SELECT * FROM safety.near_repeat_zone(nr_events('2018-06-30 00:00+00'), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1);
SELECT * FROM nr_window_mismatches('nr_windows', nr_events('2018-06-30 00:00+00'), '2018-06-30 00:00+00');
SELECT count(*) AS windows,
       (SELECT count(*) FROM nr_incidents WHERE geom IS NOT NULL AND occurred_at <= '2018-06-30 00:00+00'
          AND '2018-06-30 00:00+00' < occurred_at + interval '7 days') AS plain_windows,
       bool_and(window_end = occurred_at + interval '7 days') AS ends_7_days_later,
       bool_and(abs(days_left - extract(epoch FROM window_end - as_of) / 86400) < 1e-9) AS days_left_ok,
       bool_and(ST_Area(zone) = 2 * 400 * 400) AS diamond_areas,
       count(*) FILTER (WHERE ST_Distance(ST_Centroid(v.zone), i.geom) > 1e-6) AS off_centre
FROM nr_windows v JOIN nr_incidents i USING (id, occurred_at);

-- 3. refresh: one log row for each relation
CALL safety.refresh('nr');
SELECT schema, view, rows, status, error, finished >= started AS timed FROM safety.refresh_log ORDER BY id;

-- 4. new events: two days before as_of, far apart, and one after as_of;
-- invisible until the refresh, then three more windows and pairs
INSERT INTO nr_incidents VALUES
  (2000001, 'BURGLARY', '2018-06-28 00:00+00', 'SRID=32616;POINT(700125 4330125)'),
  (2000002, 'BURGLARY', '2018-06-28 06:00+00', 'SRID=32616;POINT(712000 4335000)'),
  (2000003, 'BURGLARY', '2018-06-28 12:00+00', 'SRID=32616;POINT(705000 4340000)'),
  (2000004, 'BURGLARY', '2018-06-30 00:00:01+00', 'SRID=32616;POINT(700125 4330125)');
SELECT (SELECT count(*) FROM nr_windows) AS windows, (SELECT sum(observed) FROM nr) AS pairs;
CALL safety.refresh('nr');
SELECT (SELECT count(*) FROM nr_windows) AS windows, (SELECT sum(observed) FROM nr) AS pairs;
SELECT id, occurred_at, window_end, days_left FROM nr_windows WHERE id > 2000000 ORDER BY id;
SELECT * FROM safety.near_repeat_zone(nr_events('2018-06-30 00:00+00'), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1);
SELECT * FROM nr_knox_mismatches('nr', nr_events('2018-06-30 00:00+00'));
SELECT * FROM nr_window_mismatches('nr_windows', nr_events('2018-06-30 00:00+00'), '2018-06-30 00:00+00');
SELECT count(*) FILTER (WHERE v.observed IS DISTINCT FROM coalesce(p.observed, 0)) AS observed_mismatches
FROM nr v FULL JOIN nr_plain_pairs('2018-06-30 00:00+00') p USING (distance_band, time_band);
SELECT view, rows, status FROM safety.refresh_log ORDER BY id;

-- 5. a view that follows the clock (as_of: the refresh's now()) with a
-- filter: aggravated burglaries of the last 100 years
BEGIN;
SELECT safety.create_near_repeat_view('nr_live', 'nr_incidents', 'geom', 'occurred_at', 'id', '{100,200,400}', '{7,14,21,28}',
  "window" => '100 years', filter => $$offense = 'AGGRAVATED BURGLARY'$$);
SELECT count(*) AS cells, bool_and(as_of = now()) AS as_of_is_now FROM nr_live;
SELECT * FROM nr_knox_mismatches('nr_live', nr_events(now(), '100 years', 'AGGRAVATED BURGLARY'));
SELECT * FROM nr_window_mismatches('nr_live_windows', nr_events(now(), '100 years', 'AGGRAVATED BURGLARY'), now());
COMMIT;
SELECT sum(observed) AS pairs, (SELECT count(*) * (count(*) - 1) / 2 FROM nr_incidents
         WHERE geom IS NOT NULL AND offense = 'AGGRAVATED BURGLARY' AND occurred_at <= now()) AS plain_pairs
FROM nr_live;

-- 6. a failing refresh is logged and leaves the old rows of both
-- relations readable.  PostgreSQL itself refuses to drop a column a view
-- reads ...
ALTER TABLE nr_incidents DROP COLUMN geom;
-- ... but not one read through a function: a source view over one
CREATE TABLE nr_base AS SELECT id, occurred_at, geom FROM nr_incidents;
CREATE FUNCTION nr_read() RETURNS TABLE (id bigint, occurred_at timestamptz, geom geometry(Point, 32616))
  LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN QUERY SELECT b.id, b.occurred_at, b.geom FROM nr_base b; END $$;
CREATE VIEW nr_source AS SELECT * FROM nr_read();
SELECT safety.create_near_repeat_view('nr_fragile', 'nr_source', 'geom', 'occurred_at', 'id', '{100,200,400}', '{7,14,21,28}',
  as_of => '2018-06-30 00:00+00');
CREATE TEMP TABLE nr_before AS
SELECT (SELECT count(*) FROM nr_fragile) AS cells, (SELECT sum(observed) FROM nr_fragile) AS pairs,
       (SELECT count(*) FROM nr_fragile_windows) AS windows;
SELECT * FROM nr_before;
ALTER TABLE nr_base DROP COLUMN geom;
CALL safety.refresh('nr_fragile');
SELECT view, rows, status, error FROM safety.refresh_log WHERE view LIKE 'nr\_fragile%' ORDER BY id;
SELECT (SELECT count(*) FROM nr_fragile) AS cells, (SELECT sum(observed) FROM nr_fragile) AS pairs,
       (SELECT count(*) FROM nr_fragile_windows) AS windows,
       (SELECT (count(*), sum(observed)) FROM nr_fragile) = (SELECT (cells, pairs) FROM nr_before) AS unchanged;
-- the column back: the next refresh succeeds
ALTER TABLE nr_base ADD COLUMN geom geometry(Point, 32616);
UPDATE nr_base b SET geom = i.geom FROM nr_incidents i WHERE i.id = b.id;
CALL safety.refresh('nr_fragile');
SELECT view, rows, status FROM safety.refresh_log WHERE view LIKE 'nr\_fragile%' ORDER BY id;
SELECT safety.drop_view('nr_fragile');

-- 7. spaces, quotes and mixed case in every identifier
CREATE SCHEMA "Near ""Repeat"" 2018";
CREATE TABLE "Near ""Repeat"" 2018"."Incident Reports" AS
SELECT id AS "Report ID", offense AS "Offense Type", occurred_at AS "When It Happened", geom AS "Geo Point"
FROM nr_incidents;
SELECT safety.create_near_repeat_view('Repeats "Near", June', '"Near ""Repeat"" 2018"."Incident Reports"',
  'Geo Point', 'When It Happened', 'Report ID', '{100,200,400}', '{7,14,21,28}',
  filter => $$"Offense Type" <> 'AGGRAVATED BURGLARY' OR "Report ID" > 0$$,
  schema => 'Near "Repeat" 2018', as_of => '2018-06-30 00:00+00');
SELECT schema, name, source, companions FROM safety.views WHERE schema <> 'public';
SELECT * FROM nr_knox_mismatches('"Near ""Repeat"" 2018"."Repeats ""Near"", June"', nr_events('2018-06-30 00:00+00'));
SELECT * FROM nr_window_mismatches('"Near ""Repeat"" 2018"."Repeats ""Near"", June_windows"', nr_events('2018-06-30 00:00+00'), '2018-06-30 00:00+00');
CALL safety.refresh('Repeats "Near", June');
CALL safety.refresh_all();
SELECT schema, view, rows, status FROM safety.refresh_log WHERE schema <> 'public' ORDER BY id;
SELECT safety.drop_view('Repeats "Near", June', 'Near "Repeat" 2018');
SELECT to_regclass('"Near ""Repeat"" 2018"."Repeats ""Near"", June"') AS gone,
       to_regclass('"Near ""Repeat"" 2018"."Repeats ""Near"", June_windows"') AS windows_gone,
       (SELECT count(*) FROM safety.views WHERE schema <> 'public') AS catalog_rows;

-- 8. filters that try to run statements of their own are refused by
-- parsing alone; the victim table survives and nothing is created
CREATE TABLE nr_victim (x int);
SELECT safety.create_near_repeat_view('nr_bad', 'nr_incidents', 'geom', 'occurred_at', 'id', '{100}', '{7}',
  filter => $$'; DROP TABLE nr_victim; --$$);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr_bad', 'nr_incidents', 'geom', 'occurred_at', 'id', '{100}', '{7}',
  filter => $$true); DROP TABLE nr_victim; --$$);
SELECT safety.create_near_repeat_view('nr_bad', 'nr_incidents', 'geom', 'occurred_at', 'id', '{100}', '{7}',
  filter => $$true)) s) g; DROP TABLE nr_victim; SELECT ((true$$);
SELECT safety.create_near_repeat_view('nr_bad', 'nr_incidents', 'geom', 'occurred_at', 'id', '{100}', '{7}',
  filter => 'no_such_column > 0');
SELECT to_regclass('nr_victim') AS victim, to_regclass('nr_bad') AS bad_view, to_regclass('nr_bad_windows') AS bad_windows,
       (SELECT count(*) FROM safety.views WHERE name = 'nr_bad') AS catalog_rows;

-- 9. bad inputs: each a clear error, nothing half-created
CREATE TABLE nr_odd (id int, code text, geom geometry(Point, 32616), ll geometry(Point, 4326), at timestamptz);
CREATE TABLE nr_taken_windows (x int);
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'code', '{100}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'nothing', '{100}', '{7}');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'code', 'id', '{100}', '{7}');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'll', 'at', 'id', '{100}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{200,100}', '{7}');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{100}', '{0,7}');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{100,NULL}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}', permutations => 0);
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}', metric => 'chebyshev');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}', "window" => '0 days');
SELECT safety.create_near_repeat_view('nr_bad', 'nr_odd', 'geom', 'at', 'id', NULL, '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr_taken', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_near_repeat_view('nr', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}');
SELECT safety.create_near_repeat_view(repeat('n', 56), 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_hotspot_view('nr_windows', 'nr_odd', 'geom', 'at', 250, 500, '28 days');
-- fewer than two events in the window: no rows, no error
SELECT safety.create_near_repeat_view('nr_empty', 'nr_odd', 'geom', 'at', 'id', '{100}', '{7}');
SELECT (SELECT count(*) FROM nr_empty) AS cells, (SELECT count(*) FROM nr_empty_windows) AS windows;
SELECT count(*) AS left_behind FROM pg_class WHERE relname LIKE 'nr\_bad%' OR relname LIKE 'nr\_taken' OR relname LIKE 'nnnn%';

-- 10. drop: both relations and the catalog row go, the history stays
SELECT safety.drop_view('nr');
SELECT to_regclass('nr') AS gone, to_regclass('nr_windows') AS windows_gone,
       (SELECT count(*) FROM safety.views WHERE name = 'nr') AS catalog_rows,
       (SELECT count(*) FROM safety.refresh_log WHERE view IN ('nr', 'nr_windows')) AS history_rows;
SELECT safety.drop_view('nr');
CALL safety.refresh('nr_windows');

-- clean up
SELECT safety.drop_view(name) FROM safety.views WHERE schema = 'public' ORDER BY name;
SELECT count(*) AS catalog_rows FROM safety.views;
DROP SCHEMA "Near ""Repeat"" 2018" CASCADE;
DROP VIEW nr_source;
DROP FUNCTION nr_read, nr_events, nr_knox_mismatches, nr_window_mismatches, nr_plain_pairs;
DROP TABLE nr_incidents, nr_base, nr_victim, nr_odd, nr_taken_windows;
DELETE FROM safety.refresh_log;
