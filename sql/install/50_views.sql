-- Managed views: hotspot materialized views kept in a catalog, refreshed
-- (concurrently, on a schedule) with a history, with small cells suppressed
-- for privacy, and served as map tiles.
--
-- Generated SQL qualifies every name: safety's own through @extschema@,
-- PostGIS's through its schema looked up in pg_extension at run time.
-- Materialized views run their query as their owner, so row-level security
-- on the source table applies to what the owner may see.

CREATE FUNCTION @extschema@.check_expression(expr pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'safety_check_expression' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.check_expression(pg_catalog.text) IS
	'True when expr is one SQL expression and nothing else (raw parse only, nothing runs); an error otherwise';

-- Roles other than the extension's owner use safety's functions (EXECUTE
-- is granted to PUBLIC by default) and its catalog through the schema.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- the catalog -------------------------------------------------------------

CREATE TABLE @extschema@.views (
	schema pg_catalog.name NOT NULL,
	name pg_catalog.name NOT NULL,
	kind pg_catalog.text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) 'hotspot'),
	source pg_catalog.regclass NOT NULL,
	parameters pg_catalog.jsonb NOT NULL,
	created pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (schema, name)
);
COMMENT ON TABLE @extschema@.views IS
	'Views made by safety.create_hotspot_view: schema, name, kind, source table, parameters, creation time';

CREATE SEQUENCE @extschema@.refresh_log_id_seq;
CREATE TABLE @extschema@.refresh_log (
	id pg_catalog.int8 PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.refresh_log_id_seq'),
	schema pg_catalog.name NOT NULL,
	view pg_catalog.name NOT NULL,
	started pg_catalog.timestamptz NOT NULL,
	finished pg_catalog.timestamptz,
	rows pg_catalog.int8,
	duration pg_catalog.interval,
	status pg_catalog.text NOT NULL CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['running', 'ok', 'failed'])),
	error pg_catalog.text
);
ALTER SEQUENCE @extschema@.refresh_log_id_seq OWNED BY @extschema@.refresh_log.id;
CREATE INDEX refresh_log_view_idx ON @extschema@.refresh_log (schema, view, started);
COMMENT ON TABLE @extschema@.refresh_log IS
	'One row per refresh of a safety view: when, how long, rows, ok or failed with the error';
COMMENT ON SEQUENCE @extschema@.refresh_log_id_seq IS 'Ids of safety.refresh_log';

