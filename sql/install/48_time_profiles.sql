-- When crime happens: aoristic time profiles, the exact test of two rates,
-- period-over-period change and trends (src/pg/time_profiles.c,
-- docs/reference-time.md, docs/methods-time.md).

CREATE FUNCTION @extschema@.aoristic(e @extschema@.events,
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	bins pg_catalog.text DEFAULT 'hour_of_week')
	RETURNS TABLE (bin pg_catalog.int4, dow pg_catalog.int4, hour pg_catalog.int4, weight pg_catalog.float8)
	AS 'MODULE_PATHNAME', 'safety_aoristic' LANGUAGE C STABLE PARALLEL SAFE ROWS 168;
COMMENT ON FUNCTION @extschema@.aoristic(@extschema@.events, pg_catalog.text, pg_catalog.text) IS
	'Aoristic time profile (Ratcliffe 2002): each event''s weight spread over the local hours (hour_of_week, hour_of_day, day_of_week) or months (month_of_year) its window covers, in proportion to the time covered; every bin one row';

CREATE FUNCTION @extschema@.rate_test(x1 pg_catalog.int8, x2 pg_catalog.int8,
	t1 pg_catalog.float8 DEFAULT 1, t2 pg_catalog.float8 DEFAULT 1) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_rate_test' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rate_test(pg_catalog.int8, pg_catalog.int8, pg_catalog.float8, pg_catalog.float8) IS
	'Two-sided exact p-value that x1 events in exposure t1 and x2 in t2 come from one Poisson rate (conditional binomial test, as R poisson.test); NULL when x1 + x2 = 0';

CREATE FUNCTION @extschema@.mann_kendall(series pg_catalog.float8[],
	OUT n pg_catalog.int4, OUT s pg_catalog.float8, OUT var_s pg_catalog.float8, OUT z pg_catalog.float8,
	OUT p pg_catalog.float8, OUT tau pg_catalog.float8, OUT sen_slope pg_catalog.float8)
	AS 'MODULE_PATHNAME', 'safety_mann_kendall' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mann_kendall(pg_catalog.float8[]) IS
	'Mann-Kendall trend test of an evenly spaced series (S, tie-corrected variance, continuity-corrected z, two-sided p, Kendall''s tau-b) and Sen''s slope per step';

-- the zone database of the server, in C: pg_timezone_names reads every zone
-- file on each call (tens of milliseconds), too slow per unit of a LATERAL
CREATE FUNCTION @extschema@._require_time_zone(fn pg_catalog.text, time_zone pg_catalog.text)
	RETURNS void AS 'MODULE_PATHNAME', 'safety_require_time_zone' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._require_time_zone(pg_catalog.text, pg_catalog.text) IS
	'Internal: error naming fn unless time_zone is a zone of the server''s time zone database (as safety.aoristic reads it)';

