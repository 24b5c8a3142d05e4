-- safety 0.1.0 -> 0.2.0 (ALTER EXTENSION safety UPDATE TO '0.2.0').
--
-- What changes for a database that holds 0.1.0 (docs/upgrading.md):
-- * the score back-test (backtest, backtest_summary, calibrate with the
--   tier-score arguments) is replaced by the forecast back-test;
-- * risk_tiers, record_tiers and create_tier_view grade from the forecast
--   and take (horizon, model, keep, lookback) instead of the score
--   arguments; tier_policy gains share and max_cells;
-- * tier views made by 0.1.0 are rebuilt here from their stored source,
--   columns, filter, cell size, min_count and as_of, with the new defaults
--   (owner, privileges and creation time kept);
-- * the view builders' as_of takes 'latest' (anycompatible), refresh_log
--   gains note (an empty window), a NULL collection is no input everywhere;
-- * create_near_repeat_view takes duplicates ('keep' | 'collapse');
-- * safety.views gains the kinds 'emerging' (create_emerging_view) and
--   'area' (create_area_view);
-- * gi_star takes analysis_set: by default the cells within the distance
--   band of a cell with events, no longer the whole bounding rectangle
--   (analysis_set => 'rectangle' keeps the 0.1.0 set);
-- * every other function is re-created as 0.2.0 defines it (the replay at
--   the end), so an upgraded database equals a fresh 0.2.0 install
--   (test/suites/upgrade.sh checks this object by object).
\echo Use "ALTER EXTENSION safety UPDATE TO '0.2.0'" to load this file. \quit

-- --- the score back-test is gone -------------------------------------------

DROP FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval[], pg_catalog.interval[], pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8);
DROP FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8[], pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval[], pg_catalog.interval[], pg_catalog.float8[], pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8);
DROP FUNCTION @extschema@.backtest_summary(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval);
DROP FUNCTION @extschema@.backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval);

-- --- views: as_of takes 'latest', a time or NULL; refreshes get a note --------

ALTER TABLE @extschema@.refresh_log ADD COLUMN note pg_catalog.text;
COMMENT ON COLUMN @extschema@.refresh_log.note IS
	'What an ok refresh found worth saying (safety._view_window_note): the window held no events, with the latest event of the source; NULL otherwise';
DROP FUNCTION @extschema@.create_hotspot_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.int4, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.bool);
DROP FUNCTION @extschema@.view_as_of_sql(pg_catalog.jsonb);

-- --- views: emerging hot-spot views (create_emerging_view), area views (create_area_view)

ALTER TABLE @extschema@.views DROP CONSTRAINT views_kind_check,
	ADD CONSTRAINT views_kind_check CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['hotspot', 'near_repeat', 'tier', 'emerging', 'area']));
COMMENT ON TABLE @extschema@.views IS
	'Views made by safety.create_hotspot_view, safety.create_near_repeat_view, safety.create_tier_view, safety.create_emerging_view and safety.create_area_view: schema, name, kind, source table, parameters, creation time, companion views';

-- --- tier_policy: the share that sets each tier's cut-off, and a cap ----------

-- the guard would mark the shipped rows as changed (and so dumped)
ALTER TABLE @extschema@.tier_policy DISABLE TRIGGER tier_policy_guard;
ALTER TABLE @extschema@.tier_policy
	ADD COLUMN share pg_catalog.float8 NOT NULL DEFAULT 0.15
		CHECK (share OPERATOR(pg_catalog.>) 0 AND share OPERATOR(pg_catalog.<=) 1),
	ADD COLUMN max_cells pg_catalog.int8 CHECK (max_cells OPERATOR(pg_catalog.>) 0);
UPDATE @extschema@.tier_policy SET share = CASE tier::pg_catalog.text
	WHEN 'red' THEN 0.01 WHEN 'orange' THEN 0.05 ELSE 0.15 END;
