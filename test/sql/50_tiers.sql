-- Risk tiers: configuration tables, the tier window function, seasonal
-- tiers, risk components, risk_tiers, history and the back-test.  Every
-- number is checked against a plain-SQL or hand computation.
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
SELECT tier, respond_within, review_every FROM safety.tier_policy ORDER BY tier DESC;
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

-- == risk_tiers ===============================================================
SELECT tier, count(*) AS cells, min(rank) AS best_rank, max(rank) AS worst_rank,
       round(min(score)::numeric, 4) AS min_score, action IS NOT NULL AS has_action
FROM ev, safety.risk_tiers(e, '2018-07-01', 250) GROUP BY tier, action IS NOT NULL ORDER BY tier DESC NULLS LAST;
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
FROM (SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, w_trend => 0)) s
JOIN (SELECT cell_id, score, rank() OVER (ORDER BY score DESC) AS r FROM sql_score) q USING (cell_id);
-- the tiers are the window function's tiers of the same scores
SELECT count(*) AS cells, count(*) FILTER (WHERE t IS DISTINCT FROM tier) AS differences
FROM (SELECT tier, safety.tier(score) OVER () AS t FROM ev, safety.risk_tiers(e, '2018-07-01', 250)) x;
-- absolute cut-offs on the score
SELECT tier, count(*) FROM ev, safety.risk_tiers(e, '2018-07-01', 250, 'threshold', 0.6, 0.4, 0.25)
GROUP BY tier ORDER BY tier DESC NULLS LAST;
SELECT count(*) FILTER (WHERE score >= 0.6) AS red, count(*) FILTER (WHERE score >= 0.4 AND score < 0.6) AS orange,
       count(*) FILTER (WHERE score >= 0.25 AND score < 0.4) AS yellow
FROM ev, safety.risk_tiers(e, '2018-07-01', 250);
-- the columns of the top cell
SELECT cell_id, events, harm, round(recency_harm::numeric, 3) AS recency_harm, expected, round(ratio::numeric, 3) AS ratio,
       round(trend_z::numeric, 3) AS trend_z, round(harm_n::numeric, 3) AS harm_n, round(recency_n::numeric, 3) AS recency_n,
       round(seasonal_n::numeric, 3) AS seasonal_n, round(trend_n::numeric, 3) AS trend_n, w_harm_used, w_recency_used,
       w_seasonal_used, w_trend_used, round(score::numeric, 4) AS score, rank, tier, respond_within, lead, ST_AsText(geom)
FROM ev, safety.risk_tiers(e, '2018-07-01', 250) ORDER BY rank, cell_id LIMIT 1;

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

-- == back-test: the hand-worked PAI case =====================================
-- cells A, B, C (100 m squares): 3, 2, 1 events in the week before the origin,
-- 6, 3, 0 in the week after; shares 0.34 / 0.67 / 1 put A red, B orange, C yellow.
-- Cumulative PAI = (captured / 9) / (cells / 3): 6/9 / (1/3) = 2, 9/9 / (2/3) = 1.5, 1
CREATE TABLE pai_case AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(50 + 100 * c, 50), 32616), t) AS e
FROM (SELECT c, timestamptz '2020-01-05' + k * interval '1 hour' AS t
      FROM (VALUES (0, 3), (1, 2), (2, 1)) v(c, n), generate_series(1, n) k
      UNION ALL
      SELECT c, timestamptz '2020-01-11' + k * interval '1 hour'
      FROM (VALUES (0, 6), (1, 3), (2, 0)) v(c, n), generate_series(1, n) k) x;
SELECT model, tier, units, cum_units, round(area_share::numeric, 4) AS area_share, captured, cum_captured, events,
       round(hit_rate::numeric, 4) AS hit_rate, round(pai::numeric, 4) AS pai, round(rri::numeric, 4) AS rri
FROM pai_case, safety.backtest(e, 100, '2020-01-10', '2020-01-17', method => 'quantile', red => 0.34, orange => 0.67, yellow => 1)
ORDER BY model DESC, tier DESC;

-- == back-test on the bundled data: weekly over 2018, risk tiers vs naive ==
SELECT model, tier, origins, round(mean_units::numeric, 1) AS mean_units,
       round((100 * mean_area_share)::numeric, 2) AS area_pct, captured, events,
       round((100 * mean_hit_rate)::numeric, 2) AS hit_pct, round(mean_pai::numeric, 2) AS mean_pai,
       round(pooled_pai::numeric, 2) AS pooled_pai
