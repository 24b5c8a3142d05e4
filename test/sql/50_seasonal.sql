-- Seasonal indices: safety.seasonal_indices on the bundled burglaries
-- (2016-2018) against a plain SQL recomputation of the classical
-- multiplicative decomposition (local months or days by AT TIME ZONE,
-- whole periods, the centred moving average by window functions, the mean
-- ratio per month or weekday normalised to mean 1, the t interval with R's
-- qt) in two zones and with explicit bounds; safety.seasonal_expected
-- against the same by hand and fed to safety.seasonal_tier; every bad input.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET extra_float_digits = 0;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
-- R qt(0.975, df) for the numbers of ratios averaged here
CREATE TEMP TABLE qt (df int, t float8);
INSERT INTO qt VALUES (1, 12.7062047361746941), (101, 1.9837310029556059), (102, 1.9834952585628791), (152, 1.9756939278152652), (153, 1.9755903150052438),
	(154, 1.9754880582343353), (155, 1.9753871310551108), (156, 1.9752875077034440);

-- plain SQL: counts per whole local period between start and stop (NULL:
-- the first and last event's local days, taken as covered); months whole,
-- days in whole Monday-to-Sunday weeks
CREATE FUNCTION pg_temp.ref_indices(bins text, zone text, start timestamptz, stop timestamptz)
RETURNS TABLE (bin int, events float8, periods int, index float8, lower float8, upper float8)
LANGUAGE sql AS $$
WITH loc AS (
	SELECT (occurred_at AT TIME ZONE zone)::date AS d FROM incidents WHERE geom IS NOT NULL),
span AS (
	SELECT coalesce(CASE WHEN (start AT TIME ZONE zone)::time = '00:00' THEN (start AT TIME ZONE zone)::date
	                     ELSE (start AT TIME ZONE zone)::date + 1 END, min(d)) AS fd,
	       coalesce(CASE WHEN (stop AT TIME ZONE zone)::time = '00:00' THEN (stop AT TIME ZONE zone)::date - 1
	                     ELSE (stop AT TIME ZONE zone)::date - 1 END, max(d)) AS ld
	FROM loc),
bounds AS (
	SELECT CASE bins WHEN 'month_of_year'
	         THEN (date_trunc('month', fd) + CASE WHEN extract(day FROM fd) = 1 THEN interval '0' ELSE '1 month' END)::date
	         ELSE fd + (8 - extract(isodow FROM fd)::int) % 7 END AS lo,
	       CASE bins WHEN 'month_of_year'
	         THEN (date_trunc('month', ld + 1) - interval '1 day')::date
	         ELSE ld - extract(dow FROM ld)::int END AS hi
	FROM span),
periods AS (
	SELECT p::date AS p FROM bounds,
	       generate_series(lo, hi, CASE bins WHEN 'month_of_year' THEN interval '1 month' ELSE '1 day' END) p
	WHERE bins = 'day_of_week' OR p::date <= hi),
counts AS (
	SELECT p.p, count(l.d)::float8 AS n, row_number() OVER (ORDER BY p.p) AS i, count(*) OVER () AS len
	FROM periods p LEFT JOIN loc l
	  ON CASE bins WHEN 'month_of_year' THEN date_trunc('month', l.d)::date ELSE l.d END = p.p
	GROUP BY p.p),
ma AS (
	SELECT p, n, i, len,
	       CASE bins WHEN 'month_of_year'
	         THEN (0.5 * lag(n, 6) OVER w + sum(n) OVER (w ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) + 0.5 * lead(n, 6) OVER w) / 12
	         ELSE sum(n) OVER (w ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) / 7 END AS ma
	FROM counts WINDOW w AS (ORDER BY p)),
ratios AS (
	SELECT CASE bins WHEN 'month_of_year' THEN extract(month FROM p) ELSE extract(dow FROM p) END::int AS bin,
	       n, CASE WHEN i > (CASE bins WHEN 'month_of_year' THEN 6 ELSE 3 END)
	                AND i <= len - (CASE bins WHEN 'month_of_year' THEN 6 ELSE 3 END) THEN n / ma END AS r
	FROM ma),
per AS (
	SELECT bin, sum(n) AS events, count(r)::int AS periods, avg(r) AS m, stddev_samp(r) AS sd FROM ratios GROUP BY bin)
SELECT per.bin, per.events, per.periods, per.m / avg(per.m) OVER (),
       greatest(0, per.m - qt.t * per.sd / sqrt(per.periods)) / avg(per.m) OVER (),
       (per.m + qt.t * per.sd / sqrt(per.periods)) / avg(per.m) OVER ()
FROM per LEFT JOIN qt ON qt.df = per.periods - 1
$$;

CREATE TEMP TABLE cases (name text, bins text, zone text, start timestamptz, stop timestamptz);
INSERT INTO cases VALUES
	('months New York', 'month_of_year', 'America/New_York', NULL, NULL),
	('months Kolkata', 'month_of_year', 'Asia/Kolkata', NULL, NULL),
	('months UTC bounded', 'month_of_year', 'UTC', '2016-03-15 12:00+00', '2018-10-01 00:00+00'),
	('days New York', 'day_of_week', 'America/New_York', NULL, NULL),
	('days Kolkata', 'day_of_week', 'Asia/Kolkata', NULL, NULL),
	('days New York bounded', 'day_of_week', 'America/New_York', '2016-06-01 04:00+00', '2018-06-01 04:00+00');
-- rows, whole periods used, and the largest difference to plain SQL
SELECT c.name, count(*) AS rows, min(s.periods) AS min_periods, max(s.periods) AS max_periods,
       sum(s.events) AS events,
       bool_and(s.events = r.events AND s.periods = r.periods) AS counts_equal,
       max(abs(s.index - r.index)) < 1e-9 AS index_equal,
       max(abs(s.lower - r.lower)) < 1e-9 AND max(abs(s.upper - r.upper)) < 1e-9 AS interval_equal,
       bool_and(s.lower <= s.index AND s.index <= s.upper) AS interval_holds_index,
       round(avg(s.index)::numeric, 12) AS mean_index
FROM cases c
CROSS JOIN LATERAL safety.seasonal_indices((SELECT e FROM ev), c.bins, c.zone, c.start, c.stop) s
JOIN LATERAL pg_temp.ref_indices(c.bins, c.zone, c.start, c.stop) r ON r.bin = s.bin
GROUP BY c.name ORDER BY c.name;
-- the months in New York (figures rounded)
SELECT bin, label, events, periods, round(index::numeric, 6) AS index,
       round(lower::numeric, 6) AS lower, round(upper::numeric, 6) AS upper
FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'America/New_York');
SELECT bin, label, events, periods, round(index::numeric, 6) AS index
FROM safety.seasonal_indices((SELECT e FROM ev), 'day_of_week', 'America/New_York');
-- the defaults: month_of_year in the session's zone
SET timezone = 'America/New_York';
SELECT count(*) AS rows, bool_and(s.index = n.index) AS same_as_new_york
FROM safety.seasonal_indices((SELECT e FROM ev)) s
JOIN safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'America/New_York') n USING (bin);
SET timezone = 'UTC';

