-- Areas as units for tiers, rankings and a dashboard view (issue #16 item
-- 3) on the Vancouver thefts and local areas: safety.area_ranking against
-- a plain ST_Intersects join per period, its p-values against R's
-- binom.test, safety.area_tiers against the cell forecast summed by hand;
-- an area view create -> refresh -> query -> refresh after inserts -> tiles
-- and GeoJSON -> drop; bad inputs.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
\set ECHO none
SET client_min_messages = warning;
\i scripts/load-vancouver.sql
\unset ON_ERROR_STOP
RESET client_min_messages;
\set ECHO all
SET client_min_messages = warning;
SET timezone = 'UTC';

-- the 2020 thefts and a third of them again a year earlier (so that the
-- year-earlier counts are not all 0), and the areas with made-up residents
CREATE TABLE va_thefts AS SELECT id, offense, occurred_at, geom FROM vancouver
UNION ALL SELECT id + 1000000, offense, occurred_at - interval '1 year', geom FROM vancouver WHERE id % 3 = 0;
ALTER TABLE va_thefts ADD PRIMARY KEY (id);
CREATE TABLE va_areas AS SELECT area_id, name, geom, (2000 + 1500 * area_id)::int AS residents FROM vancouver_areas;
ALTER TABLE va_areas ADD PRIMARY KEY (area_id);
CREATE TEMP TABLE arr AS
SELECT array_agg(area_id ORDER BY area_id) AS ids, array_agg(geom ORDER BY area_id) AS geoms,
       array_agg(residents::float8 ORDER BY area_id) AS pop FROM va_areas;
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM va_thefts;