FROM ev, safety.backtest_summary(e, 250, '2018-01-01', '2019-01-01')
ORDER BY model DESC, tier DESC;
-- one origin checked against plain SQL: red cells of risk_tiers at the origin,
-- horizon events in them, and the study area (cells with any event)
WITH o AS (SELECT timestamptz '2018-05-07' AS o),
     red AS (SELECT cell_id FROM ev, o, safety.risk_tiers(e, o.o, 250) WHERE tier = 'red'),
     x AS (SELECT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id,
                  occurred_at AS t FROM incidents WHERE geom IS NOT NULL),
     fut AS (SELECT x.* FROM x, o WHERE t >= o.o AND t < o.o + interval '7 days')
SELECT (SELECT count(*) FROM red) AS red_cells,
       (SELECT count(DISTINCT cell_id) FROM x) AS study_cells,
       (SELECT count(*) FROM fut WHERE cell_id IN (SELECT cell_id FROM red)) AS captured,
       (SELECT count(*) FROM fut) AS events,
       round((((SELECT count(*) FROM fut WHERE cell_id IN (SELECT cell_id FROM red))::float8 / (SELECT count(*) FROM fut))
        / ((SELECT count(*) FROM red)::float8 / (SELECT count(DISTINCT cell_id) FROM x)))::numeric, 6) AS pai;
SELECT units AS red_cells, study_units, captured, events, round(pai::numeric, 6) AS pai
FROM ev, safety.backtest(e, 250, '2018-05-07', '2018-05-14') WHERE model = 'risk' AND tier = 'red';

-- calibrate: candidates ranked by mean red PAI (checked against backtest_summary)
SELECT rank, "window", half_life, round(red_pai::numeric, 3) AS red_pai, round(red_hit_rate::numeric, 4) AS red_hit_rate,
       round(naive_red_pai::numeric, 3) AS naive_red_pai, origins
FROM ev, safety.calibrate(e, 250, '2018-03-05', '2018-05-07', windows => '{14 days,28 days}', half_lives => '{7 days,28 days}');
SELECT w, h, round(s.mean_pai::numeric, 3) AS red_pai
FROM ev, (VALUES (interval '14 days'), ('28 days')) a(w), (VALUES (interval '7 days'), ('28 days')) b(h),
     safety.backtest_summary(e, 250, '2018-03-05', '2018-05-07', "window" => w, half_life => h) s
WHERE s.model = 'risk' AND s.tier = 'red' ORDER BY 3 DESC, 1, 2;

-- calibrate over cell sizes and component weights too: every candidate's red
-- PAI and hit rate equal backtest_summary with the same settings
CREATE TEMP TABLE cal AS
SELECT c.* FROM ev, safety.calibrate(e, '{250,500}', '2018-03-05', '2018-04-02',
    windows => '{28 days}', half_lives => '{14 days}',
    weight_sets => '{{0.4,0.3,0.2,0.1},{1,0,0,0}}') c;
SELECT rank, cell_size, w_harm, w_recency, w_seasonal, w_trend, round(red_pai::numeric, 3) AS red_pai,
       round(red_hit_rate::numeric, 4) AS red_hit_rate, origins FROM cal ORDER BY rank, cell_size, w_harm;
SELECT count(*) AS candidates,
       count(*) FILTER (WHERE abs(c.red_pai - s.mean_pai) > 1e-12 OR abs(c.red_hit_rate - s.mean_hit_rate) > 1e-12) AS differ
FROM cal c, ev, safety.backtest_summary(e, c.cell_size, '2018-03-05', '2018-04-02',
    w_harm => c.w_harm, w_recency => c.w_recency, w_seasonal => c.w_seasonal, w_trend => c.w_trend,
    "window" => c."window", half_life => c.half_life) s
WHERE s.model = 'risk' AND s.tier = 'red';
-- the one-size calibrate is the same ranking restricted to default weights
SELECT count(*) AS rows_differ FROM (
  SELECT rank, "window", half_life, red_pai FROM ev, safety.calibrate(e, 250, '2018-03-05', '2018-04-02', windows => '{28 days}', half_lives => '{14 days}')
  EXCEPT
  SELECT 1, "window", half_life, red_pai FROM cal WHERE cell_size = 250 AND w_harm = 0.4) d;

-- == bad input =============================================================
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, w_harm => -1);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, w_recency => 'NaN');
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, w_harm => 0, w_recency => 0, w_seasonal => 0, w_trend => 0);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, red => 0.1, orange => 0.05, yellow => 0.15);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, red => 0.01, orange => 0.05, yellow => 1.2);
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 250, 'threshold');
SELECT * FROM ev, safety.risk_tiers(e, '2018-07-01', 0);
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
SELECT * FROM ev, safety.backtest(e, 250, '2018-06-01', '2018-07-01', method => 'kmeans');
SELECT safety.record_tiers(NULL, e, '2018-07-01', 250) FROM ev;
