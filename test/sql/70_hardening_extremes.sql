-- Hardening (issue #12, findings 1, 5 and 9): NULL and empty collections,
-- sums that leave double precision, and extreme values — each reproducer of
-- the issue gives a clear error or the right answer, never a crash, a stored
-- infinity or a silent wrong number.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET extra_float_digits = 0;
SET timezone = 'UTC';

-- 1. nni of NULL (no input: a NULL row) and of an empty collection (an error), not signal 11 --------
SELECT * FROM safety.nni(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.nni((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE false));
SELECT * FROM safety.nni(NULL, 1000);
SELECT * FROM safety.nni('SRID=32616;{}'::safety.events);
-- the server is still up and nni still answers
SELECT n, round(ratio::numeric, 6) AS ratio
FROM safety.nni((SELECT safety.events_agg(g, timestamptz '2016-01-01') FROM (VALUES
  ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(0 10)'), ('SRID=32616;POINT(10 0)'), ('SRID=32616;POINT(10 10)')) v(g)));

-- 5. sums beyond double precision: an error where they overflow ------------
-- grid_merge of two cells of 1e308
SELECT safety.grid_merge(g) FROM (VALUES ('SRID=32616;SQUARE(100){(0,0,1e308)}'::safety.grid),
                                         ('SRID=32616;SQUARE(100){(0,0,1e308)}')) v(g);
\echo :LAST_ERROR_SQLSTATE
-- grid_agg and hex_agg with weight 1e308 (two rows in one cell)
SELECT safety.grid_agg(g, 100, 1e308) FROM (VALUES ('SRID=32616;POINT(1 1)'::geometry), ('SRID=32616;POINT(2 2)')) v(g);
SELECT safety.hex_agg(g, 100, 1e308) FROM (VALUES ('SRID=32616;POINT(1 1)'::geometry), ('SRID=32616;POINT(2 2)')) v(g);
-- kernel densities that leave double precision
SELECT safety.kde_agg(g, 1, 1, 1e308) FROM (VALUES ('SRID=32616;POINT(0.5 0.5)'::geometry), ('SRID=32616;POINT(0.5 0.5)')) v(g);
SELECT safety.kde('SRID=32616;{(0.5,0.5,2016-01-01T00:00:00Z,,1e308,1),(0.5,0.5,2016-01-01T00:00:00Z,,1e308,2)}'::safety.events, 1, 1);
-- nothing infinite reaches a table: the INSERT fails, the table stays readable
CREATE TEMP TABLE big_grids (id int, g safety.grid);
INSERT INTO big_grids
SELECT 1, safety.grid_agg(g, 100, 1e308) FROM (VALUES ('SRID=32616;POINT(1 1)'::geometry), ('SRID=32616;POINT(2 2)')) v(g);
-- large but finite values are stored and read back as before
INSERT INTO big_grids
SELECT 2, safety.grid_agg(g, 100, w) FROM (VALUES ('SRID=32616;POINT(1 1)'::geometry, 1e308), ('SRID=32616;POINT(2 2)', -1e308),
                                              ('SRID=32616;POINT(150 1)', 1.7e308)) v(g, w);
INSERT INTO big_grids VALUES (3, 'SRID=32616;SQUARE(100){(0,0,1e308),(0,1,1e308)}');
SELECT id, g::text FROM big_grids ORDER BY id;
SELECT id, c.cell_id, c.value FROM big_grids, safety.cells(g) c ORDER BY id, c.cell_id;
SELECT id, safety.num_cells(g), safety.total(g) FROM big_grids WHERE id = 2;
-- the total of two 1e308 cells is beyond double precision, as float8 + is
SELECT safety.total(g) FROM big_grids WHERE id = 3;
SELECT 1e308::float8 + 1e308::float8;

-- 9. no silent wrong answers on extremes -----------------------------------
-- repeat_windows: a window closed in year 1 is not open in year 294276
-- (as_of - t wrapped: it was reported open with 106 million days left)
SELECT id, occurred_at, window_end, days_left
FROM safety.repeat_windows('SRID=32616;{(0,0,0001-01-01T00:00:00Z,,1,1)}'::safety.events, '294276-12-31 23:59:59+00', 200, 14);
-- windows at both ends of the range open and close as elsewhere
SELECT id, occurred_at, window_end, days_left
FROM safety.repeat_windows('SRID=32616;{(0,0,0001-01-01T00:00:00Z,,1,1),(0,0,9999-12-20T00:00:00Z,,1,2)}'::safety.events,
                           '9999-12-31 00:00+00', 200, 14);
SELECT id, occurred_at, window_end, days_left
FROM safety.repeat_windows('SRID=32616;{(0,0,0001-01-01T00:00:00Z,,1,1),(0,0,9999-12-20T00:00:00Z,,1,2)}'::safety.events,
                           '0001-01-10 00:00+00', 200, 14);
SELECT count(*) FROM safety.repeat_windows('SRID=32616;{(0,0,9999-12-20T00:00:00Z,,1,2)}'::safety.events, '4713-01-01 00:00+00 BC', 200, 1e6);

-- risk_components: absurd windows (as_of - window wrapped: 64 years of 0
-- events) are refused; intervals longer than the years 1 to 9999 select
-- nothing more
SELECT events, years, expected, ratio
FROM safety.risk_components('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', '2562047788 hours', '100 years');
\echo :LAST_ERROR_SQLSTATE
SELECT events, years, expected, ratio
FROM safety.risk_components('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', '178000000 years', '100 years');
SELECT events, years, expected, weeks
FROM safety.risk_components('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', '28 days', '178000000 years');
SELECT * FROM safety.risk_scores('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', 100, half_life => '10001 years');
-- the longest window there is: no earlier year had one inside the data
SELECT events, years, expected, ratio
FROM safety.risk_components('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', '10000 years', '100 years');
-- a baseline of 10000 years: the ten earlier years the data cover
SELECT events, years, expected, weeks
FROM safety.risk_components('SRID=32616;{(0,0,1950-01-01T00:00:00Z,,1,1)}'::safety.events, '1960-03-01', '28 days', '10000 years');
-- an event of year 1 seen from year 294276 is not in the window (it was, with infinite recency)
SELECT events, harm, recency_harm, years, expected, weeks, trend_s
FROM safety.risk_components('SRID=32616;{(0,0,0001-01-01T00:00:00Z,,1,1)}'::safety.events, '294276-12-31 23:59:59+00', '28 days', '1 year');
-- the same with the bundled data: windows longer than the data equal the whole data
SELECT a.events = b.events AND a.harm = b.harm AND a.years = b.years AS same_as_all_history
FROM safety.risk_components((SELECT safety.events_agg(geom, occurred_at) FROM incidents), '2018-07-01', '10000 years') a,
     safety.risk_components((SELECT safety.events_agg(geom, occurred_at) FROM incidents), '2018-07-01', '10 years') b;
-- forecasts: windows and horizons past 10000 years are refused (as_of -
-- window wrapped to an empty history: 0 expected, or sepp with "0 events")
CREATE TEMP TABLE ev1990 AS SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(g * 10, g * 7 % 100), 32616),
  '1990-01-01'::timestamptz + g * interval '1 day', g) AS e FROM generate_series(1, 50) g;
SELECT sum(expected) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', 'counts 178000000 years');
SELECT sum(expected) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '178000000 years', 'naive');
SELECT count(*) FROM safety.backtest((SELECT e FROM ev1990), 100, '1990-02-01', '1990-03-01', '7 days', '10001 years', '{naive}', '{0.1}');
SELECT round(sum(expected)::numeric, 6) AS counts_10000_years,
       round((50 * 7 / (10000 * 365.25))::numeric, 6) AS by_hand
FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', 'counts 10000 years');
SELECT sum(expected) AS naive_10000_years FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '10000 years', 'naive');

-- weights of 1e308: sums that overflow are errors, scores stay numbers
CREATE TEMP TABLE heavy AS
SELECT safety.events_agg(geom, occurred_at, id, 1e308) AS e FROM incidents WHERE occurred_at < '2018-07-01';
SELECT * FROM safety.risk_components((SELECT e FROM heavy), '2018-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM safety.risk_scores((SELECT e FROM heavy), '2018-07-01', 250);
-- component weights of 1e308 score as their ratio (1:1): no NaN
WITH ev AS (SELECT safety.events_agg(geom, occurred_at) AS e FROM incidents),
a AS (SELECT cell_id, score, tier FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_harm => 1e308, w_recency => 1e308, w_seasonal => 0, w_trend => 0)),
b AS (SELECT cell_id, score, tier FROM ev, safety.risk_scores(e, '2018-07-01', 250, w_harm => 1, w_recency => 1, w_seasonal => 0, w_trend => 0))
SELECT count(*) AS cells, count(*) FILTER (WHERE a.score = 'NaN' OR a.score IS NULL) AS nan_scores,
       max(abs(a.score - b.score)) < 1e-12 AS same_scores, bool_and(a.tier IS NOT DISTINCT FROM b.tier) AS same_tiers
FROM a JOIN b USING (cell_id);
-- forecast tiers: the severity of weights 1e308 is that of equal weights (it was NaN, then 0.5)
WITH one AS (SELECT safety.events_agg(geom, occurred_at, id, 1) AS e FROM incidents WHERE occurred_at < '2018-07-01'),
a AS (SELECT t.* FROM heavy, safety.forecast_tiers(heavy.e, '2018-07-01', 250, '7 days', 'counts') t),
b AS (SELECT t.* FROM one, safety.forecast_tiers(one.e, '2018-07-01', 250, '7 days', 'counts') t)
SELECT count(*) AS cells, max(abs(a.severity - 1)) < 1e-12 AND max(abs(b.severity - 1)) < 1e-12 AS severity_1,
       max(abs(a.priority - b.priority)) < 1e-12 AS same_priority, bool_and(a.tier IS NOT DISTINCT FROM b.tier) AS same_tiers
FROM a JOIN b USING (cell_id);

-- Gi* of cell values near 1e200: the z of the same counts (it was z = 0, p = 1)
SELECT i, j, value, round(z::numeric, 6) AS z, round(p::numeric, 6) AS p, class
FROM safety.gi_star('SRID=32616;SQUARE(100){(0,0,1e200),(0,1,2e200),(0,2,1e200),(1,0,3e200),(1,1,9e200),(1,2,4e200),(2,0,1e200),(2,1,2e200),(2,2,1e200),(3,3,5e199)}'::safety.grid, 150)
ORDER BY i, j;
-- the bundled data with weights 1e200 and 1e-200: the z and class of its counts
WITH c AS (SELECT cell_id, z, class FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750)),
b AS (SELECT cell_id, z, class FROM safety.gi_star((SELECT safety.grid_agg(geom, 250, 1e200) FROM incidents), 750)),
t AS (SELECT cell_id, z, class FROM safety.gi_star((SELECT safety.grid_agg(geom, 250, 1e-200) FROM incidents), 750))
SELECT count(*) AS cells, max(abs(b.z - c.z)) < 1e-9 AS big_same_z, bool_and(b.class = c.class) AS big_same_class,
       max(abs(t.z - c.z)) < 1e-9 AS tiny_same_z, bool_and(t.class = c.class) AS tiny_same_class
