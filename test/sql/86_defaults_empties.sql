-- Empties and NULLs (docs/reference.md, "NULL and empty inputs"): a NULL
-- collection is no input for every function that takes one (no rows, or
-- NULL, never an error); a view whose window holds no events says so at
-- creation and refresh and notes it in safety.refresh_log; as_of => 'latest'
-- ends a view's window at the last event; risk_tiers far past the data says so.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';

-- 1. A NULL collection into every function that takes one: the result
-- checked against what "no input" means (0 rows, or NULL); an error fails
-- the query.  Other arguments are not looked at (as for STRICT), so even
-- a nonsense cell size gives no error.  For the areas functions the
-- collection is their three arrays: any of them NULL is no input.
CREATE TEMP TABLE nulls (fn text, result text);
INSERT INTO nulls VALUES
  ('cells', (SELECT count(*) FROM safety.cells(NULL))::text),
  ('cell_geom', (SELECT safety.cell_geom(NULL, 0) IS NULL)::text),
  ('srid(grid)', (SELECT safety.srid(NULL::safety.grid) IS NULL)::text),
  ('cell_size', (SELECT safety.cell_size(NULL) IS NULL)::text),
  ('shape', (SELECT safety.shape(NULL) IS NULL)::text),
  ('num_cells', (SELECT safety.num_cells(NULL) IS NULL)::text),
  ('total', (SELECT safety.total(NULL) IS NULL)::text),
  ('event_rows', (SELECT count(*) FROM safety.event_rows(NULL))::text),
  ('srid(events)', (SELECT safety.srid(NULL::safety.events) IS NULL)::text),
  ('num_events', (SELECT safety.num_events(NULL) IS NULL)::text),
  ('near_repeat', (SELECT count(*) FROM safety.near_repeat(NULL, '{100}', '{7}'))::text),
  ('near_repeat_zone', (SELECT safety.near_repeat_zone(NULL, '{100}', '{7}') IS NULL)::text),
  ('repeat_windows', (SELECT count(*) FROM safety.repeat_windows(NULL, '2018-07-01', 100, 7))::text),
  ('repeat_windows(bands)', (SELECT count(*) FROM safety.repeat_windows(NULL, '2018-07-01', '{100}'::float8[], '{7}'::float8[]))::text),
  ('repeats', (SELECT count(*) FROM safety.repeats(NULL))::text),
  ('repeat_summary', (SELECT safety.repeat_summary(NULL) IS NULL)::text),
  ('repeat_gaps', (SELECT count(*) FROM safety.repeat_gaps(NULL, 0))::text),
  ('collapse_duplicates', (SELECT safety.collapse_duplicates(NULL) IS NULL)::text),
  ('kde', (SELECT safety.kde(NULL::safety.events, 250) IS NULL)::text),
  ('kde_bandwidth', (SELECT safety.kde_bandwidth(NULL) IS NULL)::text),
  ('gi_star', (SELECT count(*) FROM safety.gi_star(NULL::safety.grid, 750))::text),
  ('gi_star(-1)', (SELECT count(*) FROM safety.gi_star(NULL::safety.grid, -1))::text),
  ('nni', (SELECT safety.nni(NULL::safety.events) IS NULL)::text),
  ('local_moran', (SELECT count(*) FROM safety.local_moran(NULL::safety.grid, 750))::text),
  ('local_moran(-1)', (SELECT count(*) FROM safety.local_moran(NULL::safety.grid, -1))::text),
  ('gi_star_areas', (SELECT count(*) FROM safety.gi_star_areas(NULL, NULL, NULL))::text),
  ('gi_star_areas(geom)', (SELECT count(*) FROM safety.gi_star_areas('{1,2,3}', NULL, '{1,2,3}', 'bishop'))::text),
  ('local_moran_areas', (SELECT count(*) FROM safety.local_moran_areas(NULL, NULL, NULL))::text),
  ('local_moran_areas(value)', (SELECT count(*) FROM safety.local_moran_areas('{1,2,3}', '{}', NULL, k => -1))::text),
  ('area_counts', (SELECT count(*) FROM safety.area_counts(NULL::safety.events, '{1}', '{}'))::text),
  ('area_events', (SELECT count(*) FROM safety.area_events(NULL::safety.events, '{1}', '{}'))::text),
  ('area_counts(geom)', (SELECT count(*) FROM safety.area_counts((SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now())), '{1}', NULL, '{-1}'))::text),
  ('area_tiers', (SELECT count(*) FROM safety.area_tiers(NULL, '{1}', '{}', now(), -1))::text),
  ('area_tiers(geom)', (SELECT count(*) FROM safety.area_tiers((SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now())), '{1}', NULL, now(), 250))::text),
  ('area_ranking', (SELECT count(*) FROM safety.area_ranking(NULL, '{1}', '{}', now(), '0 days'))::text),
  ('_area_period', (SELECT safety._area_period(NULL, now(), now()) IS NULL)::text),
  ('_event_rows_at', (SELECT count(*) FROM safety._event_rows_at(NULL))::text),
  ('area_ranking(geom)', (SELECT count(*) FROM safety.area_ranking((SELECT safety.events_agg('SRID=32616;POINT(0 0)'::geometry, now())), '{1}', NULL, NULL))::text),
  ('optimized_hotspots', (SELECT count(*) FROM safety.optimized_hotspots(NULL::safety.events))::text),
  ('space_time_cube', (SELECT count(*) FROM safety.space_time_cube(NULL::safety.events, 500, '1 month', 1000))::text),
  ('space_time_cube(-1)', (SELECT count(*) FROM safety.space_time_cube(NULL::safety.events, -1, '1 month', 1000))::text),
  ('space_time_gi_star', (SELECT count(*) FROM safety.space_time_gi_star(NULL::safety.events, 500, '1 month', 1000))::text),
  ('emerging_hotspots', (SELECT count(*) FROM safety.emerging_hotspots(NULL::safety.events, 500, '1 month', 1000))::text),
  ('emerging_hotspots(-1)', (SELECT count(*) FROM safety.emerging_hotspots(NULL::safety.events, 500, '-1 month', 1000))::text),
  ('_view_emerging_hotspots', (SELECT count(*) FROM safety._view_emerging_hotspots(NULL::safety.events, 500, '1 month', 1000, 1, NULL, NULL, true))::text),
  ('forecast', (SELECT count(*) FROM safety.forecast(NULL::safety.events, '2018-07-01', 250))::text),
  ('forecast(-1)', (SELECT count(*) FROM safety.forecast(NULL::safety.events, '2018-07-01', -1))::text),
  ('forecast_fit', (SELECT safety.forecast_fit(NULL::safety.events, '2018-07-01', 250) IS NULL)::text),
  ('backtest', (SELECT count(*) FROM safety.backtest(NULL::safety.events, 250, '2018-01-01', '2018-03-01'))::text),
  ('backtest_summary', (SELECT count(*) FROM safety.backtest_summary(NULL::safety.events, 250, '2018-01-01', '2018-03-01'))::text),
  ('calibrate', (SELECT count(*) FROM safety.calibrate(NULL::safety.events, 250, '2018-01-01', '2018-03-01'))::text),
  ('risk_components', (SELECT safety.risk_components(NULL::safety.events, '2018-07-01') IS NULL)::text),
  ('risk_scores', (SELECT count(*) FROM safety.risk_scores(NULL::safety.events, '2018-07-01', 250))::text),
  ('forecast_tiers', (SELECT count(*) FROM safety.forecast_tiers(NULL::safety.events, '2018-07-01', 250))::text),
  ('risk_tiers', (SELECT count(*) FROM safety.risk_tiers(NULL::safety.events, '2018-07-01', 250))::text),
  ('tier_backtest', (SELECT count(*) FROM safety.tier_backtest(NULL::safety.events, 250, '2018-01-01', '2018-03-01'))::text),
  ('aoristic', (SELECT count(*) FROM safety.aoristic(NULL::safety.events))::text),
  ('aoristic(bad)', (SELECT count(*) FROM safety.aoristic(NULL::safety.events, 'no such zone', 'no such bins'))::text),
  ('period_change', (SELECT count(*) FROM safety.period_change(NULL::safety.events, '2018-07-01'))::text),
  ('period_change(bad)', (SELECT count(*) FROM safety.period_change(NULL::safety.events, NULL, 'fortnight', 'no such zone'))::text),
  ('trend', (SELECT count(*) FROM safety.trend(NULL::safety.events, '2018-07-01'))::text),
  ('trend(bad)', (SELECT count(*) FROM safety.trend(NULL::safety.events, '2018-07-01', 'month', 1))::text),
  ('night_share', (SELECT count(*) FROM safety.night_share(NULL::safety.events, 'UTC'))::text),
  ('night_share(bad)', (SELECT count(*) FROM safety.night_share(NULL::safety.events, NULL, 'dusk'))::text),
  ('seasonal_indices', (SELECT count(*) FROM safety.seasonal_indices(NULL::safety.events))::text),
  ('seasonal_indices(bad)', (SELECT count(*) FROM safety.seasonal_indices(NULL::safety.events, 'hour_of_day', 'no such zone', 'infinity', '-infinity'))::text),
  ('seasonal_expected', (SELECT count(*) FROM safety.seasonal_expected(NULL::safety.events, '2018-07-01'))::text),
  ('seasonal_expected(bad)', (SELECT count(*) FROM safety.seasonal_expected(NULL::safety.events, NULL, 'week', 'no such zone'))::text),
  ('_event_positions', (SELECT count(*) FROM safety._event_positions(NULL::safety.events))::text),
  ('report', (SELECT safety.report(NULL) IS NULL)::text),
  ('report(bad)', (SELECT safety.report(NULL, 'daily', '-infinity', -1, 'no such zone', area_id => '{1,2}') IS NULL)::text),
  ('report(NULLs)', (SELECT safety.report(NULL, repeat_bands => NULL, repeat_days => NULL, patrol_reach => NULL, language => NULL) IS NULL)::text),
  ('report(bad bands)', (SELECT safety.report(NULL, repeat_bands => '{400,100}', repeat_days => '{{1}}', patrol_reach => -1, language => 'no such language') IS NULL)::text),
  ('_report_subset', (SELECT safety._report_subset(NULL, '2018-01-01', '2019-01-01') IS NULL)::text),
  ('_report_cell_counts', (SELECT count(*) FROM safety._report_cell_counts(NULL, 250, '2018-01-01', '2019-01-01'))::text),
  ('_report_clock', (SELECT safety._report_clock(NULL, 'UTC', 'x', 'en') IS NULL)::text),
  ('_report_section', (SELECT safety._report_section(NULL, 'weekly', '2018-07-01', 250, 'UTC', '2016-01-01',
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'en', 'm', '{100,200,400}', '{7,14,21,28}', 800) IS NULL)::text);
SELECT fn, result FROM nulls ORDER BY fn;
-- every function of the extension taking a collection is in the list above
-- (the aggregates' transition, combine and final functions, the types' I/O,
-- the internal _view_gi_star, _view_area_ranking and record_tiers, below, aside)
SELECT p.proname FROM pg_proc p
WHERE p.pronamespace = 'safety'::regnamespace
  AND p.proargtypes::oid[] && ARRAY['safety.events'::regtype, 'safety.grid'::regtype]::oid[]
  AND p.prokind = 'f'
  AND p.proname !~ '(_transfn|_combine|_final|_out|_send)$'
  AND p.proname NOT IN ('_view_gi_star', '_view_area_ranking', 'record_tiers')
  AND p.proname NOT IN (SELECT regexp_replace(fn, '\(.*$', '') FROM nulls)
