-- Managed views (1/4): hotspot, near-repeat and tier materialized views kept in a
-- catalog, refreshed (concurrently, on a schedule) with a history, with
-- small cells suppressed for privacy, and served as map tiles.
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
	kind pg_catalog.text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['hotspot', 'near_repeat', 'tier', 'emerging', 'area'])),
	source pg_catalog.regclass NOT NULL,
	parameters pg_catalog.jsonb NOT NULL,
	created pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	-- further materialized views of the entry, in its schema, refreshed and
	-- dropped with it (a near-repeat view's "<name>_windows")
	companions pg_catalog.name[] NOT NULL DEFAULT '{}',
	PRIMARY KEY (schema, name)
);
COMMENT ON TABLE @extschema@.views IS
	'Views made by safety.create_hotspot_view, safety.create_near_repeat_view, safety.create_tier_view, safety.create_emerging_view and safety.create_area_view: schema, name, kind, source table, parameters, creation time, companion views';

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
	error pg_catalog.text,
	note pg_catalog.text
);
ALTER SEQUENCE @extschema@.refresh_log_id_seq OWNED BY @extschema@.refresh_log.id;
CREATE INDEX refresh_log_view_idx ON @extschema@.refresh_log (schema, view, started);
COMMENT ON TABLE @extschema@.refresh_log IS
	'One row per refresh of a safety view: when, how long, rows, ok or failed with the error';
COMMENT ON SEQUENCE @extschema@.refresh_log_id_seq IS 'Ids of safety.refresh_log';
COMMENT ON COLUMN @extschema@.refresh_log.note IS
	'What an ok refresh found worth saying (safety._view_window_note): the window held no events, with the latest event of the source; NULL otherwise';

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

CREATE FUNCTION @extschema@._owns_view(schema pg_catalog.name, name pg_catalog.name) RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN EXISTS (
		SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE n.nspname OPERATOR(pg_catalog.=) _owns_view.schema AND c.relname OPERATOR(pg_catalog.=) _owns_view.name
		  AND pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE'));
COMMENT ON FUNCTION @extschema@._owns_view(pg_catalog.name, pg_catalog.name) IS
	'True when the current user has the rights of the owner of relation schema.name (may refresh and drop it)';

CREATE FUNCTION @extschema@._owns_views(schema pg_catalog.name, names pg_catalog.name[]) RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN NOT EXISTS (
		SELECT FROM pg_catalog.unnest(_owns_views.names) AS u(r)
		WHERE NOT EXISTS (
			SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
			WHERE n.nspname OPERATOR(pg_catalog.=) _owns_views.schema AND c.relname OPERATOR(pg_catalog.=) u.r
			  AND c.relkind OPERATOR(pg_catalog.=) 'm' AND pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE')));
COMMENT ON FUNCTION @extschema@._owns_views(pg_catalog.name, pg_catalog.name[]) IS
	'True when every one of names is a materialized view in schema whose owner''s rights the current user has (what a safety.views row may list)';

CREATE POLICY views_read ON @extschema@.views FOR SELECT USING (true);
-- every relation a row names, companions too: drop_view and refresh act on
-- them, and a name listed cannot be created by the builders
CREATE POLICY views_insert ON @extschema@.views FOR INSERT
	WITH CHECK (@extschema@._owns_views(schema, ARRAY[name] OPERATOR(pg_catalog.||) companions));
-- an entry whose view no longer exists names nobody's view: anyone may remove it
CREATE POLICY views_delete ON @extschema@.views FOR DELETE
	USING (@extschema@._owns_view(schema, name) OR pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, name)) IS NULL);
CREATE POLICY refresh_log_read ON @extschema@.refresh_log FOR SELECT USING (true);
CREATE POLICY refresh_log_insert ON @extschema@.refresh_log FOR INSERT WITH CHECK (@extschema@._owns_view(schema, view));
CREATE POLICY refresh_log_update ON @extschema@.refresh_log FOR UPDATE
	USING (@extschema@._owns_view(schema, view)) WITH CHECK (@extschema@._owns_view(schema, view));
COMMENT ON POLICY views_read ON @extschema@.views IS 'Everyone may read the catalog';
COMMENT ON POLICY views_insert ON @extschema@.views IS 'A role registers only materialized views it owns, the view and every companion';
COMMENT ON POLICY views_delete ON @extschema@.views IS 'A role unregisters only views it owns, or entries whose view no longer exists';
COMMENT ON POLICY refresh_log_read ON @extschema@.refresh_log IS 'Everyone may read the refresh history';
COMMENT ON POLICY refresh_log_insert ON @extschema@.refresh_log IS 'A role logs refreshes only of views it owns';
COMMENT ON POLICY refresh_log_update ON @extschema@.refresh_log IS 'A role completes log rows only of views it owns';
