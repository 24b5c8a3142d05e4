-- Tier views: create -> refresh -> query (equal to a direct safety.risk_tiers
-- call on the same events and as_of) -> refresh after inserts -> a failing
-- refresh is logged and keeps the old rows -> odd identifiers -> filters
-- that try to smuggle in statements -> bad inputs -> drop.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';

-- a copy of the bundled data that this suite may change
CREATE TABLE tv_incidents AS SELECT id, offense, occurred_at, geom FROM incidents;
ALTER TABLE tv_incidents ADD PRIMARY KEY (id);
-- the same tiers by a direct call: every event up to as_of (filter: only_offense),
-- weighted by safety.offense_weight, cells with at least min_count events in the last year
CREATE FUNCTION tv_direct(as_of timestamptz, min_count int, only_offense text DEFAULT NULL, upto timestamptz DEFAULT NULL)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
  SELECT r.* FROM (SELECT safety.events_agg(geom, occurred_at, NULL::bigint, safety.offense_weight(offense)) AS e
                   FROM tv_incidents
                   WHERE geom IS NOT NULL AND occurred_at <= coalesce(upto, as_of)
                     AND (only_offense IS NULL OR offense = only_offense)) g,
         safety.risk_tiers(g.e, as_of, 250) r
  WHERE r.events >= min_count $$;
-- rows of a view that differ from the direct call (every column), and cells missing on either side
CREATE FUNCTION tv_compare(view regclass, as_of timestamptz, min_count int, only_offense text DEFAULT NULL, upto timestamptz DEFAULT NULL)
RETURNS TABLE (view_rows bigint, direct_rows bigint, row_mismatches bigint, geom_mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH d AS (SELECT * FROM tv_direct($1, $2, $3, $4) AS t(cell_id bigint, geom geometry, events bigint,
                 expected float8, typical float8, severity float8, priority float8, rank bigint, tier safety.tier,
                 action text, respond_within interval, review_every interval, lead text))
    SELECT count(v.cell_id), count(d.cell_id),
      count(*) FILTER (WHERE (v.cell_id, v.events, v.expected, v.typical, v.severity, v.priority,
                              v.rank, v.tier, v.action, v.respond_within, v.review_every, v.lead, v.as_of)
        IS DISTINCT FROM (d.cell_id, d.events, d.expected, d.typical, d.severity, d.priority,
                          d.rank, d.tier, d.action, d.respond_within, d.review_every, d.lead, $1)),
      count(*) FILTER (WHERE NOT coalesce(ST_Equals(v.geom, d.geom), false))
    FROM %s v FULL JOIN d ON v.cell_id = d.cell_id$q$, view) USING as_of, min_count, only_offense, upto;
END $$;

-- 1. create: safety.risk_tiers per cell at a fixed as_of
SELECT safety.create_tier_view('tv_risk', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250,
  min_count => 1, as_of => '2018-06-30 00:00+00');
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'tv_risk'::regclass AND attnum > 0 ORDER BY attnum;
SELECT indexdef FROM pg_indexes WHERE tablename = 'tv_risk' ORDER BY 1;
SELECT schema, name, kind, source, parameters FROM safety.views;
SELECT obj_description('tv_risk'::regclass);
-- the same rows as the direct call (events up to as_of; and all events: what
-- comes after as_of does not change the tiers)
SELECT * FROM tv_compare('tv_risk', '2018-06-30 00:00+00', 1);
SELECT * FROM tv_compare('tv_risk', '2018-06-30 00:00+00', 1, upto => 'infinity');
SELECT tier, count(*) AS cells, sum(events) AS events, min(rank) AS best, max(rank) AS worst,
       round(min(priority)::numeric, 4) AS min_priority, round(max(priority)::numeric, 4) AS max_priority
FROM tv_risk GROUP BY tier ORDER BY tier DESC NULLS LAST;
SELECT cell_id, events, round(expected::numeric, 4) AS expected, round(severity::numeric, 3) AS severity,
       round(priority::numeric, 4) AS priority, rank, tier, respond_within, as_of
FROM tv_risk ORDER BY rank, cell_id LIMIT 5;
-- events by hand: the top cell's events in [as_of - 365 days, as_of)
SELECT v.events, count(*) AS events_plain
FROM tv_risk v JOIN tv_incidents e ON ST_Within(e.geom, v.geom)
WHERE v.rank = 1 AND e.occurred_at >= timestamptz '2018-06-30 00:00+00' - interval '365 days' AND e.occurred_at < '2018-06-30 00:00+00'
GROUP BY v.events;

-- 2. refresh, logged
CALL safety.refresh('tv_risk');
SELECT view, rows, status, error, finished >= started AS timed FROM safety.refresh_log ORDER BY id;
SELECT * FROM tv_compare('tv_risk', '2018-06-30 00:00+00', 1);

-- 3. privacy: with min_count 3 the cells with fewer events in the last year are
-- left out after ranking (ranks and tiers as over all cells)
SELECT safety.create_tier_view('tv_min3', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250,
  min_count => 3, as_of => '2018-06-30 00:00+00');
SELECT * FROM tv_compare('tv_min3', '2018-06-30 00:00+00', 3);
SELECT min(events) AS fewest FROM tv_min3;

