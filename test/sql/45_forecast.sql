-- Forecasts: safety.forecast's baselines equal plain-SQL computations on the
-- bundled data; the default model (sepp) has the properties it promises;
-- safety.backtest is recomputed from safety.forecast and the incidents;
-- bad input is refused with a clear error.
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
SET timezone = 'UTC';  -- pg_regress sets PGTZ

CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
-- the located incidents, the only ones events_agg keeps
CREATE TEMP TABLE pts AS
SELECT id, occurred_at AS t, geom FROM incidents WHERE geom IS NOT NULL AND occurred_at IS NOT NULL;
SELECT count(*) AS events FROM pts;

-- == plain-SQL forecasts (no safety function) ==============================
-- an interval as extract(epoch) seconds, so a year is 365.25 days, a month 30
CREATE FUNCTION pg_temp.back(as_of timestamptz, w interval) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$ SELECT as_of - extract(epoch FROM w) * interval '1 second' $$;
-- the study cells: every cell with an event before as_of, and their centres
CREATE FUNCTION pg_temp.study(as_of timestamptz, s float8)
RETURNS TABLE (cell_id bigint, ctr geometry) LANGUAGE sql STABLE AS $$
	SELECT DISTINCT (i << 32) | (j & 4294967295), ST_SetSRID(ST_MakePoint((i + 0.5) * s, (j + 0.5) * s), 32616)
	FROM (SELECT floor(ST_X(geom) / s)::bigint AS i, floor(ST_Y(geom) / s)::bigint AS j
	      FROM pts WHERE t < as_of) x $$;
-- counts of [as_of - w, as_of) per study cell, times horizon / w
CREATE FUNCTION pg_temp.sql_counts(as_of timestamptz, s float8, h interval, w interval)
RETURNS TABLE (cell_id bigint, expected float8) LANGUAGE sql STABLE AS $$
	SELECT c.cell_id, count(p.id)::float8 * (extract(epoch FROM h)::float8 / extract(epoch FROM w)::float8)
	FROM pg_temp.study(as_of, s) c
	LEFT JOIN pts p ON p.t >= pg_temp.back(as_of, w) AND p.t < as_of
	     AND (floor(ST_X(p.geom) / s)::bigint << 32) | (floor(ST_Y(p.geom) / s)::bigint & 4294967295) = c.cell_id
	GROUP BY c.cell_id $$;
-- quartic kernel of bandwidth b at the cell centre, times the cell area, scaled to the horizon
CREATE FUNCTION pg_temp.sql_kde(as_of timestamptz, s float8, h interval, w interval, b float8)
RETURNS TABLE (cell_id bigint, expected float8) LANGUAGE sql STABLE AS $$
	SELECT c.cell_id,
	       coalesce(sum((1 - (ST_Distance(c.ctr, p.geom) / b) ^ 2) ^ 2) FILTER (WHERE ST_Distance(c.ctr, p.geom) < b), 0)
	       * 3 / (pi() * b * b) * s * s * (extract(epoch FROM h)::float8 / extract(epoch FROM w)::float8)
	FROM pg_temp.study(as_of, s) c
	LEFT JOIN pts p ON p.t >= pg_temp.back(as_of, w) AND p.t < as_of AND ST_DWithin(c.ctr, p.geom, b)
	GROUP BY c.cell_id $$;
-- prospective: 1 / (1 + d / s) / (1 + whole weeks of age) within b, scaled to
-- (window events in study cells) * horizon / window
CREATE FUNCTION pg_temp.sql_prospective(as_of timestamptz, s float8, h interval, w interval, b float8)
RETURNS TABLE (cell_id bigint, expected float8) LANGUAGE sql STABLE AS $$
	WITH raw AS (
		SELECT c.cell_id,
		       coalesce(sum(1 / (1 + ST_Distance(c.ctr, p.geom) / s)
		                    / (1 + floor(extract(epoch FROM as_of - p.t) / (7 * 86400))::float8))
		                FILTER (WHERE ST_Distance(c.ctr, p.geom) < b), 0) AS score
		FROM pg_temp.study(as_of, s) c
		LEFT JOIN pts p ON p.t >= pg_temp.back(as_of, w) AND p.t < as_of AND ST_DWithin(c.ctr, p.geom, b)
		GROUP BY c.cell_id),
	n AS (SELECT count(*) AS n FROM pts p
	      WHERE p.t >= pg_temp.back(as_of, w) AND p.t < as_of
	        AND (floor(ST_X(p.geom) / s)::bigint << 32) | (floor(ST_Y(p.geom) / s)::bigint & 4294967295)
	            IN (SELECT cell_id FROM pg_temp.study(as_of, s)))
	SELECT cell_id, CASE WHEN sum(score) OVER () > 0
	                     THEN score * n * (extract(epoch FROM h)::float8 / extract(epoch FROM w)::float8) / sum(score) OVER ()
	                     ELSE score END
	FROM raw, n $$;

