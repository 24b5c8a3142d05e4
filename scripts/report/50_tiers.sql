-- Forecasts and risk tiers: the default forecast of the next week per 250 m
-- cell, graded into red / orange / yellow with the response policy of each
-- tier; the weekly back-test of the last six months beside every simple
-- baseline at the same number of cells; and how the tiers fared.
SET timezone = 'UTC';
CREATE TEMP TABLE tiers_ev AS
SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS e FROM incidents;
\echo 'Risk tiers of 250 m cells on 1 July 2018 (safety.risk_tiers: expected burglaries of the next 7 days x severity):'
SELECT tier, count(*) AS cells, round(sum(expected)::numeric, 1) AS expected_events,
       round(min(priority)::numeric, 3) AS min_priority, min(respond_within) AS respond_within, min(action) AS action
FROM tiers_ev, safety.risk_tiers(e, '2018-07-01', 250)
WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier DESC;
\echo 'The five highest-priority cells, with their centre in lon/lat:'
SELECT rank, cell_id, tier, events AS events_last_year, round(expected::numeric, 3) AS expected,
       round(severity::numeric, 2) AS severity, round(priority::numeric, 3) AS priority,
       round(ST_X(ST_Transform(ST_Centroid(geom), 4326))::numeric, 5) AS lon,
       round(ST_Y(ST_Transform(ST_Centroid(geom), 4326))::numeric, 5) AS lat
FROM tiers_ev, safety.risk_tiers(e, '2018-07-01', 250) ORDER BY rank, cell_id LIMIT 5;
\echo 'What the default model (sepp) fitted on the data before 1 July 2018 (safety.forecast_fit):'
SELECT events, cells, history, round(theta::numeric, 3) AS theta, round(prior_strength::numeric, 2) AS prior_strength,
       bandwidth, averaged, round(level::numeric, 3) AS level, round(expected_total::numeric, 1) AS expected_next_7_days
FROM tiers_ev, safety.forecast_fit(e, '2018-07-01', 250);
\echo 'Weekly back-test over the last six months (26 origins, 7-day horizon): every model ranks the study cells and'
\echo 'covers the same number of them; hit rate = share of the next week''s burglaries in those cells, PAI = hit rate /'
\echo 'area share, PEI = captured / the most any as many cells held, stability = share of the cells also covered a week before:'
CREATE TEMP TABLE tiers_cal AS SELECT c.* FROM tiers_ev, safety.calibrate(e, 250, '2018-07-01', '2019-01-01') c;
SELECT round((100 * coverage)::numeric, 1) AS coverage_pct, model, rank, round((100 * hit_rate)::numeric, 2) AS hit_pct,
       round(pai::numeric, 2) AS pai, round(pei::numeric, 3) AS pei, round(stability::numeric, 3) AS stability
FROM tiers_cal WHERE coverage IN (0.01, 0.05) ORDER BY coverage, rank, model;
SELECT format('The tiers use the default model (sepp, self-exciting with an empirical Bayes background): at 1 %% of the cells it captured %s %% of the next week''s burglaries, %s times the best baseline (%s); at 5 %%, %s %%, %s times %s.',
              round((100 * a.hit_rate)::numeric, 2), round(a.over_best_baseline::numeric, 3), a.best_baseline,
              round((100 * b.hit_rate)::numeric, 2), round(b.over_best_baseline::numeric, 3), b.best_baseline) AS summary
FROM tiers_cal a, tiers_cal b
WHERE a.model = 'default' AND a.coverage = 0.01 AND b.model = 'default' AND b.coverage = 0.05;
\echo 'How the tiers fared over the same origins (safety.tier_backtest): next-week burglaries per cell by tier,'
\echo 'the fewest and most cells a tier held, and the share of cells whose tier changed from one week to the next:'
SELECT coalesce(b.tier::text, 'untiered') AS tier, round(sum(b.events)::numeric / sum(b.cells), 4) AS events_per_cell,
       min(b.cells) AS fewest_cells, max(b.cells) AS most_cells,
       round(sum(b.changed)::numeric / sum(b.cells) FILTER (WHERE b.changed IS NOT NULL), 3) AS weekly_change
FROM tiers_ev, safety.tier_backtest(e, 250, '2018-07-01', '2019-01-01') b
GROUP BY b.tier ORDER BY b.tier DESC NULLS LAST;
\echo 'City-wide: this 28-day window against the same weeks of earlier years (safety.seasonal_tier):'
SELECT c.events, c.expected, c.years, round(c.ratio::numeric, 3) AS ratio, round(c.trend_z::numeric, 2) AS trend_z,
       coalesce(safety.seasonal_tier(c.events, c.expected)::text, 'none') AS seasonal_tier
FROM tiers_ev, safety.risk_components(e, '2018-07-01') c;
DROP TABLE tiers_ev, tiers_cal;