-- 1. The ranking for the 28 days from 2020-11-03: counts against a plain
-- join, each theft in the lowest area_id it intersects (area_counts' rule),
-- in the period, the previous 28 days and the same 28 days of 2019.
CREATE TEMP TABLE rk AS
SELECT r.* FROM ev, arr, safety.area_ranking(e, ids, geoms, '2020-11-03 00:00+00', '28 days', pop, 250) r;
CREATE TEMP TABLE owner AS
SELECT t.id, t.occurred_at, min(a.area_id) AS area_id FROM va_thefts t JOIN va_areas a ON ST_Intersects(a.geom, t.geom)
GROUP BY t.id, t.occurred_at;
CREATE TEMP TABLE plain AS
SELECT a.area_id, ST_Area(a.geom) / 1e6 AS km2, a.residents,
  count(o.id) FILTER (WHERE o.occurred_at >= '2020-11-03 00:00+00' AND o.occurred_at < '2020-12-01 00:00+00') AS events,
  count(o.id) FILTER (WHERE o.occurred_at >= '2020-10-06 00:00+00' AND o.occurred_at < '2020-11-03 00:00+00') AS previous,
  count(o.id) FILTER (WHERE o.occurred_at >= '2019-11-03 00:00+00' AND o.occurred_at < '2019-12-01 00:00+00') AS year_before
FROM va_areas a LEFT JOIN owner o USING (area_id) GROUP BY a.area_id, a.geom, a.residents;
SELECT count(*) AS areas, count(r.area_id) AS ranked,
  count(*) FILTER (WHERE (r.events, r.previous, r.year_before) IS DISTINCT FROM (p.events, p.previous, p.year_before)) AS count_mismatches,
  count(*) FILTER (WHERE abs(r.area_km2 - p.km2) > 1e-9 OR abs(r.per_km2 - p.events / p.km2) > 1e-9
                      OR abs(r.per_1000 - 1000.0 * p.events / p.residents) > 1e-9) AS rate_mismatches,
  count(*) FILTER (WHERE r.previous_change IS DISTINCT FROM 100.0 * (p.events - p.previous) / nullif(p.previous, 0)
                      OR r.year_change IS DISTINCT FROM 100.0 * (p.events - p.year_before) / nullif(p.year_before, 0)) AS change_mismatches,
  sum(r.events) AS events, sum(r.previous) AS previous, sum(r.year_before) AS year_before
FROM plain p FULL JOIN rk r USING (area_id);
-- ranks: rank() by events and by events per km2 (ties share a rank)
SELECT count(*) FILTER (WHERE r.rank <> q.rank OR r.rate_rank <> q.rate_rank) AS rank_mismatches
FROM rk r JOIN (SELECT area_id, rank() OVER (ORDER BY events DESC) AS rank,
                       rank() OVER (ORDER BY events / km2 DESC) AS rate_rank FROM plain) q USING (area_id);
SELECT r.rank, r.rate_rank, a.name, r.events, r.previous, round(r.previous_change::numeric, 1) AS previous_change,
       r.year_before, round(r.year_change::numeric, 1) AS year_change, round(r.per_km2::numeric, 1) AS per_km2,
       round(r.expected::numeric, 1) AS expected, r.tier
FROM rk r JOIN va_areas a USING (area_id) ORDER BY r.rank, r.area_id;

-- 2. The p-values equal R's exact binomial test of the counts (two periods
-- of the same length: p = 1/2), to a relative 1e-9:
--   d <- read.csv("pairs.csv", header = FALSE)  # area_id, events, previous, year_before
--   for (i in seq_len(nrow(d))) cat(sprintf("(%d, %.17g, %.17g),\n", d$V1[i],
--     binom.test(d$V2[i], d$V2[i] + d$V3[i], 0.5)$p.value,
--     binom.test(d$V2[i], d$V2[i] + d$V4[i], 0.5)$p.value))
CREATE TEMP TABLE r_p (area_id bigint, previous_p float8, year_p float8);
INSERT INTO r_p VALUES
(1, 0.69003796577453591, 0.18924713134765619),
(2, 0.0040018422175688347, 7.0377884578238607e-29),
(3, 0.25587507954333033, 0.078353881835937569),
(4, 0.83831586963316673, 1.446133044799396e-07),
(5, 0.60980039762847782, 3.7727533063553119e-08),
(6, 0.29973169689703066, 0.00068556415637838534),
(7, 0.41907374251663587, 1.4836899336372326e-05),
(8, 0.86416624044068235, 0.075518697500228951),
(9, 1, 0.0008213953115046033),
(10, 0.62777090720036988, 1.2796062450772897e-06),
(11, 0.17024239504607452, 0.0001419706851990557),
(12, 0.52042219588170113, 5.4324207320765668e-07),
(13, 0.4868502416647969, 0.028959274291992181),
(14, 0.30440953807282112, 2.6359423041628462e-11),
(15, 1, 0.00047198674292303681),
(16, 0.5327092552361149, 0.010673840530216713),
(17, 0.16864291143970364, 9.2476999213886488e-06),
(18, 0.2258870706916952, 1.5920898226244442e-09),
(19, 0.026423520277147838, 0.00046000500864879087),
(20, 0.80431700019340124, 0.0028872479742858555),
(21, 0.013446039552138531, 2.4542952353265664e-13),
(22, 0.8919231511047504, 0.0029350556433200962);
SELECT count(*) AS compared,
  count(*) FILTER (WHERE abs(r.previous_p - q.previous_p) > 1e-9 * q.previous_p
                      OR abs(r.year_p - q.year_p) > 1e-9 * q.year_p) AS p_mismatches
FROM rk r JOIN r_p q USING (area_id);
-- the same test with unequal exposures (R: binom.test(5, 6, 1/4)$p.value,
-- poisson.test(c(10, 20))$p.value), and no events in either period: no p
SELECT abs(safety.rate_test(5, 1, 1, 3) - 0.0046386718749999991) < 1e-15 AS unequal_exposures,
       abs(safety.rate_test(10, 20) - 0.09873714670538894) < 1e-12 AS equal_exposures,
       safety.rate_test(0, 0) AS no_events, safety.rate_test(7, 7) AS same;

-- 3. Area tiers: the cell forecast at the period's end for the next 28
-- days, each cell's expected events in the area holding its centre (lowest
-- area_id), per km2 against the city's (every area) density.
CREATE TEMP TABLE at AS
SELECT t.* FROM ev, arr, safety.area_tiers(e, ids, geoms, '2020-12-01 00:00+00', 250, '28 days') t;
CREATE TEMP TABLE by_hand AS
WITH f AS (SELECT f.* FROM ev, safety.forecast(e, '2020-12-01 00:00+00', 250, '28 days') f WHERE f.expected > 0),
c AS (SELECT f.expected, (SELECT min(a.area_id) FROM va_areas a WHERE ST_Intersects(a.geom, ST_Centroid(f.geom))) AS area_id FROM f),
s AS (SELECT a.area_id, ST_Area(a.geom) / 1e6 AS km2, coalesce(sum(c.expected), 0) AS expected
      FROM va_areas a LEFT JOIN c USING (area_id) GROUP BY a.area_id, a.geom)
