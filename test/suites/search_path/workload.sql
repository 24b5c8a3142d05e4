-- workload.sql — every public function of safety with valid arguments, every
-- view builder, refresh and refresh_all, hotspot_tile, and (for a role that
-- may write them) the configuration tables' triggers, run with the search
-- path :path (psql variable) by the connected role.  View names end in
-- :sfx, views go to schema :vschema; :config is on when the role may write
-- the configuration tables.
--
-- The statements here name nothing unqualified that a hostile schema could
-- shadow (operators as OPERATOR(pg_catalog.x), functions and types
-- qualified), so any hostile object that runs was reached through safety.
--
-- Run by the builders, the refresh and the trigger rather than directly:
-- safety._check_view_call safety._check_view_size safety._check_view_source
-- safety._check_view_target safety._check_view_window safety._create_view_relation
-- safety._default_rows_guard safety._hotspot_view_sql safety._near_repeat_view_sql
-- safety._source_column safety._tier_view_args safety._tier_view_sql
-- safety._view_as_of_sql safety._view_events_sql safety._view_geom_sql
-- safety._view_as_of safety._view_as_of_text safety._view_source_sql
-- safety._view_window_note safety._view_window_hint
-- safety._view_gi_star safety._view_min_count safety._view_relations
-- safety._emerging_view_sql safety._view_emerging_hotspots safety._register_view
-- safety._require_period safety._require_time_zone safety._period_bounds (period_change, trend)
-- safety._night_fraction safety._event_positions (night_share)
-- safety._check_view_areas safety._view_area_ranking safety._area_view_sql
-- safety._check_area_period safety._event_rows_at safety._area_period
-- safety._report_section safety._report_map safety._report_clock safety._report_chart
-- safety._report_cover safety._report_subset safety._report_cell_counts safety._report_periods
-- safety._report_row safety._report_num safety._report_p safety._report_list safety._report_text
-- safety._srid_unit (report; _report_html_escape, _report_text and _srid_unit also directly)
-- safety._report_default_strings (CREATE EXTENSION and the upgrade)
-- safety.events_agg_transfn safety.events_combine safety.grid_agg_transfn
-- safety.hex_agg_transfn safety.grid_combine safety.kde_agg_transfn
-- safety.kde_combine safety.kde_final safety.grid_agg_final safety.kde_hex_agg_transfn
-- Type I/O: safety.grid_in safety.grid_out safety.grid_send safety.grid_recv
-- safety.events_in safety.events_out safety.events_send safety.events_recv
-- (text casts below; binary through \copy ... (FORMAT binary), in the current directory).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET timezone = 'UTC';
-- parallel plans too (the aggregates' combine functions)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET search_path = :path;
\set hv hv_ :sfx
\set hf hf_ :sfx
\set nr nr_ :sfx
\set nrw nr_ :sfx _windows
\set tv tv_ :sfx
\set ev ev_ :sfx
\set av av_ :sfx
\set avt avt_ :sfx
\o /dev/null

-- inputs: half a year of the bundled burglaries
CREATE TEMP TABLE sp_inc AS SELECT i.id, i.offense, i.occurred_at, i.geom FROM public.incidents i
WHERE i.occurred_at OPERATOR(pg_catalog.>=) '2018-01-01' AND i.occurred_at OPERATOR(pg_catalog.<) '2018-07-01' AND i.geom IS NOT NULL;
CREATE TEMP TABLE sp_in AS SELECT
	safety.events_agg(geom, occurred_at) AS e0,
	safety.events_agg(geom, occurred_at, id) AS e,
	safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) AS ew,
	safety.events_agg(geom, occurred_at, occurred_at, id) AS ewin,
	safety.events_agg(geom, occurred_at, occurred_at, id, 2.0::pg_catalog.float8) AS ewin2,
	safety.grid_agg(geom, 250) AS g,
	safety.grid_agg(geom, 250, 2.0::pg_catalog.float8) AS gw,
	safety.hex_agg(geom, 150) AS h,
	safety.hex_agg(geom, 150, 2.0::pg_catalog.float8) AS hw,
	safety.kde_agg(geom, 250, 600) AS k1,
	safety.kde_agg(geom, 250, 600, 2.0::pg_catalog.float8) AS k2,
	safety.kde_agg(geom, 250, 600, 2.0::pg_catalog.float8, 'epanechnikov') AS k3,
	safety.kde_agg(geom, 250, 600, 'triangular') AS k4,
	safety.kde_hex_agg(geom, 150, 600) AS kh1,
	safety.kde_hex_agg(geom, 150, 600, 2.0::pg_catalog.float8) AS kh2,
	safety.kde_hex_agg(geom, 150, 600, 2.0::pg_catalog.float8, 'epanechnikov') AS kh3,
	safety.kde_hex_agg(geom, 150, 600, 'triangular') AS kh4,
	safety.place_impact(pg_catalog.min(geom)) AS impact