ORDER BY 1;
SELECT count(*) AS _view_gi_star FROM safety._view_gi_star(NULL, 750, true);
-- an area view whose window holds no events lists every area with 0 (a
-- dashboard keeps its map); without areas it has no rows
SELECT count(*) AS areas, sum(events) AS events FROM safety._view_area_ranking(NULL,
	'{1,2}', ARRAY['SRID=32616;POLYGON((0 0,100 0,100 100,0 0))', 'SRID=32616;POLYGON((200 0,300 0,300 100,200 0))']::geometry[],
	NULL, '2020-01-01 00:00+00', '28 days', 250, 'default');
SELECT count(*) AS no_areas FROM safety._view_area_ranking(NULL, NULL, NULL, NULL, '2020-01-01 00:00+00', '28 days', 250, 'default');
-- a grid Gi* is undefined on (2 cells: SQLSTATE 22S01) gives a view no
-- z either; a bad argument (a distance of 0: 22023) is still an error
\set VERBOSITY sqlstate
SELECT count(*) AS two_cells FROM safety._view_gi_star(
	(SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(g * 100, 0), 32616), 100) FROM generate_series(1, 2) g), 150, false);
SELECT count(*) FROM safety._view_gi_star(
	(SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(g * 100, 0), 32616), 100) FROM generate_series(1, 5) g), 0, false);
