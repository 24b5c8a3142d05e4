-- safety.near_repeat on the bundled burglaries: the observed table equals a
-- brute-force count of every pair in plain SQL, for both metrics and several
-- band sets; the permutation results obey the fixed margins of the Knox
-- test and the p-value formula.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ; years and times below are UTC
SET max_parallel_workers_per_gather = 0;

CREATE TEMP TABLE nr_ev AS
SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
SELECT safety.num_events(e) AS events, safety.srid(e) AS srid FROM nr_ev;

-- the same points for plain SQL: coordinates, and times as exact microseconds
CREATE TEMP TABLE pts AS
SELECT id, ST_X(geom) AS x, ST_Y(geom) AS y,
       (extract(epoch FROM occurred_at) * 1000000)::int8 AS t_us,
       extract(year FROM occurred_at)::int AS year
FROM incidents WHERE geom IS NOT NULL;
CREATE INDEX ON pts (year);
ANALYZE pts;

-- brute force over every pair i < j of pts rows passing the filter:
-- row 0 when d <= s, else 1 + the number of distance edges <= d;
-- column = the number of time edges (days, as microseconds) <= |dt|.
CREATE FUNCTION pg_temp.brute(metric text, s float8, db float8[], tb float8[], years int[])
RETURNS TABLE (distance_band int, time_band int, observed int8) LANGUAGE sql AS $$
  WITH p AS (SELECT * FROM pts WHERE year = ANY (years)),
       pairs AS (
         SELECT CASE WHEN metric = 'manhattan' THEN abs(i.x - j.x) + abs(i.y - j.y)
                     ELSE sqrt((i.x - j.x) * (i.x - j.x) + (i.y - j.y) * (i.y - j.y)) END AS d,
                abs(i.t_us - j.t_us) AS dt
         FROM p i JOIN p j ON i.id < j.id)
  SELECT CASE WHEN d <= s THEN 0 ELSE width_bucket(d, db) + 1 END,
         width_bucket(dt::numeric, (SELECT array_agg(ceil(x * 86400000000)::numeric ORDER BY x) FROM unnest(tb) x)),
         count(*)
  FROM pairs GROUP BY 1, 2
$$;

-- cells where safety.near_repeat and the brute force disagree (none expected)
CREATE FUNCTION pg_temp.compare(metric text, s float8, db float8[], tb float8[], years int[])
RETURNS TABLE (pairs int8, cells int8, nonzero_cells int8, mismatches int8) LANGUAGE sql AS $$
  WITH nr AS (
         SELECT n.distance_band, n.time_band, n.observed
         FROM safety.near_repeat(
                (SELECT safety.events_agg(geom, occurred_at, id) FROM incidents
                 WHERE extract(year FROM occurred_at)::int = ANY (years)),
                db, tb, permutations => 1, metric => metric, same_location => s) n),
       bf AS (SELECT * FROM pg_temp.brute(metric, s, db, tb, years))
  SELECT sum(nr.observed)::int8, count(*), count(*) FILTER (WHERE nr.observed > 0),
         count(*) FILTER (WHERE coalesce(nr.observed, 0) <> coalesce(bf.observed, 0))
  FROM nr FULL JOIN bf USING (distance_band, time_band)
$$;

-- one year (2017), several band sets, both metrics
SELECT 'manhattan 200/400/600 x 7/14/21' AS test, * FROM pg_temp.compare('manhattan', 0, '{200,400,600}', '{7,14,21}', '{2017}');
SELECT 'euclidean 200/400/600 x 7/14/21' AS test, * FROM pg_temp.compare('euclidean', 0, '{200,400,600}', '{7,14,21}', '{2017}');
SELECT 'manhattan s=50, 100/..../400 x 1/..../28' AS test, * FROM pg_temp.compare('manhattan', 50, '{100,200,300,400}', '{1,7,14,21,28}', '{2017}');
SELECT 'euclidean s=10, 25/50/1000/5000 x 0.5/3.5/60/365' AS test, * FROM pg_temp.compare('euclidean', 10, '{25,50,1000,5000}', '{0.5,3.5,60,365}', '{2017}');
SELECT 'manhattan one band 400 x 28' AS test, * FROM pg_temp.compare('manhattan', 0, '{400}', '{28}', '{2016}');
SELECT 'euclidean one band 400 x 28' AS test, * FROM pg_temp.compare('euclidean', 0, '{400}', '{28}', '{2018}');
-- the full data (every located event of 2016-2018, 34 million pairs; about 30 s)
SELECT 'full manhattan 100/200/400 x 7/14/21/28' AS test, * FROM pg_temp.compare('manhattan', 0, '{100,200,400}', '{7,14,21,28}', '{2016,2017,2018}');

-- the table of the full data with 999 permutations
CREATE TEMP TABLE nr_full AS
SELECT * FROM safety.near_repeat((SELECT e FROM nr_ev), '{100,200,400}', '{7,14,21,28}');
SELECT distance_band AS db, time_band AS tb, distance_from, distance_to, time_from, time_to,
       observed, round(expected::numeric, 1) AS expected, round(knox_ratio::numeric, 2) AS ratio,
       round(knox_ratio_median::numeric, 2) AS ratio_median, round(p_value::numeric, 3) AS p, significant
FROM nr_full ORDER BY 1, 2;

-- the margins of the Knox test are fixed under permutation: every row's mean
-- permuted total equals its observed total, and every column's likewise
SELECT max(abs(o - e)) < 1e-6 AS row_totals_kept
FROM (SELECT distance_band, sum(observed) AS o, sum(expected) AS e FROM nr_full GROUP BY 1) r;
SELECT max(abs(o - e)) < 1e-6 AS column_totals_kept
FROM (SELECT time_band, sum(observed) AS o, sum(expected) AS e FROM nr_full GROUP BY 1) c;
-- p = (1 + k) / 1000 for an integer k; ratios are observed / expected and
-- observed / median; significant is p < 0.05 and ratio >= 1.2
SELECT bool_and(abs(p_value * 1000 - round(p_value * 1000)) < 1e-9 AND p_value >= 0.001 AND p_value <= 1) AS p_on_grid,
       bool_and(abs(knox_ratio * expected - observed) < 1e-6) AS ratio_is_o_over_e,
       bool_and(significant = (p_value < 0.05 AND knox_ratio >= 1.2)) AS significance_rule
FROM nr_full;
-- other thresholds
SELECT count(*) FILTER (WHERE significant) AS significant_at_0_01_ratio_1_5
FROM safety.near_repeat((SELECT e FROM nr_ev), '{100,200,400}', '{7,14,21,28}', alpha => 0.01, min_ratio => 1.5);
SELECT count(*) FILTER (WHERE p_value < 0.01 AND knox_ratio >= 1.5) AS same_from_the_table FROM nr_full;
