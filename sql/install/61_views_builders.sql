-- Managed views (2/4): the builders, create_hotspot_view,
-- create_near_repeat_view, create_tier_view and create_emerging_view, with
-- the checks and the generated SQL they share (internal helpers, prefix _).
-- helpers ---------------------------------------------------------------

CREATE FUNCTION @extschema@._postgis_schema() RETURNS pg_catalog.name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN (SELECT n.nspname FROM pg_catalog.pg_extension e
		JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
		WHERE e.extname OPERATOR(pg_catalog.=) 'postgis');
COMMENT ON FUNCTION @extschema@._postgis_schema() IS
	'Schema of the PostGIS extension, to qualify PostGIS names in generated SQL';

CREATE FUNCTION @extschema@._view_entry(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	RETURNS @extschema@.views LANGUAGE plpgsql STABLE AS $$
DECLARE
	entry @extschema@.views;
	n pg_catalog.int4;
BEGIN
	IF _view_entry.name IS NULL THEN
		RAISE EXCEPTION 'safety: the view name is NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT pg_catalog.count(*) INTO n FROM @extschema@.views v
	WHERE v.name OPERATOR(pg_catalog.=) _view_entry.name
	  AND (_view_entry.schema IS NULL OR v.schema OPERATOR(pg_catalog.=) _view_entry.schema);
	IF n OPERATOR(pg_catalog.>) 1 THEN
		-- the one in the current schema, if any
		SELECT * INTO entry FROM @extschema@.views v
		WHERE v.name OPERATOR(pg_catalog.=) _view_entry.name AND v.schema OPERATOR(pg_catalog.=) pg_catalog.current_schema();
		IF NOT FOUND THEN
			RAISE EXCEPTION 'safety: view name "%" is ambiguous', _view_entry.name
				USING ERRCODE = 'ambiguous_alias', HINT = 'Pass the schema as the second argument.';
		END IF;
		RETURN entry;
	END IF;
	SELECT * INTO entry FROM @extschema@.views v
	WHERE v.name OPERATOR(pg_catalog.=) _view_entry.name
	  AND (_view_entry.schema IS NULL OR v.schema OPERATOR(pg_catalog.=) _view_entry.schema);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'safety: no view "%"%', _view_entry.name,
			CASE WHEN _view_entry.schema IS NULL THEN '' ELSE ' in schema "' OPERATOR(pg_catalog.||) _view_entry.schema OPERATOR(pg_catalog.||) '"' END
			USING ERRCODE = 'undefined_object', HINT = 'safety.views lists the views made by safety.create_hotspot_view, safety.create_near_repeat_view, safety.create_tier_view and safety.create_emerging_view.';
	END IF;
	RETURN entry;
END $$;
COMMENT ON FUNCTION @extschema@._view_entry(pg_catalog.text, pg_catalog.name) IS
	'The safety.views row of a view by name (and schema, when the name alone is ambiguous); an error when there is none';

-- checks shared by the builders --------------------------------------------

CREATE FUNCTION @extschema@._check_view_target(fn pg_catalog.text, schema pg_catalog.name, names pg_catalog.text[])
	RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
	vschema pg_catalog.name := _check_view_target.schema;
	nsp pg_catalog.oid;
	r pg_catalog.text;
BEGIN
	FOREACH r IN ARRAY names LOOP
		IF pg_catalog.octet_length(r) OPERATOR(pg_catalog.>) 63 THEN
			RAISE EXCEPTION '%: name "%" is longer than 63 bytes', fn, r USING ERRCODE = 'name_too_long';
		END IF;
	END LOOP;
	SELECT n.oid INTO nsp FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) vschema;
	IF nsp IS NULL THEN
		RAISE EXCEPTION '%: schema "%" does not exist', fn, vschema USING ERRCODE = 'invalid_schema_name';
	END IF;
	IF NOT pg_catalog.has_schema_privilege(nsp, 'CREATE') THEN
		RAISE EXCEPTION '%: permission denied to create in schema "%"', fn, vschema USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY names LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_class c
		           WHERE c.relname OPERATOR(pg_catalog.=) r AND c.relnamespace OPERATOR(pg_catalog.=) nsp) THEN
			RAISE EXCEPTION '%: relation "%" already exists in schema "%"', fn, r, vschema
				USING ERRCODE = 'duplicate_table', HINT = 'Choose another name, or drop the old view with safety.drop_view.';
		END IF;
		IF EXISTS (SELECT FROM @extschema@.views v WHERE v.schema OPERATOR(pg_catalog.=) vschema
		           AND (v.name OPERATOR(pg_catalog.=) r OR r::pg_catalog.name OPERATOR(pg_catalog.=) ANY (v.companions))) THEN
			RAISE EXCEPTION '%: safety.views already lists "%"."%"', fn, vschema, r
				USING ERRCODE = 'duplicate_object', HINT = 'Remove the stale entry with safety.drop_view.';
		END IF;
	END LOOP;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_target(pg_catalog.text, pg_catalog.name, pg_catalog.text[]) IS
	'Error (naming fn) unless the relations names can be created in schema: short enough, schema exists and allows CREATE, no such relation, not in safety.views';

CREATE FUNCTION @extschema@._check_view_window(fn pg_catalog.text, "window" pg_catalog.interval, as_of pg_catalog.timestamptz)
	RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF "window" OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: window must be a positive interval, not %', fn, "window" USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF as_of IS NOT NULL AND NOT pg_catalog.isfinite(as_of) THEN
		RAISE EXCEPTION '%: as_of must be finite', fn USING ERRCODE = 'invalid_parameter_value';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_window(pg_catalog.text, pg_catalog.interval, pg_catalog.timestamptz) IS
	'Error (naming fn) unless window is positive and as_of finite or NULL';

CREATE FUNCTION @extschema@._check_view_size(fn pg_catalog.text, what pg_catalog.text, size pg_catalog.float8)
	RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF NOT (size OPERATOR(pg_catalog.>) 0 AND size OPERATOR(pg_catalog.<) 'Infinity') THEN
		RAISE EXCEPTION '%: % must be positive and finite, not %', fn, what, size
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Sizes are in the units of the points'' SRID (metres for UTM).';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_size(pg_catalog.text, pg_catalog.text, pg_catalog.float8) IS
	'Error (naming fn and the parameter what) unless size is positive and finite';

CREATE FUNCTION @extschema@._view_min_count(fn pg_catalog.text, min_count pg_catalog.int4)
	RETURNS pg_catalog.int4 LANGUAGE plpgsql STABLE AS $$
DECLARE
	mc pg_catalog.int4;
BEGIN
	-- loads the library, so that safety.min_count is a known setting
	PERFORM @extschema@.check_expression('true');
	mc := coalesce(min_count, pg_catalog.current_setting('safety.min_count', true)::pg_catalog.int4, 3);
	IF mc OPERATOR(pg_catalog.<) 1 THEN
		RAISE EXCEPTION '%: min_count must be at least 1, not %', fn, mc USING ERRCODE = 'invalid_parameter_value',
			HINT = 'min_count 1 publishes every non-empty cell; larger values hide cells with few events.';
	END IF;
	RETURN mc;
