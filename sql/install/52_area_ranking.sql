-- Areas as units for tiers and rankings (issue #16): the forecast
-- aggregated into areas and tiered by its density against the city's, and the ranking of areas for a period with
-- the change against the previous period and the same period a year
-- earlier.  Events go to areas by area_counts' rule (the lowest area_id
-- among the areas they intersect); times are taken in UTC.  Changes are
-- tested by safety.rate_test (48_time_profiles.sql).

-- the event rows of a collection at their time (the midpoint of a window),
-- to split one collection into periods
CREATE FUNCTION @extschema@._event_rows_at(e @extschema@.events,
	OUT id pg_catalog.int8, OUT geom geometry, OUT occurred_from pg_catalog.timestamptz,
	OUT occurred_to pg_catalog.timestamptz, OUT weight pg_catalog.float8, OUT t pg_catalog.timestamptz)
	RETURNS SETOF record LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT r.id, ST_SetSRID(ST_MakePoint(r.x, r.y), k.srid),
	       r.occurred_from, r.occurred_to, r.weight,
	       -- OPERATOR() binds left to right: the half window in parentheses
	       COALESCE(r.occurred_from OPERATOR(pg_catalog.+)
	                ((r.occurred_to OPERATOR(pg_catalog.-) r.occurred_from) OPERATOR(pg_catalog./) 2::pg_catalog.float8),
	                r.occurred_from)
	-- the SRID once (OFFSET 0: not per row, which would read the whole
	-- collection again for every event)
	FROM (SELECT @extschema@.srid(_event_rows_at.e) AS srid OFFSET 0) k, @extschema@.event_rows(_event_rows_at.e) r;
END;
COMMENT ON FUNCTION @extschema@._event_rows_at(@extschema@.events) IS
	'The events of a collection as rows with their point and their time t (the midpoint of a time window), to filter them by period';

CREATE FUNCTION @extschema@._area_period(e @extschema@.events, start pg_catalog.timestamptz, stop pg_catalog.timestamptz)
	RETURNS @extschema@.events LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	-- an empty collection rather than NULL: area_counts then lists every area
	SELECT CASE WHEN _area_period.e IS NOT NULL THEN
		COALESCE(@extschema@.events_agg(r.geom, r.occurred_from, r.occurred_to, r.id, r.weight),
		         pg_catalog.format('SRID=%s;{}', @extschema@.srid(_area_period.e))::@extschema@.events) END
	FROM @extschema@._event_rows_at(_area_period.e) r
	WHERE r.t OPERATOR(pg_catalog.>=) _area_period.start AND r.t OPERATOR(pg_catalog.<) _area_period.stop;
