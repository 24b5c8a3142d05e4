-- bench/areas.sql — synthetic areas for bench/areas.sh (schema bench).
-- bench.make_areas(name, n): table name(area_id, geom, value) of the n
-- Voronoi polygons (ST_VoronoiPolygons, clipped to the square) of n
-- reproducible uniform random points in a square of side 20 km · √(n/50,000)
-- (SRID 32616), so every size has the same density (one area per 8,000 m²,
-- about 89 m across); area_id follows the order of ST_Dump. value is a
-- smooth random field (two bumps per 20 km and a random wave) plus noise,
-- rounded to counts: an event count per area, of sorts.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.make_areas(name text, n int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  side float8 := 20000 * sqrt(n / 50000.0);
BEGIN
  PERFORM setseed(0.5016);
  EXECUTE format('DROP TABLE IF EXISTS %I', name);
  EXECUTE format($q$
    CREATE TABLE %I AS
    WITH env AS (SELECT ST_MakeEnvelope(700000, 4330000, 700000 + %s, 4330000 + %s, 32616) AS e),
    pts AS MATERIALIZED (
      SELECT ST_SetSRID(ST_MakePoint(700000 + %s * random(), 4330000 + %s * random()), 32616) AS geom
      FROM generate_series(1, %s)),
    vor AS (
      SELECT row_number() OVER ()::bigint AS area_id, ST_Intersection((d).geom, env.e) AS geom
      FROM env, (SELECT ST_Dump(ST_VoronoiPolygons(ST_Collect(geom), 0, (SELECT e FROM env))) AS d FROM pts) s)
    SELECT area_id, geom,
           round(greatest(0, 4 + 6 * exp(-((ST_X(c) - 705000) ^ 2 + (ST_Y(c) - 4335000) ^ 2) / 2e6)
                             + 6 * exp(-((ST_X(c) - 714000) ^ 2 + (ST_Y(c) - 4344000) ^ 2) / 8e6)
                             + 2 * sin(ST_X(c) / 900) * cos(ST_Y(c) / 1300)
                             + 2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::float8 AS value
    FROM (SELECT area_id, geom, ST_Centroid(geom) AS c FROM vor) v
    ORDER BY area_id$q$, name, side, side, side, side, n);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (area_id)', name);
  EXECUTE format('DROP TABLE IF EXISTS %I', name || '_arr');
  EXECUTE format('CREATE TABLE %I AS SELECT array_agg(area_id ORDER BY area_id) AS ids, array_agg(geom ORDER BY area_id) AS geoms, array_agg(value ORDER BY area_id) AS x FROM %I',
                 name || '_arr', name);
END $$;
