-- Forecasts: the baselines of safety.forecast equal plain SQL on the bundled
-- data; the default model (sepp) keeps its promises; safety.backtest is
-- recomputed from safety.forecast and the incidents; bad input is refused.
\i test/sql/include/incidents.sql
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';

CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
CREATE TEMP TABLE pts AS SELECT id, occurred_at AS t, geom FROM incidents WHERE geom IS NOT NULL AND occurred_at IS NOT NULL;

-- == plain SQL, no safety function ===========================================
-- a point's cell id as safety.cells has it; seconds of an interval (a year 365.25 days)
CREATE FUNCTION pg_temp.cid(g geometry, s float8) RETURNS bigint LANGUAGE sql IMMUTABLE
AS $$ SELECT (floor(ST_X(g) / s)::bigint << 32) | (floor(ST_Y(g) / s)::bigint & 4294967295) $$;
CREATE FUNCTION pg_temp.secs(w interval) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT extract(epoch FROM w)::float8 $$;
-- the study cells (an event before as_of) and their centres
CREATE FUNCTION pg_temp.study(as_of timestamptz, s float8) RETURNS TABLE (cell_id bigint, ctr geometry) LANGUAGE sql AS $$
	SELECT DISTINCT pg_temp.cid(geom, s),
	       ST_SetSRID(ST_MakePoint((floor(ST_X(geom) / s) + 0.5) * s, (floor(ST_Y(geom) / s) + 0.5) * s), 32616)
	FROM pts WHERE t < as_of $$;
-- naive / counts: the cell's events of [as_of - w, as_of) * h / w (w = h for naive);
-- kde: sum (1 - (d/b)^2)^2 over d < b, * 3 / (pi b^2) * s^2 * h / w;
-- prospective: sum 1 / (1 + d/s) / (1 + whole weeks of age) over d < b, scaled
-- to sum to (window events in study cells) * h / w
CREATE FUNCTION pg_temp.sql_forecast(as_of timestamptz, s float8, h interval, model text, win interval, bw float8)
RETURNS TABLE (cell_id bigint, expected float8) LANGUAGE sql AS $$
	WITH p AS (SELECT CASE WHEN model = 'naive' THEN h WHEN win IS NOT NULL THEN win
	                       WHEN model = 'prospective' THEN interval '56 days' ELSE interval '365 days' END AS w,
	                  CASE model WHEN 'kde' THEN coalesce(bw, 2 * s) WHEN 'prospective' THEN coalesce(bw, 400) ELSE s END AS b),
	wev AS (SELECT x.* FROM pts x, p WHERE x.t >= as_of - pg_temp.secs(p.w) * interval '1 second' AND x.t < as_of),
	per AS (
		SELECT c.cell_id, count(v.id) FILTER (WHERE pg_temp.cid(v.geom, s) = c.cell_id) AS n,
		       coalesce(sum((1 - (ST_Distance(c.ctr, v.geom) / p.b) ^ 2) ^ 2) FILTER (WHERE ST_Distance(c.ctr, v.geom) < p.b), 0) AS kde,
		       coalesce(sum(1 / (1 + ST_Distance(c.ctr, v.geom) / s) / (1 + floor(pg_temp.secs(as_of - v.t) / (7 * 86400))))
		                FILTER (WHERE ST_Distance(c.ctr, v.geom) < p.b), 0) AS pro
		FROM p CROSS JOIN pg_temp.study(as_of, s) c LEFT JOIN wev v ON ST_DWithin(c.ctr, v.geom, p.b)
		GROUP BY c.cell_id),
	tot AS (SELECT sum(pro) AS pro, (SELECT count(*) FROM wev WHERE pg_temp.cid(geom, s) IN (SELECT cell_id FROM per)) AS n FROM per)
	SELECT per.cell_id, CASE model
		WHEN 'kde' THEN per.kde * 3 / (pi() * p.b * p.b) * s * s * (pg_temp.secs(h) / pg_temp.secs(p.w))
		WHEN 'prospective' THEN CASE WHEN tot.pro > 0 THEN per.pro * (tot.n * (pg_temp.secs(h) / pg_temp.secs(p.w)) / tot.pro) ELSE 0 END
		ELSE per.n * (pg_temp.secs(h) / pg_temp.secs(p.w)) END
	FROM per, p, tot $$;