FROM c JOIN b USING (cell_id) JOIN t USING (cell_id);

-- nni of coordinates near 1e300: finite, or an error when the answer is
-- beyond double precision (they were inf and NaN)
SELECT * FROM safety.nni('SRID=32616;{(1e300,0,2016-01-01T00:00:00Z,,1,1),(0,1e300,2016-01-01T00:00:00Z,,1,2),(-1e300,0,2016-01-01T00:00:00Z,,1,3),(0,-1e300,2016-01-01T00:00:00Z,,1,4)}'::safety.events);
\echo :LAST_ERROR_SQLSTATE
SELECT n, area, observed, expected, ratio, z, p
FROM safety.nni('SRID=32616;{(1e300,0,2016-01-01T00:00:00Z,,1,1),(0,1e300,2016-01-01T00:00:00Z,,1,2),(-1e300,0,2016-01-01T00:00:00Z,,1,3),(0,-1e300,2016-01-01T00:00:00Z,,1,4)}'::safety.events, 1e300);
-- at 1e150 (hull area 2e300) and 1: the same ratio and z
SELECT n, area, observed, ratio, round(z::numeric, 9) AS z
FROM safety.nni('SRID=32616;{(1e150,0,2016-01-01T00:00:00Z,,1,1),(0,1e150,2016-01-01T00:00:00Z,,1,2),(-1e150,0,2016-01-01T00:00:00Z,,1,3),(0,-1e150,2016-01-01T00:00:00Z,,1,4)}'::safety.events);
SELECT n, area, observed, ratio, round(z::numeric, 9) AS z
FROM safety.nni('SRID=32616;{(1,0,2016-01-01T00:00:00Z,,1,1),(0,1,2016-01-01T00:00:00Z,,1,2),(-1,0,2016-01-01T00:00:00Z,,1,3),(0,-1,2016-01-01T00:00:00Z,,1,4)}'::safety.events);
-- at 1e-300 the hull's area is below double's range: said so, not "collinear"
SELECT * FROM safety.nni('SRID=32616;{(1e-300,0,2016-01-01T00:00:00Z,,1,1),(0,1e-300,2016-01-01T00:00:00Z,,1,2),(-1e-300,0,2016-01-01T00:00:00Z,,1,3),(0,-1e-300,2016-01-01T00:00:00Z,,1,4)}'::safety.events);
-- points 3.4e308 apart
SELECT * FROM safety.nni('SRID=32616;{(-1.7e308,0,2016-01-01T00:00:00Z,,1,1),(1.7e308,0,2016-01-01T00:00:00Z,,1,2)}'::safety.events, 1);

