-- Day and night: safety.night_share against the NOAA solar position written
-- out in plain SQL (exact times: the sun's elevation at each event; windows:
-- every minute of each window), at the equator and the poles, by fixed
-- local hours against plain SQL, and bad input.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
\set VERBOSITY default
SET extra_float_digits = 0;
SET timezone = 'UTC';

-- the NOAA equations (Global Monitoring Laboratory solar calculator), in SQL:
-- the geometric elevation of the sun's centre at t seen from lat, lon
CREATE FUNCTION pg_temp.sun_elevation(t timestamptz, lat float8, lon float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	WITH a AS (SELECT (extract(epoch FROM t)::float8 / 86400 + 2440587.5 - 2451545) / 36525 AS tc,
	                  (extract(epoch FROM t)::float8 / 60)::numeric % 1440 AS utc_min),
	b AS (SELECT tc, utc_min::float8 AS utc_min,
	             ((280.46646 + tc * (36000.76983 + tc * 0.0003032))::numeric % 360)::float8 AS l0,
	             357.52911 + tc * (35999.05029 - 0.0001537 * tc) AS m,
	             0.016708634 - tc * (0.000042037 + 0.0000001267 * tc) AS ecc,
	             125.04 - 1934.136 * tc AS om FROM a),
	c AS (SELECT b.*, l0 + sind(m) * (1.914602 - tc * (0.004817 + 0.000014 * tc)) + sind(2 * m) * (0.019993 - 0.000101 * tc)
	                   + sind(3 * m) * 0.000289 - 0.00569 - 0.00478 * sind(om) AS lam,
	             23 + (26 + (21.448 - tc * (46.815 + tc * (0.00059 - tc * 0.001813))) / 60) / 60 + 0.00256 * cosd(om) AS eps
	      FROM b),
	d AS (SELECT c.*, asind(sind(eps) * sind(lam)) AS decl, tand(eps / 2) ^ 2 AS y FROM c),
	e AS (SELECT d.*, 4 * degrees(y * sind(2 * l0) - 2 * ecc * sind(m) + 4 * ecc * y * sind(m) * cosd(2 * l0)
	                              - 0.5 * y * y * sind(4 * l0) - 1.25 * ecc * ecc * sind(2 * m)) AS eqt FROM d)
	SELECT 90 - acosd(greatest(-1, least(1, sind(lat) * sind(decl) + cosd(lat) * cosd(decl) * cosd((utc_min + eqt + 4 * lon) / 4 - 180))))
	FROM e $$;
-- the events' places in longitude/latitude, and the sun's elevation there
CREATE TEMP TABLE pos AS
SELECT id, occurred_at, ST_X(ST_Transform(geom, 4326)) AS lon, ST_Y(ST_Transform(geom, 4326)) AS lat
FROM incidents WHERE geom IS NOT NULL;
ALTER TABLE pos ADD COLUMN el float8;
UPDATE pos SET el = pg_temp.sun_elevation(occurred_at, lat, lon);
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;

-- 1. exact times: night when the sun is below -6 degrees (civil twilight)
SELECT n.events, n.night_events, n.day_events, round(n.night_share::numeric, 10) AS night_share,
       n.night_events = (SELECT count(*) FROM pos WHERE el < -6) AS equal_plain_sql
FROM ev, safety.night_share(e, 'America/New_York') n;
-- nautical (-12), astronomical (-18), sunset (-0.833) and 'civil' (= 'sun')
SELECT k.night, n.night_events,
       n.night_events = (SELECT count(*) FROM pos WHERE el < k.below) AS equal_plain_sql
FROM (VALUES ('civil', -6), ('nautical', -12), ('astronomical', -18), ('sunset', -0.833)) k(night, below),
     ev, safety.night_share(e, 'UTC', k.night) n ORDER BY k.below;

-- 2. windows: the share of each window at night, against the middle of
-- every 5 minutes of it (2.5 minutes on each side of each dusk and dawn may differ)
CREATE TEMP TABLE win AS
SELECT p.id, i.geom, date_trunc('minute', p.occurred_at) AS t0,
       date_trunc('minute', p.occurred_at) + (p.id % 580 + 1) * interval '5 minutes' AS t1, p.lon, p.lat
FROM pos p JOIN incidents i USING (id) WHERE p.id % 100 = 0;
CREATE TEMP TABLE win_ref AS
SELECT w.id, avg((pg_temp.sun_elevation(m + interval '150 seconds', w.lat, w.lon) < -6)::int) AS share,
       extract(epoch FROM w.t1 - w.t0) / 60 AS minutes
FROM win w, generate_series(w.t0, w.t1 - interval '5 minutes', interval '5 minutes') m GROUP BY w.id, w.t0, w.t1;
SELECT count(*) AS windows,
       bool_and(abs(safety._night_fraction(w.t0, w.t1, w.lon, w.lat, -6) - r.share) * r.minutes
                <= 2.5 * (1 + 2 * ceil(r.minutes / 1440))) AS within_2_5_minutes_per_change,
       round((sum(safety._night_fraction(w.t0, w.t1, w.lon, w.lat, -6)) - sum(r.share))::numeric, 2) AS total_difference
FROM win w JOIN win_ref r USING (id);
SELECT round(n.events::numeric, 6) AS events, round(n.night_share::numeric, 4) AS night_share,
       abs(n.night_events - (SELECT sum(share) FROM win_ref)) < 0.5 AS near_plain_sql
FROM (SELECT safety.events_agg(geom, t0, t1, id) AS e FROM win) s, safety.night_share(e, 'UTC') n;

-- 3. the equator at the March equinox (a day: 11.2 hours below -6 degrees)
-- and 78.2 N (Svalbard, UTM 33N): polar night in December, midnight sun in June
SELECT k.place, round(n.night_share::numeric, 3) AS night_share
FROM (VALUES ('equator 21 March', 3.0, 0.0, 32631, '2017-03-20 00:00+00'::timestamptz, '2017-03-21 00:00+00'::timestamptz),
             ('Svalbard December', 15.6, 78.2, 32633, '2017-12-20 00:00+00', '2017-12-23 00:00+00'),
             ('Svalbard June', 15.6, 78.2, 32633, '2017-06-20 00:00+00', '2017-06-23 00:00+00')) k(place, lon, lat, srid, f, t),
     LATERAL (SELECT safety.events_agg(g.p, g.f, g.t, 1) AS e
              FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(k.lon, k.lat), 4326), k.srid) AS p, k.f, k.t) g) s,
     safety.night_share(s.e, 'UTC') n ORDER BY 1;

