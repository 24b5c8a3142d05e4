-- Defaults an analyst can trust (issue 13, items 2 and 3):
--   (a) a near-repeat zone of 0 m ("same location only") works downstream:
--       repeat_windows, create_near_repeat_view and refresh;
--   (b) events at the same place and the same time (one row per victim)
--       draw a NOTICE, and safety.collapse_duplicates gives the Knox table
--       and the repeats of the de-duplicated data;
--   (c) rows of one incident with one incident number as id and jittered
--       points (one row per offense) too: NOTICE, and collapsing equals the
--       data de-duplicated in plain SQL (DISTINCT ON the incident number);
--       a handful of copies (under 1% of the events) draws no NOTICE.
\i test/sql/include/incidents.sql
SET client_min_messages = notice;
\set SHOW_CONTEXT never
\set VERBOSITY default
SELECT setseed(0.82);

-- 40 addresses far apart, each hit 4 times 3 days apart (at distinct hours),
-- and 400 events scattered over 20 km x 20 km at random times of 2018
CREATE TABLE nr82 (id int8 PRIMARY KEY, occurred_at timestamptz NOT NULL, geom geometry(Point, 32616));
INSERT INTO nr82
SELECT a * 10 + k, '2018-01-01 00:00+00'::timestamptz + (a * 8 + k * 3) * interval '1 day' + (a % 7 + k) * interval '1 hour',
       ST_SetSRID(ST_MakePoint(700000 + (a % 8) * 2500, 4330000 + (a / 8) * 2500), 32616)
FROM generate_series(1, 40) a, generate_series(0, 3) k;
INSERT INTO nr82
SELECT 1000 + i, '2018-01-01 00:00+00'::timestamptz + floor(random() * 365 * 86400) * interval '1 second',
       ST_SetSRID(ST_MakePoint(700000 + floor(random() * 20000), 4330000 + floor(random() * 20000)), 32616)
FROM generate_series(1, 400) i;
CREATE TEMP TABLE ev82 AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM nr82;

-- (a) 1. the Knox table: only the same-location row is significant in the first time band
SELECT distance_band AS db, time_band AS tb, observed, round(knox_ratio::numeric, 2) AS ratio, significant
FROM safety.near_repeat((SELECT e FROM ev82), '{100,200,400}', '{7,14,21,28}', 199)
WHERE time_band = 0 ORDER BY 1;
-- the observed same-location pairs under 7 days, in plain SQL: 40 addresses x 5 pairs
SELECT count(*) AS same_location_pairs_under_7_days
FROM nr82 a JOIN nr82 b ON a.id < b.id AND a.geom ~= b.geom
WHERE abs(extract(epoch FROM a.occurred_at - b.occurred_at)) < 7 * 86400;

-- 2. the zone is 0 m (same location only), and days as the table says
SELECT * FROM safety.near_repeat_zone((SELECT e FROM ev82), '{100,200,400}', '{7,14,21,28}', 199);
WITH t AS (SELECT * FROM safety.near_repeat((SELECT e FROM ev82), '{100,200,400}', '{7,14,21,28}', 199))
SELECT (SELECT bool_and(significant) FROM t WHERE distance_band = 0 AND time_band <= 1)
       AND NOT (SELECT significant FROM t WHERE distance_band = 0 AND time_band = 2)
       AND NOT (SELECT significant FROM t WHERE distance_band = 1 AND time_band = 0) AS zone_0m_14d_by_the_table;

-- 3. repeat_windows with that zone: the windows open at as_of, each zone the event's point;
--    the same as plain SQL (events with occurred_at <= as_of < occurred_at + 14 x 24 hours;
--    not '14 days', which is 13 days 23 hours across the daylight saving change)
CREATE TEMP TABLE w82 AS
SELECT * FROM safety.repeat_windows((SELECT e FROM ev82), '2018-03-10 00:00+00', '{100,200,400}'::float8[], '{7,14,21,28}'::float8[], 199);
SELECT count(*) AS windows, count(*) FILTER (WHERE GeometryType(zone) = 'POINT') AS point_zones,
       count(DISTINCT zone) AS places FROM w82;
