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