END $$;
COMMENT ON FUNCTION @extschema@._view_min_count(pg_catalog.text, pg_catalog.int4) IS
	'The min_count a view stores: min_count, or the setting safety.min_count (default 3) when NULL; an error (naming fn) when below 1';

CREATE FUNCTION @extschema@._source_column(fn pg_catalog.text, source pg_catalog.regclass, col pg_catalog.name,
	OUT typid pg_catalog.oid, OUT typmod pg_catalog.int4, OUT type pg_catalog.text)
	RETURNS record LANGUAGE plpgsql STABLE AS $$
BEGIN
	SELECT a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, a.atttypmod) INTO typid, typmod, type
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) source AND a.attname OPERATOR(pg_catalog.=) col
	  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION '%: column "%" of % does not exist', fn, col, source USING ERRCODE = 'undefined_column';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._source_column(pg_catalog.text, pg_catalog.regclass, pg_catalog.name) IS
	'Type of column col of source (an error naming fn when there is none)';

CREATE FUNCTION @extschema@._check_view_source(fn pg_catalog.text, source pg_catalog.regclass,
	geom_column pg_catalog.name, time_column pg_catalog.name, filter pg_catalog.text)
	-- volatile: it runs EXPLAIN
	RETURNS pg_catalog.int4 LANGUAGE plpgsql AS $$
DECLARE
	src pg_catalog.regclass := _check_view_source.source;
	geom_type pg_catalog.oid;
	att record;
	srid pg_catalog.int4;
	msg pg_catalog.text;
BEGIN
	IF NOT pg_catalog.has_table_privilege(src, 'SELECT') THEN
		RAISE EXCEPTION '%: permission denied to read %', fn, src USING ERRCODE = 'insufficient_privilege',
			HINT = 'The view reads the source as its owner: the creating role needs SELECT on it.';
	END IF;
	IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) src)
	   OPERATOR(pg_catalog.<>) ALL (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.char[]) THEN
		RAISE EXCEPTION '%: source % is not a table or view', fn, src USING ERRCODE = 'wrong_object_type';
	END IF;
	SELECT t.oid INTO geom_type FROM pg_catalog.pg_type t
	WHERE t.typname OPERATOR(pg_catalog.=) 'geometry'
	  AND t.typnamespace OPERATOR(pg_catalog.=) pg_catalog.to_regnamespace(pg_catalog.quote_ident(@extschema@._postgis_schema()));
	att := @extschema@._source_column(fn, src, geom_column);
	IF att.typid OPERATOR(pg_catalog.<>) geom_type THEN
		RAISE EXCEPTION '%: geom_column "%" of % has type %, not geometry', fn, geom_column, src, att.type
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	IF att.typmod OPERATOR(pg_catalog.>=) 0 THEN
		-- geometry(Type[,SRID]): points only (Z and M are ignored); the
		-- patterns hold no backslash, so standard_conforming_strings = off
		-- reads them the same
		IF pg_catalog.substring(att.type, '[(]([[:alnum:]_]+)') OPERATOR(pg_catalog.!~*) '^(point|geometry)[zm]*$' THEN
			RAISE EXCEPTION '%: geom_column "%" of % has type %; it needs points', fn, geom_column, src, att.type
				USING ERRCODE = 'datatype_mismatch', HINT = 'Turn areas into points with ST_PointOnSurface in a view over the table.';
		END IF;
		srid := pg_catalog.substring(att.type, ',([[:digit:]]+)[)]')::pg_catalog.int4;
	END IF;
	att := @extschema@._source_column(fn, src, time_column);
	IF att.typid OPERATOR(pg_catalog.<>) 'pg_catalog.timestamptz'::pg_catalog.regtype THEN
		RAISE EXCEPTION '%: time_column "%" of % has type %, not timestamp with time zone', fn, time_column, src, att.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'Convert it in a view over the table, e.g. occurred AT TIME ZONE ''UTC''.';
	END IF;

	-- the filter: one expression (checked by parsing alone), then planned
	-- (not run) against the source so unknown columns and non-boolean
	-- expressions are reported here
	IF filter IS NOT NULL THEN
		BEGIN
			PERFORM @extschema@.check_expression(filter);
			EXECUTE pg_catalog.format('EXPLAIN SELECT FROM %s WHERE (%s%s%s) LIMIT 0', src, E'\n', filter, E'\n');
		EXCEPTION WHEN syntax_error_or_access_rule_violation OR data_exception THEN
			GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
			RAISE EXCEPTION '%: filter is not a valid condition on %: %', fn, src, msg
				USING ERRCODE = 'invalid_parameter_value', HINT = 'Give one boolean SQL expression over the source''s columns, such as offense = ''BURGLARY''.';
		END;
	END IF;
	-- the SRID of geometry(Point, SRID), else NULL
	RETURN srid;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_source(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.text) IS
	'Error (naming fn) unless source is a readable table or view with a point geom_column, a timestamptz time_column and filter is one valid condition on it; returns the SRID of geom_column''s typmod, if any';

CREATE FUNCTION @extschema@._check_view_call(fn pg_catalog.text, srid pg_catalog.int4, call pg_catalog.text)
	-- volatile: it runs call; the two test events draw no fallback notices
	RETURNS void LANGUAGE plpgsql SET client_min_messages = 'warning' AS $$
DECLARE
	msg pg_catalog.text;
	hint pg_catalog.text;
	state pg_catalog.text;
BEGIN
	-- call names $1: two events in the source's SRID (a geographic SRID is
	-- refused by the analysis too), 200 apart so that at SRID 0 they never
	-- look like longitude/latitude; its errors are reported under fn
	EXECUTE 'SELECT FROM ' OPERATOR(pg_catalog.||) call USING pg_catalog.format(
		'SRID=%s;{(0,0,2000-01-01T00:00:00Z,,1,1),(200,0,2000-01-02T00:00:00Z,,1,2)}', coalesce(srid, 0))::@extschema@.events;
EXCEPTION WHEN invalid_parameter_value OR null_value_not_allowed OR program_limit_exceeded THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT, state = RETURNED_SQLSTATE;
	RAISE EXCEPTION '%: %', fn, pg_catalog.regexp_replace(msg, '^safety[.][[:alnum:]_]+: ', '')
		USING ERRCODE = state, HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@._check_view_call(pg_catalog.text, pg_catalog.int4, pg_catalog.text) IS
	'Run the analysis call on two events ($1) in SRID srid, so that its parameters are checked before a view is created; its errors are raised naming fn';

-- the SQL of the views ------------------------------------------------------

CREATE FUNCTION @extschema@._view_source_sql(source pg_catalog.regclass)
	RETURNS pg_catalog.text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN (SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE c.oid OPERATOR(pg_catalog.=) source);
COMMENT ON FUNCTION @extschema@._view_source_sql(pg_catalog.regclass) IS
	'The schema-qualified, quoted name of a view''s source table';