WITH mine AS (SELECT w.id, w.occurred_at, w.window_end, round(w.days_left::numeric, 6) AS days_left, ST_AsText(w.zone) AS zone FROM w82 w),
     plain AS (SELECT id, occurred_at, occurred_at + interval '336 hours',
                      round((extract(epoch FROM occurred_at + interval '336 hours' - '2018-03-10 00:00+00'::timestamptz) / 86400)::numeric, 6),
                      ST_AsText(geom)
               FROM nr82 WHERE occurred_at <= '2018-03-10 00:00+00' AND '2018-03-10 00:00+00' < occurred_at + interval '336 hours')
SELECT (SELECT count(*) FROM (TABLE mine EXCEPT TABLE plain) x) AS only_mine,
       (SELECT count(*) FROM (TABLE plain EXCEPT TABLE mine) x) AS only_plain;
-- the explicit overload takes distance 0 too, with the same rows; a negative distance is refused
SELECT count(*) AS same_rows FROM safety.repeat_windows((SELECT e FROM ev82), '2018-03-10 00:00+00', 0, 14) r
JOIN w82 w ON w.id = r.id AND ST_Equals(w.zone, r.zone) AND w.window_end = r.window_end;
SELECT ST_AsText(zone) FROM safety.repeat_windows((SELECT e FROM ev82), '2018-03-10 00:00+00', 0, 14, 'euclidean') ORDER BY id LIMIT 1;
SELECT * FROM safety.repeat_windows((SELECT e FROM ev82), '2018-03-10 00:00+00', -0.5, 14);

-- 4. the near-repeat views on such data: create, refresh, the same windows as
--    repeat_windows over the view's events (the year up to as_of), whose zone is 0 m too
SELECT safety.create_near_repeat_view('nr82_view', 'nr82', 'geom', 'occurred_at', 'id', '{100,200,400}', '{7,14,21,28}',
  permutations => 199, as_of => '2018-03-10 00:00+00');
CALL safety.refresh('nr82_view');
SELECT format_type(atttypid, atttypmod) AS zone_type FROM pg_attribute WHERE attrelid = 'nr82_view_windows'::regclass AND attname = 'zone';
CREATE TEMP TABLE vw82 AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM nr82
WHERE occurred_at > '2018-03-10 00:00+00'::timestamptz - interval '1 year' AND occurred_at <= '2018-03-10 00:00+00';
SELECT * FROM safety.near_repeat_zone((SELECT e FROM vw82), '{100,200,400}', '{7,14,21,28}', 199);
CREATE TEMP TABLE ww82 AS
SELECT * FROM safety.repeat_windows((SELECT e FROM vw82), '2018-03-10 00:00+00', '{100,200,400}'::float8[], '{7,14,21,28}'::float8[], 199);
SELECT (SELECT count(*) FROM nr82_view_windows) AS view_windows,
       (SELECT count(*) FROM nr82_view_windows WHERE GeometryType(zone) = 'POINT') AS point_zones,
       (SELECT count(*) FROM (SELECT id, window_end, ST_AsText(zone) FROM nr82_view_windows EXCEPT SELECT id, window_end, ST_AsText(zone) FROM ww82) x) AS only_view,
       (SELECT count(*) FROM (SELECT id, window_end, ST_AsText(zone) FROM ww82 EXCEPT SELECT id, window_end, ST_AsText(zone) FROM nr82_view_windows) x) AS only_function;
SELECT status, rows FROM safety.refresh_log WHERE view = 'nr82_view' ORDER BY id;

-- (b) one row per victim: every fourth event recorded twice or three times
CREATE TABLE nr82_victims AS
SELECT id * 10 + c AS id, occurred_at, geom FROM nr82, generate_series(0, 2) c
WHERE c = 0 OR (id % 4 = 0 AND c <= 1 + id % 3);
SELECT count(*) AS rows, count(DISTINCT (occurred_at, geom)) AS incidents FROM nr82_victims;
CREATE TEMP TABLE vev82 AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM nr82_victims;
-- the de-duplicated data, computed separately: one row per (place, time), the smallest id
CREATE TEMP TABLE dev82 AS
SELECT safety.events_agg(geom, occurred_at, id) AS e
FROM (SELECT DISTINCT ON (occurred_at, ST_AsEWKB(geom)) id, occurred_at, geom FROM nr82_victims
      ORDER BY occurred_at, ST_AsEWKB(geom), id) d;

