-- bench/forecast_speed.sql — the default model on a city's decade: 150,000
-- synthetic events (bundled burglary locations jittered by 150 m, times
-- uniform over 2009-2018), 250 m cells.  Run by bench/forecast.sh.
\set ON_ERROR_STOP on
SET timezone = 'UTC';
SET client_min_messages = warning;
SELECT setseed(0.2009);
CREATE TEMP TABLE decade AS
WITH src AS (SELECT row_number() OVER (ORDER BY id) AS k, ST_X(geom) AS x, ST_Y(geom) AS y
             FROM incidents WHERE geom IS NOT NULL),
d AS MATERIALIZED (SELECT g AS id, random() AS u1, random() AS u2, random() AS u3, random() AS u4
                   FROM generate_series(1, 150000) g)
SELECT d.id::bigint AS id, timestamptz '2009-01-01 00:00+00' + d.u4 * interval '3652 days' AS t,
       ST_SetSRID(ST_MakePoint(s.x + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * cos(2 * pi() * d.u3),
                               s.y + 150 * sqrt(-2 * ln(greatest(d.u2, 1e-12))) * sin(2 * pi() * d.u3)), 32616) AS geom
FROM d JOIN src s ON s.k = 1 + floor(d.u1 * (SELECT count(*) FROM src))::int;
CREATE TEMP TABLE decade_ev AS SELECT safety.events_agg(geom, t, id) AS e FROM decade;
SELECT safety.num_events(e) AS events FROM decade_ev;
\echo '== one origin (2018-07-01), 7-day horizon: forecast of every study cell, three runs each'
\timing on
SELECT count(*) AS cells, round(sum(expected)::numeric, 1) AS expected FROM decade_ev, safety.forecast(e, '2018-07-01', 250);
SELECT count(*) AS cells, round(sum(expected)::numeric, 1) AS expected FROM decade_ev, safety.forecast(e, '2018-07-01', 250);
SELECT count(*) AS cells, round(sum(expected)::numeric, 1) AS expected FROM decade_ev, safety.forecast(e, '2018-07-01', 250);
SELECT count(*) AS cells FROM decade_ev, safety.forecast(e, '2018-07-01', 250, model => 'counts 365 days');
SELECT count(*) AS cells FROM decade_ev, safety.forecast(e, '2018-07-01', 250, model => 'kde 365 days');
SELECT count(*) AS tiered FROM decade_ev, safety.risk_tiers(e, '2018-07-01', 250) WHERE tier IS NOT NULL;
\echo '== 26 weekly origins, every model (seven), every coverage'
SELECT count(*) AS rows FROM decade_ev, safety.backtest(e, 250, '2018-07-01', '2019-01-01');
\timing off
