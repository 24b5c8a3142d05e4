-- Reports: safety.report's HTML document checked as text — well-formed
-- enough, every section heading per kind, numbers of its tables against
-- plain SQL over incidents and against the functions it reports, a hostile
-- title escaped, and bad input.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET client_min_messages = warning;
SET timezone = 'UTC';
CREATE TEMP TABLE rep_ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
-- two areas: the west and east halves of the incidents' extent
CREATE TEMP TABLE rep_areas AS
SELECT a.id, a.name, ST_MakeEnvelope(CASE a.id WHEN 1 THEN x0 ELSE xm END, y0, CASE a.id WHEN 1 THEN xm ELSE x1 END, y1, 32616) AS geom
FROM (SELECT ST_XMin(b) - 1 AS x0, (ST_XMin(b) + ST_XMax(b)) / 2 AS xm, ST_XMax(b) + 1 AS x1, ST_YMin(b) - 1 AS y0, ST_YMax(b) + 1 AS y1
      FROM (SELECT ST_Extent(geom)::geometry AS b FROM incidents) x) b,
     (VALUES (1, 'West <side>'), (2, 'East & more')) a(id, name);
CREATE TEMP TABLE rep AS
SELECT k AS kind, safety.report(e, k) AS doc FROM rep_ev, unnest(ARRAY['weekly', 'monthly', 'quarterly']) k
UNION ALL
SELECT 'areas', safety.report(e, 'quarterly', '2019-01-01', area_id => (SELECT array_agg(id::int8 ORDER BY id) FROM rep_areas),
       area_geom => (SELECT array_agg(geom ORDER BY id) FROM rep_areas), area_name => (SELECT array_agg(name ORDER BY id) FROM rep_areas))
FROM rep_ev
UNION ALL
SELECT 'all', safety.report(e, 'all', '2018-07-01', title => '<script>alert(1)</script>') FROM rep_ev;

-- 1. well-formed enough: one document, balanced SVG, nothing from outside
SELECT kind, doc LIKE '<!DOCTYPE html>%' AS doctype,
       (length(doc) - length(replace(doc, '<html', ''))) / 5 AS html_tags,
       doc LIKE '%</body></html>' || E'\n' AS closed,
       (length(doc) - length(replace(doc, '<svg', ''))) / 4 = (length(doc) - length(replace(doc, '</svg>', ''))) / 6 AS svg_balanced,
       (length(doc) - length(replace(doc, '<table>', ''))) / 7 = (length(doc) - length(replace(doc, '</table>', ''))) / 8 AS tables_balanced,
       (length(doc) - length(replace(doc, '<section', ''))) / 8 AS sections,
       doc !~* 'http|src=|<script|url\(|NaN|Infinity' AS self_contained
FROM rep ORDER BY kind;
-- the data clock: 168 rects in each; the map: a path per study cell
SELECT kind, (SELECT array_agg((length(m[1]) - length(replace(m[1], '<rect', ''))) / 5)
              FROM regexp_matches(doc, '<g class="clock-cells" stroke="#ffffff" stroke-width="0.5">(.*?)</g>', 'g') m) AS clock_rects,
       (SELECT count(*) FROM regexp_matches(doc, '<svg class="map"', 'g')) AS maps,
       (SELECT (length(m[1]) - length(replace(m[1], '<path', ''))) / 5
        FROM regexp_matches(doc, '<g class="cells" stroke="#ffffff" stroke-width="0.5" vector-effect="non-scaling-stroke">(.*?)</g>') m) AS map_cells,
       (SELECT count(*) FROM regexp_matches(doc, '<polyline', 'g')) AS trend_charts
FROM rep ORDER BY kind;
SELECT count(*) AS study_cells FROM rep_ev, safety.risk_tiers(e, '2019-01-01', 250);