-- cell polygons of huge cells: an error naming the cell instead of
-- Infinity coordinates, in every function that draws cells
SELECT cell_id, ST_AsText(geom) FROM safety.cells('SRID=32616;SQUARE(1e308){(0,0,1)}'::safety.grid);
SELECT cell_id, ST_AsText(geom) FROM safety.cells('SRID=32616;SQUARE(1e308){(0,0,1),(1,0,1)}'::safety.grid);
\echo :LAST_ERROR_SQLSTATE
SELECT ST_AsText(safety.cell_geom('SRID=32616;SQUARE(1e308){(0,0,1),(1,0,1)}'::safety.grid, 4294967296));
SELECT ST_AsText(safety.cell_geom('SRID=32616;SQUARE(1e308){(0,0,1),(1,0,1)}'::safety.grid, 0));
SELECT count(*) FROM (SELECT safety.grid_agg('SRID=32616;POINT(1.5e308 0)'::geometry, 1e308) AS g) s, safety.cells(s.g);
-- hexagons of 1e308: their height 2·s·cos 30° overflows (it said "j = -nan")
SELECT count(*) FROM (SELECT safety.hex_agg('SRID=32616;POINT(0 0)'::geometry, 1e308) AS g) s, safety.cells(s.g);
SELECT count(*) FROM safety.cells('SRID=32616;HEX(1e308){(0,0,1)}'::safety.grid);
SELECT count(*) FROM safety.gi_star('SRID=32616;SQUARE(1e308){(0,0,1),(0,1,3),(1,0,2),(1,1,5)}'::safety.grid, 1e308);
CREATE TEMP TABLE far AS SELECT 'SRID=32616;{(1.5e308,0,2016-01-01T00:00:00Z,,1,1),(0,0,2016-01-02T00:00:00Z,,1,2)}'::safety.events AS e;
SELECT count(*) FROM safety.forecast((SELECT e FROM far), '2016-02-01', 1e308, '7 days', 'counts');
SELECT count(*) FROM safety.forecast_tiers((SELECT e FROM far), '2016-02-01', 1e308, '7 days', 'counts');
SELECT count(*) FROM safety.risk_scores((SELECT e FROM far), '2016-02-01', 1e308);
-- and the zones of risk windows
SELECT count(*) FROM safety.repeat_windows((SELECT e FROM far), '2016-01-02', 1e308, 14);
SELECT count(*) FROM safety.repeat_windows((SELECT e FROM far), '2016-01-02', 1e308, 14, 'euclidean');

