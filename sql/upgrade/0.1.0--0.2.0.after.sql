
-- --- the catalog: a row names only its inserter's materialized views -----------

ALTER POLICY views_insert ON @extschema@.views
	WITH CHECK (@extschema@._owns_views(schema, ARRAY[name] OPERATOR(pg_catalog.||) companions));
ALTER POLICY views_delete ON @extschema@.views
	USING (@extschema@._owns_view(schema, name) OR pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, name)) IS NULL);
COMMENT ON POLICY views_insert ON @extschema@.views IS 'A role registers only materialized views it owns, the view and every companion';
COMMENT ON POLICY views_delete ON @extschema@.views IS 'A role unregisters only views it owns, or entries whose view no longer exists';

-- every role may read the places the tier functions weigh
GRANT SELECT ON @extschema@.sensitive_places TO PUBLIC;

-- --- tier views of 0.1.0, rebuilt ---------------------------------------------

-- with their source, columns, filter, cell size, min_count and as_of; the
-- score arguments are gone, the forecast ones take their defaults
DO $$
DECLARE
	v pg_catalog.jsonb;
	p pg_catalog.jsonb;
	g pg_catalog.jsonb;
	rel pg_catalog.regclass;
BEGIN
	FOR v IN SELECT pg_catalog.jsonb_array_elements(pg_catalog.current_setting('safety_upgrade.tier_views')::pg_catalog.jsonb) LOOP
		p := v OPERATOR(pg_catalog.->) 'parameters';
		rel := @extschema@.create_tier_view(
			name => v OPERATOR(pg_catalog.->>) 'name',
			source => (v OPERATOR(pg_catalog.->>) 'source')::pg_catalog.oid::pg_catalog.regclass,
			geom_column => p OPERATOR(pg_catalog.->>) 'geom_column',
			time_column => p OPERATOR(pg_catalog.->>) 'time_column',
			offense_column => p OPERATOR(pg_catalog.->>) 'offense_column',
			cell_size => (p OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8,
			filter => p OPERATOR(pg_catalog.->>) 'filter',
			schema => v OPERATOR(pg_catalog.->>) 'schema',
			as_of => p OPERATOR(pg_catalog.->>) 'as_of',
			min_count => (p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4);
		-- made inside this script, it would become part of the extension
		EXECUTE pg_catalog.format('ALTER EXTENSION safety DROP MATERIALIZED VIEW %s', rel);
		EXECUTE pg_catalog.format('ALTER MATERIALIZED VIEW %s OWNER TO %s', rel, v OPERATOR(pg_catalog.->>) 'owner');
		FOR g IN SELECT pg_catalog.jsonb_array_elements(COALESCE(v OPERATOR(pg_catalog.->) 'grants', '[]')) LOOP
			EXECUTE pg_catalog.format('GRANT %s ON %s TO %s%s', g OPERATOR(pg_catalog.->>) 'privilege', rel,
				CASE WHEN (g OPERATOR(pg_catalog.->>) 'grantee')::pg_catalog.oid OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
				     ELSE ((g OPERATOR(pg_catalog.->>) 'grantee')::pg_catalog.oid::pg_catalog.regrole)::pg_catalog.text END,
				CASE WHEN (g OPERATOR(pg_catalog.->>) 'grantable')::pg_catalog.bool THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
		UPDATE @extschema@.views e SET created = (v OPERATOR(pg_catalog.->>) 'created')::pg_catalog.timestamptz
		WHERE e.schema OPERATOR(pg_catalog.=) (v OPERATOR(pg_catalog.->>) 'schema')
		  AND e.name OPERATOR(pg_catalog.=) (v OPERATOR(pg_catalog.->>) 'name');
	END LOOP;
END $$;

-- the shipped texts of the reports (the guard, replayed above, takes two key columns)
INSERT INTO @extschema@.report_strings (lang, key, template, is_default)
SELECT s.lang, s.key, s.template, true FROM @extschema@._report_default_strings() s;

-- the trigger function of the default rows is fired, not called
REVOKE EXECUTE ON FUNCTION @extschema@._default_rows_guard() FROM PUBLIC;
