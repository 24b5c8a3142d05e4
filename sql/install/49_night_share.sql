-- Day and night: the share of events (of their windows) at night, night by
-- the sun's elevation at each event's place and time (NOAA's solar position
-- equations, src/core/sc_sun.c, src/pg/night_share.c) or by fixed local
-- hours (docs/reference-time.md, docs/methods-time.md).

CREATE FUNCTION @extschema@._night_fraction(occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz,
	lon pg_catalog.float8, lat pg_catalog.float8, below pg_catalog.float8) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_night_fraction' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._night_fraction(pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Internal: the share of one window (or its start, without an end or for a minute or less) with the sun''s centre below elevation below (degrees) at lon, lat';

-- PostGIS names are bound when the extension is created (BEGIN ATOMIC), so
-- no object on a caller's search path can stand in for them
CREATE FUNCTION @extschema@._event_positions(e @extschema@.events)
	RETURNS TABLE (occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz,
		weight pg_catalog.float8, lon pg_catalog.float8, lat pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF e IS NULL THEN
		RETURN;
	END IF;
	IF @extschema@.srid(e) OPERATOR(pg_catalog.=) 0 THEN
		RAISE EXCEPTION 'safety._event_positions: the events have SRID 0, so their longitude and latitude are unknown'
			USING ERRCODE = '22023', HINT = 'Collect points with their SRID (ST_SetSRID).';
	END IF;
	RETURN QUERY EXECUTE pg_catalog.format(
		'SELECT r.occurred_from, r.occurred_to, r.weight, %1$I.ST_X(p.g), %1$I.ST_Y(p.g)
		 FROM %2$I.event_rows($1) r,
		      LATERAL (SELECT %1$I.ST_Transform(%1$I.ST_SetSRID(%1$I.ST_MakePoint(r.x, r.y), %2$I.srid($1)), 4326) AS g) p',
		@extschema@._postgis_schema(), '@extschema@') USING e;
EXCEPTION WHEN internal_error THEN
	-- PROJ refuses points outside the SRID's domain, which PostGIS reports as XX000
	RAISE EXCEPTION 'safety._event_positions: a point cannot be turned into longitude and latitude: %', SQLERRM
		USING ERRCODE = '22023', HINT = 'Check that the points are in the collection''s SRID and within its area of use.';
END;
$$;
COMMENT ON FUNCTION @extschema@._event_positions(@extschema@.events) IS
	'Internal: the events of a collection with the longitude and latitude (EPSG:4326) of their points';

CREATE FUNCTION @extschema@.night_share(e @extschema@.events, time_zone pg_catalog.text,
	night pg_catalog.text DEFAULT 'sun')
	RETURNS TABLE (events pg_catalog.float8, night_events pg_catalog.float8, day_events pg_catalog.float8,
		night_share pg_catalog.float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	below pg_catalog.float8;
	h pg_catalog.int4[];
BEGIN
	-- a NULL collection is no input, whatever the other arguments
	IF e IS NULL THEN
		RETURN;
	END IF;
	PERFORM @extschema@._require_time_zone('safety.night_share', time_zone);
	IF night IS NULL THEN
		RAISE EXCEPTION 'safety.night_share: night must not be NULL' USING ERRCODE = '22004',
			HINT = 'Pass ''sun'' (civil twilight), ''nautical'', ''astronomical'', ''sunset'' or local hours such as ''20-6''.';
	END IF;
	-- elevations of the sun's centre below which it is night
	below := CASE pg_catalog.lower(night) WHEN 'sun' THEN -6 WHEN 'civil' THEN -6 WHEN 'nautical' THEN -12
	                                      WHEN 'astronomical' THEN -18 WHEN 'sunset' THEN -0.833 END;
	IF below IS NOT NULL THEN
		IF @extschema@.srid(e) = 0 THEN
			RAISE EXCEPTION 'safety.night_share: the events have SRID 0, so where the sun stands is unknown' USING ERRCODE = '22023',
				HINT = 'Collect points with their SRID (ST_SetSRID), or use local hours such as ''20-6''.';
		END IF;
		SELECT pg_catalog.sum(p.weight),
		       pg_catalog.sum(p.weight * @extschema@._night_fraction(p.occurred_from, p.occurred_to, p.lon, p.lat, below))
		INTO events, night_events
		FROM @extschema@._event_positions(e) p;
	ELSE
		h := pg_catalog.regexp_match(night, '^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$')::pg_catalog.int4[];
		IF h IS NULL OR h[1] > 23 OR h[2] > 24 OR h[1] = h[2] THEN
			RAISE EXCEPTION 'safety.night_share: night must be sun, civil, nautical, astronomical, sunset or local hours from-to, not "%"', night
				USING ERRCODE = '22023',
				HINT = 'Local hours ''20-6'' make night 20:00 to 06:00 in time_zone (start 0-23, end 0-24, not equal).';
		END IF;
		-- the aoristic hour-of-day profile, summed over the night's hours
		SELECT pg_catalog.sum(a.weight),
		       COALESCE(pg_catalog.sum(a.weight) FILTER (WHERE CASE WHEN h[1] < h[2]
		           THEN a.hour >= h[1] AND a.hour < h[2] ELSE a.hour >= h[1] OR a.hour < h[2] END), 0)
		INTO events, night_events
		FROM @extschema@.aoristic(e, time_zone, 'hour_of_day') a;
	END IF;
	day_events := events - night_events;
	night_share := CASE WHEN events > 0 THEN night_events / events END;
	RETURN NEXT;
END $$;
COMMENT ON FUNCTION @extschema@.night_share(@extschema@.events, pg_catalog.text, pg_catalog.text) IS
	'Events (their weights, spread over their windows) by day and at night: night while the sun''s centre is below -6 degrees (civil twilight; nautical -12, astronomical -18, sunset -0.833) at each event''s place (NOAA solar position), or between fixed local hours (''20-6'')';
