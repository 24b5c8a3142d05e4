-- Risk tiers: configuration tables, the tier window function, seasonal
-- tiers, risk components and scores, tiers graded from the forecast, their
-- back-test, history, the like-for-like back-test and calibrate.  Every
-- number is checked against a plain-SQL or hand computation.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
SET timezone = 'UTC';   -- pg_regress sends PGTZ=PST8PDT; weeks are 7 x 24 h in UTC

-- == configuration tables ==================================================
SELECT count(*) AS default_weights, bool_and(is_default) AS all_default,
       bool_and(weight > 0) AS all_positive FROM safety.offense_weights;
-- case-insensitive; unknown offenses get "unknown" (default 1)
SELECT safety.offense_weight('BURGLARY') AS burglary, safety.offense_weight('Aggravated Burglary') AS aggravated,
       safety.offense_weight('littering') AS unknown_default, safety.offense_weight('littering', 2.5) AS unknown_given,
       safety.offense_weight(NULL) AS null_offense;
SELECT tier, respond_within, review_every, share, max_cells FROM safety.tier_policy ORDER BY tier DESC;
-- a user row replaces the shipped default of the same offense (any case)
INSERT INTO safety.offense_weights (offense, weight, source) VALUES ('Burglary', 60, 'local review 2024');
SELECT offense, weight, is_default FROM safety.offense_weights WHERE lower(offense) = 'burglary';
-- changing a default makes it a user row (kept by pg_dump)
UPDATE safety.tier_policy SET respond_within = '12 hours' WHERE tier = 'red';
SELECT tier, respond_within, is_default FROM safety.tier_policy ORDER BY tier DESC;
-- put the defaults back for the rest of the suite
DELETE FROM safety.offense_weights WHERE offense = 'Burglary';
INSERT INTO safety.offense_weights (offense, weight, source, notes, is_default)
VALUES ('burglary', 40, 'safety default, CCHI-style estimate', 'dwelling burglary, lowest category (community order equivalent)', true);
UPDATE safety.tier_policy SET respond_within = '24 hours' WHERE tier = 'red';
-- the tables are extension configuration: pg_dump keeps the non-default rows
SELECT c.relname, x.cfg
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cfg)
JOIN pg_class c ON c.oid = x.oid WHERE e.extname = 'safety' ORDER BY 1;
-- weights must be > 0 and finite
INSERT INTO safety.offense_weights (offense, weight) VALUES ('x', 0);
INSERT INTO safety.offense_weights (offense, weight) VALUES ('x', 'NaN');
SELECT safety.offense_weight('burglary', 0);
SELECT safety.offense_weight('burglary', 'NaN');
-- sensitive places raise the impact of nearby events
INSERT INTO safety.sensitive_places VALUES
	('school A', 'school', 'SRID=32616;POINT(0 0)', 0.5, 200),
	('hospital B', 'hospital', 'SRID=32616;POINT(300 0)', 1, 150);
SELECT safety.place_impact('SRID=32616;POINT(150 0)') AS near_both,   -- 150 from each: 1 + 0.5 + 1
       safety.place_impact('SRID=32616;POINT(-100 0)') AS near_school, -- 1 + 0.5
       safety.place_impact('SRID=32616;POINT(1000 0)') AS far,
       safety.place_impact('SRID=3857;POINT(0 0)') AS other_srid;
DELETE FROM safety.sensitive_places;

-- == the tier window function ==============================================
-- 200 distinct positive scores: exactly 2 red, 8 orange, 20 yellow (1/5/15 %)
SELECT t, count(*) FROM (
	SELECT safety.tier(s::float8) OVER () AS t FROM generate_series(1, 200) s) x
GROUP BY t ORDER BY t DESC NULLS LAST;
-- the same from a plain-SQL rank: rank <= share * n
WITH s AS (SELECT v::float8 AS score, rank() OVER (ORDER BY v DESC) AS r, count(*) OVER () AS n
           FROM generate_series(1, 200) v)
SELECT count(*) FILTER (WHERE r <= 0.01 * n) AS red, count(*) FILTER (WHERE r > 0.01 * n AND r <= 0.05 * n) AS orange,
       count(*) FILTER (WHERE r > 0.05 * n AND r <= 0.15 * n) AS yellow FROM s;