-- == seasonal_expected: the coming month (day), by hand ======================
CREATE TEMP TABLE ex_cases (as_of timestamptz, bins text, zone text);
INSERT INTO ex_cases VALUES ('2018-12-10 00:00+00', 'month_of_year', 'America/New_York'),
	('2018-12-01 05:00+00', 'month_of_year', 'America/New_York'),
	('2018-12-10 12:00+00', 'day_of_week', 'America/New_York');
SELECT x.as_of, s.period_start, s.period_end, s.bin, s.label, s.baseline,
       s.baseline = (SELECT count(*)::float8 / CASE x.bins WHEN 'month_of_year' THEN 12 ELSE 7 END FROM incidents i
                     WHERE geom IS NOT NULL
                       AND i.occurred_at >= (date_trunc(CASE x.bins WHEN 'month_of_year' THEN 'month' ELSE 'day' END, x.as_of AT TIME ZONE x.zone)
                                             - CASE x.bins WHEN 'month_of_year' THEN interval '12 months' ELSE '7 days' END) AT TIME ZONE x.zone
                       AND i.occurred_at < date_trunc(CASE x.bins WHEN 'month_of_year' THEN 'month' ELSE 'day' END, x.as_of AT TIME ZONE x.zone) AT TIME ZONE x.zone)
         AS baseline_equal,
       abs(s.index - i.index) < 1e-12 AS index_equal,
       abs(s.expected - s.baseline * i.index) < 1e-9 AND abs(s.lower - s.baseline * i.lower) < 1e-9
         AND abs(s.upper - s.baseline * i.upper) < 1e-9 AS expected_equal,
       round(s.expected::numeric, 6) AS expected
