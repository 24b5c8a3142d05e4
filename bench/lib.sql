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
-- The bundled location is found by a join on its rank (an array subscript
-- per row made 5M rows take minutes).
CREATE OR REPLACE FUNCTION bench.make_events(name text, n int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM setseed(0.2016);
  EXECUTE format('DROP TABLE IF EXISTS %I', name);
  EXECUTE format($q$
    CREATE TABLE %I AS
    WITH src AS (
      SELECT row_number() OVER (ORDER BY id) AS k, ST_X(geom) AS x, ST_Y(geom) AS y
      FROM incidents WHERE geom IS NOT NULL),
    draws AS MATERIALIZED (
      SELECT g AS id, random() AS u1, random() AS u2, random() AS u3, random() AS u4
      FROM generate_series(1, %s) g)
    SELECT d.id::bigint AS id,
           CASE WHEN d.u4 < 0.87 THEN 'BURGLARY' ELSE 'AGGRAVATED BURGLARY' END AS offense,
           timestamptz '2016-01-01 00:00+00' + d.u3 * interval '1096 days' AS occurred_at,
           ST_SetSRID(ST_MakePoint(
             s.x + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * cos(2 * pi() * d.u3),
             s.y + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * sin(2 * pi() * d.u3)), 32616)::geometry(Point, 32616) AS geom
    FROM draws d JOIN src s ON s.k = 1 + floor(d.u1 * (SELECT count(*) FROM src))::int
    ORDER BY d.id$q$, name, n);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', name);
  EXECUTE format('ANALYZE %I', name);
END $$;

-- bench.ensure_events(name, n): bench.make_events(name, n) unless a table
-- of that name already holds n rows (VACUUM it afterwards: not in a function)
CREATE OR REPLACE FUNCTION bench.ensure_events(name text, n int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  have bigint;
BEGIN
  IF to_regclass(format('%I', name)) IS NOT NULL THEN
    EXECUTE format('SELECT count(*) FROM %I', name) INTO have;
    IF have = n THEN
      RETURN;
    END IF;
  END IF;
  PERFORM bench.make_events(name, n);
END $$;

DROP FUNCTION IF EXISTS bench.interleaved_ms(text[], int);
DROP FUNCTION IF EXISTS bench.interleaved_ms(text[], int, int[]);
DROP FUNCTION IF EXISTS bench.interleaved_ms(text[], int, int[], bool[]);
-- bench.interleaved_ms(qs, reps, workers, leader): runs the queries qs
-- round-robin, reps rounds after a warm-up round, and returns each query's
-- median and minimum wall time in milliseconds, and the median over the
-- rounds of its time divided by the first query's time in the same round.
-- On a shared VM the speed of the machine drifts over seconds; taking turns
-- exposes every query to the same drift, and a ratio within one round
-- compares runs a fraction of a second apart, so the ratios hold even when
-- absolute times move.
-- workers[k], when given, is max_parallel_workers_per_gather for qs[k];
-- leader[k], when given, is parallel_leader_participation for qs[k].
CREATE OR REPLACE FUNCTION bench.interleaved_ms(qs text[], reps int DEFAULT 11, workers int[] DEFAULT NULL,
                                                leader bool[] DEFAULT NULL)
RETURNS TABLE(q text, median_ms float8, min_ms float8, over_first float8)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  ms float8[] := array_fill(NULL::float8, ARRAY[array_length(qs, 1), reps]);
BEGIN
  FOR r IN 0..reps LOOP
    FOR k IN 1..array_length(qs, 1) LOOP
      IF workers IS NOT NULL THEN
        PERFORM set_config('max_parallel_workers_per_gather', workers[k]::text, true);
      END IF;
      IF leader IS NOT NULL THEN
        PERFORM set_config('parallel_leader_participation', leader[k]::text, true);
      END IF;
      t0 := clock_timestamp();
      EXECUTE qs[k];
      IF r > 0 THEN
        ms[k][r] := 1000 * extract(epoch FROM clock_timestamp() - t0);
      END IF;
    END LOOP;
  END LOOP;
  RETURN QUERY
  SELECT qs[k], (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms[k:k][1:reps]) x),
         (SELECT min(x) FROM unnest(ms[k:k][1:reps]) x),
         (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms[k][r] / ms[1][r]) FROM generate_series(1, reps) r)
  FROM generate_subscripts(qs, 1) k ORDER BY k;
END $$;

-- bench.parallel_ms(q, reps): q serially, with 2 parallel workers and the
-- leader also scanning (PostgreSQL's default: three processes), and with
-- 2 parallel workers alone (parallel_leader_participation = off: two
-- processes, one per core of a 2-core machine), taking turns (as above).
-- Returns workers, whether the leader took part, median and minimum ms, and
-- the speed-up: the median over the rounds of the serial time over this
-- one's in the same round.
DROP FUNCTION IF EXISTS bench.parallel_ms(text, int);
CREATE OR REPLACE FUNCTION bench.parallel_ms(q text, reps int DEFAULT 11)
RETURNS TABLE(workers int, leader bool, median_ms float8, min_ms float8, speedup float8)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('parallel_setup_cost', '0', true);
  PERFORM set_config('parallel_tuple_cost', '0', true);
  PERFORM set_config('min_parallel_table_scan_size', '0', true);
  RETURN QUERY
  SELECT w.n, w.l, i.median_ms, i.min_ms, 1 / i.over_first
  FROM bench.interleaved_ms(ARRAY[q, q, q], reps, ARRAY[0, 2, 2], ARRAY[true, true, false])
       WITH ORDINALITY AS i(q, median_ms, min_ms, over_first, k)
  JOIN (VALUES (1, 0, true), (2, 2, true), (3, 2, false)) AS w(k, n, l) ON w.k = i.k
  ORDER BY w.k;
END $$;