-- 2. the section headings of each kind
SELECT kind, array_agg(h ORDER BY n) AS headings
FROM rep, LATERAL regexp_matches(doc, '<h[23]>([^<]*)</h[23]>', 'g') WITH ORDINALITY AS m(h, n)
WHERE kind <> 'all' GROUP BY kind ORDER BY kind;
SELECT kind, array_agg(h ORDER BY n) AS headings
FROM rep, LATERAL regexp_matches(doc, '<h2>([^<]*)</h2>', 'g') WITH ORDINALITY AS m(h, n)
WHERE kind = 'all' GROUP BY kind;

-- 3. numbers against plain SQL: the week (Monday 24 December 2018 to
-- Monday 31 December), the month, the quarter and the year-ago quarter
SELECT substring(doc FROM '<h3>Incidents against the forecast</h3><table><tr>.*?</tr><tr><td>[^<]*</td><td>([0-9]+)</td>')::int8 AS weekly_in_report,
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at >= '2018-12-24' AND occurred_at < '2018-12-31') AS weekly_count
FROM rep WHERE kind = 'weekly';
SELECT substring(doc FROM '<h3>Incidents against the forecast</h3><table><tr>.*?</tr><tr><td>[^<]*</td><td>[^<]*</td><td>([0-9.]+)</td>')::numeric AS expected_in_report,
       (SELECT round(sum(expected)::numeric, 1) FROM rep_ev, safety.risk_tiers(e, '2018-12-24', 250)) AS expected_sum
FROM rep WHERE kind = 'weekly';
SELECT substring(doc FROM '<h3>Offense trends</h3><table><tr>.*?</tr><tr><td>[^<]*</td><td>([0-9]+)</td><td>([0-9]+)</td>')::int8 AS month_in_report,
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at >= '2018-12-01' AND occurred_at < '2019-01-01') AS month_count
FROM rep WHERE kind = 'monthly';
SELECT (regexp_match(doc, '<h3>Change against the same quarter a year earlier</h3><table><tr>.*?</tr><tr><td>([^<]*)</td><td>([0-9]+)</td><td>([0-9]+)</td>'))[1:3] AS quarter_in_report,
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at >= '2018-10-01' AND occurred_at < '2019-01-01') AS quarter_count,
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at >= '2017-10-01' AND occurred_at < '2018-01-01') AS year_ago_count
FROM rep WHERE kind = 'quarterly';
-- the top red cells against safety.risk_tiers at the as-of time
SELECT (SELECT array_agg(m[1]::int8 ORDER BY n) FROM regexp_matches(substring(doc FROM '<h4>Top red cells</h4><table>(.*?)</table>'),
          '<tr><td>([0-9]+)</td><td>red</td>', 'g') WITH ORDINALITY AS x(m, n))
       = (SELECT array_agg(cell_id ORDER BY rank, cell_id) FROM (SELECT * FROM rep_ev, safety.risk_tiers(e, '2019-01-01', 250)
          WHERE tier = 'red' ORDER BY rank, cell_id LIMIT 10) t) AS top_red_cells_match
FROM rep WHERE kind = 'weekly';
-- the busiest cell of the week against a count in plain SQL (cells as safety.cells)
WITH r AS (SELECT (regexp_match(doc, '<h3>Busiest cells of the week</h3><table><tr>.*?</tr><tr><td>([0-9]+)</td><td>([0-9]+)</td>'))[1:2] AS m
           FROM rep WHERE kind = 'weekly')
SELECT r.m[2]::int8 AS busiest_in_report,
       (SELECT count(*) FROM incidents WHERE occurred_at >= '2018-12-24' AND occurred_at < '2018-12-31'
          AND ST_Intersects(geom, (SELECT safety.cell_geom(safety.grid_agg(geom, 250), r.m[1]::int8) FROM incidents))) AS busiest_count,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM incidents WHERE geom IS NOT NULL AND occurred_at >= '2018-12-24' AND occurred_at < '2018-12-31'
          GROUP BY floor(ST_X(geom) / 250), floor(ST_Y(geom) / 250)) x) AS most_in_a_cell
