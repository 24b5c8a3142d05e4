-- safety.repeat_windows: which risk windows are open at a moment, and the
-- zone each covers; the overload that takes its zone from near_repeat.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ

CREATE TEMP TABLE hand AS SELECT 'SRID=32616;{(1000,2000,2016-01-01T00:00:00Z,,1,1),(1500,2000,2016-01-10T00:00:00Z,,1,2),
  (3000,3000,2016-01-14T12:00:00Z,,1,3),(0,0,2016-01-20T00:00:00Z,,1,4),(50,50,2016-01-12T00:00:00Z,2016-01-16T00:00:00Z,1,)}'::safety.events AS e;
-- as of 2016-01-15 00:00 with 14 days: event 1 (window ended 01-15 00:00, end excluded) is closed,
-- 2 and 3 are open, 4 is in the future, the unnamed one counts at its midpoint 01-14 00:00
SELECT id, occurred_at, window_end, days_left, ST_AsText(zone) AS zone
FROM safety.repeat_windows((SELECT e FROM hand), '2016-01-15 00:00+00', 200, 14) ORDER BY occurred_at;
-- the window starts at the event itself
SELECT id FROM safety.repeat_windows((SELECT e FROM hand), '2016-01-20 00:00+00', 200, 0.5);
SELECT id FROM safety.repeat_windows((SELECT e FROM hand), '2016-01-19 23:59:59.999999+00', 200, 0.5);
-- euclidean zones: a 64-gon inscribed in the circle of radius distance
SELECT id, ST_NPoints(zone) AS points, round(ST_Area(zone)::numeric, 3) AS area,
       round((0.5 * 64 * 200 * 200 * sin(2 * pi() / 64))::numeric, 3) AS area_of_64_gon,
       ST_Equals(ST_Centroid(zone), 'SRID=32616;POINT(1500 2000)') OR
         ST_Distance(ST_Centroid(zone), 'SRID=32616;POINT(1500 2000)') < 1e-9 AS centred,
       ST_SRID(zone) AS srid, ST_IsValid(zone) AS valid
FROM safety.repeat_windows((SELECT e FROM hand), '2016-01-15 00:00+00', 200, 14, 'euclidean') WHERE id = 2;
-- the diamond is the set |dx| + |dy| <= distance (boundary included)
SELECT p, ST_Covers(w.zone, ST_SetSRID(p::geometry, 32616)) AS covered,
       abs(ST_X(p::geometry) - 1500) + abs(ST_Y(p::geometry) - 2000) AS manhattan
FROM safety.repeat_windows((SELECT e FROM hand), '2016-01-15 00:00+00', 200, 14) w,
     unnest(ARRAY['POINT(1700 2000)', 'POINT(1600 2100)', 'POINT(1600 2100.001)', 'POINT(1500 1800)',
                  'POINT(1399 2000)', 'POINT(1360 1940)', 'POINT(1360 1939)']) p
WHERE w.id = 2 ORDER BY p;

-- the bundled data as of its last day: windows of 200 m / 14 days open then
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
SELECT count(*) AS open_windows,
       (SELECT count(*) FROM incidents WHERE geom IS NOT NULL AND occurred_at <= '2018-12-31 23:59:59+00'
          AND '2018-12-31 23:59:59+00' < occurred_at + interval '14 days') AS plain_sql,
       min(days_left) > 0 AND max(days_left) <= 14 AS days_left_in_range,
       bool_and(window_end = occurred_at + interval '14 days') AS ends_14_days_later,
       bool_and(ST_Area(zone) = 2 * 200 * 200) AS diamond_areas
FROM safety.repeat_windows((SELECT e FROM ev), '2018-12-31 23:59:59+00', 200, 14);
-- every open window belongs to an incident at the centre of its zone
SELECT count(*) AS mismatched
FROM safety.repeat_windows((SELECT e FROM ev), '2018-12-31 23:59:59+00', 200, 14) w
JOIN incidents i ON i.id = w.id
WHERE i.occurred_at <> w.occurred_at OR ST_Distance(ST_Centroid(w.zone), i.geom) > 1e-6;