-- 5. the NOTICE, from near_repeat and repeats
SELECT distance_band AS db, time_band AS tb, observed, round(knox_ratio::numeric, 2) AS ratio_with_copies
FROM safety.near_repeat((SELECT e FROM vev82), '{100,200,400}', '{7,14,21,28}', 99)
WHERE distance_band = 0 AND time_band = 0;
SELECT count(*) AS repeat_locations, sum(events) AS events FROM safety.repeats((SELECT e FROM vev82));
-- the copies' pairs in plain SQL: same point, same time
SELECT count(*) AS same_place_same_time_pairs
FROM nr82_victims a JOIN nr82_victims b ON a.id < b.id AND a.geom ~= b.geom AND a.occurred_at = b.occurred_at;

-- 6. collapsing gives the de-duplicated events, Knox table and repeats exactly (no NOTICE)
SELECT safety.num_events(safety.collapse_duplicates(e)) AS collapsed,
       safety.collapse_duplicates(e)::text = (SELECT e::text FROM dev82) AS same_events
FROM vev82;
CREATE TEMP TABLE k_collapsed AS
SELECT * FROM safety.near_repeat(safety.collapse_duplicates((SELECT e FROM vev82)), '{100,200,400}', '{7,14,21,28}', 99);
CREATE TEMP TABLE k_distinct AS
SELECT * FROM safety.near_repeat((SELECT e FROM dev82), '{100,200,400}', '{7,14,21,28}', 99);
SELECT (SELECT count(*) FROM k_collapsed) AS cells,
       (SELECT count(*) FROM (TABLE k_collapsed EXCEPT TABLE k_distinct) x) AS only_collapsed,
       (SELECT count(*) FROM (TABLE k_distinct EXCEPT TABLE k_collapsed) x) AS only_distinct;
SELECT observed, round(knox_ratio::numeric, 2) AS ratio_collapsed FROM k_collapsed WHERE distance_band = 0 AND time_band = 0;
WITH a AS (SELECT * FROM safety.repeats(safety.collapse_duplicates((SELECT e FROM vev82)))),
     b AS (SELECT * FROM safety.repeats((SELECT e FROM dev82)))
SELECT (SELECT count(*) FROM a) AS locations,
       (SELECT count(*) FROM (SELECT location_id, ST_AsText(geom), events, first_at, last_at, repeats_within, shortest_gap, median_gap FROM a
                              EXCEPT SELECT location_id, ST_AsText(geom), events, first_at, last_at, repeats_within, shortest_gap, median_gap FROM b) x) AS only_collapsed,
       (SELECT count(*) FROM (SELECT location_id, ST_AsText(geom), events, first_at, last_at, repeats_within, shortest_gap, median_gap FROM b
                              EXCEPT SELECT location_id, ST_AsText(geom), events, first_at, last_at, repeats_within, shortest_gap, median_gap FROM a) x) AS only_distinct;

-- 7. survivor and weight: the smallest id, the largest weight; a tolerance merges near copies
SELECT id, x, y, weight FROM safety.event_rows(safety.collapse_duplicates(
  'SRID=32616;{(5,5,2018-01-01T00:00:00Z,,1,9),(5,5,2018-01-01T00:00:00Z,,3,4),(5,5,2018-01-01T00:00:00Z,,2,),(6,5,2018-01-01T00:00:00Z,,1,2),(5,5,2018-01-02T00:00:00Z,,1,1)}'::safety.events)) ORDER BY id;
SELECT id, x, y, weight FROM safety.event_rows(safety.collapse_duplicates(
  'SRID=32616;{(5,5,2018-01-01T00:00:00Z,,1,9),(5,5,2018-01-01T00:00:00Z,,3,4),(5,5,2018-01-01T00:00:00Z,,2,),(6,5,2018-01-01T00:00:00Z,,1,2),(5,5,2018-01-02T00:00:00Z,,1,1)}'::safety.events, 1)) ORDER BY id;
SELECT safety.collapse_duplicates((SELECT e FROM ev82), -1);
SELECT safety.collapse_duplicates('SRID=4326;{(-84.5,39.1,2016-01-01T00:00:00Z,,1,1)}', 10);

-- 8. the views: duplicates => 'collapse' gives the de-duplicated table; 'keep' notices at refresh
SELECT safety.create_near_repeat_view('nr82_victims_view', 'nr82_victims', 'geom', 'occurred_at', 'id', '{100,200,400}', '{7,14,21,28}',
  "window" => '2 years', as_of => '2019-01-01 00:00+00', duplicates => 'collapse');