FROM r;
-- the covered share of 10 posts against safety.patrol_cover_curve
SELECT substring(doc FROM '<h3>Patrol posts: covered share</h3>.*?<tr><td>10</td><td>([0-9.]+)</td>')::numeric AS cover10_in_report,
       (SELECT round((100 * c.share)::numeric, 1) FROM (SELECT array_agg(ST_Centroid(geom) ORDER BY rank, cell_id) AS d, array_agg(expected ORDER BY rank, cell_id) AS v
                                                       FROM rep_ev, safety.risk_tiers(e, '2019-01-01', 250)) a,
               safety.patrol_cover_curve(a.d, a.v, 20, 800) c WHERE c.k = 10) AS cover10
FROM rep WHERE kind = 'weekly';
-- the areas' ranking against plain SQL (both areas escaped)
SELECT regexp_matches(doc, '<tr><td>([0-9])</td><td>((?:West|East)[^<]*)</td><td>([0-9]+)</td><td>([0-9]+)</td>', 'g') AS area_rows
FROM rep WHERE kind = 'areas';
SELECT a.name, count(*) FILTER (WHERE i.occurred_at >= '2018-10-01' AND i.occurred_at < '2019-01-01') AS quarter,
       count(*) FILTER (WHERE i.occurred_at >= '2017-10-01' AND i.occurred_at < '2018-01-01') AS year_ago
FROM rep_areas a JOIN incidents i ON ST_Intersects(i.geom, a.geom)
GROUP BY a.id, a.name ORDER BY a.id;

-- 4. a hostile title appears escaped only
SELECT position('<script>' IN doc) = 0 AS no_script, doc LIKE '%<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>%' AS title_escaped,
       doc LIKE '%<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>%' AS heading_escaped
FROM rep WHERE kind = 'all';
SELECT safety._report_html_escape('<a href="x">Tom & Jerry''s</a>') AS escaped;

-- 5. bad input
SELECT safety.report(e, 'daily') FROM rep_ev;
SELECT safety.report(e, NULL) FROM rep_ev;
SELECT safety.report(e, 'weekly', '2015-06-01') FROM rep_ev;
SELECT safety.report(e, 'weekly', cell_size => 0) FROM rep_ev;
SELECT safety.report(e, 'weekly', time_zone => 'Mars/Olympus') FROM rep_ev;
SELECT safety.report(e, 'quarterly', area_id => '{1,2}', area_geom => ARRAY[ST_MakeEnvelope(0, 0, 1, 1, 32616)]) FROM rep_ev;
SELECT safety.report(e, 'quarterly', area_id => '{1}', area_geom => ARRAY[ST_MakeEnvelope(0, 0, 1, 1, 32616)], area_name => '{a,b}') FROM rep_ev;
SELECT safety.report(e, 'quarterly', area_geom => ARRAY[ST_MakeEnvelope(0, 0, 1, 1, 32616)]) FROM rep_ev;
-- a NULL collection is no input: NULL, whatever the other arguments
SELECT safety.report(NULL) IS NULL AS null_report, safety.report(NULL, 'daily', cell_size => -1) IS NULL AS null_report_bad_args;

-- 6. the texts: safety.report_strings, one row per language and key
SELECT count(*) AS en_keys, bool_and(is_default) AS all_default,
       count(*) = (SELECT count(*) FROM safety._report_default_strings()) AS all_shipped
FROM safety.report_strings WHERE lang = 'en';
SELECT c.cond AS dumped FROM pg_extension x, unnest(x.extconfig, x.extcondition) AS c(t, cond)
WHERE x.extname = 'safety' AND c.t = 'safety.report_strings'::regclass;
SELECT grantee, privilege_type FROM information_schema.role_table_grants
WHERE table_schema = 'safety' AND table_name = 'report_strings' AND grantee = 'PUBLIC';
SELECT safety._report_text('en', 'doc.meta', '1', '2', '3', '4', '5', '6', '7', 'm', '9') AS meta,
       safety._report_text('xx', 'th.change_pct') AS fallback;