-- 3b. a published table: the U.S. Naval Observatory's sunrise and sunset
-- (upper limb on the horizon, 34' refraction: the centre 0.833 degrees below)
-- and civil twilight (-6 degrees), given to the minute.  USNO, "Rise and Set
-- for the Sun for 2008", W121 55, N37 24 (Cupertino, California), zone 8h
-- west of Greenwich, days 1-3 of every month and day 4 of January-October;
-- USNO "Complete Sun and Moon Data for One Day", Atlanta, Georgia, 33.8 N
-- 84.4 W, 6 September 2009, Eastern Daylight Time (docs/methods-time.md).
-- A published minute t means the crossing is within 30 s of t: a minute
-- before a sunrise it must still be night, a minute after it day, and the
-- other way round at sunset (so safety's crossing is within a minute).
CREATE TEMP TABLE usno(place text, lat float8, lon float8, zone text, day date, event text, hhmm text, below float8);
INSERT INTO usno
SELECT 'Cupertino 2008', 37.4, -(121 + 55 / 60.0), '-08', make_date(2008, m::int, d), e, v, -0.833
FROM (VALUES
  (1, ARRAY['0722 1700','0711 1732','0638 1802','0552 1831','0512 1858','0448 1923','0451 1932','0512 1915','0539 1836','0604 1750','0633 1709','0704 1650']),
  (2, ARRAY['0722 1701','0710 1733','0637 1803','0551 1832','0511 1859','0448 1924','0451 1932','0513 1914','0539 1834','0604 1749','0634 1708','0705 1650']),
  (3, ARRAY['0722 1702','0710 1734','0635 1804','0549 1833','0510 1900','0448 1924','0452 1932','0514 1913','0540 1833','0605 1747','0635 1707','0706 1650']),
  (4, ARRAY['0722 1703','0709 1735','0634 1805','0548 1834','0509 1901','0447 1925','0452 1932','0515 1912','0541 1831','0606 1746'])) t(d, months),
  LATERAL unnest(months) WITH ORDINALITY u(rs, m),
  LATERAL (VALUES ('sunrise', split_part(rs, ' ', 1)), ('sunset', split_part(rs, ' ', 2))) x(e, v);
INSERT INTO usno VALUES
  ('Atlanta 2009', 33.8, -84.4, '-04', '2009-09-06', 'civil dawn', '0650', -6),
  ('Atlanta 2009', 33.8, -84.4, '-04', '2009-09-06', 'sunrise', '0715', -0.833),
  ('Atlanta 2009', 33.8, -84.4, '-04', '2009-09-06', 'sunset', '1956', -0.833),
  ('Atlanta 2009', 33.8, -84.4, '-04', '2009-09-06', 'civil dusk', '2021', -6);
CREATE TEMP TABLE usno_check AS
SELECT u.*, (u.day || ' ' || substr(u.hhmm, 1, 2) || ':' || substr(u.hhmm, 3, 2) || u.zone)::timestamptz AS t,
       safety._night_fraction((u.day || ' ' || substr(u.hhmm, 1, 2) || ':' || substr(u.hhmm, 3, 2) || u.zone)::timestamptz - interval '1 minute',
                              NULL, u.lon, u.lat, u.below) AS before,
       safety._night_fraction((u.day || ' ' || substr(u.hhmm, 1, 2) || ':' || substr(u.hhmm, 3, 2) || u.zone)::timestamptz + interval '1 minute',
                              NULL, u.lon, u.lat, u.below) AS after
FROM usno u;
SELECT place, event, count(*) AS published,
       count(*) FILTER (WHERE CASE WHEN event IN ('sunrise', 'civil dawn') THEN before = 1 AND after = 0
                                   ELSE before = 0 AND after = 1 END) AS within_a_minute
FROM usno_check GROUP BY 1, 2 ORDER BY 1, 2;
-- none outside (an empty list)
SELECT place, day, event, hhmm, before, after FROM usno_check
WHERE CASE WHEN event IN ('sunrise', 'civil dawn') THEN NOT (before = 1 AND after = 0)
           ELSE NOT (before = 0 AND after = 1) END ORDER BY 1, 2, 3;

-- the check can fail: every published time moved by two minutes is outside
SELECT count(*) AS moved, count(*) FILTER (WHERE CASE WHEN event IN ('sunrise', 'civil dawn')
         THEN safety._night_fraction(t + interval '1 minute', NULL, lon, lat, below) = 1
          AND safety._night_fraction(t + interval '3 minutes', NULL, lon, lat, below) = 0
         ELSE safety._night_fraction(t + interval '1 minute', NULL, lon, lat, below) = 0
          AND safety._night_fraction(t + interval '3 minutes', NULL, lon, lat, below) = 1 END) AS still_within
FROM usno_check;

-- 4. fixed local hours: the aoristic hour-of-day profile over the night's hours
SELECT k.night, n.night_events,
       n.night_events = (SELECT count(*) FROM incidents WHERE geom IS NOT NULL
                         AND CASE WHEN k.f < k.t THEN extract(hour FROM occurred_at AT TIME ZONE 'America/New_York') >= k.f
                                                  AND extract(hour FROM occurred_at AT TIME ZONE 'America/New_York') < k.t
                                  ELSE extract(hour FROM occurred_at AT TIME ZONE 'America/New_York') >= k.f
                                    OR extract(hour FROM occurred_at AT TIME ZONE 'America/New_York') < k.t END) AS equal_plain_sql
FROM (VALUES ('20-6', 20, 6), ('0-6', 0, 6), (' 22 - 24 ', 22, 24)) k(night, f, t), ev,
     safety.night_share(e, 'America/New_York', k.night) n ORDER BY 1;
-- per offense in one query (a collection per group, then LATERAL)
SELECT t.offense, n.events, n.night_events, round(n.night_share::numeric, 4) AS night_share
FROM (SELECT offense, safety.events_agg(geom, occurred_at, id) AS e FROM incidents GROUP BY offense) t,
     safety.night_share(t.e, 'America/New_York') n ORDER BY 1;

-- 5. bad input
SELECT * FROM ev, safety.night_share(e, 'America/New_York', 'dusk');
SELECT * FROM ev, safety.night_share(e, 'America/New_York', '25-6');
SELECT * FROM ev, safety.night_share(e, 'America/New_York', '6-6');
SELECT * FROM ev, safety.night_share(e, 'America/New_York', NULL);
SELECT * FROM ev, safety.night_share(e, 'Atlantis');
SELECT * FROM ev, safety.night_share(e, NULL);
SELECT * FROM (SELECT safety.events_agg(ST_MakePoint(500000, 4000000), now(), 1) AS e) s, safety.night_share(e, 'UTC');
SELECT safety._night_fraction('2017-01-01', '2016-01-01', 0, 0, -6);
SELECT safety._night_fraction('2017-01-01', NULL, 0, 95, -6);
-- a NULL collection is no input, whatever the other arguments
SELECT count(*) AS no_rows FROM safety.night_share(NULL, 'Atlantis', 'dusk');