-- ties share the tier of the first of them; zero and NULL scores get none;
-- NULL scores are not units (9 units here): red r <= 1.8, orange r <= 2.7, yellow r <= 4.5
SELECT id, score, rank() OVER (ORDER BY score DESC NULLS LAST) AS sql_rank,
       safety.tier(score, 'quantile', 0.2, 0.3, 0.5) OVER () AS tier
FROM (VALUES (1, 5.0), (2, 9.0), (3, 9.0), (4, 7.0), (5, 7.0), (6, 7.0), (7, 0.0), (8, 0.0), (9, -1.0), (10, NULL))
	AS v(id, score)
ORDER BY id;
-- partitions are tiered separately; the window's ORDER BY does not matter
SELECT g, count(*) FILTER (WHERE t = 'red') AS red, count(*) FILTER (WHERE t = 'orange') AS orange,
       count(*) FILTER (WHERE t = 'yellow') AS yellow
FROM (SELECT s % 2 AS g, safety.tier(s::float8, 'quantile', 0.1, 0.2, 0.5) OVER (PARTITION BY s % 2 ORDER BY s) AS t
      FROM generate_series(1, 40) s) x GROUP BY g ORDER BY g;
-- absolute cut-offs
SELECT v, safety.tier(v, 'threshold', 10, 5, 1) OVER () FROM unnest(ARRAY[12, 10, 7, 5, 1, 0.5]::float8[]) v;
-- bad shares, cut-offs, methods
SELECT safety.tier(1.0, 'quantile', 0.05, 0.05, 0.15) OVER ();
SELECT safety.tier(1.0, 'quantile', 0.01, 0.05, 1.5) OVER ();
SELECT safety.tier(1.0, 'quantile', 'NaN', 0.05, 0.15) OVER ();
SELECT safety.tier(1.0, 'threshold', 1, 2, 3) OVER ();
SELECT safety.tier(1.0, 'threshold') OVER ();
SELECT safety.tier(1.0, 'kmeans') OVER ();
SELECT safety.tier('NaN'::float8) OVER ();
SELECT safety.tier('Infinity'::float8) OVER ();

-- == seasonal tiers =========================================================
-- P(X >= k) against the Poisson sum 1 - sum_{x<k} e^-mu mu^x / x!
SELECT mu, k, round(safety.seasonal_p(k, mu)::numeric, 10) AS p,
       round((1 - (SELECT sum(exp(-mu) * mu ^ x / factorial(x::int)::float8) FROM generate_series(0, k - 1) x))::numeric, 10) AS by_sum
FROM (VALUES (2.0::float8, 5), (10.0, 17), (10.0, 19), (10.0, 15), (84.0, 84), (84.0, 106)) v(mu, k);
-- the tier follows the 99/95/90 % quantiles: for mean 10, P(X>=15)=0.083, P(X>=17)=0.027, P(X>=19)=0.0072
SELECT k, safety.seasonal_tier(k, 10) FROM generate_series(13, 20) k;
-- negative binomial (dispersion 0.5): the same excess is less surprising
SELECT safety.seasonal_tier(19, 10) AS poisson, safety.seasonal_tier(19, 10, 0.5) AS negbin,
       round(safety.seasonal_p(19, 10, 0.5)::numeric, 6) AS negbin_p;
SELECT safety.seasonal_tier(-1, 10);
SELECT safety.seasonal_tier(5, 10, -0.5);
-- Gi* classes
SELECT c, safety.tier_from_gi(c) FROM generate_series(-3, 3) c;
SELECT safety.tier_from_gi(3::smallint);
SELECT safety.tier_from_gi(4);

-- a constructed series with a summer peak: 1 event a day, 3 a day in June-August,
-- 2015-01-05 .. 2018-12-31; the abnormal copy has 2 more a day in July 2018
CREATE TABLE season AS
SELECT d + time '12:00' + (k * interval '1 minute') AS at, false AS extra
FROM generate_series(date '2015-01-05', date '2018-12-31', interval '1 day') d,
     generate_series(1, 3) k
WHERE k = 1 OR extract(month FROM d) IN (6, 7, 8);
INSERT INTO season SELECT d + time '13:00' + (k * interval '1 minute'), true
FROM generate_series(date '2018-07-01', date '2018-07-31', interval '1 day') d, generate_series(1, 2) k;
CREATE TABLE season_ev AS
SELECT safety.events_agg('SRID=32616;POINT(10 10)'::geometry, at) FILTER (WHERE NOT extra) AS normal,
       safety.events_agg('SRID=32616;POINT(10 10)'::geometry, at) AS abnormal FROM season;