-- == the baselines against plain SQL =========================================
-- at three times (2017-10-26 16:00 has an event exactly at as_of, left out, and
-- events exactly 7, 28 and 56 days before, kept); tolerance 0 is exact equality,
-- unmatched counts cells in one result only
SELECT m.model, m.s AS cell_size, m.h AS horizon, m.win, m.bw, m.tol, count(*) AS cells,
       count(*) FILTER (WHERE x.qe > 0) AS nonzero, round(sum(x.qe)::numeric, 4) AS sql_total,
       count(*) FILTER (WHERE x.fc IS NULL OR x.qc IS NULL) AS unmatched,
       count(*) FILTER (WHERE (abs(x.fe - x.qe) <= m.tol * greatest(1, abs(x.qe))) IS NOT TRUE) AS differ
FROM (VALUES (1, 'naive', 250::float8, interval '7 days', NULL::interval, NULL::float8, 0::float8),
             (2, 'naive', 250, '1 day', NULL, NULL, 0), (3, 'counts', 250, '7 days', NULL, NULL, 0),
             (4, 'counts', 250, '7 days', '28 days', NULL, 0), (5, 'counts', 250, '14 days', '28 days', NULL, 0),
             (6, 'counts', 250, '7 days', '1095 days', NULL, 0), (7, 'counts', 250, '7 days', '1 year', NULL, 0),
             (8, 'kde', 250, '7 days', NULL, NULL, 1e-9), (9, 'kde', 250, '3 days', '90 days', 300, 1e-9),
             (10, 'kde', 500, '7 days', NULL, NULL, 1e-9), (11, 'prospective', 250, '7 days', NULL, NULL, 1e-9),
             (12, 'prospective', 250, '7 days', '28 days', 600, 1e-9), (13, 'prospective', 500, '7 days', NULL, NULL, 1e-9)
     ) m(k, model, s, h, win, bw, tol),
     (VALUES (timestamptz '2018-07-01'), ('2017-03-15 12:00'), ('2017-10-26 16:00')) a(as_of),
     LATERAL (SELECT f.cell_id AS fc, q.cell_id AS qc, f.expected AS fe, q.expected AS qe
              FROM (SELECT f.* FROM ev, safety.forecast(e, a.as_of, m.s, m.h, m.model, m.win, m.bw) f) f
              FULL JOIN pg_temp.sql_forecast(a.as_of, m.s, m.h, m.model, m.win, m.bw) q ON q.cell_id = f.cell_id) x
GROUP BY m.k, m.model, m.s, m.h, m.win, m.bw, m.tol ORDER BY m.k;

-- the model text may carry the window (any case, spaces, interval spelling);
-- the last line is a control that must differ
SELECT v.spelled, v.model, v.win, count(*) AS cells,
       count(*) FILTER (WHERE a.expected IS DISTINCT FROM b.expected OR a.cell_id IS DISTINCT FROM b.cell_id) AS differ
FROM (VALUES (1, 'counts 28 days', 'counts', interval '28 days'), (2, 'COUNTS   28 days', 'counts', '28 days'),
             (3, 'counts 1 mon', 'counts', '30 days'), (4, 'kde 90 days', 'kde', '90 days'),
             (5, 'prospective 4 weeks', 'prospective', '28 days'), (6, 'counts 29 days', 'counts', '28 days')) v(k, spelled, model, win),
     LATERAL (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => v.spelled) f) a
     FULL JOIN LATERAL (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => v.model, "window" => v.win) f) b
     USING (cell_id)
GROUP BY v.k, v.spelled, v.model, v.win ORDER BY v.k;