-- seed => -9223372036854775808: the view builder wrote -9223372036854775808::int8,
-- which is -(9223372036854775808::int8) ("bigint out of range")
SET client_min_messages = warning;
SELECT safety.create_near_repeat_view('hx_nr_seed', 'incidents', 'geom', 'occurred_at', 'id', '{100,200}', '{7,14}', 9,
       seed => -9223372036854775808, "window" => '1 year', as_of => '2018-07-01');
SELECT parameters->>'seed' AS seed FROM safety.views WHERE name = 'hx_nr_seed';
-- the seed reaches near_repeat unchanged: the view equals the direct call
SELECT count(*) AS rows, bool_and(v.observed = k.observed AND v.p_value = k.p_value) AS same_as_direct_call
FROM hx_nr_seed v JOIN safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents
  WHERE occurred_at <= '2018-07-01' AND occurred_at > timestamptz '2018-07-01' - interval '1 year'),
  '{100,200}', '{7,14}', 9, -9223372036854775808) k USING (distance_band, time_band);
SELECT * FROM safety.near_repeat_zone((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents WHERE occurred_at >= '2018-06-01'),
  '{100,200}', '{7,14}', 9, seed => -9223372036854775808);

-- every view builder under standard_conforming_strings = off (patterns
-- with backslashes in their bodies read otherwise: "parentheses () not balanced")
SET standard_conforming_strings = off;
SET escape_string_warning = off;
SELECT safety.create_hotspot_view('hx_hot', 'incidents', 'geom', 'occurred_at', 250, 600, '1 year',
       filter => 'offense ~ ''BURG''', as_of => '2018-07-01');
