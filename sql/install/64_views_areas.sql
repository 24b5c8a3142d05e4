-- Managed views (5/5): area views for dashboards, create_area_view: one row
-- per area of an areas table with the ranking of safety.area_ranking for the
-- period ending at as_of and the tier of safety.area_tiers for the next
-- one, refreshed, listed, dropped and served as tiles like the others.

CREATE FUNCTION @extschema@._check_view_areas(fn pg_catalog.text, areas pg_catalog.regclass,
	id_column pg_catalog.name, geom_column pg_catalog.name, name_column pg_catalog.name,
	population_column pg_catalog.name, srid pg_catalog.int4)
	-- the name column used: name_column, else "name" when the table has one
	RETURNS pg_catalog.name LANGUAGE plpgsql STABLE AS $$
DECLARE
	att record;
	geom_type pg_catalog.oid;
	area_srid pg_catalog.int4;
	name_col pg_catalog.name := name_column;
BEGIN
	IF NOT pg_catalog.has_table_privilege(areas, 'SELECT') THEN
		RAISE EXCEPTION '%: permission denied to read %', fn, areas USING ERRCODE = 'insufficient_privilege',
			HINT = 'The view reads the areas as its owner: the creating role needs SELECT on them.';
	END IF;
	IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) areas)
	   OPERATOR(pg_catalog.<>) ALL (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.char[]) THEN
		RAISE EXCEPTION '%: areas % is not a table or view', fn, areas USING ERRCODE = 'wrong_object_type';
	END IF;
	att := @extschema@._source_column(fn, areas, id_column);
	IF att.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION '%: area_id_column "%" of % has type %, not an integer type', fn, id_column, areas, att.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'Use the areas'' integer key, e.g. its primary key.';
	END IF;
	SELECT t.oid INTO geom_type FROM pg_catalog.pg_type t
	WHERE t.typname OPERATOR(pg_catalog.=) 'geometry'
	  AND t.typnamespace OPERATOR(pg_catalog.=) pg_catalog.to_regnamespace(pg_catalog.quote_ident(@extschema@._postgis_schema()));
	att := @extschema@._source_column(fn, areas, geom_column);
	IF att.typid OPERATOR(pg_catalog.<>) geom_type THEN
		RAISE EXCEPTION '%: area_geom_column "%" of % has type %, not geometry', fn, geom_column, areas, att.type
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	-- geometry(Type, SRID): polygons, in the events' SRID when both are typed
	-- (the patterns hold no backslash: standard_conforming_strings = off reads them the same)
	IF att.typmod OPERATOR(pg_catalog.>=) 0 THEN
		IF pg_catalog.substring(att.type, '[(]([[:alnum:]_]+)') OPERATOR(pg_catalog.!~*) '^(polygon|multipolygon|geometry)[zm]*$' THEN
			RAISE EXCEPTION '%: area_geom_column "%" of % has type %; it needs polygons', fn, geom_column, areas, att.type
				USING ERRCODE = 'datatype_mismatch';
		END IF;
		area_srid := pg_catalog.substring(att.type, ',([[:digit:]]+)[)]')::pg_catalog.int4;
		IF area_srid IS NOT NULL AND srid IS NOT NULL AND area_srid OPERATOR(pg_catalog.<>) srid THEN
			RAISE EXCEPTION '%: the areas % are in SRID %, the events in SRID %', fn, areas, area_srid, srid
				USING ERRCODE = 'invalid_parameter_value', HINT = 'Transform one to the other in a view (ST_Transform).';
		END IF;
	END IF;
	IF name_col IS NULL THEN
		-- "name" when there is one
		SELECT a.attname INTO name_col FROM pg_catalog.pg_attribute a
		WHERE a.attrelid OPERATOR(pg_catalog.=) areas AND a.attname OPERATOR(pg_catalog.=) 'name'
		  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	ELSE
		PERFORM @extschema@._source_column(fn, areas, name_col);
	END IF;
	IF population_column IS NOT NULL THEN
		att := @extschema@._source_column(fn, areas, population_column);
		IF att.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8',
			'pg_catalog.float4', 'pg_catalog.float8', 'pg_catalog.numeric']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
			RAISE EXCEPTION '%: population_column "%" of % has type %, not a number', fn, population_column, areas, att.type
				USING ERRCODE = 'datatype_mismatch';
		END IF;
	END IF;
	RETURN name_col;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_areas(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.name, pg_catalog.name, pg_catalog.int4) IS
	'Error (naming fn) unless areas is a readable table or view with an integer id_column, a polygon geom_column (in SRID srid when both are typed), name_column and a numeric population_column when given; returns the name column (name_column, else "name" when there is one, else NULL)';