-- 4. new events: invisible until the next refresh, then tiered
INSERT INTO tv_incidents
SELECT 1000000 + k, 'AGGRAVATED BURGLARY', '2018-06-20 12:00+00', 'SRID=32616;POINT(700125 4330125)'
FROM generate_series(1, 5) k;
SELECT count(*) AS rows FROM tv_risk WHERE cell_id = (2800::bigint << 32) + 17320;
CALL safety.refresh('tv_risk');
SELECT events, round(severity::numeric, 3) AS severity, tier IS NOT NULL AS tiered FROM tv_risk WHERE cell_id = (2800::bigint << 32) + 17320;
SELECT * FROM tv_compare('tv_risk', '2018-06-30 00:00+00', 1);
SELECT view, rows, status FROM safety.refresh_log WHERE view = 'tv_risk' ORDER BY id;

-- 5. a failing refresh is logged and leaves the old rows readable
CREATE TABLE tv_any (id int, geom geometry, at timestamptz, offense text);
INSERT INTO tv_any SELECT id, geom, occurred_at, offense FROM tv_incidents WHERE geom IS NOT NULL;
SELECT safety.create_tier_view('tv_fragile', 'tv_any', 'geom', 'at', 'offense', 250, min_count => 1,
  as_of => '2018-06-30 00:00+00');
SELECT count(*) AS cells, sum(events) AS events FROM tv_fragile;
INSERT INTO tv_any VALUES (-1, 'SRID=32616;LINESTRING(700000 4330000, 700100 4330100)', '2018-06-29 00:00+00', 'BURGLARY');
INSERT INTO tv_any SELECT -1 - k, 'SRID=32616;POINT(700125 4330125)', '2018-06-29 00:00+00', 'BURGLARY' FROM generate_series(1, 9) k;
CALL safety.refresh('tv_fragile');
SELECT view, rows, status, error FROM safety.refresh_log WHERE view = 'tv_fragile' ORDER BY id;
SELECT count(*) AS cells, sum(events) AS events FROM tv_fragile;
DELETE FROM tv_any WHERE id = -1;
CALL safety.refresh('tv_fragile');
SELECT view, rows, status FROM safety.refresh_log WHERE view = 'tv_fragile' ORDER BY id;
SELECT count(*) AS cells, sum(events) AS events FROM tv_fragile;

-- 6. spaces, quotes and mixed case in every identifier; a filter
CREATE SCHEMA "Risk ""Maps"" 2018";
CREATE TABLE "Risk ""Maps"" 2018"."Incident Reports" AS
SELECT id AS "Report ID", offense AS "Offense Type", occurred_at AS "When It Happened", geom AS "Geo Point"
FROM tv_incidents;
SELECT safety.create_tier_view('Risk "Tiers", June', '"Risk ""Maps"" 2018"."Incident Reports"',
  'Geo Point', 'When It Happened', 'Offense Type', 250,
  filter => $$"Offense Type" = 'BURGLARY' AND "Report ID" > 0$$,
  schema => 'Risk "Maps" 2018', as_of => '2018-06-30 00:00+00', min_count => 1);
SELECT schema, name, kind, source FROM safety.views WHERE schema <> 'public';
SELECT * FROM tv_compare('"Risk ""Maps"" 2018"."Risk ""Tiers"", June"', '2018-06-30 00:00+00', 1, 'BURGLARY');
CALL safety.refresh('Risk "Tiers", June');
CALL safety.refresh_all();
SELECT schema, view, status FROM safety.refresh_log WHERE view = 'Risk "Tiers", June' ORDER BY id;
SELECT length(safety.hotspot_tile('"Risk ""Maps"" 2018"."Risk ""Tiers"", June"', 10, 271, 390)) > 0 AS tile;
SELECT safety.drop_view('Risk "Tiers", June', 'Risk "Maps" 2018');
SELECT to_regclass('"Risk ""Maps"" 2018"."Risk ""Tiers"", June"') AS gone, count(*) AS catalog_rows
FROM safety.views WHERE schema <> 'public';

-- 7. filters that try to run statements of their own are refused
CREATE TABLE tv_victim (x int);
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250,
  filter => $$'; DROP TABLE tv_victim; --$$);
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250,
  filter => $$true)) s) g; DROP TABLE tv_victim; SELECT ((true$$);
SELECT to_regclass('tv_victim') AS victim, to_regclass('tv_bad') AS bad_view,
       (SELECT count(*) FROM safety.views WHERE name = 'tv_bad') AS catalog_rows;

-- 8. bad inputs: each a clear error, nothing half-created
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'id', 250);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'nothing', 250);
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250, model => 'bogus');
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250, keep => 2);
\echo :LAST_ERROR_SQLSTATE
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250, horizon => '-1 day');
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 0);
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250, keep => NULL);
SELECT safety.create_tier_view('tv_bad', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250, min_count => 0);
SELECT safety.create_tier_view('tv_risk', 'tv_incidents', 'geom', 'occurred_at', 'offense', 250);
SELECT to_regclass('tv_bad') AS bad_view, (SELECT count(*) FROM safety.views WHERE name = 'tv_bad') AS catalog_rows;

-- 9. drop removes view and catalog row
SELECT safety.drop_view('tv_risk');
SELECT to_regclass('tv_risk') AS gone;
SELECT name, kind FROM safety.views ORDER BY name;

-- clean up
SELECT safety.drop_view(name) FROM safety.views WHERE schema = 'public';
DROP SCHEMA "Risk ""Maps"" 2018" CASCADE;
DROP FUNCTION tv_compare, tv_direct;
DROP TABLE tv_incidents, tv_victim, tv_any;
DELETE FROM safety.refresh_log;