SELECT safety.create_near_repeat_view('hx_nr', 'incidents', 'geom', 'occurred_at', 'id', '{100,200}', '{7,14}', 9,
       "window" => '1 year', as_of => '2018-07-01');
SELECT safety.create_tier_view('hx_tier', 'incidents', 'geom', 'occurred_at', 'offense', 250, as_of => '2018-07-01');
-- their checks still answer, the called function's name stripped from its message
SELECT safety.create_tier_view('hx_bad', 'incidents', 'geom', 'occurred_at', 'id', 250);
SELECT safety.create_near_repeat_view('hx_bad', 'incidents', 'geom', 'occurred_at', 'id', '{100}', '{7}', -5);
SELECT safety.create_hotspot_view('hx_bad', 'incidents', 'id', 'occurred_at', 250, 600, '1 year');
CALL safety.refresh('hx_hot');
CALL safety.refresh('hx_nr');
CALL safety.refresh('hx_tier');
SELECT view, status, rows FROM safety.refresh_log WHERE view LIKE 'hx%' ORDER BY view;
RESET standard_conforming_strings;
RESET escape_string_warning;
-- the same contents as views made with the setting on
SELECT safety.create_hotspot_view('hx_hot_on', 'incidents', 'geom', 'occurred_at', 250, 600, '1 year',
       filter => 'offense ~ ''BURG''', as_of => '2018-07-01');
SELECT safety.create_tier_view('hx_tier_on', 'incidents', 'geom', 'occurred_at', 'offense', 250, as_of => '2018-07-01');
SELECT (SELECT count(*) FROM hx_hot) AS hot_cells,
       NOT EXISTS (SELECT cell_id, events, gi_z FROM hx_hot EXCEPT SELECT cell_id, events, gi_z FROM hx_hot_on) AS hot_same,
       (SELECT count(*) FROM hx_tier) AS tier_cells,
       NOT EXISTS (SELECT cell_id, tier, priority FROM hx_tier EXCEPT SELECT cell_id, tier, priority FROM hx_tier_on) AS tier_same,
       (SELECT count(*) FROM hx_nr) AS knox_rows;
SELECT safety.drop_view(name) FROM safety.views WHERE name LIKE 'hx%' ORDER BY name;
RESET client_min_messages;
-- back-tests over the whole range of times: stop - start wrapped ("shorter than the horizon")
SELECT min(origin), max(origin), count(*)
FROM safety.backtest((SELECT e FROM ev1990), 100, '1990-02-01', '294276-12-31', '10000 years', '10000 years', '{naive}', '{0.1}');
SELECT min(origin), max(origin), count(*)
FROM safety.tier_backtest((SELECT e FROM ev1990), 100, '1990-02-01', '294276-12-31', '10000 years', '10000 years', 'naive');

-- three message defects of forecasts
-- a window that is no interval: named for forecast, not a bare interval_in error
SELECT count(*) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', model => 'counts 28 apples');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM safety.backtest((SELECT e FROM ev1990), 100, '1990-02-01', '1990-03-01', models => '{naive,"kde 1 fortnight"}');
SELECT count(*) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', model => 'counts 99999999999 years');
-- spaces around the model and its window are ignored (a leading one gave 'unknown model ""')
SELECT m, (SELECT sum(expected) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', model => m)) AS expected
FROM unnest(ARRAY['counts 28 days', ' counts 28 days', '  counts   28 days  ', E'counts\t28 days', ' naive']) m;
SELECT count(*) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', model => '  ');
SELECT count(*) FROM safety.forecast((SELECT e FROM ev1990), '1990-03-01', 100, '7 days', model => ' magic 7 days');
-- a coverage error shows the value given ('NaN', not C's 'nan'; 1.1234567890123, not 1.12346)
SELECT count(*) FROM safety.backtest((SELECT e FROM ev1990), 100, '1990-02-01', '1990-03-01', coverages => '{0.01,NaN}');
SELECT count(*) FROM safety.backtest((SELECT e FROM ev1990), 100, '1990-02-01', '1990-03-01', coverages => '{-Infinity}');
SELECT count(*) FROM safety.backtest_summary((SELECT e FROM ev1990), 100, '1990-02-01', '1990-03-01', coverages => '{1.1234567890123}');
