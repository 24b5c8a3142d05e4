-- fixtures.sql — what the SQL fuzz's baseline calls refer to: a small
-- incident table (and an empty and an all-NULL twin), one managed view of
-- each kind and a recorded tier series.  Run once into a fresh database.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS safety CASCADE;

CREATE TABLE fuzz_incidents AS
SELECT g::bigint AS id,
	   ST_SetSRID(ST_MakePoint(1000 + (g * 37) % 500, 2000 + (g * 53) % 400), 32616)::geometry(Point, 32616) AS geom,
	   '2018-01-01'::timestamptz + g * interval '23 hours' AS occurred_at,
	   (ARRAY['burglary', 'theft', 'robbery'])[1 + g % 3] AS offense
FROM generate_series(1, 60) g;
CREATE TABLE fuzz_empty AS SELECT * FROM fuzz_incidents WHERE false;
CREATE TABLE fuzz_nulls AS SELECT NULL::bigint AS id, NULL::geometry(Point, 32616) AS geom,
	NULL::timestamptz AS occurred_at, NULL::text AS offense FROM generate_series(1, 3);

SELECT safety.create_hotspot_view('fuzz_hot', 'fuzz_incidents', 'geom', 'occurred_at', 250, 500, '1 year',
	as_of => '2018-03-01');
SELECT safety.create_near_repeat_view('fuzz_nr', 'fuzz_incidents', 'geom', 'occurred_at', 'id',
	'{100,200}', '{7,14}', as_of => '2018-03-01');
SELECT safety.create_tier_view('fuzz_tier', 'fuzz_incidents', 'geom', 'occurred_at', 'offense', 250,
	as_of => '2018-03-01');
SELECT safety.record_tiers('fuzz-tiers', (SELECT safety.events_agg(geom, occurred_at, id) FROM fuzz_incidents), t, 250)
FROM (VALUES ('2018-02-15'::timestamptz), ('2018-03-01')) v(t);
