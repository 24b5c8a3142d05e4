-- bench/forecast_windows.sql — the forecast back-test of bench/forecast.sql
-- over more windows than the last six months: every half-year of the
-- Cincinnati burglaries with a year of history before it (2017 H1 …
-- 2018 H2) and the Vancouver thefts' 2020 Q2 and H2 (weekly origins, 7-day
-- horizon, 250 m cells, every model on the same study cells).  Per window
-- and coverage each model's hit rate against the best model's, and per
-- model the worst of those ratios: a default that is never far from the
-- best, wherever it is judged, is what the analyst needs.
\set ON_ERROR_STOP on
SET timezone = 'UTC';
SET client_min_messages = warning;
CREATE TEMP TABLE win (name text, e safety.events, start timestamptz, stop timestamptz);
INSERT INTO win
SELECT w.name, c.e, w.start::timestamptz, w.stop::timestamptz
FROM (SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS e FROM incidents) c,
     (VALUES ('Cincinnati 2017 H1', '2017-01-01', '2017-07-01'), ('Cincinnati 2017 H2', '2017-07-01', '2018-01-01'),
             ('Cincinnati 2018 H1', '2018-01-01', '2018-07-01'), ('Cincinnati 2018 H2', '2018-07-01', '2019-01-01')) w(name, start, stop)
UNION ALL
SELECT w.name, v.e, w.start::timestamptz, w.stop::timestamptz
FROM (SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight('theft')) AS e FROM vancouver) v,
     (VALUES ('Vancouver 2020 Q2', '2020-04-01', '2020-07-01'), ('Vancouver 2020 H2', '2020-07-01', '2021-01-01')) w(name, start, stop);
CREATE TEMP TABLE s AS
SELECT w.name, b.* FROM win w, safety.backtest_summary(w.e, 250, w.start, w.stop, coverages => '{0.01,0.05}') b;

\echo '== events captured at 1 % and 5 % of the study cells, per window (best first)'
SELECT name, round((100 * coverage)::numeric, 0) AS cov_pct, max(cells) AS cells,
       string_agg(model || ' ' || captured, ', ' ORDER BY captured DESC, model) AS captured
FROM s GROUP BY name, coverage ORDER BY name, coverage;

\echo '== the default against the best model per window and coverage'
SELECT d.name, round((100 * d.coverage)::numeric, 0) AS cov_pct, d.captured AS default_captured,
       b.model AS best, b.captured AS best_captured, round(d.captured::numeric / b.captured, 3) AS ratio
FROM s d JOIN LATERAL (SELECT * FROM s b WHERE b.name = d.name AND b.coverage = d.coverage
                       ORDER BY b.captured DESC, b.model LIMIT 1) b ON true
WHERE d.model = 'default' ORDER BY d.name, d.coverage;

\echo '== per model over every window and both coverages: windows where it is best (ties count), worst and mean ratio to the best'
SELECT s.model, count(*) FILTER (WHERE s.captured = m.best) AS best_in, count(*) AS of,
       round(min(s.captured::numeric / m.best), 3) AS worst_ratio, round(avg(s.captured::numeric / m.best), 3) AS mean_ratio
FROM s JOIN (SELECT name, coverage, max(captured) AS best FROM s GROUP BY 1, 2) m USING (name, coverage)
GROUP BY s.model ORDER BY worst_ratio DESC, s.model;