-- the summer window [2018-07-04, 2018-08-01): 28 days x 3 = 84 normally, x 5 = 140;
-- the same window 52, 104 and 156 weeks earlier held 84 each
SELECT 'normal summer' AS series, c.events, c.expected, c.years, round(c.ratio::numeric, 3) AS ratio,
       safety.seasonal_tier(c.events, c.expected) AS tier
FROM season_ev, safety.risk_components(normal, '2018-08-01') c
UNION ALL
SELECT 'abnormal summer', c.events, c.expected, c.years, round(c.ratio::numeric, 3),
       safety.seasonal_tier(c.events, c.expected)
FROM season_ev, safety.risk_components(abnormal, '2018-08-01') c
UNION ALL
SELECT 'normal winter', c.events, c.expected, c.years, round(c.ratio::numeric, 3),
       safety.seasonal_tier(c.events, c.expected)
FROM season_ev, safety.risk_components(normal, '2018-02-01') c;
-- plain SQL: the same windows shifted by 364-day steps
SELECT y, count(*) AS events_in_shifted_window
FROM generate_series(0, 3) y, season
WHERE NOT extra AND at >= timestamptz '2018-08-01' - y * interval '364 days' - interval '28 days'
  AND at < timestamptz '2018-08-01' - y * interval '364 days'
GROUP BY y ORDER BY y;
-- a season-blind expectation (mean 28-day count over the last 3 years) would call the normal summer red
SELECT round(count(*) * 28 / 1092.0, 2) AS flat_expected,
       safety.seasonal_tier(84, count(*) * 28 / 1092.0) AS flat_tier
FROM season WHERE NOT extra AND at >= timestamptz '2018-08-01' - interval '1092 days' AND at < '2018-08-01';

-- == recency decay, by hand =================================================
-- weights 2, 1, 4, 1, 9 at ages 1, 7, 14, 28 (edge: in) and 30 days (out), half-life 14 days:
-- 2 * 2^(-1/14) + 2^(-1/2) + 4 * 2^(-1) + 1 * 2^(-2) = 1.903390 + 0.707107 + 2 + 0.25 = 4.860497
SELECT c.events, c.harm, round(c.recency_harm::numeric, 6) AS recency_harm,
       round((2 * 2 ^ (-1 / 14.0) + 2 ^ (-0.5) + 4 * 0.5 + 0.25)::numeric, 6) AS by_hand
FROM safety.risk_components(
	(SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, timestamptz '2020-03-01' - age * interval '1 day', NULL::bigint, w)
	 FROM (VALUES (1, 2.0), (7, 1.0), (14, 4.0), (28, 1.0), (30, 9.0)) v(age, w)),
	'2020-03-01') c;
-- half-life 7 days: 2 * 2^(-1/7) + 2^-1 + 4 * 2^-2 + 2^-4 = 1.811447 + 0.5 + 1 + 0.0625 = 3.373947
SELECT round(c.recency_harm::numeric, 6) AS recency_harm_7d,
       round((2 * 2 ^ (-1 / 7.0) + 0.5 + 1 + 0.0625)::numeric, 6) AS by_hand
FROM safety.risk_components(
	(SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, timestamptz '2020-03-01' - age * interval '1 day', NULL::bigint, w)
	 FROM (VALUES (1, 2.0), (7, 1.0), (14, 4.0), (28, 1.0), (30, 9.0)) v(age, w)),
	'2020-03-01', half_life => '7 days') c;

-- == components on the bundled data, against plain SQL =====================
CREATE TABLE ev AS
SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS e FROM incidents;
SELECT c.events, c.harm, round(c.recency_harm::numeric, 6) AS recency_harm, round(c.expected::numeric, 3) AS expected,
       c.years, c.weeks, c.trend_s, round(c.trend_z::numeric, 4) AS trend_z