ALTER TABLE @extschema@.tier_policy ALTER COLUMN share DROP DEFAULT;
ALTER TABLE @extschema@.tier_policy ENABLE TRIGGER tier_policy_guard;
COMMENT ON COLUMN @extschema@.tier_policy.share IS 'Cumulative share of the study cells in this tier or above in an ordinary horizon: sets the tier''s cut-off (red < orange < yellow)';
COMMENT ON COLUMN @extschema@.tier_policy.max_cells IS 'Most cells this tier may hold (the units a team can handle); the lowest-priority cells beyond it move down a tier; NULL: no cap';
-- every role that may tier may read how (the tier functions read these tables)
GRANT SELECT ON @extschema@.tier_policy, @extschema@.offense_weights TO PUBLIC;

-- --- tier views: set aside, rebuilt at the end --------------------------------

-- their materialized views call the 0.1.0 risk_tiers, which goes
DO $$
DECLARE
	saved pg_catalog.jsonb;
	v record;
BEGIN
	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
		'schema', e.schema, 'name', e.name, 'source', e.source::pg_catalog.oid, 'parameters', e.parameters,
		'created', e.created, 'owner', c.relowner::pg_catalog.regrole::pg_catalog.text,
		'grants', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('grantee', a.grantee,
		                  'privilege', a.privilege_type, 'grantable', a.is_grantable))
		           FROM pg_catalog.aclexplode(c.relacl) a WHERE a.grantee OPERATOR(pg_catalog.<>) c.relowner))), '[]')
	INTO saved
	FROM @extschema@.views e
	LEFT JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(pg_catalog.format('%I.%I', e.schema, e.name))
	WHERE e.kind OPERATOR(pg_catalog.=) 'tier';
	PERFORM pg_catalog.set_config('safety_upgrade.tier_views', saved::pg_catalog.text, true);
	FOR v IN SELECT e.schema, e.name FROM @extschema@.views e WHERE e.kind OPERATOR(pg_catalog.=) 'tier' LOOP
		BEGIN
			EXECUTE pg_catalog.format('DROP MATERIALIZED VIEW IF EXISTS %I.%I', v.schema, v.name);
		EXCEPTION WHEN dependent_objects_still_exist THEN
			RAISE EXCEPTION 'safety 0.2.0 upgrade: tier view %.% must be rebuilt, but other objects depend on it',
				pg_catalog.quote_ident(v.schema), pg_catalog.quote_ident(v.name)
				USING ERRCODE = 'dependent_objects_still_exist',
				      HINT = 'Drop the objects that depend on it (or the view, with safety.drop_view), update, and re-create them.';
		END;
		DELETE FROM @extschema@.views e WHERE e.schema OPERATOR(pg_catalog.=) v.schema AND e.name OPERATOR(pg_catalog.=) v.name;
	END LOOP;
END $$;

DROP FUNCTION @extschema@.create_tier_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.timestamptz, pg_catalog.int4);
DROP FUNCTION @extschema@.record_tiers(pg_catalog.text, @extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8);
DROP FUNCTION @extschema@.risk_tiers(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval);

-- --- create_near_repeat_view: the duplicates argument ---------------------------

-- near-repeat views made by 0.1.0 keep their definition (a polygon zone
-- column, duplicates kept); docs/upgrading.md
DROP FUNCTION @extschema@.create_near_repeat_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.float8[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.int8, pg_catalog.text, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.timestamptz);

-- --- gi_star gains analysis_set (default: the cells near events) -------------

-- _view_gi_star calls it by name (plpgsql), so nothing depends on the old one;
-- hotspot views refreshed after the upgrade use the new default
DROP FUNCTION @extschema@.gi_star(@extschema@.grid, pg_catalog.float8, geometry, pg_catalog.bool);

-- --- internal helpers take the prefix _ ------------------------------------