END;
COMMENT ON FUNCTION @extschema@._area_period(@extschema@.events, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'The events of a collection whose time (the midpoint of a window) is in [start, stop) (an empty collection when none is; NULL for a NULL collection)';

CREATE FUNCTION @extschema@._check_area_period(fn pg_catalog.text, period_start pg_catalog.timestamptz,
	period pg_catalog.interval)
	RETURNS pg_catalog.bool LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
	IF period_start IS NULL OR period IS NULL THEN
		RAISE EXCEPTION '%: period_start and period must not be NULL', fn USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(period_start) THEN
		RAISE EXCEPTION '%: period_start must be finite', fn USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- compared in UTC, as the periods are laid out
	IF (period_start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.+) period OPERATOR(pg_catalog.<=) (period_start AT TIME ZONE 'UTC') THEN
		RAISE EXCEPTION '%: period must be a positive interval, not %', fn, period USING ERRCODE = 'invalid_parameter_value',
			HINT = 'E.g. ''28 days'', ''1 month'' or ''7 days''.';
	END IF;
	RETURN true;
END $$;
COMMENT ON FUNCTION @extschema@._check_area_period(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.interval) IS
	'True when period_start is finite and period positive; an error naming fn otherwise';

CREATE FUNCTION @extschema@.area_tiers(e @extschema@.events, area_id pg_catalog.int8[], geom geometry[],
	as_of pg_catalog.timestamptz, cell_size pg_catalog.float8,
	horizon pg_catalog.interval DEFAULT '7 days', model pg_catalog.text DEFAULT 'default')
	RETURNS TABLE (area_id pg_catalog.int8, area_km2 pg_catalog.float8, expected pg_catalog.float8,
		expected_per_km2 pg_catalog.float8, ratio pg_catalog.float8, tier @extschema@.tier)
	LANGUAGE sql STABLE PARALLEL SAFE ROWS 100
BEGIN ATOMIC
	-- the cell forecast, each cell's expected events at its centre, into
	-- areas by area_counts' rule (weights: the expected events)
	WITH a AS (
		SELECT u.id, u.k, ST_Area(u.g) OPERATOR(pg_catalog./) 1e6::pg_catalog.float8 AS km2
		FROM ROWS FROM (pg_catalog.unnest(area_tiers.area_id), pg_catalog.unnest(area_tiers.geom)) WITH ORDINALITY AS u(id, g, k)
		-- a NULL collection (or array) is no input
		WHERE area_tiers.e IS NOT NULL AND area_tiers.geom IS NOT NULL
	), w AS (
		SELECT c.area_id, c.weight
		FROM (SELECT @extschema@.events_agg(ST_Centroid(f.geom), area_tiers.as_of, NULL::pg_catalog.int8, f.expected) AS centres
		      FROM @extschema@.forecast(area_tiers.e, area_tiers.as_of, area_tiers.cell_size, area_tiers.horizon, area_tiers.model) f
		      WHERE f.expected OPERATOR(pg_catalog.>) 0
		        AND area_tiers.area_id IS NOT NULL AND area_tiers.geom IS NOT NULL) s,
		     @extschema@.area_counts(s.centres, area_tiers.area_id, area_tiers.geom) c
		WHERE c.area_id IS NOT NULL
	), t AS (
		SELECT a.id, a.k, a.km2, COALESCE(w.weight, 0) AS expected
		FROM a LEFT JOIN w ON w.area_id OPERATOR(pg_catalog.=) a.id
	), city AS (
		-- the city's density: every area's expected events over their total area
		SELECT pg_catalog.sum(t.expected) OPERATOR(pg_catalog./) NULLIF(pg_catalog.sum(t.km2), 0) AS d FROM t
	), r AS (
		SELECT t.id, t.k, t.km2, t.expected, t.expected OPERATOR(pg_catalog./) NULLIF(t.km2, 0) AS dens,
		       (t.expected OPERATOR(pg_catalog./) NULLIF(t.km2, 0)) OPERATOR(pg_catalog./) NULLIF(city.d, 0) AS ratio
		FROM t, city
	)
	SELECT r.id, r.km2, r.expected, r.dens, r.ratio,
	       -- density against the city's; an area expecting less than one
	       -- event in the horizon gets no tier, however small and dense
	       CASE WHEN r.expected OPERATOR(pg_catalog.<) 1 THEN NULL
	            WHEN r.ratio OPERATOR(pg_catalog.>=) 2 THEN 'red'::@extschema@.tier
	            WHEN r.ratio OPERATOR(pg_catalog.>=) 1.5 THEN 'orange'::@extschema@.tier
	            WHEN r.ratio OPERATOR(pg_catalog.>=) 1 THEN 'yellow'::@extschema@.tier END
	FROM r ORDER BY r.k;
END;
COMMENT ON FUNCTION @extschema@.area_tiers(@extschema@.events, pg_catalog.int8[], geometry[], pg_catalog.timestamptz,
	pg_catalog.float8, pg_catalog.interval, pg_catalog.text) IS
	'Risk tiers of areas from the cell forecast (safety.forecast, cells to the area holding their centre): expected events in [as_of, as_of + horizon), per km2, the ratio to the city''s density (all areas) and the tier: red at 2 times the city''s density or more, orange at 1.5, yellow at 1, none below or when fewer than 1 event is expected';

CREATE FUNCTION @extschema@.area_ranking(e @extschema@.events, area_id pg_catalog.int8[], geom geometry[],
	period_start pg_catalog.timestamptz, period pg_catalog.interval DEFAULT '28 days',
	population pg_catalog.float8[] DEFAULT NULL, cell_size pg_catalog.float8 DEFAULT NULL,
	model pg_catalog.text DEFAULT 'default')
	RETURNS TABLE (area_id pg_catalog.int8, events pg_catalog.int8, area_km2 pg_catalog.float8,
		per_km2 pg_catalog.float8, population pg_catalog.float8, per_1000 pg_catalog.float8,
		previous pg_catalog.int8, previous_change pg_catalog.float8, previous_p pg_catalog.float8,
		year_before pg_catalog.int8, year_change pg_catalog.float8, year_p pg_catalog.float8,
		rank pg_catalog.int8, rate_rank pg_catalog.int8,
		expected pg_catalog.float8, expected_per_km2 pg_catalog.float8, tier @extschema@.tier)
	LANGUAGE sql STABLE PARALLEL SAFE ROWS 100
BEGIN ATOMIC
	WITH p AS (
		-- the periods in UTC: a day is 24 hours, a year the calendar year
		SELECT area_ranking.period_start AS start,
		       ((area_ranking.period_start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.+) area_ranking.period) AT TIME ZONE 'UTC' AS stop,
		       ((area_ranking.period_start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.-) area_ranking.period) AT TIME ZONE 'UTC' AS prev_start,
		       ((area_ranking.period_start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.-) '1 year'::pg_catalog.interval) AT TIME ZONE 'UTC' AS year_start,
		       ((area_ranking.period_start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.-) '1 year'::pg_catalog.interval
		        OPERATOR(pg_catalog.+) area_ranking.period) AT TIME ZONE 'UTC' AS year_stop
		-- a NULL collection (or array) is no input, whatever the other arguments
		WHERE CASE WHEN area_ranking.e IS NULL OR area_ranking.area_id IS NULL OR area_ranking.geom IS NULL THEN false
		           ELSE @extschema@._check_area_period('safety.area_ranking', area_ranking.period_start, area_ranking.period) END
	), c AS (
		SELECT n.area_id, n.events, n.area_km2, n.per_km2, n.population, n.per_1000, n.k
		FROM p, ROWS FROM (@extschema@.area_counts(
			@extschema@._area_period(area_ranking.e, p.start, p.stop),
			area_ranking.area_id, area_ranking.geom, area_ranking.population))
			WITH ORDINALITY AS n(area_id, events, weight, area_km2, per_km2, population, per_1000, k)
		WHERE n.area_id IS NOT NULL
	), prev AS (
		SELECT n.area_id, n.events
		FROM p, @extschema@.area_counts(@extschema@._area_period(area_ranking.e, p.prev_start, p.start),
			area_ranking.area_id, area_ranking.geom) n
	), yr AS (
		SELECT n.area_id, n.events
		FROM p, @extschema@.area_counts(@extschema@._area_period(area_ranking.e, p.year_start, p.year_stop),
			area_ranking.area_id, area_ranking.geom) n
	), t AS (
		SELECT f.area_id, f.expected, f.expected_per_km2, f.tier
		FROM p, @extschema@.area_tiers(area_ranking.e, area_ranking.area_id, area_ranking.geom, p.stop,
			area_ranking.cell_size, area_ranking.period, area_ranking.model) f
		WHERE area_ranking.cell_size IS NOT NULL
	), r AS (
		SELECT c.area_id, c.events, c.area_km2, c.per_km2, c.population, c.per_1000, c.k,
		       COALESCE(prev.events, 0) AS previous, COALESCE(yr.events, 0) AS year_before
		FROM c
		LEFT JOIN prev ON prev.area_id OPERATOR(pg_catalog.=) c.area_id
		LEFT JOIN yr ON yr.area_id OPERATOR(pg_catalog.=) c.area_id
	)
	SELECT r.area_id, r.events, r.area_km2, r.per_km2, r.population, r.per_1000,
	       r.previous,
	       100 OPERATOR(pg_catalog.*) (r.events OPERATOR(pg_catalog.-) r.previous)::pg_catalog.float8
	           OPERATOR(pg_catalog./) NULLIF(r.previous, 0)::pg_catalog.float8,
	       @extschema@.rate_test(r.events, r.previous),
	       r.year_before,
	       100 OPERATOR(pg_catalog.*) (r.events OPERATOR(pg_catalog.-) r.year_before)::pg_catalog.float8
	           OPERATOR(pg_catalog./) NULLIF(r.year_before, 0)::pg_catalog.float8,
	       @extschema@.rate_test(r.events, r.year_before),
	       pg_catalog.rank() OVER (ORDER BY r.events DESC),
	       pg_catalog.rank() OVER (ORDER BY r.per_km2 DESC NULLS LAST),
	       t.expected, t.expected_per_km2, t.tier
	FROM r LEFT JOIN t ON t.area_id OPERATOR(pg_catalog.=) r.area_id
	ORDER BY 13, r.k;
END;
COMMENT ON FUNCTION @extschema@.area_ranking(@extschema@.events, pg_catalog.int8[], geometry[], pg_catalog.timestamptz,
	pg_catalog.interval, pg_catalog.float8[], pg_catalog.float8, pg_catalog.text) IS
	'Areas ranked for the period [period_start, period_start + period): events, area, events per km2 and per 1,000 population, the events of the previous period and of the same period a year earlier with the percent change and its exact p-value (safety.rate_test), rank by events and by events per km2, and with cell_size the tier of safety.area_tiers for the next period (as_of the end of the period, horizon period)';
