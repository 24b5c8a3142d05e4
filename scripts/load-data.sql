-- load-data.sql — the bundled Cincinnati burglaries as table "incidents".
-- Run with psql from the checkout root; safe to re-run (replaces the table).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS safety CASCADE;
CREATE TEMP TABLE incidents_raw (
	incident_no text, offense_date text, offense text, longitude float8, latitude float8);
\copy incidents_raw FROM PROGRAM 'gzip -dc data/cincinnati_burglary.csv.gz' WITH (FORMAT csv, HEADER true, NULL 'NA')
DROP TABLE IF EXISTS incidents;
CREATE TABLE incidents (
	id bigint PRIMARY KEY,
	incident_no text,
	offense text NOT NULL,
	occurred_at timestamptz NOT NULL,
	geom geometry(Point, 32616)
);
INSERT INTO incidents
SELECT row_number() OVER (ORDER BY offense_date, incident_no, longitude, latitude),
	   incident_no, offense, offense_date::timestamptz,
	   CASE WHEN longitude IS NOT NULL AND latitude IS NOT NULL
			THEN ST_Transform(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326), 32616) END
FROM incidents_raw;
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_time_idx ON incidents (occurred_at);
ANALYZE incidents;
-- the 22 local areas of Vancouver (data/vancouver_neighbourhoods.geojson,
-- WGS 84) as table "vancouver_areas" in UTM zone 10N (EPSG:32610), the SRID
-- of the Vancouver thefts (scripts/load-vancouver.sql); ids by name
\set vancouver_geojson `cat data/vancouver_neighbourhoods.geojson`
DROP TABLE IF EXISTS vancouver_areas;
CREATE TABLE vancouver_areas (
	area_id bigint PRIMARY KEY,
	name text NOT NULL UNIQUE,
	geom geometry(MultiPolygon, 32610) NOT NULL
);
INSERT INTO vancouver_areas
SELECT row_number() OVER (ORDER BY f->'properties'->>'name'), f->'properties'->>'name',
	   ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326), 32610))
FROM json_array_elements((:'vancouver_geojson')::json->'features') f;
\unset vancouver_geojson
ANALYZE vancouver_areas;
