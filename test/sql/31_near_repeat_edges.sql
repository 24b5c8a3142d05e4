-- safety.near_repeat: band edges pinned by hand-built pairs, the
-- permutation results fixed by the seed whatever the plan, shuffled times
-- giving no signal, and every bad input a clear error.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ; years and times below are UTC

-- one pair; the cell it falls in (rows: 0 same location d <= s, 1 s < d <
-- first edge, 2 [first, second edge), ...; columns: 0 = [0, first edge), ...)
CREATE FUNCTION pg_temp.cell(a text, b text, db float8[], tb float8[],
                             metric text DEFAULT 'manhattan', s float8 DEFAULT 0)
RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(format('row %s (d %s..%s) col %s [%s,%s) obs %s exp %s',
                           distance_band, distance_from, coalesce(distance_to::text, 'inf'),
                           time_band, time_from, coalesce(time_to::text, 'inf'), observed, expected), '; ')
  FROM safety.near_repeat(format('SRID=32616;{%s,%s}', a, b)::safety.events, db, tb, 9, 1, metric, s)
  WHERE observed > 0
$$;
-- distance exactly on an edge goes to the band above it
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(200,0,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS on_200;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(199.99,0,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS below_200;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(150,250,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS manhattan_400_open;
-- euclidean: a 120-160-200 triangle is exactly 200 apart (manhattan 280)
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(120,160,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}', 'euclidean') AS euclid_200;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(120,160,2016-01-02T00:00:00Z,,1,2)', '{200,300}', '{7,14}', 'manhattan') AS manhattan_280;
-- distance 0 is the same location; just above 0 is not
SELECT pg_temp.cell('(5,5,2016-01-01T00:00:00Z,,1,1)', '(5,5,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS at_0;
SELECT pg_temp.cell('(5,5,2016-01-01T00:00:00Z,,1,1)', '(5.000001,5,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS just_above_0;
-- same_location 10: 10 apart is the same location, 10.001 is not
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(4,6,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}', 'manhattan', 10) AS s10_at_10;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(4,6.001,2016-01-02T00:00:00Z,,1,2)', '{200,400}', '{7,14}', 'manhattan', 10) AS s10_above_10;
-- exactly 7 and 14 days apart go to the band above; 1 microsecond less stays below
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(50,0,2016-01-08T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS days_7;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(50,0,2016-01-07T23:59:59.999999Z,,1,2)', '{200,400}', '{7,14}') AS days_7_minus_1us;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(50,0,2016-01-15T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS days_14;
SELECT pg_temp.cell('(0,0,2016-01-15T00:00:00Z,,1,1)', '(50,0,2016-01-01T00:00:00Z,,1,2)', '{200,400}', '{7,14}') AS days_14_other_order;
-- fractional days: 0.5 day = 12 hours
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,,1,1)', '(50,0,2016-01-01T12:00:00Z,,1,2)', '{200}', '{0.5,1}') AS hours_12;
-- a time window counts at its midpoint: 2016-01-01 00:00 .. 2016-01-03 00:00 is 2016-01-02
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,2016-01-03T00:00:00Z,1,1)', '(50,0,2016-01-09T00:00:00Z,,1,2)', '{200}', '{7,14}') AS window_midpoint_7_days;
SELECT pg_temp.cell('(0,0,2016-01-01T00:00:00Z,2016-01-03T00:00:00Z,1,1)', '(50,0,2016-01-08T23:59:59Z,,1,2)', '{200}', '{7,14}') AS window_midpoint_under_7;

-- three events, all cells: rows and columns labelled, open bands NULL
SELECT distance_band, time_band, distance_from, distance_to, time_from, time_to, observed
FROM safety.near_repeat('SRID=32616;{(0,0,2016-01-01T00:00:00Z,,1,1),(0,0,2016-01-03T00:00:00Z,,1,2),(300,0,2016-01-20T00:00:00Z,,1,3)}',
                        '{100,200}', '{7}', 19)
ORDER BY 1, 2;

-- the seed fixes the permutations: equal seeds equal tables, another seed another
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
CREATE FUNCTION pg_temp.nr(e safety.events, seed int8) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(format('%s/%s/%s/%s/%s', observed, expected, knox_ratio_median, p_value, significant), ' '
                    ORDER BY distance_band, time_band)
  FROM safety.near_repeat(e, '{100,200,400}', '{7,14,21,28}', 199, seed)
$$;
SELECT pg_temp.nr(e, 7) = pg_temp.nr(e, 7) AS same_seed_same_table,
       pg_temp.nr(e, 7) <> pg_temp.nr(e, 8) AS other_seed_other_table FROM ev;
-- the events built by a forced-parallel plan are the same value, so the table is too
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE TEMP TABLE ev_par AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
\i test/sql/include/plan_lines.sql
SELECT pg_temp.plan_lines('SELECT safety.events_agg(geom, occurred_at, id) FROM incidents');
-- the table computed inside a parallel query, from rows fed in any order
SELECT (SELECT e::text FROM ev_par) = (SELECT e::text FROM ev) AS parallel_events_equal,
       (SELECT pg_temp.nr(e, 7) FROM ev_par) = (SELECT pg_temp.nr(e, 7) FROM ev) AS parallel_table_equal;
SELECT pg_temp.nr(safety.events_agg(geom, occurred_at, id), 7) = (SELECT pg_temp.nr(e, 7) FROM ev) AS table_in_parallel_query_equal
FROM incidents;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- input order does not matter: events built from rows in reverse order
SELECT pg_temp.nr(e, 7) = (SELECT pg_temp.nr(e, 7) FROM ev) AS reverse_order_equal
FROM (SELECT safety.events_agg(geom, occurred_at, id ORDER BY id DESC) AS e FROM incidents) r;

-- times shuffled over the locations (a seeded order): no space-time
-- interaction left, so ratios are near 1 and small p-values are rare
CREATE TEMP TABLE shuffled AS
WITH loc AS (SELECT id, geom, row_number() OVER (ORDER BY id) AS r FROM incidents WHERE geom IS NOT NULL),
     tim AS (SELECT occurred_at, row_number() OVER (ORDER BY md5('seed 42:' || id)) AS r
             FROM incidents WHERE geom IS NOT NULL)
SELECT loc.id, loc.geom, tim.occurred_at FROM loc JOIN tim USING (r);
SELECT count(*) AS cells,
       round(avg((p_value < 0.05)::int), 2) AS share_p_below_0_05,
       round(min(knox_ratio)::numeric, 2) AS min_ratio, round(max(knox_ratio)::numeric, 2) AS max_ratio,
       count(*) FILTER (WHERE significant) AS significant
FROM safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM shuffled),
                        '{100,200,300,400}', '{7,14,21,28}', 999, 1);