SELECT s.*, (s.expected / s.km2) / (SELECT sum(expected) / sum(km2) FROM s) AS ratio FROM s;
SELECT count(*) AS areas,
  count(*) FILTER (WHERE abs(t.expected - h.expected) > 1e-9 * greatest(h.expected, 1)
                      OR abs(t.ratio - h.ratio) > 1e-9) AS mismatches,
  count(*) FILTER (WHERE t.tier IS DISTINCT FROM CASE WHEN h.expected < 1 THEN NULL WHEN h.ratio >= 2 THEN 'red'
                   WHEN h.ratio >= 1.5 THEN 'orange' WHEN h.ratio >= 1 THEN 'yellow' END::safety.tier) AS tier_mismatches,
  round(sum(t.expected)::numeric, 6) = round((SELECT sum(expected) FROM ev, safety.forecast(e, '2020-12-01 00:00+00', 250, '28 days')
    f WHERE (SELECT bool_or(ST_Intersects(a.geom, ST_Centroid(f.geom))) FROM va_areas a))::numeric, 6) AS totals_agree
FROM at t FULL JOIN by_hand h USING (area_id);
SELECT t.tier, count(*) AS areas, round(min(t.ratio)::numeric, 2) AS min_ratio, round(max(t.ratio)::numeric, 2) AS max_ratio
FROM at t GROUP BY t.tier ORDER BY t.tier DESC NULLS LAST;
-- the ranking's tier is area_tiers' for the next period
SELECT count(*) FILTER (WHERE (r.expected, r.expected_per_km2, r.tier) IS DISTINCT FROM (t.expected, t.expected_per_km2, t.tier)) AS tier_mismatches
FROM rk r JOIN at t USING (area_id);
-- without cell_size no tiers; a NULL collection is no input
SELECT count(*) AS areas, count(tier) AS tiered FROM ev, arr, safety.area_ranking(e, ids, geoms, '2020-11-03 00:00+00') r;
SELECT count(*) FROM arr, safety.area_ranking(NULL, ids, geoms, '2020-11-03 00:00+00');
SELECT count(*) FROM arr, safety.area_tiers(NULL, ids, geoms, '2020-12-01 00:00+00', 250);

-- 4. An area view: the 28 days up to 2020-12-01, with residents; name from
-- the areas' "name" column
SELECT safety.create_area_view('va_dash', 'va_thefts', 'va_areas', 'geom', 'occurred_at',
  population_column => 'residents', as_of => '2020-12-01 00:00+00');
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'va_dash'::regclass AND attnum > 0 ORDER BY attnum;
SELECT indexdef FROM pg_indexes WHERE tablename = 'va_dash' ORDER BY 1;
SELECT schema, name, kind, source, parameters - 'areas' AS parameters,
       (parameters->>'areas')::oid::regclass AS areas FROM safety.views WHERE name LIKE 'va\_%';
SELECT obj_description('va_dash'::regclass);
-- the same rows as the direct call for the period [as_of - 28 days, as_of)
CREATE FUNCTION va_compare() RETURNS TABLE (view_rows bigint, direct_rows bigint, mismatches bigint)
LANGUAGE sql AS $$
  SELECT count(v.area_id), count(d.area_id),
    count(*) FILTER (WHERE (v.events, v.area_km2, v.per_km2, v.population, v.per_1000, v.previous, v.previous_change,
                            v.previous_p, v.year_before, v.year_change, v.year_p, v.rank, v.rate_rank, v.expected,
                            v.expected_per_km2, v.tier)
      IS DISTINCT FROM (d.events, d.area_km2, d.per_km2, d.population, d.per_1000, d.previous, d.previous_change,
                        d.previous_p, d.year_before, d.year_change, d.year_p, d.rank, d.rate_rank, d.expected,
                        d.expected_per_km2, d.tier)
      OR NOT ST_Equals(v.geom, a.geom) OR v.name IS DISTINCT FROM a.name)
  FROM va_dash v
  FULL JOIN (SELECT r.* FROM (SELECT safety.events_agg(geom, occurred_at) AS e FROM va_thefts
                              WHERE occurred_at <= '2020-12-01 00:00+00') g,
             (SELECT array_agg(area_id ORDER BY area_id) AS ids, array_agg(geom ORDER BY area_id) AS geoms,
                     array_agg(residents::float8 ORDER BY area_id) AS pop FROM va_areas) a,
             safety.area_ranking(g.e, a.ids, a.geoms, '2020-11-03 00:00+00', '28 days', a.pop, 250) r) d USING (area_id)
  LEFT JOIN va_areas a USING (area_id) $$;