-- kept by pg_dump (the extension's own rows: none)
SELECT pg_catalog.pg_extension_config_dump('@extschema@.views', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_log_id_seq', '');

-- Everyone may read the catalog and the history; a role may add, change and
-- remove the rows of the views it owns (what create, refresh and drop do on
-- its behalf).  The extension's owner (a superuser) is not bound.
GRANT SELECT, INSERT, DELETE ON @extschema@.views TO PUBLIC;
GRANT SELECT, INSERT, UPDATE ON @extschema@.refresh_log TO PUBLIC;
GRANT USAGE ON SEQUENCE @extschema@.refresh_log_id_seq TO PUBLIC;
ALTER TABLE @extschema@.views ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.refresh_log ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION @extschema@.owns_view(schema pg_catalog.name, name pg_catalog.name) RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN EXISTS (
		SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE n.nspname OPERATOR(pg_catalog.=) owns_view.schema AND c.relname OPERATOR(pg_catalog.=) owns_view.name
		  AND pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE'));
COMMENT ON FUNCTION @extschema@.owns_view(pg_catalog.name, pg_catalog.name) IS
	'True when the current user has the rights of the owner of relation schema.name (may refresh and drop it)';

CREATE POLICY views_read ON @extschema@.views FOR SELECT USING (true);
CREATE POLICY views_insert ON @extschema@.views FOR INSERT WITH CHECK (@extschema@.owns_view(schema, name));
CREATE POLICY views_delete ON @extschema@.views FOR DELETE USING (@extschema@.owns_view(schema, name));
CREATE POLICY refresh_log_read ON @extschema@.refresh_log FOR SELECT USING (true);
CREATE POLICY refresh_log_insert ON @extschema@.refresh_log FOR INSERT WITH CHECK (@extschema@.owns_view(schema, view));
CREATE POLICY refresh_log_update ON @extschema@.refresh_log FOR UPDATE
	USING (@extschema@.owns_view(schema, view)) WITH CHECK (@extschema@.owns_view(schema, view));
COMMENT ON POLICY views_read ON @extschema@.views IS 'Everyone may read the catalog';
COMMENT ON POLICY views_insert ON @extschema@.views IS 'A role registers only views it owns';
COMMENT ON POLICY views_delete ON @extschema@.views IS 'A role unregisters only views it owns';
COMMENT ON POLICY refresh_log_read ON @extschema@.refresh_log IS 'Everyone may read the refresh history';
COMMENT ON POLICY refresh_log_insert ON @extschema@.refresh_log IS 'A role logs refreshes only of views it owns';
COMMENT ON POLICY refresh_log_update ON @extschema@.refresh_log IS 'A role completes log rows only of views it owns';

-- helpers ---------------------------------------------------------------

CREATE FUNCTION @extschema@.postgis_schema() RETURNS pg_catalog.name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN (SELECT n.nspname FROM pg_catalog.pg_extension e
		JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
		WHERE e.extname OPERATOR(pg_catalog.=) 'postgis');
COMMENT ON FUNCTION @extschema@.postgis_schema() IS
	'Schema of the PostGIS extension, to qualify PostGIS names in generated SQL';

CREATE FUNCTION @extschema@.view_entry(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	RETURNS @extschema@.views LANGUAGE plpgsql STABLE AS $$
DECLARE
	entry @extschema@.views;
	n pg_catalog.int4;
BEGIN
	IF view_entry.name IS NULL THEN
		RAISE EXCEPTION 'safety: the view name is NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT pg_catalog.count(*) INTO n FROM @extschema@.views v
	WHERE v.name OPERATOR(pg_catalog.=) view_entry.name
	  AND (view_entry.schema IS NULL OR v.schema OPERATOR(pg_catalog.=) view_entry.schema);
	IF n OPERATOR(pg_catalog.>) 1 THEN
		-- the one in the current schema, if any
		SELECT * INTO entry FROM @extschema@.views v
		WHERE v.name OPERATOR(pg_catalog.=) view_entry.name AND v.schema OPERATOR(pg_catalog.=) pg_catalog.current_schema();
		IF NOT FOUND THEN
			RAISE EXCEPTION 'safety: view name "%" is ambiguous', view_entry.name
				USING ERRCODE = 'ambiguous_alias', HINT = 'Pass the schema as the second argument.';
		END IF;
		RETURN entry;
	END IF;
	SELECT * INTO entry FROM @extschema@.views v
	WHERE v.name OPERATOR(pg_catalog.=) view_entry.name
	  AND (view_entry.schema IS NULL OR v.schema OPERATOR(pg_catalog.=) view_entry.schema);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'safety: no view "%"%', view_entry.name,
			CASE WHEN view_entry.schema IS NULL THEN '' ELSE ' in schema "' OPERATOR(pg_catalog.||) view_entry.schema OPERATOR(pg_catalog.||) '"' END
			USING ERRCODE = 'undefined_object', HINT = 'safety.views lists the views made by safety.create_hotspot_view.';
	END IF;
	RETURN entry;
END $$;
COMMENT ON FUNCTION @extschema@.view_entry(pg_catalog.text, pg_catalog.name) IS
	'The safety.views row of a view by name (and schema, when the name alone is ambiguous); an error when there is none';

-- the SQL of a hotspot view -----------------------------------------------

CREATE FUNCTION @extschema@.hotspot_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := hotspot_view_sql.parameters;
	src pg_catalog.text;
	as_of pg_catalog.text;
	geom pg_catalog.text := 'c.geom';
	cols pg_catalog.text;
BEGIN
	SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO src
	FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
	WHERE c.oid OPERATOR(pg_catalog.=) hotspot_view_sql.source;
	-- the end of the window: a fixed time, or the time of each refresh
	as_of := CASE WHEN p OPERATOR(pg_catalog.->>) 'as_of' IS NULL THEN 'pg_catalog.now()'
		ELSE pg_catalog.format('%L::pg_catalog.timestamptz', p OPERATOR(pg_catalog.->>) 'as_of') END;
	-- a typed geometry column when the source's SRID is known (QGIS reads it)
	IF p OPERATOR(pg_catalog.->>) 'srid' IS NOT NULL THEN
		geom := pg_catalog.format('c.geom::%I.geometry(Polygon,%s)', @extschema@.postgis_schema(),
			(p OPERATOR(pg_catalog.->>) 'srid')::pg_catalog.int4);
	END IF;

	-- The columns of the view, one row per cell.  Density (safety.kde_agg)
	-- and Gi* (safety.gi_star) columns are added HERE, and only here: they
	-- join the same grid "g.grid" on cell_id.
	cols := pg_catalog.concat_ws(E',\n\t',
		'c.cell_id',
		geom OPERATOR(pg_catalog.||) ' AS geom',
		'c.value::pg_catalog.int8 AS events',
		pg_catalog.format('(%s OPERATOR(pg_catalog.-) %L::pg_catalog.interval) AS window_start', as_of, p OPERATOR(pg_catalog.->>) 'window'),
		as_of OPERATOR(pg_catalog.||) ' AS window_end',
		as_of OPERATOR(pg_catalog.||) ' AS as_of'
		-- future: density and Gi* columns
	);

	RETURN pg_catalog.format(
$sql$SELECT %1$s
FROM (
	SELECT @extschema@.grid_agg(s.geom, %2$s::pg_catalog.float8) AS grid
	FROM (SELECT %3$I AS geom, %4$I AS t FROM %5$s WHERE (
%6$s
	)) s
	WHERE s.t OPERATOR(pg_catalog.>) (%7$s OPERATOR(pg_catalog.-) %8$L::pg_catalog.interval)
	  AND s.t OPERATOR(pg_catalog.<=) %7$s
) g, LATERAL @extschema@.cells(g.grid) c
WHERE c.value OPERATOR(pg_catalog.>=) %9$s$sql$,
		cols,
		(p OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8,
		p OPERATOR(pg_catalog.->>) 'geom_column',
		p OPERATOR(pg_catalog.->>) 'time_column',
		src,
		coalesce(p OPERATOR(pg_catalog.->>) 'filter', 'true'),
		as_of,
		p OPERATOR(pg_catalog.->>) 'window',
		(p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4);
END $$;
COMMENT ON FUNCTION @extschema@.hotspot_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of a hotspot view over source with the given parameters (as stored in safety.views)';

-- create and drop -----------------------------------------------------------

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
	as_of pg_catalog.timestamptz DEFAULT NULL)
	RETURNS pg_catalog.regclass LANGUAGE plpgsql
	-- the window is stored as text: one style whatever the session's
	SET intervalstyle = 'postgres'
	AS $$
DECLARE
	fn constant pg_catalog.text := 'safety.create_hotspot_view';
	vname pg_catalog.text := create_hotspot_view.name;
	vschema pg_catalog.name := create_hotspot_view.schema;
	src pg_catalog.regclass := create_hotspot_view.source;
	pgis pg_catalog.name := @extschema@.postgis_schema();
	geom_type pg_catalog.oid;
	nsp pg_catalog.oid;
	att record;
	srid pg_catalog.int4;
	mc pg_catalog.int4 := create_hotspot_view.min_count;
	params pg_catalog.jsonb;
	query pg_catalog.text;
	msg pg_catalog.text;
	view pg_catalog.regclass;
BEGIN
	-- loads the library, so that safety.min_count is a known setting
	PERFORM @extschema@.check_expression('true');
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL
	   OR time_column IS NULL OR cell_size IS NULL OR bandwidth IS NULL OR "window" IS NULL OR vschema IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, cell_size, bandwidth, window and schema must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_catalog.octet_length(vname) OPERATOR(pg_catalog.>) 63 THEN
		RAISE EXCEPTION '%: name "%" is longer than 63 bytes', fn, vname USING ERRCODE = 'name_too_long';
	END IF;
	IF NOT (cell_size OPERATOR(pg_catalog.>) 0 AND cell_size OPERATOR(pg_catalog.<) 'Infinity') THEN
		RAISE EXCEPTION '%: cell_size must be positive and finite, not %', fn, cell_size
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Sizes are in the units of the points'' SRID (metres for UTM).';
	END IF;
	IF NOT (bandwidth OPERATOR(pg_catalog.>) 0 AND bandwidth OPERATOR(pg_catalog.<) 'Infinity') THEN
		RAISE EXCEPTION '%: bandwidth must be positive and finite, not %', fn, bandwidth
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Sizes are in the units of the points'' SRID (metres for UTM).';
	END IF;
	IF "window" OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: window must be a positive interval, not %', fn, "window" USING ERRCODE = 'invalid_parameter_value';
	END IF;
	mc := coalesce(mc, pg_catalog.current_setting('safety.min_count', true)::pg_catalog.int4, 3);
	IF mc OPERATOR(pg_catalog.<) 1 THEN
		RAISE EXCEPTION '%: min_count must be at least 1, not %', fn, mc USING ERRCODE = 'invalid_parameter_value',
			HINT = 'min_count 1 publishes every non-empty cell; larger values hide cells with few events.';
	END IF;
	IF as_of IS NOT NULL AND NOT pg_catalog.isfinite(as_of) THEN
		RAISE EXCEPTION '%: as_of must be finite', fn USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- the target schema and name
	SELECT n.oid INTO nsp FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) vschema;
	IF nsp IS NULL THEN
		RAISE EXCEPTION '%: schema "%" does not exist', fn, vschema USING ERRCODE = 'invalid_schema_name';
	END IF;
	IF NOT pg_catalog.has_schema_privilege(nsp, 'CREATE') THEN
		RAISE EXCEPTION '%: permission denied to create in schema "%"', fn, vschema USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_class c
	           WHERE c.relname OPERATOR(pg_catalog.=) vname AND c.relnamespace OPERATOR(pg_catalog.=) nsp) THEN
		RAISE EXCEPTION '%: relation "%" already exists in schema "%"', fn, vname, vschema
			USING ERRCODE = 'duplicate_table', HINT = 'Choose another name, or drop the old view with safety.drop_view.';
	END IF;
	IF EXISTS (SELECT FROM @extschema@.views v WHERE v.schema OPERATOR(pg_catalog.=) vschema AND v.name OPERATOR(pg_catalog.=) vname) THEN
		RAISE EXCEPTION '%: safety.views already lists "%"."%"', fn, vschema, vname
			USING ERRCODE = 'duplicate_object', HINT = 'Remove the stale entry with safety.drop_view.';
	END IF;

	-- the source and its columns
	IF NOT pg_catalog.has_table_privilege(src, 'SELECT') THEN
		RAISE EXCEPTION '%: permission denied to read %', fn, src USING ERRCODE = 'insufficient_privilege',
			HINT = 'The view reads the source as its owner: the creating role needs SELECT on it.';
	END IF;
	IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) src)
	   OPERATOR(pg_catalog.<>) ALL (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.char[]) THEN
		RAISE EXCEPTION '%: source % is not a table or view', fn, src USING ERRCODE = 'wrong_object_type';
	END IF;
	SELECT t.oid INTO geom_type FROM pg_catalog.pg_type t
	WHERE t.typname OPERATOR(pg_catalog.=) 'geometry' AND t.typnamespace OPERATOR(pg_catalog.=) pg_catalog.to_regnamespace(pg_catalog.quote_ident(pgis));
	SELECT a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type INTO att
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) src AND a.attname OPERATOR(pg_catalog.=) geom_column
	  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION '%: column "%" of % does not exist', fn, geom_column, src USING ERRCODE = 'undefined_column';
	END IF;
	IF att.atttypid OPERATOR(pg_catalog.<>) geom_type THEN
		RAISE EXCEPTION '%: geom_column "%" of % has type %, not geometry', fn, geom_column, src, att.type
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	IF att.atttypmod OPERATOR(pg_catalog.>=) 0 THEN
		-- geometry(Type[,SRID]): points only (Z and M are ignored)
		IF pg_catalog.substring(att.type, '\((\w+)') OPERATOR(pg_catalog.!~*) '^(point|geometry)[zm]*$' THEN
			RAISE EXCEPTION '%: geom_column "%" of % has type %; it needs points', fn, geom_column, src, att.type
				USING ERRCODE = 'datatype_mismatch', HINT = 'Turn areas into points with ST_PointOnSurface in a view over the table.';
		END IF;
		srid := pg_catalog.substring(att.type, ',(\d+)\)')::pg_catalog.int4;
	END IF;
	SELECT a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type INTO att
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) src AND a.attname OPERATOR(pg_catalog.=) time_column
	  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		RAISE EXCEPTION '%: column "%" of % does not exist', fn, time_column, src USING ERRCODE = 'undefined_column';
	END IF;
	IF att.atttypid OPERATOR(pg_catalog.<>) 'pg_catalog.timestamptz'::pg_catalog.regtype THEN
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

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column,
		'cell_size', cell_size, 'bandwidth', bandwidth, 'window', "window"::pg_catalog.text,
		'filter', filter, 'min_count', mc, 'as_of', as_of, 'srid', srid, 'shape', 'square');
	query := @extschema@.hotspot_view_sql(src, params);

	EXECUTE pg_catalog.format('CREATE MATERIALIZED VIEW %I.%I AS %s', vschema, vname, query);
	view := pg_catalog.format('%I.%I', vschema, vname)::pg_catalog.regclass;
	EXECUTE pg_catalog.format('CREATE UNIQUE INDEX ON %s (cell_id)', view);
	EXECUTE pg_catalog.format('CREATE INDEX ON %s USING gist (geom)', view);
	EXECUTE pg_catalog.format('COMMENT ON MATERIALIZED VIEW %s IS %L', view, pg_catalog.format(
		'safety hotspot view: events per %s cell of %s in the %s up to %s%s; cells with fewer than %s events are left out',
		cell_size, src, "window"::pg_catalog.text, coalesce(as_of::pg_catalog.text, 'each refresh'),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END, mc));
	INSERT INTO @extschema@.views (schema, name, kind, source, parameters)
	VALUES (vschema, vname, 'hotspot', src, params);
	RETURN view;