SELECT safety._report_text('en', 'no.such.key');
-- the unit of a SRID: m, ft or other (the texts say m, ft, SRID units)
SELECT s, safety._srid_unit(s) AS unit FROM unnest(ARRAY[32616, 3857, 3735, 2263, 4326, 0, 999999]) s;

-- (a) a language of a few keys: its texts (reordered placeholders, plain
-- text escaped in a table header), English for the rest, <html lang="xx">
INSERT INTO safety.report_strings (lang, key, template) VALUES
  ('xx', 'weekly.heading', 'Woche %2$s zurück bis %1$s'),
  ('xx', 'th.incidents', 'Vorfälle & Co'),
  ('xx', 'label.dow1', 'Mo'),
  ('xx', 'label.unit_m', 'Meter'),
  ('xx', 'label.default_title', 'Bericht'),
  ('x"y', 'label.default_title', 'quoted');
CREATE TEMP TABLE rep_xx AS SELECT safety.report(e, 'weekly', '2019-01-01', language => 'xx') AS doc FROM rep_ev;
SELECT doc LIKE '<!DOCTYPE html>' || E'\n' || '<html lang="xx"><head><meta charset="utf-8"><title>Bericht</title>%' AS lang_xx,
       (regexp_match(doc, '<h2>([^<]*)</h2>'))[1] AS heading,
       (regexp_match(doc, '<h3>Incidents against the forecast</h3><table><tr><th>week</th><th>([^<]*)</th>'))[1] AS header_escaped,
       (SELECT count(*) FROM regexp_matches(doc, 'text-anchor="end">Mo</text>', 'g')) AS monday_labels,
       (SELECT count(*) FROM regexp_matches(doc, '>Mon<', 'g')) AS english_monday,
       (regexp_match(doc, '; ([0-9]+ Meter) cells\. Made by'))[1] AS unit_in_meta,
       (regexp_match(doc, 'within ([0-9]+ Meter) of k posts'))[1] AS unit_in_patrol,
       doc LIKE '%<h3>Busiest cells of the week</h3>%' AS english_fallback
FROM rep_xx;
-- the same document as in English but for those texts
SELECT replace(replace(replace(replace(replace(replace(x.doc, 'lang="xx"', 'lang="en"'), 'Bericht', 'Safety report'),
         'Vorfälle &amp; Co', 'incidents'), '>Mo<', '>Mon<'), '>Mo ', '>Mon '), 'Meter', 'm')
       = regexp_replace(w.doc, 'Weekly screening: week of ([0-9-]+) to ([0-9-]+)', 'Woche \2 zurück bis \1') AS rest_is_english
FROM rep_xx x, rep w WHERE w.kind = 'weekly';
-- the language tag is escaped in the attribute
SELECT substring(safety.report(e, 'weekly', '2019-01-01', language => 'x"y') FROM '<html[^>]*><head><meta charset="utf-8"><title>[^<]*') AS html_tag FROM rep_ev;
-- a user row replaces the shipped one of its language and key (and is dumped); rolled back
BEGIN;
INSERT INTO safety.report_strings (lang, key, template) VALUES ('en', 'weekly.busiest', 'Busiest cells');
UPDATE safety.report_strings SET template = template WHERE lang = 'en' AND key = 'weekly.hot';
UPDATE safety.report_strings SET template = 'Tier moves' WHERE lang = 'en' AND key = 'weekly.changes';
SELECT key, template, is_default FROM safety.report_strings WHERE lang = 'en' AND key IN ('weekly.busiest', 'weekly.hot', 'weekly.changes') ORDER BY key;
ROLLBACK;

-- (b) every text comes from the table: a pseudo-language whose templates are
-- the English ones between markers (placeholders kept); outside the tags, the
-- style and the markers (innermost first: texts nest) only numbers, dates,
-- signs and the data's own words (tier names, hot-spot categories, the tier
-- policy, area names) may be left.  A string left inline would show.
INSERT INTO safety.report_strings (lang, key, template)
SELECT 'zz', key, '⟦' || template || '⟧' FROM safety.report_strings WHERE lang = 'en';
CREATE TEMP TABLE rep_zz AS
SELECT 'all, areas' AS what, safety.report(e, 'all', '2019-01-01', area_id => (SELECT array_agg(id::int8 ORDER BY id) FROM rep_areas),
       area_geom => (SELECT array_agg(geom ORDER BY id) FROM rep_areas), area_name => (SELECT array_agg(name ORDER BY id) FROM rep_areas),
       language => 'zz') AS doc FROM rep_ev