FROM ev, safety.risk_components(e, '2018-07-01') c;
WITH x AS (SELECT occurred_at AS t, safety.offense_weight(offense) AS w FROM incidents WHERE geom IS NOT NULL),
     weekly AS (SELECT k, (SELECT count(*) FROM x WHERE t >= timestamptz '2018-07-01' - k * interval '7 days'
                                                     AND t < timestamptz '2018-07-01' - (k - 1) * interval '7 days') AS n
                FROM generate_series(1, 130) k),   -- 130 whole weeks since 2016-01-01
     mk AS (SELECT sum(sign(b.n - a.n)) AS s FROM weekly a JOIN weekly b ON b.k < a.k)
SELECT (SELECT count(*) FROM x WHERE t >= timestamptz '2018-07-01' - interval '28 days' AND t < '2018-07-01') AS events,
       (SELECT sum(w) FROM x WHERE t >= timestamptz '2018-07-01' - interval '28 days' AND t < '2018-07-01') AS harm,
       (SELECT round(sum(w * 2 ^ (-extract(epoch FROM timestamptz '2018-07-01' - t) / (14 * 86400)))::numeric, 6)
        FROM x WHERE t >= timestamptz '2018-07-01' - interval '28 days' AND t < '2018-07-01') AS recency_harm,
       (SELECT round(count(*) / 2.0, 3) FROM x, generate_series(1, 2) y
        WHERE t >= timestamptz '2018-07-01' - y * interval '364 days' - interval '28 days'
          AND t < timestamptz '2018-07-01' - y * interval '364 days') AS expected,
       (SELECT s FROM mk) AS trend_s;

-- == risk_scores (the component score) =======================================
SELECT tier, count(*) AS cells, min(rank) AS best_rank, max(rank) AS worst_rank,
       round(min(score)::numeric, 4) AS min_score
FROM ev, safety.risk_scores(e, '2018-07-01', 250) GROUP BY tier ORDER BY tier DESC NULLS LAST;
-- the cells' scores, recomputed in plain SQL from the incidents (harm, recency, seasonal;
-- trend weight 0 so no Mann-Kendall is needed here)
WITH x AS (
	SELECT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id,
	       occurred_at AS t, safety.offense_weight(offense) AS w
	FROM incidents WHERE geom IS NOT NULL
	  AND occurred_at >= timestamptz '2018-07-01' - interval '3 years' AND occurred_at < '2018-07-01'),
per AS (
	SELECT cell_id,
	       coalesce(sum(w) FILTER (WHERE t >= timestamptz '2018-07-01' - interval '28 days'), 0) AS harm,
	       coalesce(sum(w * 2 ^ (-extract(epoch FROM timestamptz '2018-07-01' - t) / (14 * 86400)))
	                FILTER (WHERE t >= timestamptz '2018-07-01' - interval '28 days'), 0) AS recency,
	       count(*) FILTER (WHERE t >= timestamptz '2018-07-01' - interval '28 days') AS events,
	       (count(*) FILTER (WHERE t >= timestamptz '2018-06-03' - interval '364 days' AND t < timestamptz '2018-07-01' - interval '364 days')
	        + count(*) FILTER (WHERE t >= timestamptz '2018-06-03' - interval '728 days' AND t < timestamptz '2018-07-01' - interval '728 days')) / 2.0 AS expected
	FROM x GROUP BY cell_id),
norm AS (
	SELECT cell_id, harm / nullif(max(harm) OVER (), 0) AS hn, recency / nullif(max(recency) OVER (), 0) AS rn,
	       (events / (expected + 1)) / nullif(max(events / (expected + 1)) OVER (), 0) AS sn FROM per),
sql_score AS (SELECT cell_id, (0.4 * hn + 0.3 * rn + 0.2 * sn) / 0.9 AS score FROM norm)
SELECT count(*) AS cells, max(abs(s.score - q.score)) < 1e-12 AS same_scores,
       count(*) FILTER (WHERE s.rank <> q.r) AS rank_differences
FROM (SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_trend => 0)) s
JOIN (SELECT cell_id, score, rank() OVER (ORDER BY score DESC) AS r FROM sql_score) q USING (cell_id);
-- the tiers are the window function's tiers of the same scores
SELECT count(*) AS cells, count(*) FILTER (WHERE t IS DISTINCT FROM tier) AS differences
FROM (SELECT tier, safety.tier(score) OVER () AS t FROM ev, safety.risk_scores(e, '2018-07-01', 250)) x;
-- absolute cut-offs on the score
SELECT tier, count(*) FROM ev, safety.risk_scores(e, '2018-07-01', 250, 'threshold', 0.6, 0.4, 0.25)
GROUP BY tier ORDER BY tier DESC NULLS LAST;
SELECT count(*) FILTER (WHERE score >= 0.6) AS red, count(*) FILTER (WHERE score >= 0.4 AND score < 0.6) AS orange,
       count(*) FILTER (WHERE score >= 0.25 AND score < 0.4) AS yellow