CREATE FUNCTION @extschema@._view_as_of_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE sql STABLE PARALLEL SAFE
	-- the end of the window: a fixed time, the time of each refresh, or the
	-- time of the source's last event that passes the filter (at each refresh;
	-- the filter stands on lines of its own, as in _view_events_sql)
	RETURN CASE WHEN parameters OPERATOR(pg_catalog.->>) 'as_of' IS NULL THEN 'pg_catalog.now()'
		WHEN parameters OPERATOR(pg_catalog.->>) 'as_of' OPERATOR(pg_catalog.=) 'latest' THEN pg_catalog.format(
$sql$(SELECT pg_catalog.max(l.t) FROM (SELECT %1$I AS t FROM %2$s WHERE (
%3$s
	)) l)$sql$,
			parameters OPERATOR(pg_catalog.->>) 'time_column', @extschema@._view_source_sql(source),
			coalesce(parameters OPERATOR(pg_catalog.->>) 'filter', 'true'))
		ELSE pg_catalog.format('%L::pg_catalog.timestamptz', parameters OPERATOR(pg_catalog.->>) 'as_of') END;
COMMENT ON FUNCTION @extschema@._view_as_of_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'SQL of the as_of of a view''s parameters: the fixed time, now() (the time of each refresh), or for ''latest'' the time of the last event of source that passes the filter (at each refresh)';

CREATE FUNCTION @extschema@._view_as_of(fn pg_catalog.text, as_of pg_catalog.text, "window" pg_catalog.interval)
	RETURNS pg_catalog.jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	at pg_catalog.timestamptz;
BEGIN
	IF as_of IS NULL THEN
		PERFORM @extschema@._check_view_window(fn, "window", NULL);
		RETURN 'null'::pg_catalog.jsonb;
	ELSIF pg_catalog.lower(pg_catalog.btrim(as_of)) OPERATOR(pg_catalog.=) 'latest' THEN
		PERFORM @extschema@._check_view_window(fn, "window", NULL);
		RETURN '"latest"'::pg_catalog.jsonb;
	END IF;
	BEGIN
		at := as_of::pg_catalog.timestamptz;
	EXCEPTION WHEN data_exception THEN
		RAISE EXCEPTION '%: as_of must be ''latest'' or a time, not "%"', fn, as_of
			USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Leave it out for now() at each refresh, or pass e.g. ''2018-07-01 00:00+00'' or ''latest'' (the last event).';
	END;
	PERFORM @extschema@._check_view_window(fn, "window", at);
	RETURN pg_catalog.to_jsonb(at);
END $$;
COMMENT ON FUNCTION @extschema@._view_as_of(pg_catalog.text, pg_catalog.text, pg_catalog.interval) IS
	'The as_of of a view as stored in its parameters (JSON null: now() at each refresh; "latest": the last event at each refresh; else the time), after checking it and the window (errors name fn)';

CREATE FUNCTION @extschema@._view_as_of_text(parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN parameters OPERATOR(pg_catalog.->>) 'as_of' IS NULL THEN 'each refresh'
		WHEN parameters OPERATOR(pg_catalog.->>) 'as_of' OPERATOR(pg_catalog.=) 'latest' THEN 'the latest event'
		ELSE ((parameters OPERATOR(pg_catalog.->>) 'as_of')::pg_catalog.timestamptz)::pg_catalog.text END;
COMMENT ON FUNCTION @extschema@._view_as_of_text(pg_catalog.jsonb) IS
	'The as_of of a view''s parameters in words, for its comment';

CREATE FUNCTION @extschema@._view_events_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb, columns pg_catalog.text)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _view_events_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_view_events_sql.source, p);
BEGIN
	-- the filter stands on lines of its own (a trailing comment ends with
	-- it) inside a subquery of its own
	RETURN pg_catalog.format(
$sql$SELECT %1$s
	FROM (SELECT %2$I AS geom, %3$I AS t%4$s FROM %5$s WHERE (
%6$s
	)) s
	WHERE s.t OPERATOR(pg_catalog.<=) %7$s%8$s$sql$,
		columns,
		p OPERATOR(pg_catalog.->>) 'geom_column',
		p OPERATOR(pg_catalog.->>) 'time_column',
		pg_catalog.concat(
			CASE WHEN p OPERATOR(pg_catalog.?) 'id_column'
				THEN pg_catalog.format(', %I::pg_catalog.int8 AS id', p OPERATOR(pg_catalog.->>) 'id_column') END,
			-- the harm weight of the offense (safety.offense_weights)
			CASE WHEN p OPERATOR(pg_catalog.?) 'offense_column'
				THEN pg_catalog.format(', @extschema@.offense_weight(%I::pg_catalog.text) AS weight', p OPERATOR(pg_catalog.->>) 'offense_column') END),
		(SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
		 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		 WHERE c.oid OPERATOR(pg_catalog.=) _view_events_sql.source),
		coalesce(p OPERATOR(pg_catalog.->>) 'filter', 'true'),
		as_of,
		-- how far back: the window; without one (tier views, whose model
		-- chooses its own history) every row up to as_of
		CASE WHEN p OPERATOR(pg_catalog.?) 'window'
			THEN pg_catalog.format(E'\n\t  AND s.t OPERATOR(pg_catalog.>) (%s OPERATOR(pg_catalog.-) %L::pg_catalog.interval)',
				as_of, p OPERATOR(pg_catalog.->>) 'window')
			ELSE '' END);
END $$;
COMMENT ON FUNCTION @extschema@._view_events_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) IS
	'SQL selecting columns over the rows s(geom, t[, id][, weight]) of source that pass the filter and fall in (as_of - window, as_of] (or up to as_of when the view has no window), per a view''s parameters';

CREATE FUNCTION @extschema@._view_geom_sql(parameters pg_catalog.jsonb, expr pg_catalog.text)
	RETURNS pg_catalog.text LANGUAGE sql STABLE PARALLEL SAFE
	-- a typed geometry column when the source's SRID is known (QGIS reads it)
	RETURN CASE WHEN parameters OPERATOR(pg_catalog.->>) 'srid' IS NULL THEN expr
		ELSE pg_catalog.format('%s::%I.geometry(Polygon,%s)', expr, @extschema@._postgis_schema(),
			(parameters OPERATOR(pg_catalog.->>) 'srid')::pg_catalog.int4) END;
COMMENT ON FUNCTION @extschema@._view_geom_sql(pg_catalog.jsonb, pg_catalog.text) IS
	'SQL of the polygon column expr of a view: cast to geometry(Polygon, SRID) when the parameters know the source''s SRID';

CREATE FUNCTION @extschema@._view_gi_star(g @extschema@.grid, distance pg_catalog.float8, fdr pg_catalog.bool,
	OUT cell_id pg_catalog.int8, OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2)
	RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF g IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT s.cell_id, s.z, s.p, s.class FROM @extschema@.gi_star(g, distance, NULL, fdr) s;
EXCEPTION WHEN SQLSTATE '22S01' THEN
	-- a window whose grid Gi* cannot analyse (fewer than 3 cells, or all
	-- equal) is no error for a view: its cells get no z, class or tier
	NULL;