-- the arguments of period_change and trend, checked once per call
CREATE FUNCTION @extschema@._require_period(fn pg_catalog.text, as_of pg_catalog.timestamptz,
	period pg_catalog.text, time_zone pg_catalog.text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF as_of IS NULL OR period IS NULL OR time_zone IS NULL THEN
		RAISE EXCEPTION '%: % must not be NULL', fn,
			CASE WHEN as_of IS NULL THEN 'as_of' WHEN period IS NULL THEN 'period' ELSE 'time_zone' END
			USING ERRCODE = '22004', HINT = 'Pass a time (e.g. now()), a period (week, month, quarter, year) and a zone name.';
	END IF;
	IF as_of IN ('infinity'::pg_catalog.timestamptz, '-infinity'::pg_catalog.timestamptz) THEN
		RAISE EXCEPTION '%: as_of must be finite', fn USING ERRCODE = '22023',
			HINT = 'as_of ends the periods compared, e.g. now().';
	END IF;
	IF period NOT IN ('week', 'month', 'quarter', 'year') THEN
		RAISE EXCEPTION '%: period must be week, month, quarter or year, not "%"', fn, period
			USING ERRCODE = '22023', HINT = 'Periods are calendar periods in the given time zone; weeks start on Monday (ISO).';
	END IF;
	PERFORM @extschema@._require_time_zone(fn, time_zone);
END $$;
COMMENT ON FUNCTION @extschema@._require_period(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.text) IS
	'Internal: the checks of the as_of, period and time_zone arguments of period_change and trend, with errors naming fn';

-- local bounds of a period: the complete one back periods before the last
-- one ending at or before as_of (arguments checked by _require_period)
CREATE FUNCTION @extschema@._period_bounds(as_of pg_catalog.timestamptz,
	period pg_catalog.text, time_zone pg_catalog.text, back pg_catalog.int4,
	OUT period_start pg_catalog.timestamptz, OUT period_end pg_catalog.timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
	SELECT pg_catalog.timezone(time_zone, b.local_end - b.step), pg_catalog.timezone(time_zone, b.local_end)
	FROM (SELECT pg_catalog.date_trunc(period, pg_catalog.timezone(time_zone, as_of)) - back * s.step AS local_end, s.step
	      FROM (SELECT CASE period WHEN 'week' THEN '7 days'::pg_catalog.interval WHEN 'month' THEN '1 month'
	                               WHEN 'quarter' THEN '3 months' ELSE '1 year' END AS step) s) b
$$;
COMMENT ON FUNCTION @extschema@._period_bounds(pg_catalog.timestamptz, pg_catalog.text, pg_catalog.text, pg_catalog.int4) IS
	'Internal: start and end of the complete calendar period back periods before the last one ending at or before as_of (local time of time_zone)';

CREATE FUNCTION @extschema@.period_change(e @extschema@.events, as_of pg_catalog.timestamptz,
	period pg_catalog.text DEFAULT 'month',
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	data_start pg_catalog.timestamptz DEFAULT NULL)
	RETURNS TABLE (period_start pg_catalog.timestamptz, period_end pg_catalog.timestamptz,
		events pg_catalog.int8,
		previous_events pg_catalog.int8, previous_change_pct pg_catalog.float8, previous_p pg_catalog.float8,
		year_ago_events pg_catalog.int8, year_ago_change_pct pg_catalog.float8, year_ago_p pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	cur record;
	prev record;
	ya_start pg_catalog.timestamptz;
	ya_end pg_catalog.timestamptz;
	lag pg_catalog.interval;
	covered_from pg_catalog.timestamptz := data_start;
BEGIN
	-- a NULL collection is no input, whatever the other arguments
	IF e IS NULL THEN
		RETURN;
	END IF;
	IF data_start IN ('infinity'::pg_catalog.timestamptz, '-infinity'::pg_catalog.timestamptz) THEN
		RAISE EXCEPTION 'safety.period_change: data_start must be finite or NULL' USING ERRCODE = '22023',
			HINT = 'data_start is when the records begin (the earliest time of the source table); NULL takes the first event of e.';
	END IF;
	PERFORM @extschema@._require_period('safety.period_change', as_of, period, time_zone);
	SELECT * INTO cur FROM @extschema@._period_bounds(as_of, period, time_zone, 0);
	SELECT * INTO prev FROM @extschema@._period_bounds(as_of, period, time_zone, 1);
	-- a year earlier: 52 weeks for weeks (same weekdays), else 12 months
	lag := CASE period WHEN 'week' THEN '364 days'::pg_catalog.interval ELSE '1 year' END;
	ya_start := pg_catalog.timezone(time_zone, pg_catalog.timezone(time_zone, cur.period_start) - lag);
	ya_end := pg_catalog.timezone(time_zone, pg_catalog.timezone(time_zone, cur.period_end) - lag);
	period_start := cur.period_start;
	period_end := cur.period_end;
	-- an event counts in the period that holds the middle of its window
	SELECT pg_catalog.count(*) FILTER (WHERE m >= cur.period_start AND m < cur.period_end),
	       pg_catalog.count(*) FILTER (WHERE m >= prev.period_start AND m < prev.period_end),
	       pg_catalog.count(*) FILTER (WHERE m >= ya_start AND m < ya_end)
	INTO events, previous_events, year_ago_events
	FROM (SELECT r.occurred_from + (coalesce(r.occurred_to, r.occurred_from) - r.occurred_from) / 2 AS m
	      FROM @extschema@.event_rows(e) r) t;
	-- a period the records may not cover is no comparison: a zero count
	-- there would read as a rise
	IF covered_from IS NULL THEN
		SELECT pg_catalog.min(r.occurred_from) INTO covered_from FROM @extschema@.event_rows(e) r;
	END IF;
	IF covered_from IS NULL OR prev.period_start < covered_from THEN
		previous_events := NULL;
	END IF;
	IF covered_from IS NULL OR ya_start < covered_from THEN
		year_ago_events := NULL;
	END IF;
	previous_change_pct := CASE WHEN previous_events > 0
		THEN 100.0 * (events - previous_events) / previous_events END;
	year_ago_change_pct := CASE WHEN year_ago_events > 0
		THEN 100.0 * (events - year_ago_events) / year_ago_events END;
	-- rates per second: months, quarters, years and DST weeks differ in length
	previous_p := @extschema@.rate_test(events, previous_events,
		pg_catalog.date_part('epoch', cur.period_end - cur.period_start),
		pg_catalog.date_part('epoch', prev.period_end - prev.period_start));
	year_ago_p := @extschema@.rate_test(events, year_ago_events,
		pg_catalog.date_part('epoch', cur.period_end - cur.period_start),
		pg_catalog.date_part('epoch', ya_end - ya_start));
	RETURN NEXT;
END $$;
COMMENT ON FUNCTION @extschema@.period_change(@extschema@.events, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz) IS
	'Events of the last complete calendar period before as_of against the previous period and the same period a year earlier: counts, percent change and the exact two-sided p-value of equal rates per unit of time (rate_test with the periods'' lengths); a comparison period starting before data_start (default: the first event) gives NULLs';

CREATE FUNCTION @extschema@.trend(e @extschema@.events, as_of pg_catalog.timestamptz,
	period pg_catalog.text DEFAULT 'month', periods pg_catalog.int4 DEFAULT 24,
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'))
	RETURNS TABLE (first_start pg_catalog.timestamptz, last_end pg_catalog.timestamptz,
		counts pg_catalog.int8[], n pg_catalog.int4, s pg_catalog.float8, var_s pg_catalog.float8,
		z pg_catalog.float8, p pg_catalog.float8, tau pg_catalog.float8, sen_slope pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	starts pg_catalog.timestamptz[];
	mk record;
BEGIN
	IF e IS NULL THEN
		RETURN;
	END IF;
	PERFORM @extschema@._require_period('safety.trend', as_of, period, time_zone);
	IF periods IS NULL OR periods < 3 OR periods > 10000 THEN
		RAISE EXCEPTION 'safety.trend: periods must lie in 3..10000 (got %)', coalesce(periods::pg_catalog.text, 'NULL')
			USING ERRCODE = CASE WHEN periods IS NULL THEN '22004' ELSE '22023' END,
			HINT = 'periods is the length of the series tested, e.g. 24 months; Mann-Kendall needs at least 3.';
	END IF;
	-- the periods oldest first; each ends where the next starts
	SELECT pg_catalog.array_agg(pb.period_start ORDER BY k DESC), pg_catalog.min(pb.period_start),
	       pg_catalog.max(pb.period_end)
	INTO starts, first_start, last_end
	FROM pg_catalog.generate_series(0, periods - 1) k,
	     LATERAL @extschema@._period_bounds(as_of, period, time_zone, k) pb;
	-- an event counts in the period that holds the middle of its window
	SELECT pg_catalog.array_agg(coalesce(c.n, 0) ORDER BY i) INTO counts
	FROM pg_catalog.generate_series(1, periods) i
	LEFT JOIN (SELECT pg_catalog.width_bucket(t.m, starts) AS i, pg_catalog.count(*) AS n
	           FROM (SELECT r.occurred_from + (coalesce(r.occurred_to, r.occurred_from) - r.occurred_from) / 2 AS m
	                 FROM @extschema@.event_rows(e) r) t
	           WHERE t.m >= first_start AND t.m < last_end
	           GROUP BY 1) c USING (i);
	SELECT * INTO mk FROM @extschema@.mann_kendall(counts::pg_catalog.float8[]);
	n := mk.n; s := mk.s; var_s := mk.var_s; z := mk.z; p := mk.p; tau := mk.tau; sen_slope := mk.sen_slope;
	RETURN NEXT;
END $$;
COMMENT ON FUNCTION @extschema@.trend(@extschema@.events, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.int4, pg_catalog.text) IS
	'Mann-Kendall test and Sen''s slope (events per period) over the counts of the last periods complete calendar periods before as_of';

-- Seasonal indices: the classical multiplicative decomposition of whole
-- local months or days (src/core/sc_seasonal.c), and the expected count of
-- the coming period they give
CREATE FUNCTION @extschema@.seasonal_indices(e @extschema@.events,
	bins pg_catalog.text DEFAULT 'month_of_year',
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	start pg_catalog.timestamptz DEFAULT NULL, stop pg_catalog.timestamptz DEFAULT NULL)
	RETURNS TABLE (bin pg_catalog.int4, label pg_catalog.text, events pg_catalog.float8,
		periods pg_catalog.int4, index pg_catalog.float8, lower pg_catalog.float8, upper pg_catalog.float8)
	AS 'MODULE_PATHNAME', 'safety_seasonal_indices' LANGUAGE C STABLE PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION @extschema@.seasonal_indices(@extschema@.events, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'Seasonal indices by classical multiplicative decomposition (as R decompose(type = "multiplicative")$figure): counts per whole local month (month_of_year, 2x12 centred moving average) or day in whole Monday-to-Sunday weeks (day_of_week, 7-day moving average), ratio to the moving average averaged per month or weekday and normalised to mean 1, with a 95 % t interval of the mean ratio';

CREATE FUNCTION @extschema@.seasonal_expected(e @extschema@.events, as_of pg_catalog.timestamptz,
	bins pg_catalog.text DEFAULT 'month_of_year',
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	start pg_catalog.timestamptz DEFAULT NULL)
	RETURNS TABLE (period_start pg_catalog.timestamptz, period_end pg_catalog.timestamptz,
		bin pg_catalog.int4, label pg_catalog.text, baseline pg_catalog.float8, index pg_catalog.float8,
		expected pg_catalog.float8, lower pg_catalog.float8, upper pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	unit pg_catalog.text;
	step pg_catalog.interval;
	f pg_catalog.int4;
	cur pg_catalog.timestamp;
	target pg_catalog.timestamp;
	si record;
BEGIN
	IF e IS NULL THEN
		RETURN;
	END IF;
	IF as_of IS NULL OR as_of IN ('infinity'::pg_catalog.timestamptz, '-infinity'::pg_catalog.timestamptz) THEN
		RAISE EXCEPTION 'safety.seasonal_expected: as_of must be a finite time' USING
			ERRCODE = CASE WHEN as_of IS NULL THEN '22004' ELSE '22023' END,
			HINT = 'as_of ends the data used (e.g. now()); the expected count is for the period that starts at or after it.';
	END IF;
	IF bins IS NULL OR bins NOT IN ('month_of_year', 'day_of_week') THEN
		RAISE EXCEPTION 'safety.seasonal_expected: bins must be month_of_year or day_of_week, not "%"', coalesce(bins, 'NULL')
			USING ERRCODE = CASE WHEN bins IS NULL THEN '22004' ELSE '22023' END,
			HINT = 'month_of_year expects the coming month, day_of_week the coming day.';
	END IF;
	PERFORM @extschema@._require_time_zone('safety.seasonal_expected', time_zone);
	unit := CASE bins WHEN 'month_of_year' THEN 'month' ELSE 'day' END;
	step := CASE bins WHEN 'month_of_year' THEN '1 month'::pg_catalog.interval ELSE '1 day' END;
	f := CASE bins WHEN 'month_of_year' THEN 12 ELSE 7 END;
	-- the local period holding as_of; the coming one starts at or after as_of
	cur := pg_catalog.date_trunc(unit, pg_catalog.timezone(time_zone, as_of));
	target := CASE WHEN cur = pg_catalog.timezone(time_zone, as_of) THEN cur ELSE cur + step END;
	period_start := pg_catalog.timezone(time_zone, target);
	period_end := pg_catalog.timezone(time_zone, target + step);
	bin := CASE bins WHEN 'month_of_year' THEN pg_catalog.date_part('month', target)::pg_catalog.int4
	                 ELSE pg_catalog.date_part('dow', target)::pg_catalog.int4 END;
	-- the indices of the whole periods before the period holding as_of
	SELECT s.* INTO si FROM @extschema@.seasonal_indices(e, bins, time_zone, start,
		pg_catalog.timezone(time_zone, cur)) s WHERE s.bin = seasonal_expected.bin;
	label := si.label;
	index := si.index;
	-- the level: the mean count of the last whole cycle (12 months, 7 days),
	-- an event counting in the period of the middle of its window
	SELECT coalesce(pg_catalog.sum(r.weight), 0) / f INTO baseline
	FROM @extschema@.event_rows(e) r
	WHERE r.occurred_from + (coalesce(r.occurred_to, r.occurred_from) - r.occurred_from) / 2
	      >= pg_catalog.timezone(time_zone, cur - f * step)
	  AND r.occurred_from + (coalesce(r.occurred_to, r.occurred_from) - r.occurred_from) / 2
	      < pg_catalog.timezone(time_zone, cur);
	expected := baseline * si.index;
	lower := baseline * si.lower;
	upper := baseline * si.upper;
	RETURN NEXT;
END $$;
COMMENT ON FUNCTION @extschema@.seasonal_expected(@extschema@.events, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz) IS
	'Expected events of the coming local month (month_of_year) or day (day_of_week), the first starting at or after as_of: the mean count of the last whole cycle before the period holding as_of (12 months, 7 days) times the seasonal index of the coming period (seasonal_indices of the whole periods from start to that period), with the index''s interval; feed expected to safety.seasonal_tier';