UNION ALL
SELECT 'all', safety.report(e, 'all', '2018-07-01', language => 'zz') FROM rep_ev
UNION ALL
-- the notes: no tiers, no back-test, no events for the clock
SELECT 'all, early', safety.report(e, 'all', '2016-01-20', language => 'zz') FROM rep_ev;
CREATE FUNCTION pg_temp.rep_outside(doc text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t text := regexp_replace(regexp_replace(doc, '<style>.*?</style>', ' ', 'g'), '<[^>]*>', ' ', 'g');
	prev text;
BEGIN
	LOOP
		prev := t;
		t := regexp_replace(t, '⟦[^⟦⟧]*⟧', ' ', 'g');
		EXIT WHEN t = prev;
	END LOOP;
	RETURN regexp_replace(t, '&(#[0-9]+|[a-z]+);', ' ', 'g');
END $$;
CREATE TEMP TABLE rep_allowed AS
SELECT DISTINCT lower(w[1]) AS w FROM (
	SELECT enumlabel::text AS t FROM pg_enum WHERE enumtypid = 'safety.tier'::regtype
	UNION ALL SELECT unnest(ARRAY['new hot spot', 'consecutive hot spot', 'intensifying hot spot', 'persistent hot spot'])
	UNION ALL SELECT action || ' ' || respond_within::text FROM safety.tier_policy
	UNION ALL SELECT name FROM rep_areas) s, regexp_matches(s.t, '[A-Za-z]+', 'g') AS w;
SELECT z.what, position('⟦' IN z.doc) > 0 AS has_markers,
       (length(z.doc) - length(replace(z.doc, '⟦', ''))) = (length(z.doc) - length(replace(z.doc, '⟧', ''))) AS markers_balanced,
       (SELECT coalesce(array_agg(DISTINCT w.w ORDER BY w.w), '{}') FROM regexp_matches(pg_temp.rep_outside(z.doc), '[A-Za-z]+', 'g') AS m,
              LATERAL (SELECT lower(m[1]) AS w) w WHERE w.w NOT IN (SELECT w FROM rep_allowed)) AS words_not_from_table,
       (SELECT count(DISTINCT lower(m[1])) FROM regexp_matches(pg_temp.rep_outside(z.doc), '[A-Za-z]+', 'g') AS m) AS data_words
FROM rep_zz z ORDER BY z.what;
-- the check can fail: a heading written inline instead of from the table
SELECT (SELECT array_agg(DISTINCT lower(m[1]) ORDER BY lower(m[1])) FROM regexp_matches(pg_temp.rep_outside(
          replace(z.doc, '<h3>⟦Data clock⟧</h3>', '<h3>Data clock</h3>')), '[A-Za-z]+', 'g') AS m
        WHERE lower(m[1]) NOT IN (SELECT w FROM rep_allowed)) AS control_words
FROM rep_zz z WHERE z.what = 'all';
-- the keys these documents do not show: months but June and December, the
-- other units, and notes of data they do not have (a key added here and
-- never shown would be listed)
SELECT array_agg(s.key ORDER BY s.key) AS keys_not_seen
FROM safety.report_strings s
WHERE s.lang = 'en' AND NOT EXISTS (SELECT FROM rep_zz z WHERE position('⟦' || split_part(s.template, '%', 1) IN z.doc) > 0
                                                         OR position('⟦' || split_part(safety._report_html_escape(s.template), '%', 1) IN z.doc) > 0);
DELETE FROM safety.report_strings WHERE lang IN ('xx', 'zz', 'x"y');

-- (c) a language without texts
SELECT safety.report(e, language => 'qq') FROM rep_ev;
SELECT safety.report(e, language => NULL) FROM rep_ev;

-- (d) near-repeat bands and patrol reach: by default 0.4, 0.8, 1.6 and 3.2 x
-- cell_size; given, the texts and the numbers follow
CREATE TEMP TABLE rep_d AS
SELECT safety.report(e, 'weekly', '2019-01-01', repeat_bands => '{150,300}', repeat_days => '{10,20}', patrol_reach => 500) AS doc FROM rep_ev;
SELECT w.what, (regexp_match(w.doc, '<p>([0-9]+) risk windows are open at the as-of time \(safety.repeat_windows: the significant near-repeat zone of bands ([^)]*) days, 99'))[1:2] AS in_report,
       (SELECT count(*) FROM rep_ev, safety.repeat_windows(e, '2019-01-01', w.bands, w.days, 99, 1)) AS repeat_windows,
       (regexp_match(w.doc, 'expected events within ([^ ]+ [^ ]+) of k posts'))[1] AS patrol_text,
       substring(w.doc FROM '<h3>Patrol posts: covered share</h3>.*?<tr><td>10</td><td>([0-9.]+)</td>')::numeric AS cover10_in_report,
       (SELECT round((100 * c.share)::numeric, 1) FROM (SELECT array_agg(ST_Centroid(geom) ORDER BY rank, cell_id) AS d, array_agg(expected ORDER BY rank, cell_id) AS v
                                                       FROM rep_ev, safety.risk_tiers(e, '2019-01-01', 250)) a,
               safety.patrol_cover_curve(a.d, a.v, 20, w.reach) c WHERE c.k = 10) AS cover10
FROM (SELECT 'default' AS what, doc, '{100,200,400}'::float8[] AS bands, '{7,14,21,28}'::float8[] AS days, 800::float8 AS reach FROM rep WHERE kind = 'weekly'
      UNION ALL SELECT 'given', doc, '{150,300}', '{10,20}', 500 FROM rep_d) w
ORDER BY w.what;
SELECT safety.report(e, 'weekly', repeat_bands => '{400,100}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_bands => '{}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_bands => '{100,NULL}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_bands => '{{100,200}}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_bands => '{100,Infinity}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_days => '{7,7}') FROM rep_ev;
SELECT safety.report(e, 'weekly', repeat_days => '{0,7}') FROM rep_ev;
SELECT safety.report(e, 'weekly', patrol_reach => 'NaN') FROM rep_ev;
SELECT safety.report(e, 'weekly', patrol_reach => 0) FROM rep_ev;

-- (e) a collection in US survey feet (EPSG:3735, Ohio South): 820 ft cells,
-- bands 328, 656, 1312 ft, posts within 2624 ft
CREATE TEMP TABLE rep_ft AS
SELECT safety.events_agg(ST_Transform(geom, 3735), occurred_at, id) AS e FROM incidents;
CREATE TEMP TABLE rep_ft_doc AS SELECT safety.report(e, 'weekly', '2019-01-01', 820) AS doc FROM rep_ft;
SELECT (regexp_match(doc, '\(SRID ([0-9]+)\)'))[1] AS srid,
       (regexp_match(doc, '; ([^;]*) cells\. Made by'))[1] AS meta_cells,
       (regexp_match(doc, 'aria-label="Tiers at [^,]*, ([^;]*) cells;'))[1] AS map_cells,
       (regexp_match(doc, '<p>([0-9]+) risk windows are open at the as-of time \(safety.repeat_windows: the significant near-repeat zone of bands ([^)]*) days, 99'))[1:2] AS repeat_text,
       (SELECT count(*) FROM rep_ft, safety.repeat_windows(e, '2019-01-01', '{328,656,1312}', '{7,14,21,28}', 99, 1)) AS repeat_windows,
       (regexp_match(doc, 'expected events within ([^ ]+ [^ ]+) of k posts'))[1] AS patrol_text,
       doc !~ ' m cells| m of k posts|[0-9] m and ' AS no_metres
FROM rep_ft_doc;