FROM sp_inc;
SELECT safety.grid_merge(g) FROM (SELECT g FROM sp_in UNION ALL SELECT gw FROM sp_in) s;

-- type I/O, text and binary
SELECT safety.grid_out(g), safety.events_out(e), safety.grid_send(g), safety.events_send(e) FROM sp_in;
CREATE TEMP TABLE sp_io AS SELECT g, e FROM sp_in;
INSERT INTO sp_io SELECT safety.grid_in(safety.grid_out(g)), safety.events_in(safety.events_out(e)) FROM sp_in;
\o
\copy sp_io TO 'search_path_io.bin' (FORMAT binary)
\copy sp_io FROM 'search_path_io.bin' (FORMAT binary)
\o /dev/null

-- grids and events
SELECT c.* FROM sp_in, safety.cells(g) c LIMIT 5;
SELECT safety.cell_geom(g, 1), safety.srid(g), safety.cell_size(g), safety.shape(h), safety.num_cells(g), safety.total(gw) FROM sp_in;
SELECT r.* FROM sp_in, safety.event_rows(ewin) r LIMIT 5;
SELECT safety.srid(e), safety.num_events(e) FROM sp_in;
SELECT safety.utm_srid('SRID=4326;POINT(-84.5 39.1)');

-- near repeats and repeats
SELECT k.* FROM sp_in, safety.near_repeat(e, '{100,200}', '{7,14}', permutations => 19) k;
SELECT z.* FROM sp_in, safety.near_repeat_zone(e, '{100,200}', '{7,14}', permutations => 19) z;
SELECT w.* FROM sp_in, safety.repeat_windows(e, '2018-06-20', 200, 14) w;
SELECT w.* FROM sp_in, safety.repeat_windows(e, '2018-06-20', '{100,200}', '{7,14}', permutations => 19) w;
SELECT r.* FROM sp_in, safety.repeats(e, 10) r LIMIT 5;
SELECT r.* FROM sp_in, safety.repeat_summary(e, 10) r;
SELECT r.* FROM sp_in, safety.repeat_gaps(e, 10) r;
SELECT safety.num_events(safety.collapse_duplicates(e, 10)) FROM sp_in;

-- hot spots
SELECT safety.kde_bandwidth(e), safety.num_cells(safety.kde(e, 250)), safety.per_km2(1e-6) FROM sp_in;
SELECT s.* FROM sp_in, safety.gi_star(g, 750) s LIMIT 5;
SELECT s.* FROM sp_in, safety.gi_star(g, 750, (SELECT public.ST_ConvexHull(public.ST_Collect(geom)) FROM sp_inc), fdr => true) s LIMIT 5;
-- areas (the cells of a coarse grid as districts) and local Moran's I on cells
CREATE TEMP TABLE sp_areas AS SELECT pg_catalog.array_agg(c.cell_id ORDER BY c.cell_id) AS ids,
	pg_catalog.array_agg(c.geom ORDER BY c.cell_id) AS geoms, pg_catalog.array_agg(c.value ORDER BY c.cell_id) AS x