END $$;
COMMENT ON FUNCTION @extschema@._view_gi_star(@extschema@.grid, pg_catalog.float8, pg_catalog.bool) IS
	'safety.gi_star(g, distance, NULL, fdr) for a hotspot view (the default analysis set: the cells within the band of a cell with events): no rows when g is NULL, has fewer than 3 cells or no variation';

CREATE FUNCTION @extschema@._hotspot_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _hotspot_view_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_hotspot_view_sql.source, p);
	cell_size pg_catalog.float8 := (p OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8;
	-- stored by create_hotspot_view; older entries have neither
	distance pg_catalog.float8 := coalesce((p OPERATOR(pg_catalog.->>) 'distance')::pg_catalog.float8,
		3 OPERATOR(pg_catalog.*) cell_size);
	fdr pg_catalog.bool := coalesce((p OPERATOR(pg_catalog.->>) 'fdr')::pg_catalog.bool, true);
	cols pg_catalog.text;
BEGIN
	-- The columns of the view, one row per cell.  Density (safety.kde_agg)
	-- and Gi* (safety.gi_star) columns are added HERE, and only here: they
	-- join the same grid "g.grid" on cell_id.  Gi* sees every cell of the
	-- window (zeros too); min_count hides rows only afterwards.
	cols := pg_catalog.concat_ws(E',\n\t',
		'c.cell_id',
		@extschema@._view_geom_sql(p, 'c.geom') OPERATOR(pg_catalog.||) ' AS geom',
		'c.value::pg_catalog.int8 AS events',
		'coalesce(d.value, 0) AS density',
		'@extschema@.per_km2(coalesce(d.value, 0)) AS density_km2',
		'z.z AS gi_z',
		'z.p AS gi_p',
		'z.class AS gi_class',
		'@extschema@.tier_from_gi(z.class) AS tier',
		pg_catalog.format('(%s OPERATOR(pg_catalog.-) %L::pg_catalog.interval) AS window_start', as_of, p OPERATOR(pg_catalog.->>) 'window'),
		as_of OPERATOR(pg_catalog.||) ' AS window_end',
		as_of OPERATOR(pg_catalog.||) ' AS as_of'
	);

	RETURN pg_catalog.format(
$sql$WITH g AS MATERIALIZED (
	%2$s
), d AS (
	SELECT d.cell_id, d.value FROM g, LATERAL @extschema@.cells(g.density) d
), z AS (
	SELECT z.cell_id, z.z, z.p, z.class FROM g, LATERAL @extschema@._view_gi_star(g.grid, %4$L::pg_catalog.float8, %5$L::pg_catalog.bool) z
)
SELECT %1$s
FROM g CROSS JOIN LATERAL @extschema@.cells(g.grid) c
LEFT JOIN d ON d.cell_id OPERATOR(pg_catalog.=) c.cell_id
LEFT JOIN z ON z.cell_id OPERATOR(pg_catalog.=) c.cell_id
WHERE c.value OPERATOR(pg_catalog.>=) %3$s$sql$,
		cols,
		@extschema@._view_events_sql(source, p, pg_catalog.format(
			'@extschema@.grid_agg(s.geom, %1$L::pg_catalog.float8) AS grid, @extschema@.kde_agg(s.geom, %1$L::pg_catalog.float8, %2$L::pg_catalog.float8) AS density',
			cell_size, (p OPERATOR(pg_catalog.->>) 'bandwidth')::pg_catalog.float8)),
		(p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4,
		distance, fdr);
END $$;
COMMENT ON FUNCTION @extschema@._hotspot_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of a hotspot view over source with the given parameters (as stored in safety.views)';

CREATE FUNCTION @extschema@._near_repeat_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb,
	relation pg_catalog.text DEFAULT 'table')
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _near_repeat_view_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_near_repeat_view_sql.source, p);
	-- the arguments of near_repeat after the events, as stored
	-- (numbers as quoted literals: -9223372036854775808::int8 would be
	-- -(9223372036854775808::int8), out of range)
	args pg_catalog.text := pg_catalog.format('%L::pg_catalog.float8[], %L::pg_catalog.float8[], %L::pg_catalog.int4, %L::pg_catalog.int8, %L',
		ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p OPERATOR(pg_catalog.->) 'distance_bands'))::pg_catalog.float8[],
		ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p OPERATOR(pg_catalog.->) 'time_bands'))::pg_catalog.float8[],
		(p OPERATOR(pg_catalog.->>) 'permutations')::pg_catalog.int4,
		(p OPERATOR(pg_catalog.->>) 'seed')::pg_catalog.int8,
		p OPERATOR(pg_catalog.->>) 'metric');
	events pg_catalog.text := @extschema@._view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t, s.id) AS e');
	-- the events analysed: as collected, or one per incident (id, or place and time)
	-- (parameters of views made before 0.2.0 have no 'duplicates': keep)
	e pg_catalog.text := CASE WHEN p OPERATOR(pg_catalog.->>) 'duplicates' OPERATOR(pg_catalog.=) 'collapse'
		THEN '@extschema@.collapse_duplicates(g.e)' ELSE 'g.e' END;
	zone pg_catalog.text;
	body pg_catalog.text;
BEGIN
	IF relation OPERATOR(pg_catalog.=) 'table' THEN
		-- the Knox table
		body := pg_catalog.format(
$sql$SELECT k.distance_band, k.time_band, k.distance_from, k.distance_to, k.time_from, k.time_to,
	k.observed, k.expected, k.knox_ratio, k.knox_ratio_median, k.p_value, k.significant,
	%1$s AS as_of
FROM (
	%2$s
) g, LATERAL @extschema@.near_repeat(%4$s, %3$s) k$sql$, as_of, events, args, e);
	ELSIF relation OPERATOR(pg_catalog.=) 'windows' THEN
		-- the risk windows open at as_of, in the zone of the same table: a
		-- polygon, or the event's point when the zone is the same location
		-- only (distance 0), so the column is typed geometry(Geometry, SRID)
		zone := CASE WHEN p OPERATOR(pg_catalog.->>) 'srid' IS NULL THEN 'w.zone'
			ELSE pg_catalog.format('w.zone::%I.geometry(Geometry,%s)', @extschema@._postgis_schema(),
				(p OPERATOR(pg_catalog.->>) 'srid')::pg_catalog.int4) END;
		body := pg_catalog.format(
$sql$SELECT w.id, w.occurred_at, w.window_end, w.days_left, %4$s AS zone, %1$s AS as_of
FROM (
	%2$s
) g, LATERAL @extschema@.repeat_windows(%5$s, %1$s, %3$s) w$sql$, as_of, events, args, zone, e);
	ELSE
		RAISE EXCEPTION 'safety._near_repeat_view_sql: relation must be ''table'' or ''windows'', not %', pg_catalog.quote_literal(relation)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- fewer than two events in the window: no rows (near_repeat needs pairs)
	RETURN body OPERATOR(pg_catalog.||) E'\nWHERE @extschema@.num_events(g.e) OPERATOR(pg_catalog.>=) 2';