FROM ev, safety.risk_scores(e, '2018-07-01', 250);
-- the columns of the top cell
SELECT cell_id, events, harm, round(recency_harm::numeric, 3) AS recency_harm, expected, round(ratio::numeric, 3) AS ratio,
       round(trend_z::numeric, 3) AS trend_z, round(harm_n::numeric, 3) AS harm_n, round(recency_n::numeric, 3) AS recency_n,
       round(seasonal_n::numeric, 3) AS seasonal_n, round(trend_n::numeric, 3) AS trend_n, w_harm_used, w_recency_used,
       w_seasonal_used, w_trend_used, round(score::numeric, 4) AS score, rank, tier, ST_AsText(geom)
FROM ev, safety.risk_scores(e, '2018-07-01', 250) ORDER BY rank, cell_id LIMIT 1;


-- == risk_tiers: tiers graded from the forecast ===============================
SELECT tier, count(*) AS cells, min(rank) AS best_rank, max(rank) AS worst_rank,
       action IS NOT NULL AS has_action, min(respond_within) AS respond_within
FROM ev, safety.risk_tiers(e, '2018-07-01', 250) GROUP BY tier, action IS NOT NULL ORDER BY tier DESC NULLS LAST;
-- the rule recomputed in plain SQL (lookback 0: no hysteresis): expected is
-- safety.forecast's; severity the shrunk relative harm of the last year's
-- events bounded to [1/2, 2]; each tier's cut-off the priority of the typical
-- forecast at its share of the study cells; a cell takes the highest tier
-- whose cut-off its priority reaches
CREATE TEMP TABLE ft AS SELECT f.* FROM ev, safety.forecast_tiers(e, '2018-07-01', 250, lookback => 0) f;
WITH x AS (
	SELECT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id,
	       safety.offense_weight(offense) AS w
	FROM incidents WHERE geom IS NOT NULL
	  AND occurred_at >= timestamptz '2018-07-01' - interval '365 days' AND occurred_at < '2018-07-01'),
wbar AS (SELECT avg(w) AS wbar FROM x),
sev AS (
	SELECT ft.cell_id, least(2, greatest(0.5,
	         (coalesce(sum(x.w), 0) + 5 * wbar) / ((count(x.w) + 5) * wbar))) AS severity, count(x.w) AS events
	FROM ft CROSS JOIN wbar LEFT JOIN x USING (cell_id) GROUP BY ft.cell_id, wbar),
fc AS (SELECT cell_id, expected FROM ev, safety.forecast(e, '2018-07-01', 250)),
ref AS (SELECT ft.cell_id, ft.typical * sev.severity AS p,
               row_number() OVER (ORDER BY ft.typical * sev.severity DESC, ft.cell_id) AS r FROM ft JOIN sev USING (cell_id)),
cuts AS (SELECT (SELECT p FROM ref WHERE r = ceil(0.01 * (SELECT count(*) FROM ref))) AS red,
                (SELECT p FROM ref WHERE r = ceil(0.05 * (SELECT count(*) FROM ref))) AS orange,
                (SELECT p FROM ref WHERE r = ceil(0.15 * (SELECT count(*) FROM ref))) AS yellow),
q AS (
	SELECT ft.cell_id, fc.expected, sev.severity, sev.events, fc.expected * sev.severity AS priority,
	       CASE WHEN fc.expected * sev.severity >= cuts.red THEN 'red'
	            WHEN fc.expected * sev.severity >= cuts.orange THEN 'orange'
	            WHEN fc.expected * sev.severity >= cuts.yellow THEN 'yellow' END::safety.tier AS tier
	FROM ft JOIN sev USING (cell_id) JOIN fc USING (cell_id), cuts)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE abs(q.expected - ft.expected) > 1e-12 * greatest(1, ft.expected)) AS expected_differ,
       count(*) FILTER (WHERE abs(q.severity - ft.severity) > 1e-12) AS severity_differ,
       count(*) FILTER (WHERE q.events <> ft.events) AS events_differ,
       count(*) FILTER (WHERE abs(q.priority - ft.priority) > 1e-12 * greatest(1, ft.priority)) AS priority_differ,
       count(*) FILTER (WHERE q.tier IS DISTINCT FROM ft.tier) AS tier_differ,
       count(*) FILTER (WHERE ft.tier = 'red') AS red, count(*) FILTER (WHERE ft.tier = 'orange') AS orange,
       count(*) FILTER (WHERE ft.tier = 'yellow') AS yellow