FROM (SELECT safety.grid_agg(geom, 2000) AS g FROM sp_inc) s, safety.cells(s.g) c;
SELECT r.* FROM sp_areas, safety.gi_star_areas(ids, geoms, x) r LIMIT 5;
SELECT r.* FROM sp_areas, safety.gi_star_areas(ids, geoms, x, 'rook', fdr => true) r LIMIT 5;
SELECT r.* FROM sp_areas, safety.gi_star_areas(ids, geoms, x, 'distance', 3000) r LIMIT 5;
SELECT r.* FROM sp_areas, safety.local_moran_areas(ids, geoms, x, 'knn', k => 4, permutations => 99) r LIMIT 5;
SELECT r.* FROM sp_in, safety.local_moran(g, 750, permutations => 99) r LIMIT 5;
SELECT r.* FROM sp_in, sp_areas, safety.area_counts(e, ids, geoms) r;
SELECT r.area_id, safety.num_events(r.events) FROM sp_in, sp_areas, safety.area_events(e, ids, geoms) r;
SELECT r.* FROM sp_in, sp_areas, safety.area_counts(ew, ids, geoms, x) r;
-- area tiers and rankings (the cell counts as populations)
SELECT safety.rate_test(5, 1, 1, 3), safety.rate_test(10, 20), safety.rate_test(0, 0);
SELECT t.* FROM sp_in, sp_areas, safety.area_tiers(e, ids, geoms, '2018-06-01', 500) t LIMIT 5;
SELECT r.* FROM sp_in, sp_areas, safety.area_ranking(ewin, ids, geoms, '2018-05-01', '28 days', x, 500) r LIMIT 5;
SELECT r.* FROM sp_in, sp_areas, safety.area_ranking(e, ids, geoms, '2018-05-01') r LIMIT 5;
SELECT n.* FROM sp_in, safety.nni(e) n;
SELECT n.* FROM sp_in, safety.nni(e, 1e8) n;
SELECT o.* FROM sp_in, safety.optimized_hotspots(e) o LIMIT 5;
-- emerging hot spots (half a year: two-week steps)
SELECT c.* FROM sp_in, safety.space_time_cube(e, 500, '14 days', 1000) c LIMIT 5;
SELECT c.* FROM sp_in, safety.space_time_gi_star(e, 150, '14 days', 500, 1, shape => 'hexagon', fdr => true) c LIMIT 5;
SELECT h.* FROM sp_in, safety.emerging_hotspots(e, 500, '14 days', 1000,
	study_area => (SELECT public.ST_ConvexHull(public.ST_Collect(geom)) FROM sp_inc)) h LIMIT 5;

-- forecasts
SELECT f.* FROM sp_in, safety.forecast(e, '2018-06-01', 500) f LIMIT 5;
SELECT f.* FROM sp_in, safety.forecast(e, '2018-06-01', 500, model => 'counts', "window" => '28 days') f LIMIT 5;
SELECT f.* FROM sp_in, safety.forecast_fit(e, '2018-06-01', 500) f;
SELECT b.* FROM sp_in, safety.backtest(e, 500, '2018-06-01', '2018-06-15', models => '{naive,counts 28 days}', coverages => '{0.05}') b;
SELECT b.* FROM sp_in, safety.backtest_summary(e, 500, '2018-06-01', '2018-06-15', models => '{naive,counts 28 days}', coverages => '{0.05}') b;
SELECT b.* FROM sp_in, safety.calibrate(e, 500, '2018-06-01', '2018-06-15', models => '{default,naive}', coverages => '{0.05}') b;

-- patrol planning
SELECT p.* FROM safety.patrol_cover((SELECT pg_catalog.array_agg(geom) FROM sp_inc),
	(SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM sp_inc), 3, 500) p;
SELECT p.* FROM safety.patrol_cover((SELECT pg_catalog.array_agg(geom) FROM sp_inc),
	(SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM sp_inc), 2, 500,
	(SELECT pg_catalog.array_agg(geom) FROM (SELECT geom FROM sp_inc LIMIT 20) s), improve => false) p;
SELECT c.* FROM safety.patrol_cover_curve((SELECT pg_catalog.array_agg(geom) FROM sp_inc),
	(SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM sp_inc), 3, 500) c;
SELECT r.* FROM safety.response_coverage((SELECT pg_catalog.array_agg(geom) FROM sp_inc),
	(SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM sp_inc),
	(SELECT pg_catalog.array_agg(geom) FROM (SELECT geom FROM sp_inc LIMIT 3) s), 500) r LIMIT 5;
SELECT v.* FROM safety.shift_plan((SELECT pg_catalog.array_agg(id::pg_catalog.int8) FROM sp_inc),
	(SELECT pg_catalog.array_agg(geom) FROM sp_inc), (SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM sp_inc),
	'2018-07-01 14:00+00', hotspots => 3, hour_profile => (SELECT pg_catalog.array_agg(1.0::pg_catalog.float8) FROM pg_catalog.generate_series(1, 24)),
	time_zone => 'UTC') v;

-- when crime happens: profiles, change between periods, trends
SELECT a.* FROM sp_in, safety.aoristic(e, 'America/New_York', 'hour_of_day') a;
SELECT a.* FROM sp_in, safety.aoristic(e) a LIMIT 5;
SELECT p.* FROM sp_in, safety.period_change(e, '2018-07-15', 'month', 'America/New_York') p;
SELECT p.* FROM sp_in, safety.period_change(e, '2018-07-15', 'week', 'UTC', data_start => '2016-01-01') p;
SELECT t.* FROM sp_in, safety.trend(e, '2018-07-15', 'month', 12, 'America/New_York') t;
SELECT safety.rate_test(10, 3), safety.rate_test(10, 3, 2.0, 1.0);
SELECT m.* FROM safety.mann_kendall(ARRAY[1, 3, 2, 5, 4]::pg_catalog.float8[]) m;
SELECT n.* FROM sp_in, safety.night_share(e, 'America/New_York') n;
SELECT n.* FROM sp_in, safety.night_share(e, 'America/New_York', '20-6') n;
-- (the months of all three years: the collections above hold half a year)
SELECT s.* FROM safety.seasonal_indices((SELECT safety.events_agg(i.geom, i.occurred_at, i.id) FROM public.incidents i),
	'month_of_year', 'America/New_York') s;