-- the same on the real data, for contrast
SELECT count(*) AS cells,
       round(avg((p_value < 0.05)::int), 2) AS share_p_below_0_05,
       round(min(knox_ratio)::numeric, 2) AS min_ratio, round(max(knox_ratio)::numeric, 2) AS max_ratio,
       count(*) FILTER (WHERE significant) AS significant
FROM safety.near_repeat((SELECT e FROM ev), '{100,200,300,400}', '{7,14,21,28}', 999, 1);

-- progress NOTICEs when asked for
SET safety.progress = on;
SET client_min_messages = notice;
SELECT count(*) FROM safety.near_repeat((SELECT e FROM ev), '{100,200,400}', '{7,14,21,28}', 20);
RESET safety.progress;
SET client_min_messages = warning;

-- bad input: each a clear error with an SQLSTATE and a hint
\set SHOW_CONTEXT never
\set VERBOSITY default
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{400,200}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200,200}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{-200,200}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200,NaN}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200,Infinity}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200,NULL}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{{100,200}}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{0,200}', '{7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{50,200}', '{7}', same_location => 50);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{14,7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7,7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{0,7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{-7}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{NaN}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{1e300}');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', 0);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', -5);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', 100000);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', metric => 'chebyshev');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', same_location => -1);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', same_location => 'NaN');
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', alpha => 0);
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', min_ratio => 'NaN');
SELECT * FROM safety.near_repeat('SRID=32616;{(0,0,2016-01-01T00:00:00Z,,1,1)}', '{200}', '{7}');
SELECT * FROM safety.near_repeat('SRID=4326;{(-84.5,39.1,2016-01-01T00:00:00Z,,1,1),(-84.5,39.2,2016-01-02T00:00:00Z,,1,2)}', '{200}', '{7}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.near_repeat((SELECT e FROM ev), array_fill(1.0::float8, ARRAY[300]), '{7}');
SET safety.max_pairs = 1000;
SELECT * FROM safety.near_repeat((SELECT e FROM ev), '{400}', '{7}', 1);
\echo :LAST_ERROR_SQLSTATE
RESET safety.max_pairs;
-- NULL arguments: no rows (the function is strict)
SELECT count(*) FROM safety.near_repeat(NULL, '{200}', '{7}');
SELECT count(*) FROM safety.near_repeat((SELECT e FROM ev), '{200}', '{7}', seed => NULL);