-- the rows: ids as safety.cells, 250 m squares, in (signed) cell_id order; the
-- data shifted so that i and j take both signs
SELECT shift, count(*) AS cells, count(*) FILTER (WHERE f.i < 0) AS negative_i, count(*) FILTER (WHERE f.j < 0) AS negative_j,
       bool_and(f.cell_id = ((f.i::bigint << 32) | (f.j::bigint & 4294967295))) AS ids_as_cells,
       bool_and(ST_Equals(f.geom, ST_MakeEnvelope(f.i * 250.0, f.j * 250.0, (f.i + 1) * 250.0, (f.j + 1) * 250.0, 32616))
                AND ST_SRID(f.geom) = 32616) AS squares,
       bool_and(f.ord = 1 OR f.cell_id > f.prev) AS ordered
FROM (VALUES (0, 0), (-715000, -4340000)) d(dx, dy), LATERAL (VALUES (d.dx || ', ' || d.dy)) s(shift),
     LATERAL (SELECT g.*, lag(g.cell_id) OVER (ORDER BY g.ord) AS prev
              FROM (SELECT safety.events_agg(ST_Translate(geom, d.dx, d.dy), t, id) AS e FROM pts) x,
                   safety.forecast(x.e, '2018-07-01', 250, model => 'naive') WITH ORDINALITY g(cell_id, i, j, expected, geom, ord)) f
GROUP BY d.dx, shift ORDER BY d.dx;

-- == the default model (sepp) ===============================================
CREATE TEMP TABLE sepp1 AS SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250) f;
-- one row per study cell, finite and >= 0, in total near the recent rate
-- (81 events in the last week, 59.75 a week over the last 28 days)
SELECT count(*) AS cells, count(s.cell_id) AS matched, count(c.cell_id) AS study_cells,
       bool_and(expected >= 0 AND expected < 'Infinity') AS finite_non_negative,
       count(*) FILTER (WHERE expected > 0) > 1000 AS spread,
       sum(expected) BETWEEN 0.5 * 59.75 AND 2 * 59.75 AS total_plausible
FROM sepp1 s FULL JOIN pg_temp.study('2018-07-01', 250) c USING (cell_id);
-- deterministic ('default' is sepp); forecast_fit's expected_total is the forecast's total
SELECT (SELECT count(*) FROM (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'default') f
                              EXCEPT SELECT * FROM sepp1) d) AS second_call_differ,
       (SELECT count(*) FROM (SELECT * FROM sepp1 EXCEPT SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'sepp') f) d) AS sepp_differ,
       (SELECT abs(f.expected_total - (SELECT sum(expected) FROM sepp1)) <= 1e-9 * f.expected_total
               AND f.cells = (SELECT count(*) FROM sepp1) AND f.events > 0 FROM ev, safety.forecast_fit(e, '2018-07-01', 250) f) AS fit_total,
       (SELECT abs(f.expected_total - (SELECT sum(g.expected) FROM ev, safety.forecast(e, '2017-03-15 12:00', 250, '14 days') g))
               <= 1e-9 * f.expected_total FROM ev, safety.forecast_fit(e, '2017-03-15 12:00', 250, '14 days') f) AS fit_total_14_days;

-- too few events for sepp: a NOTICE, and counts of the data so far, from the
-- first event's day (2020-01-04) to as_of (2020-01-20): 1 event / 16 days * 7 each
CREATE TEMP TABLE five AS
SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(100 + 300 * k, 100), 32616), timestamptz '2020-01-01' + k * interval '3 days', k) AS e
FROM generate_series(1, 5) k;
SET client_min_messages = notice;
SELECT count(*) AS cells, min(expected) = 7 / 16.0 AND max(expected) = 7 / 16.0 AS seven_sixteenths
FROM five, safety.forecast(e, '2020-01-20', 300);
SET client_min_messages = warning;

-- == the back-test, recomputed ==============================================
-- origins 2018-07-02, 07-09, 07-16 (origin + 7 days <= 07-23); study cells fixed
-- at those with an event before 2018-07-02
CREATE TEMP TABLE bt AS
SELECT b.* FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', models => '{naive,counts 365 days,default}',
                                    coverages => '{0.01,0.05}') b;
