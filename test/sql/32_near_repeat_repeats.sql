-- safety.repeats, safety.repeat_summary and safety.repeat_gaps equal plain
-- SQL computations on the bundled data; hand-built cases pin the rules.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ

CREATE TEMP TABLE rep_ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;

-- hand-built: three events at one address, one at another, one alone;
-- a time window counts at its midpoint (2016-01-09 00:00 .. 2016-01-11 00:00 is 2016-01-10)
CREATE TEMP TABLE hand AS SELECT 'SRID=32616;{(10,10,2016-01-01T00:00:00Z,,1,1),(10,10,2016-01-09T00:00:00Z,2016-01-11T00:00:00Z,1,2),
  (10,10,2016-03-01T00:00:00Z,,1,3),(500,500,2016-01-05T00:00:00Z,,1,4),(500.5,500,2016-02-05T12:00:00Z,,1,5),(900,900,2016-01-02T00:00:00Z,,1,6)}'::safety.events AS e;
SELECT location_id, ST_AsEWKT(geom) AS geom, events, first_at, last_at, repeats_within, shortest_gap, median_gap
FROM safety.repeats((SELECT e FROM hand), 0, '30 days') ORDER BY location_id;
SELECT location_id, ST_AsEWKT(geom) AS geom, events, first_at, last_at, repeats_within, shortest_gap, median_gap
FROM safety.repeats((SELECT e FROM hand), 1, '30 days') ORDER BY location_id;
SELECT * FROM safety.repeat_summary((SELECT e FROM hand), 1, '30 days');
SELECT * FROM safety.repeat_gaps((SELECT e FROM hand), 1);
-- within is inclusive: the gap of 31 days 12 hours counts within '31 days 12:00' only
SELECT repeats_within FROM safety.repeats((SELECT e FROM hand), 1, '31 days') WHERE events = 2;
SELECT repeats_within FROM safety.repeats((SELECT e FROM hand), 1, '31 days 11:59:59.999999') WHERE events = 2;
SELECT repeats_within FROM safety.repeats((SELECT e FROM hand), 1, '31 days 12:00:00') WHERE events = 2;

-- the bundled data have no two events at identical coordinates
SELECT count(*) AS located, count(DISTINCT (ST_X(geom), ST_Y(geom))) AS distinct_points FROM incidents WHERE geom IS NOT NULL;
SELECT * FROM safety.repeat_summary((SELECT e FROM rep_ev));
SELECT count(*) AS repeat_locations_at_tolerance_0 FROM safety.repeats((SELECT e FROM rep_ev));

-- plain SQL: locations by single linkage within the tolerance, which is
-- ST_ClusterDBSCAN with minpoints 1; gaps from the previous event there
CREATE FUNCTION pg_temp.plain(tol float8, within interval)
RETURNS TABLE (location_id int8, x float8, y float8, events int8, first_at timestamptz, last_at timestamptz,
               repeats_within int8, shortest_gap interval, median_gap_s float8) LANGUAGE sql AS $$
  WITH c AS (
         SELECT id, ST_X(geom) AS x, ST_Y(geom) AS y, occurred_at,
                ST_ClusterDBSCAN(geom, eps => tol, minpoints => 1) OVER () AS c
         FROM incidents WHERE geom IS NOT NULL),
       g AS (
         SELECT *, occurred_at - lag(occurred_at) OVER (PARTITION BY c ORDER BY occurred_at, x, y, id) AS gap,
                row_number() OVER (PARTITION BY c ORDER BY occurred_at, x, y, id) AS k
         FROM c),
       -- locations numbered by their first event in the canonical order (time, x, y, id)
       num AS (SELECT c, row_number() OVER (ORDER BY occurred_at, x, y, id) AS location_id FROM g WHERE k = 1)
  SELECT num.location_id, f.x, f.y, count(*), min(g.occurred_at), max(g.occurred_at),
         count(*) FILTER (WHERE extract(epoch FROM g.gap) <= extract(epoch FROM within)),
         min(g.gap),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM g.gap))
  FROM g JOIN num USING (c) JOIN g f ON f.c = g.c AND f.k = 1
  GROUP BY num.location_id, f.x, f.y HAVING count(*) >= 2
$$;
CREATE FUNCTION pg_temp.compare(tol float8, within interval)
RETURNS TABLE (repeat_locations int8, events int8, mismatches int8) LANGUAGE sql AS $$
  SELECT count(*), sum(coalesce(r.events, p.events)),
         count(*) FILTER (WHERE r.location_id IS NULL OR p.location_id IS NULL
                          OR ST_X(r.geom) <> p.x OR ST_Y(r.geom) <> p.y OR ST_SRID(r.geom) <> 32616
                          OR r.events <> p.events OR r.first_at <> p.first_at OR r.last_at <> p.last_at
                          OR r.repeats_within <> p.repeats_within
                          OR extract(epoch FROM r.shortest_gap) <> extract(epoch FROM p.shortest_gap)
                          OR abs(extract(epoch FROM r.median_gap) - p.median_gap_s) > 1e-6)
  FROM safety.repeats((SELECT e FROM rep_ev), tol, within) r
  FULL JOIN pg_temp.plain(tol, within) p USING (location_id)
$$;
SELECT 'tolerance 10, 1 year' AS test, * FROM pg_temp.compare(10, '1 year');
SELECT 'tolerance 25, 30 days' AS test, * FROM pg_temp.compare(25, '30 days');
SELECT 'tolerance 50, 7 days' AS test, * FROM pg_temp.compare(50, '7 days');
SELECT 'tolerance 100, 2 mons' AS test, * FROM pg_temp.compare(100, '2 mons');

