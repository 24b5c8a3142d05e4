-- bench/forecast.sql — forecasts and tiers judged like for like on two
-- cities (run by bench/forecast.sh): weekly origins over the last six months
-- of each city's data, 7-day horizon, 250 m cells.
\set ON_ERROR_STOP on
SET timezone = 'UTC';
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TEMP TABLE city (name text PRIMARY KEY, e safety.events, start timestamptz, stop timestamptz);
INSERT INTO city
SELECT 'Cincinnati burglaries', safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)),
       '2018-07-01'::timestamptz, '2019-01-01'::timestamptz FROM incidents
UNION ALL
SELECT 'Vancouver thefts', safety.events_agg(geom, occurred_at, id, safety.offense_weight('theft')),
       '2020-07-01', '2021-01-01' FROM vancouver;
SELECT name, safety.num_events(e) AS events, start, stop FROM city ORDER BY name;

\echo '== 1. hit rate, PAI, PEI and stability at equal coverage, every model (safety.backtest_summary)'
CREATE TEMP TABLE summary AS
SELECT c.name, s.* FROM city c, safety.backtest_summary(c.e, 250, c.start, c.stop) s;
SELECT name, round((100 * coverage)::numeric, 1) AS cov_pct, model, rank, cells, captured, events,
       round((100 * hit_rate)::numeric, 2) AS hit_pct, round(pai::numeric, 2) AS pai,
       round(pei::numeric, 3) AS pei, round(stability::numeric, 3) AS stability
FROM summary ORDER BY name, coverage, rank, model;

\echo '== 2. the default against the best baseline at each coverage (hit rate ratio; >= 1: at least as good)'
SELECT d.name, round((100 * d.coverage)::numeric, 1) AS cov_pct, round((100 * d.hit_rate)::numeric, 2) AS default_hit_pct,
       b.model AS best_baseline, round((100 * b.hit_rate)::numeric, 2) AS baseline_hit_pct,
       round((d.hit_rate / b.hit_rate)::numeric, 3) AS ratio,
       CASE WHEN d.captured >= b.captured THEN 'yes' ELSE 'no' END AS at_least_best
FROM summary d
JOIN LATERAL (SELECT * FROM summary b WHERE b.name = d.name AND b.coverage = d.coverage AND b.model <> 'default'
              ORDER BY b.captured DESC, b.model LIMIT 1) b ON true
WHERE d.model = 'default' ORDER BY d.name, d.coverage;
\echo 'worst case over both cities, per model: the lowest ratio of its hit rate to the best model''s at 1 % and 5 %'
SELECT s.model, round(min(s.hit_rate / m.best)::numeric, 3) AS worst_ratio_1_and_5_pct
FROM summary s JOIN (SELECT name, coverage, max(hit_rate) AS best FROM summary GROUP BY 1, 2) m USING (name, coverage)
WHERE s.coverage IN (0.01, 0.05) GROUP BY s.model ORDER BY 2 DESC, 1;

\echo '== 3. time of the back-test (26 origins): the default alone, and all seven models'
\timing on
SELECT c.name, count(*) FROM city c, safety.backtest(c.e, 250, c.start, c.stop, models => '{default}') GROUP BY 1 ORDER BY 1;
SELECT c.name, count(*) FROM city c, safety.backtest(c.e, 250, c.start, c.stop) GROUP BY 1 ORDER BY 1;
\timing off

\echo '== 4. tiers (safety.tier_backtest, default rule): next-week events per cell by tier, red cells per origin'
CREATE TEMP TABLE tiers AS
SELECT c.name, t.* FROM city c, safety.tier_backtest(c.e, 250, c.start, c.stop) t;
SELECT name, coalesce(tier::text, 'untiered') AS tier, round(sum(events)::numeric / sum(cells), 4) AS events_per_cell,
       round(avg(cells), 1) AS mean_cells, min(cells) AS fewest, max(cells) AS most