END $$;
COMMENT ON FUNCTION @extschema@.create_hotspot_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.int4, pg_catalog.timestamptz) IS
	'Create a materialized view of events per square cell in a sliding time window (one row per cell with at least min_count events), listed in safety.views';

CREATE FUNCTION @extschema@.drop_view(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@.view_entry(drop_view.name, drop_view.schema);
BEGIN
	IF NOT @extschema@.owns_view(v.schema, v.name) AND pg_catalog.to_regclass(pg_catalog.format('%I.%I', v.schema, v.name)) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.drop_view: must be owner of materialized view %.%', pg_catalog.quote_ident(v.schema), pg_catalog.quote_ident(v.name)
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- the entry first: its row-level policy asks whether the caller owns the view
	DELETE FROM @extschema@.views e WHERE e.schema OPERATOR(pg_catalog.=) v.schema AND e.name OPERATOR(pg_catalog.=) v.name;
	EXECUTE pg_catalog.format('DROP MATERIALIZED VIEW IF EXISTS %I.%I', v.schema, v.name);
END $$;
COMMENT ON FUNCTION @extschema@.drop_view(pg_catalog.text, pg_catalog.name) IS
	'Drop a view made by safety.create_hotspot_view and its safety.views entry (its refresh history stays)';

-- refresh -----------------------------------------------------------------

CREATE PROCEDURE @extschema@.refresh(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@.view_entry(refresh.name, refresh.schema);
	qname pg_catalog.text := pg_catalog.format('%I.%I', v.schema, v.name);
	log_id pg_catalog.int8;
	t0 pg_catalog.timestamptz;
	t1 pg_catalog.timestamptz;
	n pg_catalog.int8;
	msg pg_catalog.text;
	state pg_catalog.text;
BEGIN
	IF NOT @extschema@.owns_view(v.schema, v.name) AND pg_catalog.to_regclass(qname) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.refresh: must be owner of materialized view %', qname USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- one refresh of a view at a time: a second one waits here
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('safety.refresh'), pg_catalog.hashtext(qname));
	t0 := pg_catalog.clock_timestamp();
	INSERT INTO @extschema@.refresh_log (schema, view, started, status)
	VALUES (v.schema, v.name, t0, 'running') RETURNING id INTO log_id;
	BEGIN
		-- a subtransaction: when it fails the old contents stay and the
		-- log row above survives
		IF (SELECT c.relispopulated FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(qname)) THEN
			EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', qname);
		ELSE
			EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s', qname);
		END IF;
		EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', qname) INTO n;
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, rows = n, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'ok'
		WHERE l.id OPERATOR(pg_catalog.=) log_id;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'failed',
			error = state OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) msg
		WHERE l.id OPERATOR(pg_catalog.=) log_id;
		RAISE WARNING 'safety.refresh: refresh of % failed: %', qname, msg
			USING HINT = 'The previous contents stay readable; safety.refresh_log has the error.';
	END;
