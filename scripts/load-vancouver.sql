-- load-vancouver.sql — the bundled Vancouver thefts of 2020 as table
-- "vancouver" (second city of the forecast back-test).  Run with psql from
-- the checkout root; safe to re-run (replaces the table).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS safety CASCADE;
CREATE TEMP TABLE vancouver_raw (
	type text, year int, month int, day int, hour int, minute int,
	hundred_block text, neighbourhood text, x float8, y float8);
\copy vancouver_raw FROM PROGRAM 'gzip -dc data/vancouver_thefts.csv.gz' WITH (FORMAT csv, HEADER true)
DROP TABLE IF EXISTS vancouver;
CREATE TABLE vancouver (
	id bigint PRIMARY KEY,
	offense text NOT NULL,
	occurred_at timestamptz NOT NULL,
	neighbourhood text,
	geom geometry(Point, 32610)
);
INSERT INTO vancouver
SELECT row_number() OVER (ORDER BY t, type, x, y), type, t, neighbourhood,
	   CASE WHEN x > 0 AND y > 0 THEN ST_SetSRID(ST_MakePoint(x, y), 32610) END
FROM (SELECT *, make_timestamptz(year, month, day, hour, minute, 0, 'America/Vancouver') AS t
	  FROM vancouver_raw) r;
CREATE INDEX vancouver_geom_idx ON vancouver USING gist (geom);
ANALYZE vancouver;