SELECT count(*) FROM safety.gi_star(
	(SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(g * 100, 0), 32616), 100) FROM generate_series(1, 2) g), 150);
\set VERBOSITY default
-- an empty filter: the aggregate gives NULL, so the analysis gives no rows
SELECT count(*) AS empty_filter_gi_star
FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents WHERE false), 750);
SELECT count(*) AS empty_filter_forecast
FROM safety.forecast((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE false), '2018-07-01', 250);
SELECT count(*) AS empty_filter_aoristic
FROM safety.aoristic((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE false), 'UTC');
SELECT count(*) AS empty_filter_period_change
FROM safety.period_change((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE false), '2018-07-01', 'month', 'UTC');
SELECT count(*) AS empty_filter_seasonal_indices
FROM safety.seasonal_indices((SELECT safety.events_agg(geom, occurred_at) FROM incidents WHERE false), 'month_of_year', 'UTC');
-- record_tiers: NULL stores nothing and replaces no snapshot
SELECT safety.record_tiers('null-test', (SELECT safety.events_agg(geom, occurred_at, id) FROM incidents),
  '2018-07-01', 250) > 0 AS stored;
SELECT safety.record_tiers('null-test', NULL, '2018-07-01', 250) AS record_tiers_null;
SELECT count(*) > 0 AS snapshot_kept FROM safety.tier_history WHERE name = 'null-test';
DELETE FROM safety.tier_history WHERE name = 'null-test';

