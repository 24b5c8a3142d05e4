-- Time profiles: safety.aoristic against plain SQL (minutes with AT TIME
-- ZONE) for every bins value in two time zones across DST changes;
-- safety.period_change and safety.trend counts against plain SQL counts,
-- their p-values against R; the grouped form; every bad input.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET extra_float_digits = 0;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- == 1. aoristic ============================================================
-- The bundled burglaries have one time each: give the ones around the 2017
-- DST changes (12 March, 5 November in America/New_York) windows made from
-- their id that meet every rule: no end, 30 s and 1 min (the start's hour),
-- up to 10 hours, 3 days and 6 days (in proportion), a week or more (evenly
-- over hour bins, in proportion over months), a year or more (evenly).
CREATE TEMP TABLE win AS
SELECT id, geom, date_trunc('minute', occurred_at) AS t0,
       CASE id % 8
         WHEN 0 THEN NULL
         WHEN 1 THEN date_trunc('minute', occurred_at) + interval '30 seconds'
         WHEN 2 THEN date_trunc('minute', occurred_at) + interval '1 minute'
         WHEN 3 THEN date_trunc('minute', occurred_at) + (id % 600 + 2) * interval '1 minute'
         WHEN 4 THEN date_trunc('minute', occurred_at) + (id % 4000 + 61) * interval '1 minute'
         WHEN 5 THEN date_trunc('minute', occurred_at) + (id % 9000 + 100) * interval '1 minute'
         WHEN 6 THEN date_trunc('minute', occurred_at) + interval '7 days' + (id % 3000) * interval '1 minute'
         ELSE date_trunc('minute', occurred_at) + interval '366 days'
       END AS t1
FROM incidents
WHERE geom IS NOT NULL
  AND (occurred_at >= '2017-02-25' AND occurred_at < '2017-03-20'
       OR occurred_at >= '2017-10-25' AND occurred_at < '2017-11-10');
SELECT count(*) AS events, count(t1) AS with_end, min(t0) AS first, max(t1) AS last_end,
       bool_and(t0 = date_trunc('minute', t0)) AS whole_minutes FROM win;
CREATE TEMP TABLE ev_win AS SELECT safety.events_agg(geom, t0, t1, id) AS e FROM win;
CREATE TEMP TABLE zones (zone text);
INSERT INTO zones VALUES ('America/New_York'), ('Asia/Kolkata');
CREATE TEMP TABLE kinds (bins text, nb int, even_from interval);
INSERT INTO kinds VALUES ('hour_of_week', 168, '7 days'), ('hour_of_day', 24, '7 days'),
                         ('day_of_week', 7, '7 days'), ('month_of_year', 12, '365 days');
-- plain SQL: every minute of a window longer than a minute (and shorter
-- than the 365 days that spread evenly over every kind), in local time
CREATE TEMP TABLE ref_minutes AS
SELECT z.zone, w.id, extract(dow FROM l.t)::int AS dow, extract(hour FROM l.t)::int AS hour,
       extract(month FROM l.t)::int AS month,
       count(*) / (extract(epoch FROM w.t1 - w.t0) / 60) AS share
FROM win w CROSS JOIN zones z
CROSS JOIN LATERAL generate_series(w.t0, w.t1 - interval '1 minute', interval '1 minute') m
CROSS JOIN LATERAL (SELECT m AT TIME ZONE z.zone AS t) l
WHERE w.t1 - w.t0 > interval '1 minute' AND w.t1 - w.t0 < interval '365 days'
GROUP BY 1, 2, 3, 4, 5, w.t0, w.t1;
CREATE FUNCTION pg_temp.bin_of(bins text, dow int, hour int, month int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE bins WHEN 'hour_of_week' THEN dow * 24 + hour WHEN 'hour_of_day' THEN hour
	                 WHEN 'day_of_week' THEN dow ELSE month END $$;
CREATE TEMP TABLE ref AS
WITH parts AS (
	-- no end, or a minute or less: all at the start
	SELECT z.zone, k.bins, pg_temp.bin_of(k.bins, extract(dow FROM l.t)::int, extract(hour FROM l.t)::int,
	                                      extract(month FROM l.t)::int) AS bin, 1.0::float8 AS share
	FROM win w CROSS JOIN zones z CROSS JOIN kinds k
	CROSS JOIN LATERAL (SELECT w.t0 AT TIME ZONE z.zone AS t) l
	WHERE w.t1 IS NULL OR w.t1 - w.t0 <= interval '1 minute'
	UNION ALL
	-- a week or more (365 days or more for months): evenly
	SELECT z.zone, k.bins, b + CASE k.bins WHEN 'month_of_year' THEN 1 ELSE 0 END, 1.0 / k.nb
	FROM win w CROSS JOIN zones z CROSS JOIN kinds k CROSS JOIN LATERAL generate_series(0, k.nb - 1) b
	WHERE w.t1 - w.t0 >= k.even_from
	UNION ALL
	-- else in proportion to the minutes in each local bin
	SELECT m.zone, k.bins, pg_temp.bin_of(k.bins, m.dow, m.hour, m.month), m.share
	FROM ref_minutes m JOIN win w USING (id) CROSS JOIN kinds k
	WHERE w.t1 - w.t0 < k.even_from)
SELECT zone, bins, bin, sum(share) AS weight FROM parts GROUP BY 1, 2, 3;
CREATE TEMP TABLE ours AS
SELECT z.zone, k.bins, a.* FROM ev_win CROSS JOIN zones z CROSS JOIN kinds k
CROSS JOIN LATERAL safety.aoristic(e, z.zone, k.bins) a;
-- every bin of every kind equals plain SQL to 1e-9; the weights sum to the events
SELECT zone, bins, count(*) AS rows, count(o.bin) AS our_bins,
       max(abs(coalesce(o.weight, 0) - coalesce(r.weight, 0))) < 1e-9 AS equal_plain_sql,
       round(sum(o.weight)::numeric, 9) AS total
FROM ours o FULL JOIN ref r USING (zone, bins, bin)
GROUP BY 1, 2 ORDER BY 1, 2;
-- the columns of each kind: bin, dow (0 = Sunday as extract(dow)), hour
SELECT bins, min(bin) AS min_bin, max(bin) AS max_bin, bool_and(dow IS NULL) AS no_dow, bool_and(hour IS NULL) AS no_hour,
       bool_and(bins <> 'hour_of_week' OR (dow = bin / 24 AND hour = bin % 24)) AS week_hours
FROM ours WHERE zone = 'America/New_York' GROUP BY 1 ORDER BY 1;
-- by hand, in America/New_York: 01:30-03:30 local on 12 March 2017 is one
-- hour (02:00-03:00 does not exist): half in hour 1, half in hour 3; 00:30
-- EDT to 02:30 EST on 5 November is three hours, 1:00-2:00 twice: 1/6, 4/6, 1/6
CREATE TEMP TABLE dst AS
SELECT k, safety.events_agg(ST_SetSRID(ST_MakePoint(0, 0), 32616), f, t, k) AS e
FROM (VALUES (1, '2017-03-12 01:30-05'::timestamptz, '2017-03-12 03:30-04'::timestamptz),
             (2, '2017-11-05 00:30-04', '2017-11-05 02:30-05')) v(k, f, t) GROUP BY k;
SELECT k, hour, round(weight::numeric, 12) AS weight
FROM dst, safety.aoristic(e, 'America/New_York', 'hour_of_day') WHERE weight > 0 ORDER BY 1, 2;
-- the same instants in UTC: one hour of UTC each
SELECT k, hour, round(weight::numeric, 12) AS weight
FROM dst, safety.aoristic(e, 'UTC', 'hour_of_day') WHERE weight > 0 ORDER BY 1, 2;
-- every bundled burglary: each kind's weights sum to the located events;
-- exact times put whole events in their local hour (plain SQL GROUP BY)
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
SELECT k.bins, sum(a.weight) AS total, (SELECT count(geom) FROM incidents) AS located
FROM ev CROSS JOIN kinds k CROSS JOIN LATERAL safety.aoristic(e, 'America/New_York', k.bins) a
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS hours, bool_and(a.weight = p.n) AS equal_group_by
FROM ev, safety.aoristic(e, 'America/New_York') a
JOIN (SELECT extract(dow FROM occurred_at AT TIME ZONE 'America/New_York')::int AS dow,
             extract(hour FROM occurred_at AT TIME ZONE 'America/New_York')::int AS hour, count(*) AS n
      FROM incidents WHERE geom IS NOT NULL GROUP BY 1, 2) p USING (dow, hour);
-- the default zone is the session's TimeZone
SET timezone = 'America/New_York';
SELECT (SELECT array_agg(weight ORDER BY bin) FROM ev, safety.aoristic(e))
     = (SELECT array_agg(weight ORDER BY bin) FROM ev, safety.aoristic(e, 'America/New_York', 'hour_of_week')) AS default_zone;
SET timezone = 'UTC';

-- == 2. the grouped form: one collection per group, then LATERAL ==========
-- the bundled Vancouver thefts of 2020 (four types, 24 neighbourhoods), not echoed
\set ECHO none
\i scripts/load-vancouver.sql
\unset ON_ERROR_STOP
RESET client_min_messages;
\set ECHO all
CREATE TEMP TABLE by_type AS
SELECT offense, safety.events_agg(geom, occurred_at, id) AS e FROM vancouver GROUP BY offense;
CREATE TEMP TABLE profiles AS
SELECT t.offense, a.hour, a.weight FROM by_type t, safety.aoristic(t.e, 'America/Vancouver', 'hour_of_day') a;
SELECT offense, count(*) AS hours, sum(weight) AS total, (SELECT safety.num_events(e) FROM by_type b WHERE b.offense = p.offense) AS events
FROM profiles p GROUP BY 1 ORDER BY 1;
-- each type's profile is its GROUP BY over local hours (times are exact)
SELECT count(*) AS type_hours, bool_and(p.weight = g.n) AS equal_group_by
FROM profiles p
JOIN (SELECT offense, extract(hour FROM occurred_at AT TIME ZONE 'America/Vancouver')::int AS hour, count(*) AS n
      FROM vancouver WHERE geom IS NOT NULL GROUP BY 1, 2) g USING (offense, hour);

-- == 3. period_change: counts of plain SQL, p-values of R ==================
-- city-wide Cincinnati (America/New_York): a month, a quarter, a week over
-- the 2018 DST change (167 hours, against 168 and the 167 of 2017), a year
CREATE TEMP TABLE pc_cases (k int, as_of timestamptz, period text);
INSERT INTO pc_cases VALUES (1, '2018-07-15 12:00+00', 'month'), (2, '2018-07-15 12:00+00', 'quarter'),
                            (3, '2018-03-15 12:00+00', 'week'), (4, '2019-01-01 12:00+00', 'year');
CREATE TEMP TABLE pc AS
SELECT c.k, c.period, p.* FROM pc_cases c, ev, safety.period_change(ev.e, c.as_of, c.period, 'America/New_York') p;
SELECT k, period, timezone('America/New_York', period_start) AS local_start, timezone('America/New_York', period_end) AS local_end,
       events, previous_events, round(previous_change_pct::numeric, 6) AS previous_pct,
       year_ago_events, round(year_ago_change_pct::numeric, 6) AS year_ago_pct
FROM pc ORDER BY k;
-- the previous period ends where this one starts; the year earlier is the
-- same local dates (52 weeks for a week); counts are plain SQL's
CREATE FUNCTION pg_temp.n(f timestamptz, t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at >= f AND occurred_at < t $$;
CREATE FUNCTION pg_temp.back(t timestamptz, w interval) RETURNS timestamptz LANGUAGE sql STABLE AS $$
	SELECT timezone('America/New_York', timezone('America/New_York', t) - w) $$;
SELECT k,
       events = pg_temp.n(period_start, period_end) AS events_ok,
       previous_events = pg_temp.n(pg_temp.back(period_start, CASE period WHEN 'week' THEN interval '7 days' WHEN 'month' THEN '1 month'
                                                                 WHEN 'quarter' THEN '3 months' ELSE '1 year' END), period_start) AS previous_ok,
       year_ago_events = pg_temp.n(pg_temp.back(period_start, CASE period WHEN 'week' THEN interval '364 days' ELSE '1 year' END),
                                   pg_temp.back(period_end, CASE period WHEN 'week' THEN interval '364 days' ELSE '1 year' END)) AS year_ago_ok
FROM pc ORDER BY k;
-- p-values of R 4.x (exposures are the periods' lengths, here in hours;
-- poisson.test(c(x1, x2), c(t1, t2))$p.value gives the same):
--   f <- function(x1, x2, t1, t2) binom.test(x1, x1 + x2, t1 / (t1 + t2))$p.value
--   f(248, 226, 720, 744)    f(248, 246, 720, 720)     June 2018 vs May 2018, June 2017
--   f(633, 538, 2184, 2159)  f(633, 659, 2184, 2184)   Q2 2018 vs Q1 (an hour short), Q2 2017
--   f(25, 28, 167, 168)      f(25, 33, 167, 167)       the DST week vs the one before, 2017's
--   f(2552, 2536, 8760, 8760)                          2018 vs 2017 (previous = a year earlier)
CREATE TEMP TABLE r_p (k int, previous_p float8, year_ago_p float8);
INSERT INTO r_p VALUES (1, 0.182760065239513, 0.964119639116285), (2, 0.0101088285539443, 0.486744896002921),
                       (3, 0.783896374566043, 0.358143301806139), (4, 0.833444254638437, 0.833444254638437);
SELECT k, round(pc.previous_p::numeric, 10) AS previous_p, round(pc.year_ago_p::numeric, 10) AS year_ago_p,
       abs(pc.previous_p - r.previous_p) < 1e-10 AND abs(pc.year_ago_p - r.year_ago_p) < 1e-10 AS equal_r
FROM pc JOIN r_p r USING (k) ORDER BY k;
-- rate_test alone: counts only (exposures 1 and 1), R binom.test(10, 13)$p.value,
-- binom.test(3, 13)$p.value (the same), binom.test(0, 7, 2/3)$p.value; no events: NULL
SELECT abs(safety.rate_test(10, 3) - 0.0922851562500000) < 1e-12 AS r10_3,
       safety.rate_test(3, 10) = safety.rate_test(10, 3) AS symmetric,
       abs(safety.rate_test(0, 7, 2, 1) - 0.000457247370827618) < 1e-15 AS r0_7,
       safety.rate_test(5, 5) AS equal_counts, safety.rate_test(0, 0) IS NULL AS no_events;
-- an event counts in the period that holds the middle of its window
SELECT p.events = (SELECT count(*) FROM win
                   WHERE t0 + (coalesce(t1, t0) - t0) / 2 >= p.period_start
                     AND t0 + (coalesce(t1, t0) - t0) / 2 < p.period_end) AS middle_of_window,
       p.events, p.previous_events
FROM ev_win, safety.period_change(e, '2017-11-10', 'month', 'America/New_York') p;

-- per unit and city-wide in one query: GROUPING SETS over the units, then
-- LATERAL (Vancouver thefts, November against October 2020; November 2019
-- precedes the records, so there is no comparison with it: NULLs, not a
-- count of 0 that would read as a rise)
CREATE TEMP TABLE pcv AS
SELECT coalesce(v.neighbourhood, '(city)') AS unit, p.*
FROM (SELECT neighbourhood, GROUPING(neighbourhood) AS city, safety.events_agg(geom, occurred_at, id) AS e
      FROM vancouver GROUP BY GROUPING SETS ((neighbourhood), ())) v,
     safety.period_change(v.e, '2020-12-01 12:00 America/Vancouver', 'month', 'America/Vancouver') p
WHERE v.neighbourhood IS NOT NULL OR v.city = 1;
SELECT count(*) AS units, sum(events) FILTER (WHERE unit <> '(city)') AS unit_events,
       sum(events) FILTER (WHERE unit = '(city)') AS city_events,
       bool_and(year_ago_events IS NULL AND year_ago_change_pct IS NULL AND year_ago_p IS NULL) AS no_year_ago
FROM pcv;
-- every unit's counts are plain SQL's
SELECT bool_and(u.events = (SELECT count(*) FROM vancouver w WHERE w.geom IS NOT NULL
                              AND (w.neighbourhood = u.unit OR u.unit = '(city)')
                              AND w.occurred_at >= '2020-11-01 00:00 America/Vancouver'
                              AND w.occurred_at < '2020-12-01 00:00 America/Vancouver'))
       AND bool_and(u.previous_events = (SELECT count(*) FROM vancouver w WHERE w.geom IS NOT NULL
                              AND (w.neighbourhood = u.unit OR u.unit = '(city)')
                              AND w.occurred_at >= '2020-10-01 00:00 America/Vancouver'
                              AND w.occurred_at < '2020-11-01 00:00 America/Vancouver')) AS counts_equal
FROM pcv u;
-- told that the records begin earlier, a year-ago count of 0 is one:
-- p = binom.test(1596, 1596, 721 / 1442)$p.value = 2 * 0.5^1596, 0 in float8
SELECT year_ago_events, year_ago_change_pct, year_ago_p
FROM (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM vancouver) v,
     safety.period_change(e, '2020-12-01 12:00 America/Vancouver', 'month', 'America/Vancouver', data_start => '2019-01-01');
SELECT count(*) FROM ev, safety.period_change(e, '2018-07-15', data_start => 'infinity');
-- three units and the city against R (November 2020 has 721 hours, DST
-- ending on the 1st; October 744):
--   f <- function(x1, x2) binom.test(x1, x1 + x2, 721 / (721 + 744))$p.value
--   f(1596, 1964)  f(392, 512)  f(74, 91)  f(103, 117)
CREATE TEMP TABLE r_units (unit text, p float8);
INSERT INTO r_units VALUES ('(city)', 1.67157906636833e-07), ('Central Business District', 0.000471824710291204),
                           ('Kitsilano', 0.276177998612643), ('Mount Pleasant', 0.500433137411953);
SELECT unit, events, previous_events, round(previous_change_pct::numeric, 6) AS change_pct,
       round(previous_p::numeric, 10) AS previous_p, abs(previous_p - r.p) < 1e-10 * greatest(r.p, 1e-5) AS equal_r
FROM pcv JOIN r_units r USING (unit) ORDER BY unit;

-- == 4. trend: the monthly counts of plain SQL, Mann-Kendall of R ==========
CREATE TEMP TABLE tr AS SELECT t.* FROM ev, safety.trend(e, '2018-07-15', 'month', 24, 'America/New_York') t;
SELECT timezone('America/New_York', first_start) AS local_first, timezone('America/New_York', last_end) AS local_last,
       n, s, round(var_s::numeric, 6) AS var_s, round(z::numeric, 10) AS z, round(p::numeric, 10) AS p,
       round(tau::numeric, 10) AS tau, round(sen_slope::numeric, 10) AS sen_slope FROM tr;
SELECT tr.counts = (SELECT array_agg(pg_temp.n(m, pg_temp.back(m, '-1 month')) ORDER BY m)
                    FROM generate_series(timestamp '2016-07-01', '2018-06-01', interval '1 month') g,
                         LATERAL (SELECT timezone('America/New_York', g) AS m) x) AS counts_equal
FROM tr;
-- R: x <- the counts above; cor.test(seq_along(x), x, method = "kendall",
--   exact = FALSE, continuity = TRUE)$p.value and $estimate (tau-b);
--   median(unlist(lapply(1:23, function(i) (x[(i+1):24] - x[i]) / (1:(24-i))))) (Sen)
SELECT tr.counts, abs(p - 0.00245418435190342) < 1e-12 AS p_equal_r, abs(tau - (-0.448094121912674)) < 1e-12 AS tau_equal_r,
       sen_slope = -4.38690476190476 OR abs(sen_slope - (-4.38690476190476)) < 1e-12 AS sen_equal_r
FROM tr;
-- mann_kendall by hand: 1..5 rises (S 10, var 5*4*15/18, z (S - 1) / sd);
-- ties {1,1,2,2,2}: S 6, var (5*4*15 - 2*1*9 - 3*2*11) / 18 = 12, tau-b
-- 6 / sqrt((10 - 4) * 10), Sen the median of 0,0,0,0,1/4,1/3,1/3,1/2,1/2,1;
-- no variation: tau undefined (NULL), p 1
SELECT m.* FROM safety.mann_kendall('{1,2,3,4,5}') m;
SELECT m.* FROM safety.mann_kendall('{1,1,2,2,2}') m;
SELECT m.* FROM safety.mann_kendall('{3,3,3}') m;
SELECT safety.mann_kendall(NULL) IS NULL AS null_series;

-- == 5. bad input: each error names the argument ==========================
SELECT count(*) FROM ev, safety.aoristic(e, 'UTC', 'minute_of_hour');
SELECT count(*) FROM ev, safety.aoristic(e, 'Mars/Olympus');
SELECT count(*) FROM ev, safety.aoristic(e, NULL);
SELECT count(*) FROM ev, safety.aoristic(e, 'UTC', NULL);
SELECT count(*) FROM ev, safety.period_change(e, '2018-07-15', 'fortnight');
SELECT count(*) FROM ev, safety.period_change(e, '2018-07-15', 'month', 'Mars/Olympus');
SELECT count(*) FROM ev, safety.period_change(e, NULL);
SELECT count(*) FROM ev, safety.period_change(e, '2018-07-15', NULL);
SELECT count(*) FROM ev, safety.period_change(e, '2018-07-15', 'month', NULL);
SELECT count(*) FROM ev, safety.period_change(e, 'infinity');
SELECT count(*) FROM ev, safety.trend(e, '2018-07-15', 'month', 2);
SELECT count(*) FROM ev, safety.trend(e, '2018-07-15', 'month', NULL);
SELECT count(*) FROM ev, safety.trend(e, '2018-07-15', 'month', 10001);
SELECT count(*) FROM ev, safety.trend(e, '2018-07-15', 'day');
SELECT count(*) FROM ev, safety.trend(e, '2018-07-15', 'month', 24, 'Nowhere');
SELECT safety.rate_test(-1, 3);
SELECT safety.rate_test(1, 3, 0, 1);
SELECT safety.rate_test(1, 3, 1, 'infinity');
SELECT safety.rate_test(1, 3, 'NaN', 1);
SELECT safety.rate_test(600000000, 600000000);
SELECT safety.rate_test(NULL, 3) IS NULL AS strict_null;
SELECT * FROM safety.mann_kendall('{1,2}');
SELECT * FROM safety.mann_kendall('{}');
SELECT * FROM safety.mann_kendall('{{1,2},{3,4}}');
SELECT * FROM safety.mann_kendall('{1,NULL,3}');
SELECT * FROM safety.mann_kendall('{1,NaN,3}');
SELECT * FROM safety.mann_kendall((SELECT array_agg(g::float8) FROM generate_series(1, 10001) g));
-- a NULL collection is no input, whatever the other arguments
SELECT (SELECT count(*) FROM safety.aoristic(NULL, 'Mars/Olympus', 'minute')) AS aoristic,
       (SELECT count(*) FROM safety.period_change(NULL, NULL, 'fortnight')) AS period_change,
       (SELECT count(*) FROM safety.trend(NULL, NULL, 'day', 1)) AS trend;