END $$;
COMMENT ON FUNCTION @extschema@._near_repeat_view_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) IS
	'The query of a near-repeat view over source with the given parameters (as stored in safety.views): relation ''table'' (the Knox table) or ''windows'' (the open risk windows)';

CREATE FUNCTION @extschema@._tier_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _tier_view_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_tier_view_sql.source, p);
BEGIN
	-- every column of safety.risk_tiers, cells with fewer than min_count
	-- events in the last year left out after ranking
	RETURN pg_catalog.format(
$sql$SELECT r.cell_id, %1$s AS geom, r.events, r.expected, r.typical, r.severity, r.priority,
	r.rank, r.tier, r.action, r.respond_within, r.review_every, r.lead,
	%2$s AS as_of
FROM (
	%3$s
) g, LATERAL @extschema@.risk_tiers(g.e, %2$s, %4$s) r
WHERE g.e IS NOT NULL AND r.events OPERATOR(pg_catalog.>=) %5$s$sql$,
		@extschema@._view_geom_sql(p, 'r.geom'), as_of,
		@extschema@._view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t, NULL::pg_catalog.int8, s.weight) AS e'),
		@extschema@._tier_view_args(p),
		(p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4);
END $$;
COMMENT ON FUNCTION @extschema@._tier_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of a tier view over source with the given parameters (as stored in safety.views)';

CREATE FUNCTION @extschema@._tier_view_args(parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	-- the arguments of risk_tiers after the events and as_of, as stored
	RETURN pg_catalog.format('%L::pg_catalog.float8, %L::pg_catalog.interval, %L, %L::pg_catalog.float8, %L::pg_catalog.int4',
		(parameters OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8,
		parameters OPERATOR(pg_catalog.->>) 'horizon', parameters OPERATOR(pg_catalog.->>) 'model',
		(parameters OPERATOR(pg_catalog.->>) 'keep')::pg_catalog.float8,
		(parameters OPERATOR(pg_catalog.->>) 'lookback')::pg_catalog.int4);
COMMENT ON FUNCTION @extschema@._tier_view_args(pg_catalog.jsonb) IS
	'SQL of the arguments of safety.risk_tiers after the events and as_of, from a tier view''s parameters';

CREATE FUNCTION @extschema@._view_window_note(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE
	-- the window, and the last event, as the session writes times and intervals
	AS $$
DECLARE
	p pg_catalog.jsonb := _view_window_note.parameters;
	at pg_catalog.timestamptz;
	latest pg_catalog.timestamptz;
	n pg_catalog.int8;
BEGIN
	-- a tier view has no window: its cells are counted over the last year
	IF NOT p OPERATOR(pg_catalog.?) 'window' THEN
		p := p OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('window', '365 days'::pg_catalog.text);
	END IF;
	EXECUTE @extschema@._view_events_sql(_view_window_note.source, p, 'pg_catalog.count(*)') INTO n;
	IF n OPERATOR(pg_catalog.>) 0 THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT ' OPERATOR(pg_catalog.||) @extschema@._view_as_of_sql(_view_window_note.source, p) INTO at;
	EXECUTE pg_catalog.format(E'SELECT pg_catalog.max(%I) FROM %s WHERE (\n%s\n\t)',
		p OPERATOR(pg_catalog.->>) 'time_column', @extschema@._view_source_sql(_view_window_note.source),
		coalesce(p OPERATOR(pg_catalog.->>) 'filter', 'true')) INTO latest;
	IF latest IS NULL THEN
		RETURN pg_catalog.format('no events in the window: %s has no events%s', _view_window_note.source,
			CASE WHEN p OPERATOR(pg_catalog.?) 'filter' AND p OPERATOR(pg_catalog.->>) 'filter' IS NOT NULL
				THEN ' that pass the filter' ELSE '' END);
	END IF;
	RETURN pg_catalog.format('no events in the window (%s, %s]; the latest event of %s%s is at %s',
		at OPERATOR(pg_catalog.-) (p OPERATOR(pg_catalog.->>) 'window')::pg_catalog.interval, at, _view_window_note.source,
		CASE WHEN p OPERATOR(pg_catalog.->>) 'filter' IS NOT NULL THEN ' (filtered)' ELSE '' END, latest);
END $$;
COMMENT ON FUNCTION @extschema@._view_window_note(pg_catalog.regclass, pg_catalog.jsonb) IS
	'NULL when the window of a view (for a tier view, the year before as_of) holds events of source; else a note naming the window and the source''s latest event (what safety.refresh logs and notices)';

CREATE FUNCTION @extschema@._view_window_hint() RETURNS pg_catalog.text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN 'The view''s as_of (now() at each refresh, unless given) lies outside the data: create it with as_of => ''latest'' to end the window at the last event, or with a fixed time.';
COMMENT ON FUNCTION @extschema@._view_window_hint() IS
	'The hint of the notice of a view whose window holds no events';

-- create and drop -----------------------------------------------------------

CREATE FUNCTION @extschema@._create_view_relation(schema pg_catalog.name, name pg_catalog.text, query pg_catalog.text,
	unique_columns pg_catalog.name[], gist_column pg_catalog.name, description pg_catalog.text)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql AS $$
DECLARE
	view pg_catalog.regclass;
BEGIN
	EXECUTE pg_catalog.format('CREATE MATERIALIZED VIEW %I.%I AS %s', schema, name, query);
	view := pg_catalog.format('%I.%I', schema, name)::pg_catalog.regclass;
	-- a unique index on plain columns, so REFRESH ... CONCURRENTLY works
	EXECUTE pg_catalog.format('CREATE UNIQUE INDEX ON %s (%s)', view,
		(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(c), ', ') FROM pg_catalog.unnest(unique_columns) c));
	IF gist_column IS NOT NULL THEN
		EXECUTE pg_catalog.format('CREATE INDEX ON %s USING gist (%I)', view, gist_column);
	END IF;
	EXECUTE pg_catalog.format('COMMENT ON MATERIALIZED VIEW %s IS %L', view, description);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@._create_view_relation(pg_catalog.name, pg_catalog.text, pg_catalog.text,
	pg_catalog.name[], pg_catalog.name, pg_catalog.text) IS
	'Create materialized view schema.name AS query with a unique index on unique_columns, a GiST index on gist_column (unless NULL) and a comment';

CREATE FUNCTION @extschema@._register_view(fn pg_catalog.text, schema pg_catalog.name, name pg_catalog.text,
	kind pg_catalog.text, source pg_catalog.regclass, parameters pg_catalog.jsonb,
	companions pg_catalog.name[] DEFAULT '{}')
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	note pg_catalog.text;
BEGIN
	INSERT INTO @extschema@.views (schema, name, kind, source, parameters, companions)
	VALUES (_register_view.schema, _register_view.name, kind, source, parameters, companions);
	-- an empty window is no error, but the analyst should know at once
	note := @extschema@._view_window_note(source, parameters);
	IF note IS NOT NULL THEN
		RAISE NOTICE '%: %: %', fn, pg_catalog.format('%I.%I', _register_view.schema, _register_view.name), note
			USING HINT = @extschema@._view_window_hint();
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@._register_view(pg_catalog.text, pg_catalog.name, pg_catalog.text, pg_catalog.text,
	pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.name[]) IS
	'List a new view in safety.views (kind, source, parameters, companions) and notice (naming fn) when its window holds no events';

CREATE FUNCTION @extschema@.create_hotspot_view(
	name pg_catalog.text,
	source pg_catalog.regclass,
	geom_column pg_catalog.name,
	time_column pg_catalog.name,
	cell_size pg_catalog.float8,
	bandwidth pg_catalog.float8,
	"window" pg_catalog.interval,
	filter pg_catalog.text DEFAULT NULL,
	schema pg_catalog.name DEFAULT pg_catalog.current_schema(),
	min_count pg_catalog.int4 DEFAULT NULL,
	as_of pg_catalog.anycompatible DEFAULT NULL::pg_catalog.text,
	distance pg_catalog.float8 DEFAULT NULL,
	fdr pg_catalog.bool DEFAULT true)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the window is stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_hotspot_view';
	vname pg_catalog.text := create_hotspot_view.name;
	vschema pg_catalog.name := create_hotspot_view.schema;
	src pg_catalog.regclass := create_hotspot_view.source;
	srid pg_catalog.int4;
	mc pg_catalog.int4 := create_hotspot_view.min_count;
	dist pg_catalog.float8 := coalesce(create_hotspot_view.distance, 3 OPERATOR(pg_catalog.*) create_hotspot_view.cell_size);
	params pg_catalog.jsonb;
	at pg_catalog.jsonb;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL
	   OR time_column IS NULL OR cell_size IS NULL OR bandwidth IS NULL OR "window" IS NULL OR vschema IS NULL OR fdr IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, cell_size, bandwidth, window, schema and fdr must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@._check_view_size(fn, 'cell_size', cell_size);
	PERFORM @extschema@._check_view_size(fn, 'bandwidth', bandwidth);
	PERFORM @extschema@._check_view_size(fn, 'distance', dist);
	at := @extschema@._view_as_of(fn, as_of::pg_catalog.text, "window");
	mc := @extschema@._view_min_count(fn, mc);
	PERFORM @extschema@._check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@._check_view_source(fn, src, geom_column, time_column, filter);

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column,
		'cell_size', cell_size, 'bandwidth', bandwidth, 'window', "window"::pg_catalog.text,
		'filter', filter, 'min_count', mc, 'as_of', at, 'srid', srid, 'shape', 'square',
		'distance', dist, 'fdr', fdr);
	view := @extschema@._create_view_relation(vschema, vname, @extschema@._hotspot_view_sql(src, params),
		ARRAY['cell_id'], 'geom', pg_catalog.format(
		'safety hotspot view: events, kernel density (bandwidth %s) and Gi* (distance %s%s) per %s cell of %s in the %s up to %s%s; cells with fewer than %s events are left out',
		bandwidth, dist, CASE WHEN fdr THEN ', FDR' ELSE '' END,
		cell_size, src, "window"::pg_catalog.text, @extschema@._view_as_of_text(params),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END, mc));
	PERFORM @extschema@._register_view(fn, vschema, vname, 'hotspot', src, params);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_hotspot_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.int4, pg_catalog.anycompatible,
	pg_catalog.float8, pg_catalog.bool) IS
	'Create a materialized view of events, kernel density, Gi* z, class and tier per square cell in a sliding time window (one row per cell with at least min_count events), listed in safety.views; as_of: NULL (now() at each refresh), ''latest'' (the last event, at each refresh) or a time; an empty window gives a NOTICE';

