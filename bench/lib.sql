-- bench/lib.sql — timing helpers for the benchmarks (schema bench).
-- bench.time_ms(q, reps) runs q reps times inside the server and returns the
-- median wall time in milliseconds; the first run warms the cache and is
-- not counted.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.time_ms(q text, reps int DEFAULT 5) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  times float8[] := '{}';
BEGIN
  EXECUTE q;
  FOR k IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    times := times || (1000 * extract(epoch FROM clock_timestamp() - t0))::float8;
  END LOOP;
  RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END $$;

-- bench.make_events(name, n): n synthetic clustered incidents around the
-- bundled Cincinnati burglaries (each a random bundled location jittered by a
-- normal offset with sd 150 m, at a random time in 2016-2018), reproducible.
CREATE OR REPLACE FUNCTION bench.make_events(name text, n int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM setseed(0.2016);
  EXECUTE format('DROP TABLE IF EXISTS %I', name);
  EXECUTE format($q$
    CREATE TABLE %I AS
    WITH src AS (SELECT array_agg(geom ORDER BY id) AS pts FROM incidents WHERE geom IS NOT NULL),
    draws AS (
      SELECT g AS id, random() AS u1, random() AS u2, random() AS u3, random() AS u4
      FROM generate_series(1, %s) g)
    SELECT d.id::bigint AS id,
           CASE WHEN d.u4 < 0.87 THEN 'BURGLARY' ELSE 'AGGRAVATED BURGLARY' END AS offense,
           timestamptz '2016-01-01 00:00+00' + d.u3 * interval '1096 days' AS occurred_at,
           ST_SetSRID(ST_MakePoint(
             ST_X(s.pts[1 + floor(d.u1 * array_length(s.pts, 1))::int])
               + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * cos(2 * pi() * d.u3),
             ST_Y(s.pts[1 + floor(d.u1 * array_length(s.pts, 1))::int])
               + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * sin(2 * pi() * d.u3)), 32616)::geometry(Point, 32616) AS geom
    FROM draws d, src s$q$, name, n);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', name);
  EXECUTE format('ANALYZE %I', name);
END $$;