SELECT * FROM va_compare();
SELECT rank, name, events, previous, year_before, round(per_1000::numeric, 2) AS per_1000, tier, period_start, period_end
FROM va_dash ORDER BY rank, area_id LIMIT 5;
CALL safety.refresh('va_dash');
SELECT view, status, rows, error, note FROM safety.refresh_log WHERE view LIKE 'va\_%' ORDER BY id;

-- new thefts: 40 in Downtown and 5 in Kitsilano in the period, 7 in
-- Downtown in the previous one; the refresh counts them, the rest stays
CREATE TEMP TABLE before_insert AS SELECT area_id, events, previous, year_before, rank FROM va_dash;
INSERT INTO va_thefts
SELECT 2000000 + g, 'Other Theft', '2020-11-20 12:00+00'::timestamptz, ST_PointOnSurface(a.geom) FROM va_areas a, generate_series(1, 40) g WHERE a.name = 'Downtown'
UNION ALL SELECT 2000100 + g, 'Other Theft', '2020-11-21 12:00+00'::timestamptz, ST_PointOnSurface(a.geom) FROM va_areas a, generate_series(1, 5) g WHERE a.name = 'Kitsilano'
UNION ALL SELECT 2000200 + g, 'Other Theft', '2020-10-10 12:00+00'::timestamptz, ST_PointOnSurface(a.geom) FROM va_areas a, generate_series(1, 7) g WHERE a.name = 'Downtown';
SELECT count(*) AS unchanged_before_refresh FROM va_dash v JOIN before_insert b USING (area_id, events, previous);
CALL safety.refresh('va_dash');
SELECT a.name, v.events - b.events AS new_events, v.previous - b.previous AS new_previous, v.year_before - b.year_before AS new_year_before
FROM va_dash v JOIN before_insert b USING (area_id) JOIN va_areas a USING (area_id)
WHERE (v.events, v.previous, v.year_before) IS DISTINCT FROM (b.events, b.previous, b.year_before) ORDER BY a.name;
SELECT * FROM va_compare();
SELECT view, status, rows FROM safety.refresh_log WHERE view LIKE 'va\_%' ORDER BY id;

-- map tiles (every column but geom a property) and GeoJSON (PostGIS's
-- ST_AsGeoJSON of the rows, in WGS 84)
SELECT length(safety.hotspot_tile('va_dash', 12, 646, 1401)) > 0 AS tile_has_features,
       length(safety.hotspot_tile('va_dash', 12, 0, 0)) AS empty_tile;
SELECT json_array_length(fc->'features') AS features, fc->'features'->0->'properties'->>'name' AS first_name,
       fc->'features'->0->'geometry'->>'type' AS type
FROM (SELECT json_build_object('type', 'FeatureCollection',
             'features', json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json ORDER BY t.rank, t.area_id)) AS fc
      FROM (SELECT area_id, name, events, previous_change, rank, tier, ST_Transform(geom, 4326) AS geom FROM va_dash) t) s;

-- 'latest': the period ends at the midnight after the last theft; no
-- cell_size: no tiers; an explicit name column
SELECT safety.create_area_view('va_latest', 'va_thefts', 'va_areas', 'geom', 'occurred_at', '7 days',
  cell_size => NULL, area_name_column => 'name', as_of => 'latest');
SELECT count(*) AS areas, count(tier) AS tiered, sum(events) AS events, min(period_start) AS period_start, min(period_end) AS period_end
FROM va_latest;
SELECT count(*) AS thefts FROM va_thefts WHERE occurred_at >= '2020-12-26 00:00+00' AND occurred_at < '2021-01-02 00:00+00'
  AND EXISTS (SELECT FROM va_areas a WHERE ST_Intersects(a.geom, va_thefts.geom));
CALL safety.refresh_all();
SELECT view, count(*) AS refreshes, bool_and(status = 'ok') AS ok FROM safety.refresh_log WHERE view LIKE 'va\_%' GROUP BY view ORDER BY view;