-- 2. A hotspot view with the default as_of (now() at each refresh) over
-- historical data: created and refreshed empty, with a NOTICE (its times are
-- those of now(), so the note is checked by pattern) and a log note; the
-- status stays ok.  The latest event, from plain SQL:
SELECT max(occurred_at) AS last_event FROM incidents;
SELECT safety.create_hotspot_view('de_now', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days');
CALL safety.refresh('de_now');
SELECT (SELECT count(*) FROM de_now) AS rows, l.status, l.rows AS logged_rows,
       l.note ~ ('^no events in the window \(.+, .+\]; the latest event of incidents is at '
                 || (SELECT max(occurred_at) FROM incidents)::text || '$') AS note_names_window_and_last_event,
       (regexp_match(l.note, '\]'))[1] IS NOT NULL AS has_window
FROM safety.refresh_log l WHERE l.view = 'de_now';
-- the NOTICE itself, with a window before the data (fixed times)
SET client_min_messages = notice;
SELECT safety.create_hotspot_view('de_early', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  as_of => '1990-01-01 00:00+00');
CALL safety.refresh('de_early');
-- a filter that no row passes
SELECT safety.create_hotspot_view('de_none', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  filter => $$offense = 'no such offense'$$, as_of => 'latest');
SET client_min_messages = warning;
SELECT view, status, rows, note FROM safety.refresh_log WHERE view = 'de_early' ORDER BY id;

-- 3. as_of => 'latest': the window ends at the last event (after the filter),
-- at each refresh; the same rows as the view built with that time by hand.
SET client_min_messages = notice;  -- no NOTICE below: these windows hold events
SELECT safety.create_hotspot_view('de_latest', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  min_count => 1, as_of => 'latest');
SELECT safety.create_hotspot_view('de_fixed', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  min_count => 1, as_of => (SELECT max(occurred_at) FROM incidents)::text);
-- positional notation: the 11th argument is as_of
SELECT safety.create_hotspot_view('de_pos', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  NULL, 'public', 1, 'latest');
-- positional 8th argument: still the filter
SELECT safety.create_hotspot_view('de_pos8', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days',
  $$offense = 'BURGLARY'$$, 'public', 1, 'latest');
SET client_min_messages = warning;
SELECT name, parameters -> 'as_of' AS as_of, parameters ->> 'filter' AS filter
FROM safety.views WHERE name LIKE 'de_%' ORDER BY name;
SELECT (SELECT count(*) FROM de_latest) AS latest_rows,
       (SELECT count(*) FROM ((TABLE de_latest EXCEPT TABLE de_fixed) UNION ALL (TABLE de_fixed EXCEPT TABLE de_latest)) d) AS differing_rows,
       (SELECT count(*) FROM ((TABLE de_latest EXCEPT TABLE de_pos) UNION ALL (TABLE de_pos EXCEPT TABLE de_latest)) d) AS differing_pos,
       (SELECT max(as_of) FROM de_latest) = (SELECT max(occurred_at) FROM incidents) AS ends_at_last_event;
-- the events of the window in plain SQL
SELECT (SELECT sum(events) FROM de_latest) =
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL
        AND occurred_at > (SELECT max(occurred_at) FROM incidents) - interval '28 days'
        AND occurred_at <= (SELECT max(occurred_at) FROM incidents)) AS window_events_match;