-- the zone from near_repeat: on the bundled data 100/200/400 m x 7/14/21/28
-- days, rows 1-3 are significant in the first week and the 100-200 m row
-- is not in the second, so the zone is 400 m and 7 days
SELECT * FROM safety.near_repeat_zone((SELECT e FROM ev), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28]);
SELECT count(*) AS open_windows,
       count(*) = (SELECT count(*) FROM safety.repeat_windows((SELECT e FROM ev), '2018-12-31 23:59:59+00', 400, 7)) AS same_as_400m_7d
FROM safety.repeat_windows((SELECT e FROM ev), '2018-12-31 23:59:59+00', ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28]);
-- with stricter thresholds the zone shrinks; with none significant there are no rows
SELECT * FROM safety.near_repeat_zone((SELECT e FROM ev), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], min_ratio => 2);
SELECT (safety.near_repeat_zone((SELECT e FROM ev), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], min_ratio => 100)).distance IS NULL AS no_zone;
SELECT count(*) AS rows_without_zone FROM safety.repeat_windows((SELECT e FROM ev), '2018-12-31 23:59:59+00',
       ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], min_ratio => 100);
-- the rule in plain SQL over the near_repeat table (same seed): the run of
-- rows starts at row 0 if its first-week cell is significant, else row 1, and
-- goes on while the first-week cell is significant; days: the columns in
-- which every row of the run is significant, from the first on
CREATE FUNCTION pg_temp.zone_sql(db float8[], tb float8[], s float8, metric text, min_ratio float8)
RETURNS TABLE (distance float8, days float8) LANGUAGE sql AS $$
  WITH t AS (SELECT * FROM safety.near_repeat((SELECT e FROM ev), db, tb, 199, 3, metric, s, 0.05, min_ratio)
             WHERE distance_to IS NOT NULL AND time_to IS NOT NULL),
       f AS (SELECT CASE WHEN (SELECT significant FROM t WHERE distance_band = 0 AND time_band = 0) THEN 0 ELSE 1 END AS first),
       l AS (SELECT coalesce((SELECT min(distance_band) FROM t, f WHERE distance_band >= first AND time_band = 0 AND NOT significant),
                             (SELECT max(distance_band) + 1 FROM t)) - 1 AS last FROM f),
       c AS (SELECT coalesce((SELECT min(time_band) FROM t, f, l WHERE distance_band BETWEEN first AND last AND NOT significant),
                             (SELECT max(time_band) + 1 FROM t)) - 1 AS col FROM f, l)
  SELECT (SELECT distance_to FROM t, l WHERE distance_band = last AND time_band = 0),
         (SELECT time_to FROM t, c WHERE distance_band = 0 AND time_band = col)
  FROM f, l WHERE last >= first
$$;
SELECT b.db, b.tb, b.s, b.metric, b.min_ratio, z.distance, z.days,
       (z.distance, z.days) IS NOT DISTINCT FROM (q.distance, q.days) AS same_as_sql
FROM (VALUES ('{100,200,400}'::float8[], '{7,14,21,28}'::float8[], 0::float8, 'manhattan', 1.2::float8),
             ('{100,200,400}', '{7,14,21,28}', 10, 'manhattan', 1.2),
             ('{50,100,150,200,300}', '{3,7,14}', 10, 'euclidean', 1.2),
             ('{50,100,150,200,300}', '{3,7,14}', 25, 'manhattan', 1.5),
             ('{100,200,400}', '{1,2,3,7}', 10, 'manhattan', 1.1),
             ('{100,200,400}', '{7,14}', 0, 'euclidean', 10)) b(db, tb, s, metric, min_ratio)
CROSS JOIN LATERAL safety.near_repeat_zone((SELECT e FROM ev), b.db, b.tb, 199, 3, b.metric, b.s, 0.05, b.min_ratio) z
LEFT JOIN LATERAL pg_temp.zone_sql(b.db, b.tb, b.s, b.metric, b.min_ratio) q ON true
ORDER BY 1, 2, 3, 4, 5;

-- bad input
\set SHOW_CONTEXT never
\set VERBOSITY default
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), -1, 14);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), 'NaN', 14);
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), 200, -1);
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), 200, 'Infinity');
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), 'infinity', 200, 14);
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), 200, 14, 'taxicab');
SELECT * FROM safety.repeat_windows('SRID=4326;{(-84.5,39.1,2016-01-01T00:00:00Z,,1,1)}', now(), 200, 14);
-- band literals need a type to pick between the overloads
SELECT * FROM safety.repeat_windows((SELECT e FROM ev), now(), '{100,200}', '{7}');