END $$;
COMMENT ON PROCEDURE @extschema@.refresh(pg_catalog.text, pg_catalog.name) IS
	'Refresh a safety view (concurrently once populated, one refresh per view at a time), logged in safety.refresh_log; a failure is logged and leaves the old contents';

CREATE PROCEDURE @extschema@.refresh_all()
	LANGUAGE plpgsql AS $$
DECLARE
	v record;
BEGIN
	-- every view the caller owns, each in its own transaction
	FOR v IN SELECT e.schema, e.name FROM @extschema@.views e
	         WHERE @extschema@.owns_view(e.schema, e.name) ORDER BY e.schema, e.name LOOP
		CALL @extschema@.refresh(v.name, v.schema);
		COMMIT;
	END LOOP;
END $$;
COMMENT ON PROCEDURE @extschema@.refresh_all() IS
	'Refresh every safety view the caller owns, each in its own transaction (CALL it outside a transaction block, e.g. from pg_cron)';

-- map tiles ------------------------------------------------------------------

CREATE FUNCTION @extschema@.hotspot_tile(view pg_catalog.regclass, z pg_catalog.int4, x pg_catalog.int4, y pg_catalog.int4,
	layer pg_catalog.text DEFAULT 'hotspots')
	RETURNS pg_catalog.bytea LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	pgis pg_catalog.name := @extschema@.postgis_schema();
	cols pg_catalog.text;
	tile pg_catalog.bytea;