CREATE FUNCTION @extschema@._view_area_ranking(e @extschema@.events, ids pg_catalog.int8[], geoms geometry[],
	pops pg_catalog.float8[], stop pg_catalog.timestamptz, period pg_catalog.interval,
	cell_size pg_catalog.float8, model pg_catalog.text,
	OUT area_id pg_catalog.int8, OUT events pg_catalog.int8, OUT area_km2 pg_catalog.float8,
	OUT per_km2 pg_catalog.float8, OUT population pg_catalog.float8, OUT per_1000 pg_catalog.float8,
	OUT previous pg_catalog.int8, OUT previous_change pg_catalog.float8, OUT previous_p pg_catalog.float8,
	OUT year_before pg_catalog.int8, OUT year_change pg_catalog.float8, OUT year_p pg_catalog.float8,
	OUT rank pg_catalog.int8, OUT rate_rank pg_catalog.int8,
	OUT expected pg_catalog.float8, OUT expected_per_km2 pg_catalog.float8, OUT tier @extschema@.tier,
	OUT period_start pg_catalog.timestamptz, OUT period_end pg_catalog.timestamptz)
	RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
DECLARE
	cs pg_catalog.float8 := _view_area_ranking.cell_size;
	start pg_catalog.timestamptz;
	first pg_catalog.timestamptz;