SELECT parameters ->> 'duplicates' AS duplicates FROM safety.views WHERE name = 'nr82_victims_view';
SELECT (SELECT count(*) FROM (SELECT distance_band, time_band, observed, expected, p_value FROM nr82_victims_view
                              EXCEPT SELECT distance_band, time_band, observed, expected, p_value FROM k_distinct) x) AS only_view,
       (SELECT count(*) FROM (SELECT distance_band, time_band, observed, expected, p_value FROM k_distinct
                              EXCEPT SELECT distance_band, time_band, observed, expected, p_value FROM nr82_victims_view) x) AS only_distinct;
SELECT safety.create_near_repeat_view('nr82_kept', 'nr82_victims', 'geom', 'occurred_at', 'id', '{100,200,400}', '{7,14,21,28}',
  "window" => '2 years', as_of => '2019-01-01 00:00+00');
CALL safety.refresh('nr82_kept');
SELECT safety.create_near_repeat_view('nr82_bad', 'nr82_victims', 'geom', 'occurred_at', 'id', '{100}', '{7}', duplicates => 'merge');

SELECT (SELECT count(*) FROM nr82_kept WHERE distance_band = 0 AND time_band = 0 AND observed = 695) AS kept_copies;
SELECT safety.drop_view('nr82_view'), safety.drop_view('nr82_victims_view'), safety.drop_view('nr82_kept');

-- (c) one row per offense, the incident number as id: every third incident
-- has one more row, every ninth two more, at its time but 40-170 m from its
-- first row, the other way for the second (never at one point: same place
-- and time cannot find them)
CREATE TABLE nr82_offenses AS
SELECT id * 10 + c AS row_id, id AS incident, occurred_at,
       CASE WHEN c = 0 THEN geom
            ELSE ST_Translate(geom, (CASE WHEN c = 1 THEN 1 ELSE -1 END) * (40 + (id * 37) % 131), (id * 11) % 23) END AS geom
FROM nr82, generate_series(0, 2) c
WHERE c = 0 OR (id % 3 = 0 AND c = 1) OR (id % 9 = 0 AND c = 2);
SELECT count(*) AS rows, count(DISTINCT incident) AS incidents,
       (SELECT count(*) FROM nr82_offenses a JOIN nr82_offenses b ON a.row_id < b.row_id AND a.occurred_at = b.occurred_at AND a.geom ~= b.geom) AS same_point_same_time_pairs,
       (SELECT round(min(ST_Distance(a.geom, b.geom))) FROM nr82_offenses a JOIN nr82_offenses b ON a.incident = b.incident AND a.row_id < b.row_id) AS closest_copies_m,
       (SELECT round(max(ST_Distance(a.geom, b.geom))) FROM nr82_offenses a JOIN nr82_offenses b ON a.incident = b.incident AND a.row_id < b.row_id) AS farthest_copies_m
FROM nr82_offenses;
CREATE TEMP TABLE oev82 AS SELECT safety.events_agg(geom, occurred_at, incident) AS e FROM nr82_offenses;
-- de-duplicated separately: one row per incident, the survivor's rule (earliest, then x, then y)
CREATE TEMP TABLE doev82 AS
SELECT safety.events_agg(geom, occurred_at, incident) AS e
FROM (SELECT DISTINCT ON (incident) incident, occurred_at, geom FROM nr82_offenses
      ORDER BY incident, occurred_at, ST_X(geom), ST_Y(geom)) d;

-- 9. with the row id the copies go unnoticed (no NOTICE); with the incident number, a NOTICE
SELECT observed, round(knox_ratio::numeric, 2) AS ratio_by_row
FROM safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, row_id) FROM nr82_offenses), '{100,200,400}', '{7,14,21,28}', 99)
WHERE distance_band = 1 AND time_band = 0;
CREATE TEMP TABLE k_offenses AS
SELECT * FROM safety.near_repeat((SELECT e FROM oev82), '{100,200,400}', '{7,14,21,28}', 99);
SELECT count(*) AS repeat_locations FROM safety.repeats((SELECT e FROM oev82), 200);

-- 10. collapsing: the events and the Knox table of the de-duplicated rows, exactly
SELECT safety.num_events(safety.collapse_duplicates(e)) AS collapsed,
       safety.collapse_duplicates(e)::text = (SELECT e::text FROM doev82) AS same_events
