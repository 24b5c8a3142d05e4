-- Risk tiers: red / orange / yellow cells from harm-weighted frequency,
-- recency, seasonal excess and trend, with the response policy of each tier,
-- and a weekly back-test of 2018 beside a naive baseline.
SET timezone = 'UTC';
CREATE TEMP TABLE tiers_ev AS
SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS e FROM incidents;
\echo 'Risk tiers of 250 m cells on 1 July 2018 (safety.risk_tiers; weights from safety.offense_weights):'
SELECT tier, count(*) AS cells, sum(events) AS events_last_28_days, round(min(score)::numeric, 3) AS min_score,
       min(respond_within) AS respond_within, min(action) AS action
FROM tiers_ev, safety.risk_tiers(e, '2018-07-01', 250)
WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier DESC;
\echo 'The five highest-risk cells, with their components and centre in lon/lat:'
SELECT rank, cell_id, tier, events, harm, round(recency_harm::numeric, 1) AS recency_harm, expected,
       round(trend_z::numeric, 2) AS trend_z, round(score::numeric, 3) AS score,
       round(ST_X(ST_Transform(ST_Centroid(geom), 4326))::numeric, 5) AS lon,
       round(ST_Y(ST_Transform(ST_Centroid(geom), 4326))::numeric, 5) AS lat
FROM tiers_ev, safety.risk_tiers(e, '2018-07-01', 250) ORDER BY rank, cell_id LIMIT 5;
\echo 'City-wide: this 28-day window against the same weeks of earlier years (safety.seasonal_tier):'
SELECT c.events, c.expected, c.years, round(c.ratio::numeric, 3) AS ratio, round(c.trend_z::numeric, 2) AS trend_z,
       coalesce(safety.seasonal_tier(c.events, c.expected)::text, 'none') AS seasonal_tier
FROM tiers_ev, safety.risk_components(e, '2018-07-01') c;
\echo 'Weekly back-test over 2018 (52 origins, 7-day horizon): risk tiers vs naive tiers from last week''s counts'
\echo '(cumulative from red; PAI = hit rate / area share, Chainey et al. 2008):'
SELECT model, tier, round(mean_units::numeric, 1) AS mean_cells, round((100 * mean_area_share)::numeric, 2) AS area_pct,
       round((100 * mean_hit_rate)::numeric, 2) AS hit_pct, round(mean_pai::numeric, 2) AS mean_pai,
       round(pooled_pai::numeric, 2) AS pooled_pai, round(mean_rri::numeric, 2) AS mean_rri
FROM tiers_ev, safety.backtest_summary(e, 250, '2018-01-01', '2019-01-01')
WHERE model = 'risk' OR tier = 'red'
ORDER BY model DESC, tier DESC;
DROP TABLE tiers_ev;