BEGIN
	IF z IS NULL OR x IS NULL OR y IS NULL OR view IS NULL THEN
		RETURN NULL;
	END IF;
	IF z OPERATOR(pg_catalog.<) 0 OR z OPERATOR(pg_catalog.>) 30
	   OR x OPERATOR(pg_catalog.<) 0 OR x::pg_catalog.int8 OPERATOR(pg_catalog.>=) (1::pg_catalog.int8 OPERATOR(pg_catalog.<<) z)
	   OR y OPERATOR(pg_catalog.<) 0 OR y::pg_catalog.int8 OPERATOR(pg_catalog.>=) (1::pg_catalog.int8 OPERATOR(pg_catalog.<<) z) THEN
		RAISE EXCEPTION 'safety.hotspot_tile: no tile %/%/%', z, x, y USING ERRCODE = 'invalid_parameter_value',
			HINT = 'z is 0 to 30 and x, y are 0 to 2^z - 1 (XYZ scheme, y down).';
	END IF;
	-- every column but geom becomes a feature property (times as text)
	SELECT pg_catalog.string_agg(CASE
		WHEN a.atttypid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8',
			'pg_catalog.float4', 'pg_catalog.float8', 'pg_catalog.bool', 'pg_catalog.text']::pg_catalog.regtype[]::pg_catalog.oid[])
		THEN pg_catalog.format('v.%I', a.attname)
		ELSE pg_catalog.format('v.%I::pg_catalog.text AS %I', a.attname, a.attname) END, ', ' ORDER BY a.attnum)
	INTO cols
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) view AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
	  AND a.attname OPERATOR(pg_catalog.<>) 'geom';
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) view
	               AND a.attname OPERATOR(pg_catalog.=) 'geom' AND NOT a.attisdropped) THEN
		RAISE EXCEPTION 'safety.hotspot_tile: % has no column "geom"', view USING ERRCODE = 'undefined_column';
	END IF;
	EXECUTE pg_catalog.format(
$sql$SELECT %1$I.ST_AsMVT(t.*, %2$L, 4096, 'geom')
FROM (
	SELECT %3$s%1$I.ST_AsMVTGeom(v.g, %1$I.ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM (SELECT v.*, %1$I.ST_Transform(v.geom, 3857) AS g FROM %4$s v) v
	WHERE v.g OPERATOR(%1$I.&&) %1$I.ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096)
) t
WHERE t.geom IS NOT NULL$sql$,
		pgis, layer, coalesce(cols OPERATOR(pg_catalog.||) ', ', ''), view)
	INTO tile USING z, x, y;
	RETURN coalesce(tile, ''::pg_catalog.bytea);
END $$;
COMMENT ON FUNCTION @extschema@.hotspot_tile(pg_catalog.regclass, pg_catalog.int4, pg_catalog.int4, pg_catalog.int4, pg_catalog.text) IS
	'Mapbox Vector Tile z/x/y (Web Mercator) of a hotspot view: one feature per cell, every column but geom as a property';