-- renamed, not dropped: the materialized views and the policy of 0.1.0 that
-- call them keep working (they refer to the functions, not their names)
ALTER FUNCTION @extschema@.check_view_call(pg_catalog.text, pg_catalog.int4, pg_catalog.text) RENAME TO _check_view_call;
ALTER FUNCTION @extschema@.check_view_size(pg_catalog.text, pg_catalog.text, pg_catalog.float8) RENAME TO _check_view_size;
ALTER FUNCTION @extschema@.check_view_source(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.text) RENAME TO _check_view_source;
ALTER FUNCTION @extschema@.check_view_target(pg_catalog.text, pg_catalog.name, pg_catalog.text[]) RENAME TO _check_view_target;
ALTER FUNCTION @extschema@.check_view_window(pg_catalog.text, pg_catalog.interval, pg_catalog.timestamptz) RENAME TO _check_view_window;
ALTER FUNCTION @extschema@.create_view_relation(pg_catalog.name, pg_catalog.text, pg_catalog.text, pg_catalog.name[], pg_catalog.name, pg_catalog.text) RENAME TO _create_view_relation;
ALTER FUNCTION @extschema@.default_rows_guard() RENAME TO _default_rows_guard;
ALTER FUNCTION @extschema@.hotspot_view_sql(pg_catalog.regclass, pg_catalog.jsonb) RENAME TO _hotspot_view_sql;
ALTER FUNCTION @extschema@.near_repeat_view_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) RENAME TO _near_repeat_view_sql;
ALTER FUNCTION @extschema@.owns_view(pg_catalog.name, pg_catalog.name) RENAME TO _owns_view;
ALTER FUNCTION @extschema@.postgis_schema() RENAME TO _postgis_schema;
ALTER FUNCTION @extschema@.source_column(pg_catalog.text, pg_catalog.regclass, pg_catalog.name) RENAME TO _source_column;
ALTER FUNCTION @extschema@.tier_view_args(pg_catalog.jsonb) RENAME TO _tier_view_args;
ALTER FUNCTION @extschema@.tier_view_sql(pg_catalog.regclass, pg_catalog.jsonb) RENAME TO _tier_view_sql;
ALTER FUNCTION @extschema@.view_entry(pg_catalog.text, pg_catalog.name) RENAME TO _view_entry;
ALTER FUNCTION @extschema@.view_events_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) RENAME TO _view_events_sql;
ALTER FUNCTION @extschema@.view_geom_sql(pg_catalog.jsonb, pg_catalog.text) RENAME TO _view_geom_sql;
ALTER FUNCTION @extschema@.view_gi_star(@extschema@.grid, pg_catalog.float8, pg_catalog.bool) RENAME TO _view_gi_star;
ALTER FUNCTION @extschema@.view_min_count(pg_catalog.text, pg_catalog.int4) RENAME TO _view_min_count;
ALTER FUNCTION @extschema@.view_relations(@extschema@.views) RENAME TO _view_relations;

-- --- reports: their texts per language (safety.report_strings) ---------------

-- as sql/install/90_report.sql makes it; the shipped rows come after the
-- replay (safety._report_default_strings), in 0.1.0--0.2.0.after.sql
CREATE TABLE @extschema@.report_strings (
	lang pg_catalog.text NOT NULL,
	key pg_catalog.text NOT NULL,
	template pg_catalog.text NOT NULL,
	is_default pg_catalog.bool NOT NULL DEFAULT false,
	PRIMARY KEY (lang, key)
);
CREATE UNIQUE INDEX report_strings_lower_idx ON @extschema@.report_strings (pg_catalog.lower(lang), pg_catalog.lower(key));
COMMENT ON TABLE @extschema@.report_strings IS
	'The texts of safety.report per language (a format() template per key; en ships, en fills the keys a language lacks); edit or add languages freely: rows you add or change are kept by pg_dump';
COMMENT ON COLUMN @extschema@.report_strings.lang IS 'Language tag, as report(..., language) takes it and <html lang> shows it (en, de, fr-CA, ...)';
COMMENT ON COLUMN @extschema@.report_strings.key IS 'What the text is (docs/reference-report.md); keys th., td., caption., label. and msg. are plain text, HTML-escaped where they go; the others are HTML fragments';
COMMENT ON COLUMN @extschema@.report_strings.template IS 'The text, a format() template: %s (or %1$s, %2$s ... to reorder) takes the values the report passes, %% is a percent sign';
COMMENT ON COLUMN @extschema@.report_strings.is_default IS 'true for a shipped default row not changed since; such rows are re-created by CREATE EXTENSION, not dumped';
CREATE TRIGGER report_strings_guard BEFORE INSERT OR UPDATE ON @extschema@.report_strings
	FOR EACH ROW EXECUTE FUNCTION @extschema@._default_rows_guard('lang', 'key');
GRANT SELECT ON @extschema@.report_strings TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.report_strings', 'WHERE NOT is_default');

-- --- every function, procedure and aggregate as 0.2.0 defines it ------------