-- plain SQL: safety.forecast at each origin restricted to the study cells,
-- ranked by expected, ties to the lower cell_id; realised counts ranked.
-- (At 07-09 and 07-16 safety.forecast sees 1616 and 1619 cells, the back-test
-- 1609; sepp is fitted on the cells safety.forecast sees at each origin.)
CREATE TEMP TABLE st AS SELECT cell_id FROM pg_temp.study('2018-07-02', 250);
CREATE TEMP TABLE fc AS
SELECT o.origin, m.model, f.cell_id, row_number() OVER (PARTITION BY o.origin, m.model ORDER BY f.expected DESC, f.cell_id) AS r
FROM generate_series(timestamptz '2018-07-02', '2018-07-16', '7 days') o(origin), unnest('{naive,counts 365 days,default}'::text[]) m(model),
     ev, safety.forecast(e, o.origin, 250, model => m.model) f
WHERE f.cell_id IN (SELECT cell_id FROM st);
CREATE TEMP TABLE real AS
SELECT o.origin, st.cell_id, count(p.id) AS k, row_number() OVER (PARTITION BY o.origin ORDER BY count(p.id) DESC, st.cell_id) AS r
FROM (SELECT DISTINCT origin FROM fc) o CROSS JOIN st
LEFT JOIN pts p ON p.t >= o.origin AND p.t < o.origin + interval '7 days' AND pg_temp.cid(p.geom, 250) = st.cell_id
GROUP BY o.origin, st.cell_id;
CREATE TEMP TABLE bt_sql AS
SELECT b.origin, b.model, b.coverage, q.n AS study_cells, q.cells,
       (SELECT coalesce(sum(real.k), 0) FROM fc JOIN real USING (origin, cell_id)
        WHERE fc.origin = b.origin AND fc.model = b.model AND fc.r <= q.cells)::bigint AS captured,
       (SELECT count(*) FROM pts WHERE t >= b.origin AND t < b.origin + interval '7 days') AS events,
       (SELECT sum(k) FROM real WHERE real.origin = b.origin AND real.r <= q.cells)::bigint AS best,
       (SELECT count(*) FROM fc a JOIN fc p USING (model, cell_id)
        WHERE a.origin = b.origin AND a.model = b.model AND a.r <= q.cells
          AND p.origin = b.origin - interval '7 days' AND p.r <= q.cells) AS kept
FROM bt b, LATERAL (SELECT n, greatest(1, least(n, ceil(b.coverage * n)))::bigint AS cells FROM (SELECT count(*) AS n FROM st) n) q;
SELECT count(*) AS rows, count(DISTINCT (b.origin, b.model, b.coverage)) AS keys, count(DISTINCT b.origin) AS origins,
       count(*) FILTER (WHERE (b.cells, b.study_cells, b.captured, b.events, b.best)
                              IS DISTINCT FROM (s.cells, s.study_cells, s.captured, s.events, s.best)) AS counts_differ,
       count(*) FILTER (WHERE (abs(b.hit_rate - s.captured::float8 / s.events) <= 1e-12
                               AND abs(b.pai - (s.captured::float8 / s.events) / (s.cells::float8 / s.study_cells)) <= 1e-12
                               AND abs(b.pei - s.captured::float8 / s.best) <= 1e-12) IS NOT TRUE) AS rates_differ,
       count(*) FILTER (WHERE b.origin = '2018-07-02' AND b.stability IS NOT NULL) AS first_origin_stability,
       count(*) FILTER (WHERE b.origin > '2018-07-02' AND (abs(b.stability - s.kept::float8 / s.cells) <= 1e-12) IS NOT TRUE) AS stability_differ,
       sum(s.events) FILTER (WHERE b.model = 'naive' AND b.coverage = 0.01)
         - (SELECT sum(k) FROM real) AS events_outside_study_cells