FROM oev82;
CREATE TEMP TABLE k_incident AS
SELECT * FROM safety.near_repeat(safety.collapse_duplicates((SELECT e FROM oev82)), '{100,200,400}', '{7,14,21,28}', 99);
CREATE TEMP TABLE k_incident_sql AS
SELECT * FROM safety.near_repeat((SELECT e FROM doev82), '{100,200,400}', '{7,14,21,28}', 99);
SELECT (SELECT count(*) FROM (TABLE k_incident EXCEPT TABLE k_incident_sql) x) AS only_collapsed,
       (SELECT count(*) FROM (TABLE k_incident_sql EXCEPT TABLE k_incident) x) AS only_distinct;
-- the first distance band (0 to 100 m) under 7 days before and after, and the
-- observed pairs after in plain SQL (manhattan, 0 < d < 100, |dt| < 7 days)
SELECT b.observed AS observed_with_copies, round(b.knox_ratio::numeric, 2) AS ratio_with_copies,
       a.observed AS observed_collapsed, round(a.knox_ratio::numeric, 2) AS ratio_collapsed,
       (SELECT count(*)
        FROM (SELECT DISTINCT ON (incident) incident, occurred_at, geom FROM nr82_offenses
              ORDER BY incident, occurred_at, ST_X(geom), ST_Y(geom)) i
        JOIN (SELECT DISTINCT ON (incident) incident, occurred_at, geom FROM nr82_offenses
              ORDER BY incident, occurred_at, ST_X(geom), ST_Y(geom)) j ON i.incident < j.incident
        WHERE abs(ST_X(i.geom) - ST_X(j.geom)) + abs(ST_Y(i.geom) - ST_Y(j.geom)) > 0
          AND abs(ST_X(i.geom) - ST_X(j.geom)) + abs(ST_Y(i.geom) - ST_Y(j.geom)) < 100
          AND abs(extract(epoch FROM i.occurred_at - j.occurred_at)) < 7 * 86400) AS observed_plain_sql
FROM k_offenses b JOIN k_incident a USING (distance_band, time_band)
WHERE distance_band = 1 AND time_band = 0;

-- 11. survivor across times: the earliest row of the incident, with the largest weight;
--     id 4 shares place and time with a row of id 3, so all four rows are one incident
SELECT id, x, y, occurred_from, weight FROM safety.event_rows(safety.collapse_duplicates(
  'SRID=32616;{(5,5,2018-01-02T00:00:00Z,,1,3),(80,5,2018-01-01T00:00:00Z,,2,3),(5,5,2018-01-03T00:00:00Z,,4,3),(5,5,2018-01-03T00:00:00Z,,1,4)}'::safety.events)) ORDER BY id;

-- 12. the view over the incident number: duplicates => 'collapse' gives the de-duplicated table
SELECT safety.create_near_repeat_view('nr82_offenses_view', 'nr82_offenses', 'geom', 'occurred_at', 'incident', '{100,200,400}', '{7,14,21,28}',
  "window" => '2 years', as_of => '2019-01-01 00:00+00', duplicates => 'collapse');
SELECT (SELECT count(*) FROM (SELECT distance_band, time_band, observed, expected, p_value FROM nr82_offenses_view
                              EXCEPT SELECT distance_band, time_band, observed, expected, p_value FROM k_incident_sql) x) AS only_view,
       (SELECT count(*) FROM (SELECT distance_band, time_band, observed, expected, p_value FROM k_incident_sql
                              EXCEPT SELECT distance_band, time_band, observed, expected, p_value FROM nr82_offenses_view) x) AS only_distinct;
SELECT safety.drop_view('nr82_offenses_view');
-- 13. the threshold: a NOTICE when the copies are at least 1% of the events;
--     560 incidents and 5 copies (0.88%): none; 6 copies of 566 (1.06%): a NOTICE
SELECT count(*) AS cells FROM safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM
  (SELECT id, occurred_at, geom FROM nr82 UNION ALL SELECT -id, occurred_at, geom FROM nr82 WHERE id BETWEEN 1001 AND 1005) s),
  '{100,200,400}', '{7,14,21,28}', 9);
SELECT count(*) AS cells FROM safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM
  (SELECT id, occurred_at, geom FROM nr82 UNION ALL SELECT -id, occurred_at, geom FROM nr82 WHERE id BETWEEN 1001 AND 1006) s),
  '{100,200,400}', '{7,14,21,28}', 9);
DROP TABLE nr82, nr82_victims, nr82_offenses;