FROM ex_cases x
CROSS JOIN LATERAL safety.seasonal_expected((SELECT e FROM ev), x.as_of, x.bins, x.zone) s
JOIN LATERAL safety.seasonal_indices((SELECT e FROM ev), x.bins, x.zone, NULL,
	date_trunc(CASE x.bins WHEN 'month_of_year' THEN 'month' ELSE 'day' END, x.as_of AT TIME ZONE x.zone) AT TIME ZONE x.zone) i
  ON i.bin = s.bin
ORDER BY x.as_of, x.bins;
-- the tier of December 2018 against the season's expectation from 1 December
SELECT s.label, o.n AS observed, round(s.expected::numeric, 3) AS expected,
       safety.seasonal_tier(o.n, s.expected) AS tier
FROM safety.seasonal_expected((SELECT e FROM ev), '2018-12-01 05:00+00', 'month_of_year', 'America/New_York') s,
     LATERAL (SELECT count(*)::float8 AS n FROM incidents
              WHERE geom IS NOT NULL AND occurred_at >= s.period_start AND occurred_at < s.period_end) o;

-- == bad input ===============================================================
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'hour_of_day', 'UTC');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'quarter', 'UTC');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), NULL, 'UTC');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'Mars/Olympus_Mons');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', NULL);
-- fewer than two whole years of months; fewer than two whole weeks of days
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', NULL, '2017-12-31');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', '2016-01-01', '2018-01-01');
SELECT count(*) FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', '2016-01-01', '2018-01-01 00:00:01');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'day_of_week', 'UTC', '2018-03-05', '2018-03-18');
SELECT count(*) FROM safety.seasonal_indices((SELECT e FROM ev), 'day_of_week', 'UTC', '2018-03-05', '2018-03-19');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', '2018-01-01', '2017-01-01');
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', '-infinity', NULL);
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', NULL, 'infinity');
-- no events in the bounds: a moving average of 0
SELECT * FROM safety.seasonal_indices((SELECT e FROM ev), 'month_of_year', 'UTC', '2020-01-01', '2023-01-01');
-- an empty filter: the aggregate gives NULL, no rows
SELECT * FROM safety.seasonal_indices((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE id < 0), 'day_of_week', 'UTC');
SELECT * FROM safety.seasonal_expected((SELECT e FROM ev), NULL);
SELECT * FROM safety.seasonal_expected((SELECT e FROM ev), 'infinity');
SELECT * FROM safety.seasonal_expected((SELECT e FROM ev), '2018-12-01', 'week', 'UTC');
SELECT * FROM safety.seasonal_expected((SELECT e FROM ev), '2018-12-01', 'month_of_year', 'Mars/Olympus_Mons');
SELECT * FROM safety.seasonal_expected((SELECT e FROM ev), '2017-06-01', 'month_of_year', 'UTC');
-- a NULL collection is no input
SELECT count(*) AS null_collection FROM safety.seasonal_indices(NULL::safety.events, 'hour_of_day', 'no such zone');
SELECT count(*) AS null_collection FROM safety.seasonal_expected(NULL::safety.events, NULL, 'week');