CREATE FUNCTION @extschema@.create_near_repeat_view(
	name pg_catalog.text,
	source pg_catalog.regclass,
	geom_column pg_catalog.name,
	time_column pg_catalog.name,
	id_column pg_catalog.name,
	distance_bands pg_catalog.float8[],
	time_bands pg_catalog.float8[],
	permutations pg_catalog.int4 DEFAULT 99,
	seed pg_catalog.int8 DEFAULT 1,
	metric pg_catalog.text DEFAULT 'manhattan',
	"window" pg_catalog.interval DEFAULT '1 year',
	filter pg_catalog.text DEFAULT NULL,
	schema pg_catalog.name DEFAULT pg_catalog.current_schema(),
	as_of pg_catalog.anycompatible DEFAULT NULL::pg_catalog.text,
	duplicates pg_catalog.text DEFAULT 'keep')
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the window is stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_near_repeat_view';
	vname pg_catalog.text := create_near_repeat_view.name;
	wname pg_catalog.text := create_near_repeat_view.name OPERATOR(pg_catalog.||) '_windows';
	vschema pg_catalog.name := create_near_repeat_view.schema;
	src pg_catalog.regclass := create_near_repeat_view.source;
	srid pg_catalog.int4;
	id_col record;
	params pg_catalog.jsonb;
	at pg_catalog.jsonb;
	what pg_catalog.text;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL OR time_column IS NULL
	   OR id_column IS NULL OR distance_bands IS NULL OR time_bands IS NULL OR permutations IS NULL OR seed IS NULL
	   OR metric IS NULL OR "window" IS NULL OR vschema IS NULL OR duplicates IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, id_column, distance_bands, time_bands, permutations, seed, metric, window, schema and duplicates must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_catalog.lower(duplicates) OPERATOR(pg_catalog.<>) ALL (ARRAY['keep', 'collapse']) THEN
		RAISE EXCEPTION '%: duplicates must be ''keep'' or ''collapse'', not %', fn, pg_catalog.quote_literal(duplicates)
			USING ERRCODE = 'invalid_parameter_value',
			HINT = '''collapse'' keeps one event per incident: per id_column value, and per place and time (safety.collapse_duplicates), for tables with one row per victim or offense.';
	END IF;
	at := @extschema@._view_as_of(fn, as_of::pg_catalog.text, "window");
	PERFORM @extschema@._check_view_target(fn, vschema, ARRAY[vname, wname]);
	srid := @extschema@._check_view_source(fn, src, geom_column, time_column, filter);
	-- types by oid: their names print qualified when another schema on the
	-- search_path has a type of the same name
	id_col := @extschema@._source_column(fn, src, id_column);
	IF id_col.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION '%: id_column "%" of % has type %, not an integer type', fn, id_column, src, id_col.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'Use the source''s integer key, e.g. its primary key.';
	END IF;
	-- the near-repeat parameters, checked by safety.near_repeat itself
	PERFORM @extschema@._check_view_call(fn, srid, pg_catalog.format(
		'@extschema@.near_repeat($1, %L::pg_catalog.float8[], %L::pg_catalog.float8[], %L::pg_catalog.int4, %L::pg_catalog.int8, %L)',
		distance_bands, time_bands, permutations, seed, metric));

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column, 'id_column', id_column,
		'distance_bands', pg_catalog.to_jsonb(distance_bands), 'time_bands', pg_catalog.to_jsonb(time_bands),
		'permutations', permutations, 'seed', seed, 'metric', pg_catalog.lower(metric),
		'window', "window"::pg_catalog.text, 'filter', filter, 'as_of', at, 'srid', srid,
		'duplicates', pg_catalog.lower(duplicates));
	what := pg_catalog.format('of %s in the %s up to %s%s (distance bands %s, time bands %s days, %s permutations, seed %s, %s%s)',
		src, "window"::pg_catalog.text, @extschema@._view_as_of_text(params),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END,
		distance_bands, time_bands, permutations, seed, pg_catalog.lower(metric),
		CASE WHEN pg_catalog.lower(duplicates) OPERATOR(pg_catalog.=) 'collapse' THEN ', duplicates collapsed' ELSE '' END);
	view := @extschema@._create_view_relation(vschema, vname, @extschema@._near_repeat_view_sql(src, params, 'table'),
		ARRAY['distance_band', 'time_band'], NULL, 'safety near-repeat view: the Knox table of safety.near_repeat ' OPERATOR(pg_catalog.||) what);
	PERFORM @extschema@._create_view_relation(vschema, wname, @extschema@._near_repeat_view_sql(src, params, 'windows'),
		ARRAY['id'], 'zone', pg_catalog.format('safety near-repeat windows of %I: the risk windows open at as_of (safety.repeat_windows) in the zone of its Knox table ',
			vname) OPERATOR(pg_catalog.||) what);
	PERFORM @extschema@._register_view(fn, vschema, vname, 'near_repeat', src, params, ARRAY[wname]::pg_catalog.name[]);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_near_repeat_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.name, pg_catalog.float8[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.int8, pg_catalog.text,
	pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.anycompatible, pg_catalog.text) IS
	'Create two materialized views over the events in a sliding time window: name, the Knox near-repeat table, and name_windows, the risk windows open at as_of in its zone (the event''s point when the zone is the same location only); duplicates ''collapse'' analyses one event per incident: per id_column value, and per place and time (safety.collapse_duplicates); listed in safety.views as one entry; as_of: NULL (now() at each refresh), ''latest'' (the last event, at each refresh) or a time; an empty window gives a NOTICE';

CREATE FUNCTION @extschema@.create_tier_view(
	name pg_catalog.text,
	source pg_catalog.regclass,
	geom_column pg_catalog.name,
	time_column pg_catalog.name,
	offense_column pg_catalog.name,
	cell_size pg_catalog.float8,
	horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	keep pg_catalog.float8 DEFAULT 0.8,
	lookback pg_catalog.int4 DEFAULT 4,
	filter pg_catalog.text DEFAULT NULL,
	schema pg_catalog.name DEFAULT pg_catalog.current_schema(),
	as_of pg_catalog.anycompatible DEFAULT NULL::pg_catalog.text,
	min_count pg_catalog.int4 DEFAULT NULL)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the intervals are stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_tier_view';
	vname pg_catalog.text := create_tier_view.name;
	vschema pg_catalog.name := create_tier_view.schema;
	src pg_catalog.regclass := create_tier_view.source;
	srid pg_catalog.int4;
	mc pg_catalog.int4;
	offense_col record;
	params pg_catalog.jsonb;
	at pg_catalog.jsonb;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL OR time_column IS NULL
	   OR offense_column IS NULL OR cell_size IS NULL OR horizon IS NULL OR model IS NULL OR keep IS NULL
	   OR lookback IS NULL OR vschema IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, offense_column, cell_size, horizon, model, keep, lookback and schema must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@._check_view_size(fn, 'cell_size', cell_size);
	IF horizon OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: horizon must be a positive interval, not %', fn, horizon USING ERRCODE = 'invalid_parameter_value';
	END IF;
	at := @extschema@._view_as_of(fn, as_of::pg_catalog.text, horizon);
	mc := @extschema@._view_min_count(fn, create_tier_view.min_count);
	PERFORM @extschema@._check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@._check_view_source(fn, src, geom_column, time_column, filter);
	-- a text type, by OID (not by name: a type named text may be on the path,
	-- and a pattern with \M would read otherwise under standard_conforming_strings = off)
	offense_col := @extschema@._source_column(fn, src, offense_column);
	IF offense_col.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.text', 'pg_catalog.varchar', 'pg_catalog.bpchar', 'pg_catalog.name']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION '%: offense_column "%" of % has type %, not text', fn, offense_column, src, offense_col.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'The offense names the row of safety.offense_weights that weighs the event.';
	END IF;

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column, 'offense_column', offense_column,
		'cell_size', cell_size, 'horizon', horizon::pg_catalog.text, 'model', model,
		'keep', keep, 'lookback', lookback,
		'filter', filter, 'min_count', mc, 'as_of', at, 'srid', srid);
	-- the tier parameters, checked by safety.risk_tiers itself
	PERFORM @extschema@._check_view_call(fn, srid, pg_catalog.format('@extschema@.risk_tiers($1, %L::pg_catalog.timestamptz, %s)',
		'2000-01-03 00:00+00', @extschema@._tier_view_args(params)));
	view := @extschema@._create_view_relation(vschema, vname, @extschema@._tier_view_sql(src, params),
		ARRAY['cell_id'], 'geom', pg_catalog.format(
		'safety tier view: safety.risk_tiers per %s cell of %s (offense weights from %I, model %s, horizon %s, keep %s, lookback %s) at %s%s; cells with fewer than %s events in the last year are left out',
		cell_size, src, offense_column, model, horizon::pg_catalog.text, keep, lookback,
		@extschema@._view_as_of_text(params),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END, mc));
	PERFORM @extschema@._register_view(fn, vschema, vname, 'tier', src, params);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_tier_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.name, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.int4,
	pg_catalog.text, pg_catalog.name, pg_catalog.anycompatible, pg_catalog.int4) IS
	'Create a materialized view of safety.risk_tiers per square cell (events weighted by safety.offense_weight of offense_column) at as_of (one row per cell with at least min_count events in the last year), listed in safety.views; as_of: NULL (now() at each refresh), ''latest'' (the last event, at each refresh) or a time; a last year without events gives a NOTICE';

-- emerging hot-spot views -----------------------------------------------------

CREATE FUNCTION @extschema@._view_emerging_hotspots(e @extschema@.events, cell_size pg_catalog.float8,
	step pg_catalog.interval, distance pg_catalog.float8, time_steps pg_catalog.int4,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz, fdr pg_catalog.bool,
	OUT cell_id pg_catalog.int8, OUT geom geometry, OUT category pg_catalog.text,
	OUT trend_z pg_catalog.float8, OUT trend_p pg_catalog.float8,
	OUT hot_steps pg_catalog.int4, OUT cold_steps pg_catalog.int4, OUT steps pg_catalog.int4,
	OUT final_z pg_catalog.float8, OUT final_p pg_catalog.float8)
	RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF e IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT h.cell_id, h.geom, h.category, h.trend_z, h.trend_p, h.hot_steps, h.cold_steps,
		h.steps, h.final_z, h.final_p
	FROM @extschema@.emerging_hotspots(e, cell_size, step, distance, time_steps, start, stop,
		'square', NULL, 'near_events', fdr) h;
EXCEPTION WHEN SQLSTATE '22S01' THEN
	-- a window whose cube Gi* cannot analyse (fewer than 3 cells, or all
	-- bins equal) is no error for a view: it has no rows until it has data
	NULL;
END $$;
COMMENT ON FUNCTION @extschema@._view_emerging_hotspots(@extschema@.events, pg_catalog.float8, pg_catalog.interval,
	pg_catalog.float8, pg_catalog.int4, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.bool) IS
	'safety.emerging_hotspots for an emerging view, steps from start to stop: no rows when e is NULL or its cube has fewer than 3 cells or no variation';

CREATE FUNCTION @extschema@._emerging_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := _emerging_view_sql.parameters;
	as_of pg_catalog.text := @extschema@._view_as_of_sql(_emerging_view_sql.source, p);
	-- the steps end at as_of (events at as_of itself fall after them), or for
	-- 'latest' at the midnight after the last event, as emerging_hotspots
	-- does by default; they reach back over the window, so that the last
	-- step (the one "new" and "consecutive" hot spots look at) is the
	-- latest one at each refresh
	stop pg_catalog.text := CASE WHEN p OPERATOR(pg_catalog.->>) 'as_of' OPERATOR(pg_catalog.=) 'latest'
		THEN pg_catalog.format('(pg_catalog.date_trunc(''day'', %s) OPERATOR(pg_catalog.+) ''1 day''::pg_catalog.interval)', as_of)
		ELSE as_of END;
	start pg_catalog.text := pg_catalog.format('(%s OPERATOR(pg_catalog.-) %L::pg_catalog.interval)',
		stop, p OPERATOR(pg_catalog.->>) 'window');
BEGIN
	RETURN pg_catalog.format(
$sql$SELECT h.cell_id, %1$s AS geom, h.category, h.trend_z, h.trend_p, h.hot_steps, h.cold_steps,
	h.steps, h.final_z, h.final_p, %2$s AS window_start, %3$s AS window_end, %10$s AS as_of
FROM (
	%4$s
) g, LATERAL @extschema@._view_emerging_hotspots(g.e, %5$L::pg_catalog.float8, %6$L::pg_catalog.interval,
	%7$L::pg_catalog.float8, %8$L::pg_catalog.int4, %2$s, %3$s, %9$L::pg_catalog.bool) h$sql$,
		@extschema@._view_geom_sql(p, 'h.geom'), start, stop,
		@extschema@._view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t) AS e'),
		(p OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8, p OPERATOR(pg_catalog.->>) 'step',
		(p OPERATOR(pg_catalog.->>) 'distance')::pg_catalog.float8, (p OPERATOR(pg_catalog.->>) 'time_steps')::pg_catalog.int4,
		(p OPERATOR(pg_catalog.->>) 'fdr')::pg_catalog.bool, as_of);
END $$;
COMMENT ON FUNCTION @extschema@._emerging_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of an emerging hot-spot view over source with the given parameters (as stored in safety.views)';

CREATE FUNCTION @extschema@.create_emerging_view(
	name pg_catalog.text,
	source pg_catalog.regclass,
	geom_column pg_catalog.name,
	time_column pg_catalog.name,
	cell_size pg_catalog.float8,
	step pg_catalog.interval,
	distance pg_catalog.float8,
	"window" pg_catalog.interval,
	time_steps pg_catalog.int4 DEFAULT 1,
	filter pg_catalog.text DEFAULT NULL,
	schema pg_catalog.name DEFAULT pg_catalog.current_schema(),
	as_of pg_catalog.anycompatible DEFAULT NULL::pg_catalog.text,
	fdr pg_catalog.bool DEFAULT true)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the intervals are stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_emerging_view';
	vname pg_catalog.text := create_emerging_view.name;
	vschema pg_catalog.name := create_emerging_view.schema;
	src pg_catalog.regclass := create_emerging_view.source;
	srid pg_catalog.int4;
	params pg_catalog.jsonb;
	at pg_catalog.jsonb;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL OR time_column IS NULL
	   OR cell_size IS NULL OR step IS NULL OR distance IS NULL OR "window" IS NULL OR time_steps IS NULL
	   OR vschema IS NULL OR fdr IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, cell_size, step, distance, window, time_steps, schema and fdr must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@._check_view_size(fn, 'cell_size', cell_size);
	PERFORM @extschema@._check_view_size(fn, 'distance', distance);
	at := @extschema@._view_as_of(fn, as_of::pg_catalog.text, "window");
	PERFORM @extschema@._check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@._check_view_source(fn, src, geom_column, time_column, filter);
	-- step, time_steps and the number of steps in the window (at least 10),
	-- checked by safety.emerging_hotspots itself on a window of the same length
	PERFORM @extschema@._check_view_call(fn, srid, pg_catalog.format(
		'@extschema@.emerging_hotspots($1, %L::pg_catalog.float8, %L::pg_catalog.interval, %L::pg_catalog.float8, %L::pg_catalog.int4, %L::pg_catalog.timestamptz OPERATOR(pg_catalog.-) %L::pg_catalog.interval, %L::pg_catalog.timestamptz)',
		cell_size, step, distance, time_steps, '2000-01-03 00:00+00', "window", '2000-01-03 00:00+00'));

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column,
		'cell_size', cell_size, 'step', step::pg_catalog.text, 'distance', distance,
		'window', "window"::pg_catalog.text, 'time_steps', time_steps, 'fdr', fdr,
		'filter', filter, 'as_of', at, 'srid', srid, 'shape', 'square');
	view := @extschema@._create_view_relation(vschema, vname, @extschema@._emerging_view_sql(src, params),
		ARRAY['cell_id'], 'geom', pg_catalog.format(
		'safety emerging hot-spot view: the category of each cell (side %s) of %s (steps of %s over the %s up to %s, Gi* distance %s, %s step%s before%s)%s',
		cell_size, src, step::pg_catalog.text, "window"::pg_catalog.text, @extschema@._view_as_of_text(params),
		distance, time_steps, CASE WHEN time_steps OPERATOR(pg_catalog.=) 1 THEN '' ELSE 's' END,
		CASE WHEN fdr THEN ', FDR' ELSE '' END,
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END));
	PERFORM @extschema@._register_view(fn, vschema, vname, 'emerging', src, params);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_emerging_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.float8, pg_catalog.interval, pg_catalog.float8, pg_catalog.interval, pg_catalog.int4, pg_catalog.text,
	pg_catalog.name, pg_catalog.anycompatible, pg_catalog.bool) IS
	'Create a materialized view of the emerging hot-spot category (safety.emerging_hotspots) of each square cell over the steps of the window up to as_of, listed in safety.views; as_of: NULL (now() at each refresh), ''latest'' (the last event, at each refresh) or a time; an empty window gives a NOTICE';