-- 5. Bad inputs
SELECT safety.create_area_view('va_dash', 'va_thefts', 'va_areas', 'geom', 'occurred_at');
SELECT safety.create_area_view('va_x', 'va_thefts', 'no_such_areas', 'geom', 'occurred_at');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', area_id_column => 'district');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', area_id_column => 'name');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', area_geom_column => 'residents');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', area_name_column => 'title');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', population_column => 'name');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', '0 days');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', '-7 days');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', cell_size => 0);
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', model => 'magic');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'geom', 'occurred_at', as_of => 'soon');
SELECT safety.create_area_view(NULL, 'va_thefts', 'va_areas', 'geom', 'occurred_at');
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas', 'location', 'occurred_at');
CREATE VIEW va_areas_wgs84 AS SELECT area_id, name, ST_Transform(geom, 4326)::geometry(MultiPolygon, 4326) AS geom FROM va_areas;
SELECT safety.create_area_view('va_x', 'va_thefts', 'va_areas_wgs84', 'geom', 'occurred_at');
SELECT count(*) AS views_after_errors FROM safety.views WHERE name LIKE 'va\_%';
SELECT safety.area_ranking(e, ids, geoms, '2020-11-03 00:00+00', '0 days') FROM ev, arr;
SELECT safety.area_ranking(e, ids, geoms, NULL, '28 days') FROM ev, arr;
SELECT safety.area_ranking(e, ids, geoms, 'infinity', '28 days') FROM ev, arr;
SELECT safety.area_ranking(e, ids, geoms[1:3], '2020-11-03 00:00+00') FROM ev, arr;
SELECT safety.area_tiers(e, ids, geoms, '2020-12-01 00:00+00', -1) FROM ev, arr;
SELECT safety.rate_test(-1, 3);
SELECT safety.rate_test(1, 3, 0, 1);

-- 6. row-level security on the source holds: the view reads as its owner,
-- who sees bicycle thefts only; without SELECT on the areas no view
CREATE TABLE va_secret AS SELECT * FROM va_thefts;
ALTER TABLE va_secret ENABLE ROW LEVEL SECURITY;
CREATE ROLE regress_safety_area_analyst;
CREATE SCHEMA va_analyst AUTHORIZATION regress_safety_area_analyst;
GRANT SELECT ON va_secret TO regress_safety_area_analyst;
CREATE POLICY bicycles_only ON va_secret FOR SELECT TO regress_safety_area_analyst USING (offense = 'Theft of Bicycle');
SET ROLE regress_safety_area_analyst;
SELECT safety.create_area_view('va_rls', 'va_secret', 'va_areas', 'geom', 'occurred_at', cell_size => NULL,
  schema => 'va_analyst', as_of => '2020-12-01 00:00+00');
RESET ROLE;
GRANT SELECT ON va_areas TO regress_safety_area_analyst;
SET ROLE regress_safety_area_analyst;
SELECT safety.create_area_view('va_rls', 'va_secret', 'va_areas', 'geom', 'occurred_at', cell_size => NULL,
  schema => 'va_analyst', as_of => '2020-12-01 00:00+00');
RESET ROLE;
CALL safety.refresh('va_rls');   -- by a superuser: the query still runs as the owner
SELECT (SELECT sum(events) FROM va_analyst.va_rls) AS view_events,
       (SELECT count(*) FROM owner o JOIN va_thefts t USING (id) WHERE t.offense = 'Theft of Bicycle'
          AND o.occurred_at >= '2020-11-03 00:00+00' AND o.occurred_at < '2020-12-01 00:00+00') AS bicycle_thefts,
       (SELECT sum(events) FROM rk) AS all_thefts;
SET ROLE regress_safety_area_analyst;
SELECT safety.drop_view('va_rls');
RESET ROLE;
DROP SCHEMA va_analyst CASCADE;
DROP TABLE va_secret;
REVOKE ALL ON va_areas FROM regress_safety_area_analyst;
DROP ROLE regress_safety_area_analyst;

-- 7. drop: the views, their entries; the history stays
SELECT safety.drop_view('va_dash');
SELECT safety.drop_view('va_latest');
SELECT count(*) AS views, (SELECT count(*) FROM safety.refresh_log WHERE view LIKE 'va\_%') AS log_rows,
       to_regclass('va_dash') IS NULL AS dropped FROM safety.views WHERE name LIKE 'va\_%';
DROP VIEW va_areas_wgs84;
DROP FUNCTION va_compare();
DROP TABLE va_thefts, va_areas;