SELECT s.* FROM safety.seasonal_expected((SELECT safety.events_agg(i.geom, i.occurred_at, i.id) FROM public.incidents i),
	'2018-12-10', 'month_of_year', 'America/New_York') s;
SELECT s.* FROM sp_in, safety.seasonal_indices(e, 'day_of_week', 'UTC', '2018-01-08', '2018-06-25') s;
SELECT s.* FROM sp_in, safety.seasonal_expected(e, '2018-06-20', 'day_of_week', 'UTC') s;

-- reports: the three reviews in one document, with areas
SELECT pg_catalog.length(safety.report(e, 'all', time_zone => 'America/New_York', title => 'a <b>', area_id => a.ids,
	area_geom => a.geoms, area_name => ARRAY(SELECT 'area ' OPERATOR(pg_catalog.||) i::pg_catalog.text FROM pg_catalog.unnest(a.ids) i)))
	OPERATOR(pg_catalog.>) 0 FROM sp_in, sp_areas a;
SELECT pg_catalog.length(safety.report(ew)) OPERATOR(pg_catalog.>) 0 FROM sp_in;
SELECT safety._report_html_escape('<&>');
SELECT safety._report_text('en', 'doc.meta', '1', '2', '3', '4', '5', '6', '7', 'm', '9'), safety._srid_unit(3735), safety._srid_unit(32616);
-- a language of its own, distances given
SELECT pg_catalog.length(safety.report(ew, 'weekly', repeat_bands => '{150,300}', repeat_days => '{10,20}', patrol_reach => 500,
	language => 'en')) OPERATOR(pg_catalog.>) 0 FROM sp_in;

-- tiers
SELECT safety.offense_weight('burglary'), safety.offense_weight('no such offense', 2);
SELECT safety.seasonal_p(5, 2), safety.seasonal_tier(5, 2, 0.1), safety.tier_from_gi(3), safety.tier_from_gi(2::pg_catalog.int2);
SELECT s.cell_id, safety.tier(s.z) OVER (), safety.tier(s.z, 'threshold', 2.58, 1.96, 1.65) OVER () FROM sp_in, safety.gi_star(g, 750) s;
SELECT r.* FROM sp_in, safety.risk_components(ew, '2018-06-01') r;
SELECT r.* FROM sp_in, safety.risk_scores(ew, '2018-06-01', 500) r LIMIT 5;
SELECT r.* FROM sp_in, safety.forecast_tiers(ew, '2018-06-01', 500) r LIMIT 5;
SELECT r.* FROM sp_in, safety.risk_tiers(ew, '2018-06-01', 500) r LIMIT 5;
SELECT r.* FROM sp_in, safety.tier_backtest(ew, 500, '2018-06-01', '2018-06-15', model => 'naive') r;
SELECT safety.record_tiers(:'sfx', ew, '2018-06-01', 500, model => 'naive') FROM sp_in;
SELECT safety.record_tiers(:'sfx', ew, '2018-06-08', 500, model => 'naive') FROM sp_in;
SELECT c.* FROM safety.tier_changes(:'sfx', '2018-06-01', '2018-06-08') c;

-- configuration tables and their trigger (roles that may write them)
\if :config
INSERT INTO safety.offense_weights (offense, weight, source) VALUES (:'sfx', 2, 'search_path suite');
UPDATE safety.offense_weights SET weight = 3 WHERE offense OPERATOR(pg_catalog.=) :'sfx';
UPDATE safety.offense_weights SET notes = notes WHERE offense OPERATOR(pg_catalog.=) 'theft';
DELETE FROM safety.offense_weights WHERE offense OPERATOR(pg_catalog.=) :'sfx';
BEGIN;
-- a user row replacing a shipped default (the trigger deletes the default)
INSERT INTO safety.offense_weights (offense, weight) VALUES ('THEFT', 6);
UPDATE safety.tier_policy SET lead = 'Neighbourhood inspector' WHERE tier OPERATOR(pg_catalog.=) 'orange';
UPDATE safety.tier_policy SET lead = lead WHERE tier OPERATOR(pg_catalog.=) 'red';
INSERT INTO safety.report_strings (lang, key, template) VALUES ('en', 'weekly.hot', 'Hot spots'), (:'sfx', 'weekly.hot', 'Hot spots');
UPDATE safety.report_strings SET template = 'Trend' WHERE lang OPERATOR(pg_catalog.=) 'en' AND key OPERATOR(pg_catalog.=) 'weekly.trend';
SELECT pg_catalog.length(safety.report(ew, 'weekly', language => :'sfx')) OPERATOR(pg_catalog.>) 0 FROM sp_in;
ROLLBACK;
\endif