FROM q JOIN ft USING (cell_id);
-- ranks follow priority (equal priorities share the rank of the first)
SELECT count(*) FILTER (WHERE rank <> r) AS rank_differ
FROM (SELECT rank, rank() OVER (ORDER BY priority DESC) AS r FROM ft) x;
-- hysteresis (lookback 1): a cell keeps last horizon's tier while its
-- priority stays above keep x that tier's cut-off
CREATE TEMP TABLE ft_prev AS SELECT f.* FROM ev, safety.forecast_tiers(e, '2018-06-24', 250, lookback => 0) f;
WITH ref AS (SELECT typical * severity AS p, row_number() OVER (ORDER BY typical * severity DESC, cell_id) AS r FROM ft),
cuts AS (SELECT t, (SELECT p FROM ref WHERE r = ceil(sh * (SELECT count(*) FROM ref))) AS cut
         FROM (VALUES ('red'::safety.tier, 0.01), ('orange', 0.05), ('yellow', 0.15)) v(t, sh)),
want AS (
	SELECT n.cell_id,
	       CASE WHEN p.tier > n.tier OR (p.tier IS NOT NULL AND n.tier IS NULL)
	            THEN CASE WHEN n.priority >= 0.8 * (SELECT cut FROM cuts WHERE t = p.tier) THEN p.tier ELSE n.tier END
	            ELSE n.tier END AS tier
	FROM ft n LEFT JOIN ft_prev p USING (cell_id)),
got AS (SELECT cell_id, tier FROM ev, safety.forecast_tiers(e, '2018-07-01', 250, lookback => 1))
SELECT count(*) FILTER (WHERE w.tier IS DISTINCT FROM g.tier) AS differ,
       count(*) FILTER (WHERE w.tier IS DISTINCT FROM n.tier) AS kept_by_hysteresis
FROM want w JOIN got g USING (cell_id) JOIN ft n USING (cell_id);
-- caps from tier_policy: at most 5 red cells; the rest move down a tier
UPDATE safety.tier_policy SET max_cells = 5 WHERE tier = 'red';
SELECT count(*) FILTER (WHERE tier = 'red') AS red,
       count(*) FILTER (WHERE tier = 'red' AND rank > 5) AS red_beyond_rank_5
FROM ev, safety.risk_tiers(e, '2018-07-01', 250);
UPDATE safety.tier_policy SET max_cells = NULL WHERE tier = 'red';
-- one serious event alone does not make a cell red: a busy cell of ordinary
-- burglaries and a quiet cell with one homicide among a few
CREATE TEMP TABLE harm_case AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(x, 50), 32616), t, NULL::bigint, w) AS e
FROM (SELECT 50 + 100 * (k % 40) AS x, timestamptz '2020-01-01' + k * interval '7 hours' AS t, 40.0 AS w
      FROM generate_series(1, 2000) k
      UNION ALL SELECT 5050, timestamptz '2020-06-01', 5475
      UNION ALL SELECT 5050, timestamptz '2020-03-01', 40) x;
SELECT cell_id = ((50::bigint << 32) | 0) AS is_homicide_cell, events, round(severity::numeric, 3) AS severity, tier
FROM harm_case, safety.forecast_tiers(e, '2020-07-01', 100) WHERE cell_id = ((50::bigint << 32) | 0);
-- tier_backtest at its first origin equals forecast_tiers there, graded on the next week
WITH bt AS (SELECT * FROM ev, safety.tier_backtest(e, 250, '2018-07-01', '2018-07-15') WHERE origin = '2018-07-01'),
x AS (SELECT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id
      FROM incidents WHERE occurred_at >= '2018-07-01' AND occurred_at < '2018-07-08' AND geom IS NOT NULL),