FROM bt b JOIN bt_sql s USING (origin, model, coverage);
-- early in the data the cells grow from origin to origin (384 before
-- 2016-03-07, 548 before 04-18): the default's captured events still equal
-- safety.forecast at each origin restricted to the back-test's cells
WITH bt0 AS (SELECT origin, captured, cells FROM ev, safety.backtest(e, 250, '2016-03-07', '2016-04-25', models => '{default}', coverages => '{0.05}')),
st0 AS (SELECT cell_id FROM pg_temp.study('2016-03-07', 250))
SELECT count(*) AS origins, (SELECT count(*) FROM st0) AS study_cells,
       count(*) FILTER (WHERE bt0.captured <> (
         SELECT count(*) FROM pts p WHERE p.t >= bt0.origin AND p.t < bt0.origin + interval '7 days'
           AND pg_temp.cid(p.geom, 250) IN (SELECT f.cell_id FROM ev, safety.forecast(e, bt0.origin, 250) f
                                            WHERE f.cell_id IN (SELECT cell_id FROM st0)
                                            ORDER BY f.expected DESC, f.cell_id LIMIT bt0.cells))) AS captured_differ
FROM bt0;
-- the baselines at 2018-07-09; stability recomputed: covered at 07-09 and 07-02, over cells
SELECT b.model, b.coverage, b.cells, b.captured, b.events, b.best, round(b.hit_rate::numeric, 6) AS hit_rate,
       round(b.pai::numeric, 4) AS pai, round(b.pei::numeric, 6) AS pei, round(b.stability::numeric, 6) AS stability,
       s.kept, round(s.kept::numeric / s.cells, 6) AS sql_stability
FROM bt b JOIN bt_sql s USING (origin, model, coverage) WHERE b.origin = '2018-07-09' AND b.model <> 'default' ORDER BY 1, 2;
-- the summary pools the origins: sums, pooled rates, mean stability, rank by captured
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (m.origins, m.cells, m.captured, m.events, m.rank) IS DISTINCT FROM (s.origins, s.cells, s.captured, s.events, s.rank)) AS sums_differ,
       count(*) FILTER (WHERE (abs(m.hit_rate - s.captured::float8 / s.events) <= 1e-12
                               AND abs(m.pai - (s.captured::float8 / s.events) / (s.cells::float8 / 1609)) <= 1e-12
                               AND abs(m.pei - s.captured::float8 / s.best) <= 1e-12
                               AND abs(m.stability - s.stability) <= 1e-12) IS NOT TRUE) AS rates_differ
FROM ev, safety.backtest_summary(e, 250, '2018-07-02', '2018-07-23', models => '{naive,counts 365 days,default}', coverages => '{0.01,0.05}') m
JOIN (SELECT s.coverage, s.model, count(*) AS origins, max(s.cells) AS cells, sum(s.captured) AS captured, sum(s.events) AS events,
             sum(s.best) AS best, avg(s.kept::float8 / s.cells) FILTER (WHERE s.origin > '2018-07-02') AS stability,
             rank() OVER (PARTITION BY s.coverage ORDER BY sum(s.captured) DESC) AS rank
      FROM bt_sql s GROUP BY 1, 2) s USING (coverage, model);
-- every model is graded on the same number of cells (all default models and coverages)
WITH a AS (SELECT b.* FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23') b)
SELECT count(*) AS rows, count(DISTINCT model) AS models, count(DISTINCT (origin, coverage)) AS origin_coverages,
       (SELECT count(*) FROM (SELECT 1 FROM a GROUP BY origin, coverage HAVING count(DISTINCT cells) <> 1) x) AS unequal,
       bool_and(cells = greatest(1, ceil(coverage * study_cells))) AS cells_by_coverage
FROM a;

-- == bad input: each a clear error ==========================================
\set VERBOSITY terse
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'magic');
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, '0 days');
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, '-1 day');
SELECT * FROM ev, safety.forecast(e, '2010-01-01', 250);
SELECT * FROM safety.forecast(NULL, '2018-07-01', 250);
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'naive', "window" => '28 days');
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'naive 28 days');
SELECT * FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'kde', bandwidth => 0);
SELECT * FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', coverages => '{0}');
SELECT * FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', coverages => '{1.5}');
SELECT * FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', coverages => '{NaN}');
SELECT * FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', models => '{}');
SELECT * FROM ev, safety.backtest(e, 250, '2018-07-02', '2018-07-23', step => '0 days');