-- the filtered view ends at the last burglary
SELECT (SELECT max(as_of) FROM de_pos8) = (SELECT max(occurred_at) FROM incidents WHERE offense = 'BURGLARY') AS filtered_latest;
-- 'latest' follows the data at each refresh
CREATE TABLE de_src AS SELECT id, offense, occurred_at, geom FROM incidents WHERE occurred_at < '2018-07-01';
ALTER TABLE de_src ADD PRIMARY KEY (id);
SELECT safety.create_hotspot_view('de_follow', 'de_src', 'geom', 'occurred_at', 250, 500, '28 days', as_of => 'latest');
SELECT max(as_of) = (SELECT max(occurred_at) FROM de_src) AS before_insert FROM de_follow;
INSERT INTO de_src SELECT id, offense, occurred_at, geom FROM incidents WHERE occurred_at >= '2018-07-01';
CALL safety.refresh('de_follow');
SELECT max(as_of) = (SELECT max(occurred_at) FROM incidents) AS after_insert FROM de_follow;
-- the near-repeat and tier views take 'latest' too (same rows as by hand)
SELECT safety.create_near_repeat_view('de_nr_latest', 'incidents', 'geom', 'occurred_at', 'id', '{100,200}', '{7,14}',
  "window" => '90 days', as_of => 'latest');
SELECT safety.create_near_repeat_view('de_nr_fixed', 'incidents', 'geom', 'occurred_at', 'id', '{100,200}', '{7,14}',
  "window" => '90 days', as_of => (SELECT max(occurred_at) FROM incidents)::text);
SELECT (SELECT count(*) FROM de_nr_latest) AS nr_rows,
       (SELECT count(*) FROM ((TABLE de_nr_latest EXCEPT TABLE de_nr_fixed) UNION ALL (TABLE de_nr_fixed EXCEPT TABLE de_nr_latest)) d) AS nr_differing,
       (SELECT count(*) FROM ((TABLE de_nr_latest_windows EXCEPT TABLE de_nr_fixed_windows) UNION ALL (TABLE de_nr_fixed_windows EXCEPT TABLE de_nr_latest_windows)) d) AS windows_differing;
SELECT safety.create_tier_view('de_tv_latest', 'incidents', 'geom', 'occurred_at', 'offense', 500, model => 'naive', as_of => 'latest');
SELECT safety.create_tier_view('de_tv_fixed', 'incidents', 'geom', 'occurred_at', 'offense', 500, model => 'naive',
  as_of => (SELECT max(occurred_at) FROM incidents)::text);
SELECT (SELECT count(*) FROM de_tv_latest) AS tier_rows,
       (SELECT count(*) FROM ((TABLE de_tv_latest EXCEPT TABLE de_tv_fixed) UNION ALL (TABLE de_tv_fixed EXCEPT TABLE de_tv_latest)) d) AS tier_differing;
-- as_of that is neither 'latest' nor a time, or not finite
SELECT safety.create_hotspot_view('de_bad', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days', as_of => 'lately');
SELECT safety.create_hotspot_view('de_bad', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days', as_of => 'infinity');
-- a tier view at the default as_of: both notices, the tiers' and the view's
SET client_min_messages = notice;
SELECT safety.create_tier_view('de_tv_early', 'incidents', 'geom', 'occurred_at', 'offense', 500, model => 'naive',
  as_of => '2021-01-01 00:00+00');
SET client_min_messages = warning;

-- 4. risk_tiers far past the data: a NOTICE naming as_of and the last event.
-- Exactly a year after the last event cells still have events (and tiers);
-- a minute later none has.
SET client_min_messages = notice;
WITH e AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents)
SELECT count(*) AS cells, count(tier) AS tiered, sum(events) AS events_last_year
FROM e, safety.risk_tiers(e, (SELECT max(occurred_at) + interval '365 days' FROM incidents), 500);
WITH e AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents)
SELECT count(*) AS cells, count(tier) AS tiered, sum(events) AS events_last_year
FROM e, safety.risk_tiers(e, (SELECT max(occurred_at) + interval '365 days 1 minute' FROM incidents), 500);
-- the events of the last year [as_of - 365 days, as_of) in plain SQL, at both times
SELECT d, count(i.id) AS events_in_last_year
FROM (VALUES (interval '365 days'), (interval '365 days 1 minute')) v(d)
LEFT JOIN incidents i ON i.geom IS NOT NULL
  AND i.occurred_at >= (SELECT max(occurred_at) FROM incidents) + d - interval '365 days'
  AND i.occurred_at < (SELECT max(occurred_at) FROM incidents) + d
GROUP BY d ORDER BY d;
-- normal use says nothing
WITH e AS (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents)
SELECT count(tier) > 0 AS tiered FROM e, safety.risk_tiers(e, '2018-07-01', 500);
SET client_min_messages = warning;

SELECT safety.drop_view(name) FROM safety.views WHERE name LIKE 'de_%' ORDER BY name;
DROP TABLE de_src;