t AS (SELECT f.tier, count(*) AS cells, sum((SELECT count(*) FROM x WHERE x.cell_id = f.cell_id)) AS events
      FROM ev, safety.forecast_tiers(e, '2018-07-01', 250) f GROUP BY f.tier)
SELECT bt.tier, bt.cells, bt.events, t.cells = bt.cells AND t.events = bt.events AS same,
       round(bt.mean_events::numeric, 4) AS mean_events, bt.changed
FROM bt JOIN t ON t.tier IS NOT DISTINCT FROM bt.tier ORDER BY bt.tier DESC NULLS LAST;
-- early in the data, where cells appear between origins: at each origin the
-- back-test's tiers are forecast_tiers' there, restricted to its study cells
WITH st AS (SELECT DISTINCT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id
            FROM incidents WHERE geom IS NOT NULL AND occurred_at < '2016-03-07'),
bt AS (SELECT * FROM ev, safety.tier_backtest(e, 250, '2016-03-07', '2016-03-28')),
ft AS (SELECT o AS origin, f.tier, count(*) AS cells
       FROM generate_series(timestamptz '2016-03-07', '2016-03-21', '7 days') o, ev, safety.forecast_tiers(e, o, 250) f
       WHERE f.cell_id IN (SELECT cell_id FROM st) GROUP BY 1, 2)
SELECT (SELECT count(*) FROM st) AS study_cells, count(*) AS rows,
       count(*) FILTER (WHERE bt.cells IS DISTINCT FROM coalesce(ft.cells, 0)) AS differ
FROM bt LEFT JOIN ft ON ft.origin = bt.origin AND ft.tier IS NOT DISTINCT FROM bt.tier;
SELECT tier, count(*) AS origins, sum(changed) IS NOT NULL AS has_changes
FROM ev, safety.tier_backtest(e, 250, '2018-07-01', '2018-07-22') GROUP BY tier ORDER BY tier DESC NULLS LAST;

-- == history ==================================================================
SELECT safety.record_tiers('burglary-250', e, '2018-06-01', 250) AS june,
       safety.record_tiers('burglary-250', e, '2018-07-01', 250) AS july FROM ev;
SELECT safety.record_tiers('burglary-250', e, '2018-07-01', 250) AS july_again FROM ev;  -- replaces, no duplicates
SELECT as_of, tier, count(*) FROM safety.tier_history GROUP BY 1, 2 ORDER BY 1, 2 DESC;
SELECT change, count(*) FROM safety.tier_changes('burglary-250', '2018-06-01', '2018-07-01') GROUP BY 1 ORDER BY 1;
-- plain SQL over the two snapshots
WITH a AS (SELECT unit, tier FROM safety.tier_history WHERE as_of = '2018-06-01'),
     b AS (SELECT unit, tier FROM safety.tier_history WHERE as_of = '2018-07-01')
SELECT count(*) FILTER (WHERE a.unit IS NOT NULL AND b.unit IS NOT NULL AND b.tier < a.tier) AS "de-escalated",
       count(*) FILTER (WHERE a.unit IS NULL) AS entered,
       count(*) FILTER (WHERE a.unit IS NOT NULL AND b.unit IS NOT NULL AND b.tier > a.tier) AS escalated,
       count(*) FILTER (WHERE b.unit IS NULL) AS "left"
FROM a FULL JOIN b USING (unit);

-- the snapshot is risk_tiers' tiered cells, scored by priority
SELECT count(*) AS stored, count(*) FILTER (WHERE h.score = r.priority AND h.tier = r.tier) AS same
FROM safety.tier_history h JOIN (SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250)) r ON r.cell_id = h.unit
WHERE h.as_of = '2018-07-01';

-- == back-test: the hand-worked PAI case =====================================
-- cells A, B, C (100 m squares): 3, 2, 1 events in the week before the origin,
-- 6, 3, 0 in the week after; the naive model ranks A, B, C.  Coverage 1/3,
-- 2/3, 1: captured 6, 9, 9 of 9; PAI = (captured / 9) / (cells / 3) = 2, 1.5, 1;
-- PEI = captured / best (6, 9, 9) = 1
CREATE TABLE pai_case AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(50 + 100 * c, 50), 32616), t) AS e
FROM (SELECT c, timestamptz '2020-01-05' + k * interval '1 hour' AS t
      FROM (VALUES (0, 3), (1, 2), (2, 1)) v(c, n), generate_series(1, n) k
      UNION ALL
      SELECT c, timestamptz '2020-01-11' + k * interval '1 hour'
      FROM (VALUES (0, 6), (1, 3), (2, 0)) v(c, n), generate_series(1, n) k) x;