-- == the baselines against plain SQL =========================================
-- tolerance 0 is exact equality; unmatched counts cells in one result only
SELECT m.model, m.h AS horizon, m.win, m.bw, a.as_of, m.tol, count(*) AS cells,
       count(*) FILTER (WHERE x.qe > 0) AS nonzero, round(sum(x.qe)::numeric, 4) AS sql_total,
       count(*) FILTER (WHERE x.fc IS NULL OR x.qc IS NULL) AS unmatched,
       count(*) FILTER (WHERE NOT abs(x.fe - x.qe) <= m.tol * greatest(1, abs(x.qe))) AS differ
FROM (VALUES ('naive', interval '7 days', NULL::interval, NULL::float8, 0::float8), ('naive', '1 day', NULL, NULL, 0),
             ('counts', '7 days', NULL, NULL, 0), ('counts', '7 days', '28 days', NULL, 0),
             ('counts', '14 days', '28 days', NULL, 0), ('counts', '7 days', '1095 days', NULL, 0),
             ('counts', '7 days', '1 year', NULL, 0),
             ('kde', '7 days', NULL, NULL, 1e-9), ('kde', '3 days', '90 days', 300, 1e-9),
             ('prospective', '7 days', NULL, NULL, 1e-9), ('prospective', '7 days', '28 days', 600, 1e-9)) m(model, h, win, bw, tol),
     (VALUES (timestamptz '2018-07-01'), ('2017-03-15 12:00')) a(as_of),
     LATERAL (
	SELECT f.cell_id AS fc, q.cell_id AS qc, f.expected AS fe, q.expected AS qe
	FROM (SELECT f.cell_id, f.expected FROM ev, safety.forecast(e, a.as_of, 250, m.h, m.model, m.win, m.bw) f) f
	FULL JOIN (
		SELECT * FROM pg_temp.sql_counts(a.as_of, 250, m.h, m.h) WHERE m.model = 'naive'
		UNION ALL SELECT * FROM pg_temp.sql_counts(a.as_of, 250, m.h, coalesce(m.win, '365 days')) WHERE m.model = 'counts'
		UNION ALL SELECT * FROM pg_temp.sql_kde(a.as_of, 250, m.h, coalesce(m.win, '365 days'), coalesce(m.bw, 500)) WHERE m.model = 'kde'
		UNION ALL SELECT * FROM pg_temp.sql_prospective(a.as_of, 250, m.h, coalesce(m.win, '56 days'), coalesce(m.bw, 400)) WHERE m.model = 'prospective'
	) q ON q.cell_id = f.cell_id) x
GROUP BY m.model, m.h, m.win, m.bw, a.as_of, m.tol ORDER BY 1, 3 NULLS FIRST, 2, 4 NULLS FIRST, 5;

-- == the model text carries the window ======================================
-- 'counts 28 days' is model counts with window 28 days (any case, extra spaces,
-- any interval spelling); the last line is a control that must differ
SELECT spelled, model, win, count(*) AS cells,
       count(*) FILTER (WHERE a.expected IS DISTINCT FROM b.expected OR a.cell_id IS DISTINCT FROM b.cell_id) AS differ
FROM (VALUES ('counts 28 days', 'counts', interval '28 days', 1), ('COUNTS   28 days', 'counts', '28 days', 2),
             ('counts 1 mon', 'counts', '30 days', 3), ('kde 90 days', 'kde', '90 days', 4),
             ('prospective 4 weeks', 'prospective', '28 days', 5), ('counts 29 days', 'counts', '28 days', 6)) v(spelled, model, win, k),
     LATERAL (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => v.spelled) f) a
     FULL JOIN LATERAL (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => v.model, "window" => v.win) f) b
     ON b.cell_id = a.cell_id
GROUP BY spelled, model, win, k ORDER BY k;