-- views: create, refresh, tiles, catalog, drop
SELECT safety.check_expression('offense OPERATOR(pg_catalog.=) ''BURGLARY''');
SELECT safety._postgis_schema();
SELECT safety.create_hotspot_view(:'hv', 'public.incidents', 'geom', 'occurred_at', 250, 500, '90 days',
	schema => :'vschema', as_of => '2018-07-01', min_count => 1);
SELECT safety.create_hotspot_view(:'hf', 'public.incidents', 'geom', 'occurred_at', 250, 500, '90 days',
	filter => 'offense IS NOT NULL', schema => :'vschema', min_count => 1);
SELECT safety.create_near_repeat_view(:'nr', 'public.incidents', 'geom', 'occurred_at', 'id', '{100,200}', '{7,14}',
	permutations => 19, "window" => '60 days', schema => :'vschema', as_of => '2018-07-01', duplicates => 'collapse');
SELECT safety.create_tier_view(:'tv', 'public.incidents', 'geom', 'occurred_at', 'offense', 500, model => 'naive',
	schema => :'vschema', as_of => 'latest', min_count => 1);
SELECT safety.create_emerging_view(:'ev', 'public.incidents', 'geom', 'occurred_at', 500, '1 month', 1000, '1 year',
	schema => :'vschema', as_of => 'latest');
-- an area view over the 2 km cells as districts (a table: views cannot read temporary ones)
CREATE TABLE :"vschema".:"avt" AS SELECT c.cell_id AS area_id, c.geom, c.value AS residents
FROM (SELECT safety.grid_agg(geom, 2000) AS g FROM sp_inc) s, safety.cells(s.g) c;
SELECT safety.create_area_view(:'av', 'public.incidents', pg_catalog.format('%I.%I', :'vschema', :'avt')::pg_catalog.regclass,
	'geom', 'occurred_at', cell_size => 500, model => 'naive', population_column => 'residents',
	filter => 'offense IS NOT NULL', schema => :'vschema', as_of => 'latest');
SELECT safety._owns_view(:'vschema', :'hv'), safety._view_entry(:'hv', :'vschema');
-- also the insert policy of safety.views, for a role it binds
SELECT safety._owns_views(:'vschema', ARRAY[:'nr', :'nrw']::pg_catalog.name[]);
SELECT safety._view_relations(v) FROM safety.views v WHERE v.schema OPERATOR(pg_catalog.=) :'vschema';
CALL safety.refresh(:'hv', :'vschema');
CALL safety.refresh(:'nr', :'vschema');
CALL safety.refresh(:'tv', :'vschema');
CALL safety.refresh(:'ev', :'vschema');
CALL safety.refresh(:'av', :'vschema');
CALL safety.refresh_all();
-- tiles over Cincinnati at zoom 11 and 13
SELECT pg_catalog.length(safety.hotspot_tile(pg_catalog.format('%I.%I', :'vschema', :'hv')::pg_catalog.regclass, 11, 543, 781));
SELECT pg_catalog.length(safety.hotspot_tile(pg_catalog.format('%I.%I', :'vschema', :'hv')::pg_catalog.regclass, 13, 2172, 3126, 'cells'));
SELECT safety.drop_view(:'hv', :'vschema');
SELECT safety.drop_view(:'hf', :'vschema');
SELECT safety.drop_view(:'nr', :'vschema');
SELECT safety.drop_view(:'tv', :'vschema');
SELECT safety.drop_view(:'ev', :'vschema');
SELECT pg_catalog.length(safety.hotspot_tile(pg_catalog.format('%I.%I', :'vschema', :'av')::pg_catalog.regclass, 11, 543, 781, 'areas'));
SELECT safety.drop_view(:'av', :'vschema');
DROP TABLE :"vschema".:"avt";
\o
SELECT 'workload done' AS workload;