SELECT model, round(coverage::numeric, 4) AS coverage, cells, study_cells, captured, events, best,
       round(hit_rate::numeric, 4) AS hit_rate, round(pai::numeric, 4) AS pai, round(pei::numeric, 4) AS pei, stability
FROM pai_case, safety.backtest(e, 100, '2020-01-10', '2020-01-17', models => '{naive}',
                               coverages => ARRAY[1/3.0, 2/3.0, 1]::float8[])
ORDER BY coverage;

-- == calibrate: every model's pooled scores beside the best baseline ==========
CREATE TEMP TABLE cal AS SELECT c.* FROM ev, safety.calibrate(e, 250, '2018-05-06', '2018-07-01') c;
SELECT round(coverage::numeric, 3) AS coverage, model, rank, best_baseline, history IS NOT NULL AS has_history
FROM cal WHERE coverage IN (0.01, 0.05) ORDER BY coverage, rank, model;
-- its scores are backtest_summary's; the best baseline is the baseline with the highest hit rate
WITH s AS (SELECT * FROM ev, safety.backtest_summary(e, 250, '2018-05-06', '2018-07-01'))
SELECT count(*) AS rows,
       count(*) FILTER (WHERE c.hit_rate IS DISTINCT FROM s.hit_rate OR c.pei IS DISTINCT FROM s.pei OR c.rank <> s.rank) AS differ,
       count(*) FILTER (WHERE c.best_baseline <> (SELECT s2.model FROM s s2 WHERE s2.coverage = c.coverage AND s2.model <> 'default'
                                                   ORDER BY s2.hit_rate DESC, s2.model LIMIT 1)) AS wrong_best,
       count(*) FILTER (WHERE abs(c.over_best_baseline - c.hit_rate / (SELECT max(s2.hit_rate) FROM s s2
                                  WHERE s2.coverage = c.coverage AND s2.model <> 'default')) > 1e-12) AS wrong_ratio
FROM cal c JOIN s USING (coverage, model);

-- == bad input =============================================================
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_harm => -1);
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_recency => 'NaN');
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_harm => 0, w_recency => 0, w_seasonal => 0, w_trend => 0);
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, red => 0.1, orange => 0.05, yellow => 0.15);
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, red => 0.01, orange => 0.05, yellow => 1.2);
SELECT * FROM ev, safety.risk_scores(e, '2018-07-01', 250, 'threshold');
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 0);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, keep => 0);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, keep => 1.5);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, lookback => -1);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, horizon => '0 days');
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, model => 'magic');
SELECT * FROM ev, safety.risk_tiers(e, '2010-07-01', 250);
SELECT * FROM ev, safety.forecast_tiers(e, '2018-07-01', 250, shares => '{0.05,0.01,0.15}');
SELECT * FROM ev, safety.forecast_tiers(e, '2018-07-01', 250, shares => '{0.01,0.05}');
SELECT * FROM ev, safety.forecast_tiers(e, '2018-07-01', 250, caps => '{0,NULL,NULL}');
SELECT * FROM ev, safety.tier_backtest(e, 250, '2018-06-01', '2018-06-05');
UPDATE safety.tier_policy SET share = 0 WHERE tier = 'red';
SELECT * FROM ev, safety.risk_components(e, '2018-07-01', "window" => '0 days');
SELECT * FROM ev, safety.risk_components(e, '2018-07-01', "window" => '-7 days');
SELECT * FROM ev, safety.risk_components(e, '2018-07-01', half_life => '0 days');
SELECT * FROM ev, safety.risk_components(e, '2018-07-01', baseline => NULL);
SELECT * FROM ev, safety.risk_components(e, '2015-06-01');
SELECT * FROM ev, safety.risk_components(e, 'infinity');
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-06-01');
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-05-01');
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-06-05');
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-07-01', step => '0 days');
SELECT * FROM ev, safety.backtest(e, 250, '2015-06-01', '2018-07-01');
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-07-01', models => '{kmeans}');
SELECT safety.record_tiers(NULL, e, '2018-07-01', 250) FROM ev;