-- the summary: shares of repeat locations and of repeat events
CREATE FUNCTION pg_temp.plain_summary(tol float8, within interval)
RETURNS TABLE (events int8, locations int8, repeat_locations int8, share_locations_repeated float8,
               repeat_events int8, share_events_repeat float8, repeats_within int8, share_repeats_within float8)
LANGUAGE sql AS $$
  WITH c AS (SELECT occurred_at, ST_ClusterDBSCAN(geom, eps => tol, minpoints => 1) OVER () AS c
             FROM incidents WHERE geom IS NOT NULL),
       g AS (SELECT c, occurred_at - lag(occurred_at) OVER (PARTITION BY c ORDER BY occurred_at) AS gap FROM c),
       per AS (SELECT c, count(*) AS n FROM c GROUP BY c)
  SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM per),
         (SELECT count(*) FROM per WHERE n >= 2),
         (SELECT count(*) FROM per WHERE n >= 2)::float8 / (SELECT count(*) FROM per),
         (SELECT count(gap) FROM g),
         (SELECT count(gap) FROM g)::float8 / (SELECT count(*) FROM c),
         (SELECT count(*) FROM g WHERE extract(epoch FROM gap) <= extract(epoch FROM within)),
         (SELECT count(*) FROM g WHERE extract(epoch FROM gap) <= extract(epoch FROM within))::float8 / (SELECT count(gap) FROM g)
$$;
SELECT 'safety' AS source, * FROM safety.repeat_summary((SELECT e FROM rep_ev), 25, '30 days')
UNION ALL
SELECT 'plain SQL', * FROM pg_temp.plain_summary(25, '30 days');
SELECT 'safety' AS source, * FROM safety.repeat_summary((SELECT e FROM rep_ev), 100, '1 year')
UNION ALL
SELECT 'plain SQL', * FROM pg_temp.plain_summary(100, '1 year');

-- the time-to-repeat histogram: whole days D since the previous event at the
-- location, bin 0 for D <= 7, else (D - 1) / 7
CREATE FUNCTION pg_temp.plain_gaps(tol float8)
RETURNS TABLE (days_from int, days_to int, repeats int8) LANGUAGE sql AS $$
  WITH c AS (SELECT occurred_at, ST_ClusterDBSCAN(geom, eps => tol, minpoints => 1) OVER () AS c
             FROM incidents WHERE geom IS NOT NULL),
       g AS (SELECT floor(extract(epoch FROM occurred_at - lag(occurred_at) OVER (PARTITION BY c ORDER BY occurred_at)) / 86400)::int AS d FROM c),
       b AS (SELECT CASE WHEN d <= 7 THEN 0 ELSE (d - 1) / 7 END AS bin FROM g WHERE d IS NOT NULL),
       bins AS (SELECT generate_series(0, (SELECT max(bin) FROM b)) AS bin)
  SELECT CASE WHEN bins.bin = 0 THEN 0 ELSE 7 * bins.bin + 1 END, 7 * (bins.bin + 1), count(b.bin)
  FROM bins LEFT JOIN b USING (bin) GROUP BY bins.bin
$$;
SELECT count(*) AS bins, sum(s.repeats) AS repeats,
       count(*) FILTER (WHERE s.repeats IS DISTINCT FROM p.repeats) AS mismatches,
       round(max(s.cumulative_share)::numeric, 12) AS last_cumulative_share
FROM safety.repeat_gaps((SELECT e FROM rep_ev), 25) s FULL JOIN pg_temp.plain_gaps(25) p USING (days_from, days_to);
SELECT days_from, days_to, repeats, round(share::numeric, 4) AS share, round(cumulative_share::numeric, 4) AS cumulative
FROM safety.repeat_gaps((SELECT e FROM rep_ev), 25) ORDER BY days_from LIMIT 6;

-- the busiest locations at 25 m
SELECT location_id, events, first_at, last_at, repeats_within, shortest_gap, median_gap,
       round(ST_X(ST_Transform(geom, 4326))::numeric, 4) AS lon, round(ST_Y(ST_Transform(geom, 4326))::numeric, 4) AS lat
FROM safety.repeats((SELECT e FROM rep_ev), 25, '30 days') ORDER BY events DESC, location_id LIMIT 5;

-- bad input
\set SHOW_CONTEXT never
\set VERBOSITY default
SELECT * FROM safety.repeats((SELECT e FROM rep_ev), -1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.repeats((SELECT e FROM rep_ev), 'NaN');
SELECT * FROM safety.repeat_summary((SELECT e FROM rep_ev), 'Infinity');
SELECT * FROM safety.repeats((SELECT e FROM rep_ev), 10, '-1 day');
SELECT * FROM safety.repeat_summary((SELECT e FROM rep_ev), 10, '5000 years');
SELECT * FROM safety.repeat_gaps('SRID=4326;{(-84.5,39.1,2016-01-01T00:00:00Z,,1,1),(-84.5,39.1,2016-01-02T00:00:00Z,,1,2)}', 10);
-- identical coordinates need no projection; an empty collection has no shares
SELECT events, repeat_locations, share_events_repeat
FROM safety.repeat_summary('SRID=4326;{(-84.5,39.1,2016-01-01T00:00:00Z,,1,1),(-84.5,39.1,2016-01-02T00:00:00Z,,1,2)}');
SELECT * FROM safety.repeat_summary('SRID=32616;{}');