FROM tiers GROUP BY name, tier ORDER BY name, tier DESC NULLS LAST;
\echo 'red > orange > yellow > untiered in events per cell, per city:'
SELECT name, bool_and(r > o AND o > y AND y > u) AS ordered
FROM (SELECT name,
             sum(events) FILTER (WHERE tier = 'red')::float8 / sum(cells) FILTER (WHERE tier = 'red') AS r,
             sum(events) FILTER (WHERE tier = 'orange')::float8 / sum(cells) FILTER (WHERE tier = 'orange') AS o,
             sum(events) FILTER (WHERE tier = 'yellow')::float8 / sum(cells) FILTER (WHERE tier = 'yellow') AS y,
             sum(events) FILTER (WHERE tier IS NULL)::float8 / sum(cells) FILTER (WHERE tier IS NULL) AS u
      FROM tiers GROUP BY name) x GROUP BY name ORDER BY name;
\echo 'red cells at the quietest and the busiest origin (by the forecast of all study cells, and by what happened):'
WITH o AS (SELECT name, origin, sum(expected) AS expected, sum(events) AS events,
                  sum(cells) FILTER (WHERE tier = 'red') AS red FROM tiers GROUP BY name, origin)
SELECT name,
       (SELECT red FROM o o2 WHERE o2.name = o.name ORDER BY expected, origin LIMIT 1) AS red_quietest_forecast,
       (SELECT red FROM o o2 WHERE o2.name = o.name ORDER BY expected DESC, origin LIMIT 1) AS red_busiest_forecast,
       (SELECT red FROM o o2 WHERE o2.name = o.name ORDER BY events, origin LIMIT 1) AS red_quietest_week,
       (SELECT red FROM o o2 WHERE o2.name = o.name ORDER BY events DESC, origin LIMIT 1) AS red_busiest_week,
       round(corr(expected, events)::numeric, 3) AS corr_forecast_events
FROM o GROUP BY name ORDER BY name;
\echo 'the expected counts: mean absolute error of the city-wide weekly total, with the level of the last 28 days and without'
SELECT c.name, round(avg(abs(f.expected - f.realised))::numeric, 2) AS mae_with_level,
       round(avg(abs(f.typical - f.realised))::numeric, 2) AS mae_without_level, round(avg(f.realised)::numeric, 1) AS mean_events
FROM city c, LATERAL (
	SELECT o, sum(t.expected) AS expected, sum(t.typical) AS typical,
	       (SELECT sum(b.events) FROM safety.tier_backtest(c.e, 250, o, o + interval '7 days', lookback => 0) b) AS realised
	FROM generate_series(c.start, c.stop - interval '7 days', interval '7 days') o,
	     safety.forecast_tiers(c.e, o, 250, lookback => 0) t GROUP BY o) f
GROUP BY c.name ORDER BY c.name;

\echo '== 5. month-to-month churn: share of the cells tiered in either of two snapshots 28 days apart whose tier differs'
\echo '   before: the tiers of the component score (safety.risk_scores, quantile 1/5/15 %); after: safety.risk_tiers'
CREATE TEMP TABLE snaps AS
SELECT c.name, o AS as_of, 'before' AS rule, s.cell_id, s.tier
FROM city c, generate_series(c.start, c.stop - interval '1 day', interval '28 days') o, safety.risk_scores(c.e, o, 250) s
WHERE s.tier IS NOT NULL
UNION ALL
SELECT c.name, o, 'after', r.cell_id, r.tier
FROM city c, generate_series(c.start, c.stop - interval '1 day', interval '28 days') o, safety.risk_tiers(c.e, o, 250) r
WHERE r.tier IS NOT NULL;
SELECT a.name, a.rule, count(*) AS pairs_of_cells,
       round(avg(CASE WHEN a.tier IS NOT DISTINCT FROM b.tier THEN 0 ELSE 1 END)::numeric, 3) AS churn
FROM snaps a FULL JOIN snaps b ON b.name = a.name AND b.rule = a.rule AND b.cell_id = a.cell_id
                              AND b.as_of = a.as_of + interval '28 days'
WHERE a.as_of + interval '28 days' <= (SELECT max(as_of) FROM snaps s WHERE s.name = a.name)
GROUP BY a.name, a.rule ORDER BY a.name, a.rule DESC;