BEGIN
	-- no areas, or 'latest' of a source without events: no rows
	IF ids IS NULL OR stop IS NULL THEN
		RETURN;
	END IF;
	start := ((stop AT TIME ZONE 'UTC') OPERATOR(pg_catalog.-) period) AT TIME ZONE 'UTC';
	-- no events up to as_of: every area with 0, in the areas' SRID
	IF e IS NULL THEN
		EXECUTE pg_catalog.format('SELECT pg_catalog.format(''SRID=%%s;{}'', %I.ST_SRID($1))::@extschema@.events',
			@extschema@._postgis_schema()) INTO e USING geoms[1];
	END IF;
	-- the forecast needs events from a day before the period's end: without
	-- them the areas get no tier rather than the view an error
	IF cs IS NOT NULL THEN
		SELECT pg_catalog.min(r.occurred_from) INTO first FROM @extschema@.event_rows(e) r;
		IF first IS NULL OR stop OPERATOR(pg_catalog.<=)
		   (pg_catalog.date_trunc('day', first AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') THEN
			cs := NULL;
		END IF;
	END IF;
	RETURN QUERY SELECT r.area_id, r.events, r.area_km2, r.per_km2, r.population, r.per_1000,
		r.previous, r.previous_change, r.previous_p, r.year_before, r.year_change, r.year_p,
		r.rank, r.rate_rank, r.expected, r.expected_per_km2, r.tier, start,
		-- area_ranking's end: stop itself but for months (2020-03-31 - 1 month + 1 month is 03-29)
		((start AT TIME ZONE 'UTC') OPERATOR(pg_catalog.+) period) AT TIME ZONE 'UTC'
	FROM @extschema@.area_ranking(e, ids, geoms, start, period, pops, cs, model) r;
END $$;
COMMENT ON FUNCTION @extschema@._view_area_ranking(@extschema@.events, pg_catalog.int8[], geometry[], pg_catalog.float8[],
	pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.float8, pg_catalog.text) IS
	'safety.area_ranking for an area view, the period ending at stop (its start and end as columns): no rows without areas or stop; every area with 0 events when e is NULL; no tiers when the forecast has no data before stop';

CREATE FUNCTION @extschema@._area_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _area_view_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_area_view_sql.source, p);
	areas pg_catalog.text := @extschema@._view_source_sql((p OPERATOR(pg_catalog.->>) 'areas')::pg_catalog.oid::pg_catalog.regclass);
	id pg_catalog.text := pg_catalog.quote_ident(p OPERATOR(pg_catalog.->>) 'area_id_column');
	-- the period ends at as_of, or for 'latest' at the midnight after the
	-- last event (as emerging views), so that the last day is whole and in
	stop pg_catalog.text := CASE WHEN p OPERATOR(pg_catalog.->>) 'as_of' OPERATOR(pg_catalog.=) 'latest'
		THEN pg_catalog.format('(pg_catalog.date_trunc(''day'', %s AT TIME ZONE ''UTC'') OPERATOR(pg_catalog.+) ''1 day''::pg_catalog.interval) AT TIME ZONE ''UTC''', as_of)
		ELSE as_of END;
BEGIN
	RETURN pg_catalog.format(
$sql$WITH g AS MATERIALIZED (
	%1$s
), a AS MATERIALIZED (
	SELECT pg_catalog.array_agg(a.%2$s::pg_catalog.int8 ORDER BY a.%2$s) AS ids,
	       pg_catalog.array_agg(a.%3$I ORDER BY a.%2$s) AS geoms,
	       pg_catalog.array_agg(%4$s ORDER BY a.%2$s) AS population
	FROM %5$s a
)
SELECT r.area_id, %6$s AS name, x.%3$I AS geom, r.events, r.area_km2, r.per_km2, r.population, r.per_1000,
	r.previous, r.previous_change, r.previous_p, r.year_before, r.year_change, r.year_p,
	r.rank, r.rate_rank, r.expected, r.expected_per_km2, r.tier,
	r.period_start, r.period_end, %10$s AS as_of
FROM g, a, LATERAL @extschema@._view_area_ranking(g.e, a.ids, a.geoms, a.population, %7$s,
	%8$L::pg_catalog.interval, %9$L::pg_catalog.float8, %11$L) r
JOIN %5$s x ON x.%2$s::pg_catalog.int8 OPERATOR(pg_catalog.=) r.area_id$sql$,
		@extschema@._view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t) AS e'),
		id, p OPERATOR(pg_catalog.->>) 'area_geom_column',
		CASE WHEN p OPERATOR(pg_catalog.->>) 'population_column' IS NULL THEN 'NULL::pg_catalog.float8'
			ELSE pg_catalog.format('a.%I::pg_catalog.float8', p OPERATOR(pg_catalog.->>) 'population_column') END,
		areas,
		CASE WHEN p OPERATOR(pg_catalog.->>) 'area_name_column' IS NULL THEN 'NULL::pg_catalog.text'
			ELSE pg_catalog.format('x.%I::pg_catalog.text', p OPERATOR(pg_catalog.->>) 'area_name_column') END,
		stop, p OPERATOR(pg_catalog.->>) 'period', (p OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8,
		as_of, p OPERATOR(pg_catalog.->>) 'model');
END $$;
COMMENT ON FUNCTION @extschema@._area_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of an area view over source and its areas with the given parameters (as stored in safety.views)';

CREATE FUNCTION @extschema@.create_area_view(
	name pg_catalog.text,
	source pg_catalog.regclass,
	areas pg_catalog.regclass,
	geom_column pg_catalog.name,
	time_column pg_catalog.name,
	period pg_catalog.interval DEFAULT '28 days',
	cell_size pg_catalog.float8 DEFAULT 250,
	model pg_catalog.text DEFAULT 'default',
	area_id_column pg_catalog.name DEFAULT 'area_id',
	area_geom_column pg_catalog.name DEFAULT 'geom',
	area_name_column pg_catalog.name DEFAULT NULL,
	population_column pg_catalog.name DEFAULT NULL,
	filter pg_catalog.text DEFAULT NULL,
	schema pg_catalog.name DEFAULT pg_catalog.current_schema(),
	as_of pg_catalog.anycompatible DEFAULT NULL::pg_catalog.text)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the period is stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_area_view';
	vname pg_catalog.text := create_area_view.name;
	vschema pg_catalog.name := create_area_view.schema;
	src pg_catalog.regclass := create_area_view.source;
	srid pg_catalog.int4;
	name_col pg_catalog.name;
	params pg_catalog.jsonb;
	at pg_catalog.jsonb;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR areas IS NULL OR geom_column IS NULL
	   OR time_column IS NULL OR period IS NULL OR model IS NULL OR area_id_column IS NULL
	   OR area_geom_column IS NULL OR vschema IS NULL THEN
		RAISE EXCEPTION '%: name, source, areas, geom_column, time_column, period, model, area_id_column, area_geom_column and schema must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@._check_area_period(fn, '2000-01-03 00:00+00', period);
	IF cell_size IS NOT NULL THEN
		PERFORM @extschema@._check_view_size(fn, 'cell_size', cell_size);
	END IF;
	at := @extschema@._view_as_of(fn, as_of::pg_catalog.text, period);
	PERFORM @extschema@._check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@._check_view_source(fn, src, geom_column, time_column, filter);
	name_col := @extschema@._check_view_areas(fn, areas, area_id_column, area_geom_column, area_name_column,
		population_column, srid);
	-- the model and the period as a horizon, checked by safety.forecast itself
	IF cell_size IS NOT NULL THEN
		PERFORM @extschema@._check_view_call(fn, srid, pg_catalog.format(
			'@extschema@.forecast($1, %L::pg_catalog.timestamptz, %L::pg_catalog.float8, %L::pg_catalog.interval, %L)',
			'2000-01-03 00:00+00', cell_size, period, model));
	END IF;

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column,
		'areas', areas::pg_catalog.oid, 'area_id_column', area_id_column, 'area_geom_column', area_geom_column,
		'area_name_column', name_col, 'population_column', population_column,
		'period', period::pg_catalog.text, 'cell_size', cell_size, 'model', model,
		'filter', filter, 'as_of', at, 'srid', srid);
	view := @extschema@._create_view_relation(vschema, vname, @extschema@._area_view_sql(src, params),
		ARRAY['area_id'], 'geom', pg_catalog.format(
		'safety area view: events of %s per area of %s in the %s up to %s%s, against the period before and a year earlier, ranked%s',
		src, areas, period::pg_catalog.text, @extschema@._view_as_of_text(params),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END,
		CASE WHEN cell_size IS NULL THEN '' ELSE pg_catalog.format(', with the tier of the next %s (forecast model %s, %s cells)',
			period::pg_catalog.text, model, cell_size) END));
	PERFORM @extschema@._register_view(fn, vschema, vname, 'area', src, params);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_area_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.regclass,
	pg_catalog.name, pg_catalog.name, pg_catalog.interval, pg_catalog.float8, pg_catalog.text, pg_catalog.name,
	pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.text, pg_catalog.name, pg_catalog.anycompatible) IS
	'Create a materialized view with one row per area of areas: safety.area_ranking of the events of source in the period up to as_of (events, rates, change against the previous period and a year earlier with p-values, ranks) and with cell_size the tier of safety.area_tiers for the next period, listed in safety.views; as_of: NULL (now() at each refresh), ''latest'' (the midnight after the last event, at each refresh) or a time';