-- == the rows: cell ids as safety.cells, squares, in cell_id order ==========
SELECT count(*) AS cells,
       bool_and(cell_id = ((i::bigint << 32) | (j::bigint & 4294967295))) AS ids_as_cells,
       bool_and(ST_Equals(geom, ST_MakeEnvelope(i * 250.0, j * 250.0, (i + 1) * 250.0, (j + 1) * 250.0, 32616))
                AND ST_SRID(geom) = 32616) AS squares,
       bool_and(ord = 1 OR cell_id > prev) AS ordered
FROM (SELECT f.*, lag(f.cell_id) OVER (ORDER BY ord) AS prev
      FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'naive') WITH ORDINALITY f(cell_id, i, j, expected, geom, ord)) x;
-- cells south and west of the origin: negative i and j (shifted copy of the
-- data), ids as safety.cells, rows in (signed) cell_id order
SELECT count(*) AS cells, count(*) FILTER (WHERE f.i < 0 AND f.j < 0) AS negative,
       count(*) FILTER (WHERE f.i >= 0 AND f.j < 0) AS negative_j,
       bool_and(f.cell_id = ((f.i::bigint << 32) | (f.j::bigint & 4294967295))) AS ids_as_cells,
       bool_and(f.ord = 1 OR f.cell_id > f.prev) AS ordered,
       count(*) FILTER (WHERE f.expected IS DISTINCT FROM q.expected) AS differ_from_sql
FROM (SELECT g.*, lag(g.cell_id) OVER (ORDER BY g.ord) AS prev
      FROM (SELECT safety.events_agg(ST_Translate(geom, -715000, -4340000), t, id) AS e FROM pts) s,
           safety.forecast(s.e, '2018-07-01', 250, model => 'counts 28 days') WITH ORDINALITY g(cell_id, i, j, expected, geom, ord)) f
LEFT JOIN (SELECT (floor((ST_X(geom) - 715000) / 250)::bigint << 32) | (floor((ST_Y(geom) - 4340000) / 250)::bigint & 4294967295) AS cell_id,
                  count(*) FILTER (WHERE t >= '2018-06-03')::float8 * 0.25 AS expected
           FROM pts WHERE t < '2018-07-01' GROUP BY 1) q USING (cell_id);

-- == the default model (sepp) ===============================================
CREATE TEMP TABLE sepp1 AS SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250) f;
CREATE TEMP TABLE sepp2 AS SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'default') f;
-- one row per study cell, finite and >= 0; its total near the recent weekly
-- rate (81 events in the last week, 59.75 a week in the last 28 days)
SELECT count(*) AS cells,
       count(*) = (SELECT count(*) FROM pg_temp.study('2018-07-01', 250)) AS one_per_study_cell,
       (SELECT count(*) FROM sepp1 s FULL JOIN pg_temp.study('2018-07-01', 250) c USING (cell_id)
        WHERE s.cell_id IS NULL OR c.cell_id IS NULL) AS unmatched,
       bool_and(expected >= 0 AND expected < 'Infinity') AS finite_non_negative,
       count(*) FILTER (WHERE expected > 0) > 1000 AS spread,
       sum(expected) BETWEEN 0.5 * 59.75 AND 2 * 59.75 AS total_plausible
FROM sepp1;
-- deterministic: the same rows twice; 'default' is sepp
SELECT (SELECT count(*) FROM sepp1) AS cells,
       (SELECT count(*) FROM (SELECT * FROM sepp1 EXCEPT SELECT * FROM sepp2) d) AS differ,
       (SELECT count(*) FROM (SELECT f.* FROM ev, safety.forecast(e, '2018-07-01', 250, model => 'sepp') f
                              EXCEPT SELECT * FROM sepp1) d) AS sepp_differ;
-- forecast_fit: its expected total is the forecast's
SELECT f.events > 0 AS has_events, f.cells = (SELECT count(*) FROM sepp1) AS cells_match,
       abs(f.expected_total - (SELECT sum(expected) FROM sepp1)) <= 1e-9 * f.expected_total AS total_matches,
       f.theta >= 0 AS theta_ok, f.history <= interval '1096 days' AS history_ok
FROM ev, safety.forecast_fit(e, '2018-07-01', 250) f;
SELECT abs(f.expected_total - (SELECT sum(g.expected) FROM ev, safety.forecast(e, '2017-03-15 12:00', 250, '14 days') g))
       <= 1e-9 * f.expected_total AS total_matches_14_days
FROM ev, safety.forecast_fit(e, '2017-03-15 12:00', 250, '14 days') f;
