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
-- * every other function is re-created as 0.2.0 defines it (the replay at
--   the end), so an upgraded database equals a fresh 0.2.0 install
--   (test/suites/upgrade.sh checks this object by object).
\echo Use "ALTER EXTENSION safety UPDATE TO '0.2.0'" to load this file. \quit

-- --- the score back-test is gone -------------------------------------------

DROP FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval[], pg_catalog.interval[], pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8);
DROP FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8[], pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval[], pg_catalog.interval[], pg_catalog.float8[], pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8);
DROP FUNCTION @extschema@.backtest_summary(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval);
DROP FUNCTION @extschema@.backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval);

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

-- --- every function, procedure and aggregate as 0.2.0 defines it ------------

CREATE OR REPLACE FUNCTION @extschema@.grid_in(pg_catalog.cstring) RETURNS @extschema@.grid
	AS 'MODULE_PATHNAME', 'safety_grid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.grid_out(@extschema@.grid) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'safety_grid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.grid_recv(pg_catalog.internal) RETURNS @extschema@.grid
	AS 'MODULE_PATHNAME', 'safety_grid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.grid_send(@extschema@.grid) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'safety_grid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.grid_in(pg_catalog.cstring) IS 'Text input of safety.grid: SRID=<srid>;SQUARE(<size>){(i,j,value),...}';

COMMENT ON FUNCTION @extschema@.grid_out(@extschema@.grid) IS 'Text output of safety.grid';

COMMENT ON FUNCTION @extschema@.grid_recv(pg_catalog.internal) IS 'Binary input of safety.grid';

COMMENT ON FUNCTION @extschema@.grid_send(@extschema@.grid) IS 'Binary output of safety.grid';

CREATE OR REPLACE FUNCTION @extschema@.events_in(pg_catalog.cstring) RETURNS @extschema@.events
	AS 'MODULE_PATHNAME', 'safety_events_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_out(@extschema@.events) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'safety_events_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_recv(pg_catalog.internal) RETURNS @extschema@.events
	AS 'MODULE_PATHNAME', 'safety_events_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_send(@extschema@.events) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'safety_events_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.events_in(pg_catalog.cstring) IS 'Text input of safety.events: SRID=<srid>;{(x,y,from,to,weight,id),...}';

COMMENT ON FUNCTION @extschema@.events_out(@extschema@.events) IS 'Text output of safety.events';

COMMENT ON FUNCTION @extschema@.events_recv(pg_catalog.internal) IS 'Binary input of safety.events';

COMMENT ON FUNCTION @extschema@.events_send(@extschema@.events) IS 'Binary output of safety.events';

CREATE OR REPLACE FUNCTION @extschema@.utm_srid(geom geometry) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_utm_srid' LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.utm_srid(geometry) IS
	'WGS 84 / UTM zone SRID (326zz north, 327zz south) for a longitude/latitude point: ST_Transform(geom, safety.utm_srid(geom))';

CREATE OR REPLACE FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_hex_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_hex_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.grid_combine(@extschema@.grid, @extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8) IS 'Transition function of safety.grid_agg(geom, cell_size)';

COMMENT ON FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.grid_agg(geom, cell_size, weight)';

COMMENT ON FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8) IS 'Transition function of safety.hex_agg(geom, cell_size)';

COMMENT ON FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.hex_agg(geom, cell_size, weight)';

COMMENT ON FUNCTION @extschema@.grid_combine(@extschema@.grid, @extschema@.grid) IS 'Cell-wise sum of two grids: combine function of the grid aggregates and transition of safety.grid_merge';

CREATE OR REPLACE AGGREGATE @extschema@.grid_agg(geom geometry, cell_size pg_catalog.float8) (
	SFUNC = @extschema@.grid_agg_transfn,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.grid_agg(geom geometry, cell_size pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.grid_agg_transfn,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.hex_agg(geom geometry, cell_size pg_catalog.float8) (
	SFUNC = @extschema@.hex_agg_transfn,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.hex_agg(geom geometry, cell_size pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.hex_agg_transfn,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.grid_merge(@extschema@.grid) (
	SFUNC = @extschema@.grid_combine,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.grid_agg(geometry, pg_catalog.float8) IS
	'Count of points per square cell of side cell_size (cells as ST_SquareGrid)';

COMMENT ON AGGREGATE @extschema@.grid_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Sum of weight per square cell of side cell_size (cells as ST_SquareGrid)';

COMMENT ON AGGREGATE @extschema@.hex_agg(geometry, pg_catalog.float8) IS
	'Count of points per hexagonal cell of edge cell_size (cells as ST_HexagonGrid)';

COMMENT ON AGGREGATE @extschema@.hex_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Sum of weight per hexagonal cell of edge cell_size (cells as ST_HexagonGrid)';

COMMENT ON AGGREGATE @extschema@.grid_merge(@extschema@.grid) IS
	'Cell-wise sum of grids of the same shape, cell size and SRID (rollups of stored partial grids)';

CREATE OR REPLACE FUNCTION @extschema@.cells(g @extschema@.grid,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT geom geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_cells'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.cells(@extschema@.grid) IS
	'One row per non-empty cell: stable cell_id, indices i and j, value, and the cell polygon in the grid''s SRID';

CREATE OR REPLACE FUNCTION @extschema@.cell_geom(g @extschema@.grid, cell_id pg_catalog.int8) RETURNS geometry
	AS 'MODULE_PATHNAME', 'safety_cell_geom' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.cell_geom(@extschema@.grid, pg_catalog.int8) IS
	'Polygon of the cell cell_id in the geometry (shape, size, SRID) of grid g';

CREATE OR REPLACE FUNCTION @extschema@.srid(g @extschema@.grid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_grid_srid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.cell_size(g @extschema@.grid) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_grid_cell_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.shape(g @extschema@.grid) RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'safety_grid_shape' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.num_cells(g @extschema@.grid) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'safety_grid_num_cells' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.total(g @extschema@.grid) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_grid_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.srid(@extschema@.grid) IS 'SRID of the grid';

COMMENT ON FUNCTION @extschema@.cell_size(@extschema@.grid) IS 'Cell size of the grid (square side or hexagon edge), in SRID units';

COMMENT ON FUNCTION @extschema@.shape(@extschema@.grid) IS 'Cell shape of the grid: square or hexagon';

COMMENT ON FUNCTION @extschema@.num_cells(@extschema@.grid) IS 'Number of non-empty cells';

COMMENT ON FUNCTION @extschema@.total(@extschema@.grid) IS 'Sum of all cell values';

CREATE OR REPLACE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_id_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_id_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_window_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_window_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.events_combine(@extschema@.events, @extschema@.events)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz) IS 'Transition function of safety.events_agg(geom, occurred_at)';

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8) IS 'Transition function of safety.events_agg(geom, occurred_at, id)';

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS 'Transition function of safety.events_agg(geom, occurred_at, id, weight)';

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8) IS 'Transition function of safety.events_agg(geom, occurred_from, occurred_to, id)';

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS 'Transition function of safety.events_agg(geom, occurred_from, occurred_to, id, weight)';

COMMENT ON FUNCTION @extschema@.events_combine(@extschema@.events, @extschema@.events) IS 'Union of two event collections: combine function of safety.events_agg';

CREATE OR REPLACE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz, id pg_catalog.int8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz, id pg_catalog.int8, weight pg_catalog.float8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.events_agg(geom geometry, occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz, id pg_catalog.int8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.events_agg(geom geometry, occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz, id pg_catalog.int8, weight pg_catalog.float8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.events_agg(geometry, pg_catalog.timestamptz) IS
	'Collect points and times into a safety.events';

COMMENT ON AGGREGATE @extschema@.events_agg(geometry, pg_catalog.timestamptz, pg_catalog.int8) IS
	'Collect points, times and ids into a safety.events';

COMMENT ON AGGREGATE @extschema@.events_agg(geometry, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS
	'Collect points, times, ids and weights into a safety.events';

COMMENT ON AGGREGATE @extschema@.events_agg(geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8) IS
	'Collect points, time windows (from, to) and ids into a safety.events';

COMMENT ON AGGREGATE @extschema@.events_agg(geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS
	'Collect points, time windows (from, to), ids and weights into a safety.events';

CREATE OR REPLACE FUNCTION @extschema@.event_rows(e @extschema@.events,
	OUT id pg_catalog.int8, OUT x pg_catalog.float8, OUT y pg_catalog.float8,
	OUT occurred_from pg_catalog.timestamptz, OUT occurred_to pg_catalog.timestamptz,
	OUT weight pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_event_rows'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.event_rows(@extschema@.events) IS
	'The events of a collection as rows, in canonical order (time, window end, x, y, id, weight)';

CREATE OR REPLACE FUNCTION @extschema@.srid(e @extschema@.events) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_events_srid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.num_events(e @extschema@.events) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'safety_events_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.srid(@extschema@.events) IS 'SRID of the events';

COMMENT ON FUNCTION @extschema@.num_events(@extschema@.events) IS 'Number of events in the collection';

CREATE OR REPLACE FUNCTION @extschema@.near_repeat(e @extschema@.events,
	distance_bands pg_catalog.float8[], time_bands pg_catalog.float8[],
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	metric pg_catalog.text DEFAULT 'manhattan', same_location pg_catalog.float8 DEFAULT 0,
	alpha pg_catalog.float8 DEFAULT 0.05, min_ratio pg_catalog.float8 DEFAULT 1.2,
	OUT distance_band pg_catalog.int4, OUT time_band pg_catalog.int4,
	OUT distance_from pg_catalog.float8, OUT distance_to pg_catalog.float8,
	OUT time_from pg_catalog.float8, OUT time_to pg_catalog.float8,
	OUT observed pg_catalog.int8, OUT expected pg_catalog.float8,
	OUT knox_ratio pg_catalog.float8, OUT knox_ratio_median pg_catalog.float8,
	OUT p_value pg_catalog.float8, OUT significant pg_catalog.bool)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_near_repeat'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 30;

COMMENT ON FUNCTION @extschema@.near_repeat(@extschema@.events, pg_catalog.float8[], pg_catalog.float8[],
	pg_catalog.int4, pg_catalog.int8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Knox near-repeat table: pairs of events per distance band (SRID units; same location, then up to each edge, then open) and time band (days), with the mean and median count when times are permuted over the locations, Knox ratios and Monte Carlo p-values';

CREATE OR REPLACE FUNCTION @extschema@.near_repeat_zone(e @extschema@.events,
	distance_bands pg_catalog.float8[], time_bands pg_catalog.float8[],
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	metric pg_catalog.text DEFAULT 'manhattan', same_location pg_catalog.float8 DEFAULT 0,
	alpha pg_catalog.float8 DEFAULT 0.05, min_ratio pg_catalog.float8 DEFAULT 1.2,
	OUT distance pg_catalog.float8, OUT days pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_near_repeat_zone'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.near_repeat_zone(@extschema@.events, pg_catalog.float8[], pg_catalog.float8[],
	pg_catalog.int4, pg_catalog.int8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Distance and days of the contiguous significant near-repeat zone next to the origin of safety.near_repeat''s table (NULL when there is none)';

CREATE OR REPLACE FUNCTION @extschema@.repeat_windows(e @extschema@.events, as_of pg_catalog.timestamptz,
	distance pg_catalog.float8, days pg_catalog.float8, metric pg_catalog.text DEFAULT 'manhattan',
	OUT id pg_catalog.int8, OUT occurred_at pg_catalog.timestamptz,
	OUT window_end pg_catalog.timestamptz, OUT days_left pg_catalog.float8, OUT zone geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeat_windows'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION @extschema@.repeat_windows(@extschema@.events, pg_catalog.timestamptz,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Risk windows open at as_of: events with occurred_at <= as_of < occurred_at + days, with the zone within distance of each (a diamond for manhattan, a 64-gon for euclidean)';

CREATE OR REPLACE FUNCTION @extschema@.repeat_windows(e @extschema@.events, as_of pg_catalog.timestamptz,
	distance_bands pg_catalog.float8[], time_bands pg_catalog.float8[],
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	metric pg_catalog.text DEFAULT 'manhattan', same_location pg_catalog.float8 DEFAULT 0,
	alpha pg_catalog.float8 DEFAULT 0.05, min_ratio pg_catalog.float8 DEFAULT 1.2,
	OUT id pg_catalog.int8, OUT occurred_at pg_catalog.timestamptz,
	OUT window_end pg_catalog.timestamptz, OUT days_left pg_catalog.float8, OUT zone geometry)
	RETURNS SETOF record LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
	AS $$
	SELECT w.id, w.occurred_at, w.window_end, w.days_left, w.zone
	FROM @extschema@.near_repeat_zone(e, distance_bands, time_bands, permutations, seed,
	                                  metric, same_location, alpha, min_ratio) AS z,
	     @extschema@.repeat_windows(e, as_of, z.distance, z.days, metric) AS w
	$$;

COMMENT ON FUNCTION @extschema@.repeat_windows(@extschema@.events, pg_catalog.timestamptz,
	pg_catalog.float8[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.int8, pg_catalog.text,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Risk windows open at as_of, with the distance and days of safety.near_repeat_zone for these near-repeat parameters (no rows when no zone is significant)';

CREATE OR REPLACE FUNCTION @extschema@.repeats(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	within pg_catalog.interval DEFAULT '1 year',
	OUT location_id pg_catalog.int8, OUT geom geometry, OUT events pg_catalog.int8,
	OUT first_at pg_catalog.timestamptz, OUT last_at pg_catalog.timestamptz,
	OUT repeats_within pg_catalog.int8, OUT shortest_gap pg_catalog.interval,
	OUT median_gap pg_catalog.interval)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeats'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.repeats(@extschema@.events, pg_catalog.float8, pg_catalog.interval) IS
	'One row per location hit at least twice (events within tolerance, chained, share a location): its first event''s point, events, first and last time, repeats within the window, shortest and median time between consecutive events';

CREATE OR REPLACE FUNCTION @extschema@.repeat_summary(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	within pg_catalog.interval DEFAULT '1 year',
	OUT events pg_catalog.int8, OUT locations pg_catalog.int8, OUT repeat_locations pg_catalog.int8,
	OUT share_locations_repeated pg_catalog.float8, OUT repeat_events pg_catalog.int8,
	OUT share_events_repeat pg_catalog.float8, OUT repeats_within pg_catalog.int8,
	OUT share_repeats_within pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_repeat_summary'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.repeat_summary(@extschema@.events, pg_catalog.float8, pg_catalog.interval) IS
	'Repeat victimisation in one row: locations, share of locations hit more than once, share of events that repeat an earlier event at their location, and repeats within the window';

CREATE OR REPLACE FUNCTION @extschema@.repeat_gaps(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	OUT days_from pg_catalog.int4, OUT days_to pg_catalog.int4, OUT repeats pg_catalog.int8,
	OUT share pg_catalog.float8, OUT cumulative_share pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeat_gaps'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION @extschema@.repeat_gaps(@extschema@.events, pg_catalog.float8) IS
	'Time-to-repeat distribution: repeats per bin of whole days since the previous event at the location (0-7, 8-14, 15-21, ...), with shares';

CREATE OR REPLACE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_k_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.kde_combine(@extschema@.grid, @extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION @extschema@.kde_final(@extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth)';

COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, weight)';

COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, weight, kernel)';

COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, kernel)';

COMMENT ON FUNCTION @extschema@.kde_combine(@extschema@.grid, @extschema@.grid) IS 'Combine function of safety.kde_agg: cell-wise sum of partial density grids';

COMMENT ON FUNCTION @extschema@.kde_final(@extschema@.grid) IS 'Final function of safety.kde_agg: completes the pending events and returns the density grid';

CREATE OR REPLACE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Kernel density (quartic kernel) at the centre of every square cell of side cell_size within bandwidth of an event, per square SRID unit';

COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Weighted kernel density (quartic kernel) at square cell centres, per square SRID unit';

COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Weighted kernel density at square cell centres with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths)';

COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Kernel density at square cell centres with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths)';

CREATE OR REPLACE FUNCTION @extschema@.kde_bandwidth(e @extschema@.events) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_kde_bandwidth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kde_bandwidth(@extschema@.events) IS
	'ArcGIS Pro default kernel density search radius of the events: 0.9 min(SD, sqrt(1/ln 2) Dm) n^-0.2 (weighted when the events carry weights)';

CREATE OR REPLACE FUNCTION @extschema@.kde(e @extschema@.events, cell_size pg_catalog.float8,
	bandwidth pg_catalog.float8 DEFAULT NULL, kernel pg_catalog.text DEFAULT 'quartic')
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_events'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kde(@extschema@.events, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Kernel density of an event collection (weights used) on square cells; bandwidth NULL means safety.kde_bandwidth(e)';

CREATE OR REPLACE FUNCTION @extschema@.per_km2(density pg_catalog.float8) RETURNS pg_catalog.float8
	AS $$ SELECT density OPERATOR(pg_catalog.*) 1e6::pg_catalog.float8 $$
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.per_km2(pg_catalog.float8) IS
	'A density per square metre (kde_agg on a metre SRID) as a density per square kilometre';

CREATE OR REPLACE FUNCTION @extschema@.gi_star(g @extschema@.grid, distance pg_catalog.float8,
	study_area geometry DEFAULT NULL, fdr pg_catalog.bool DEFAULT false,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT neighbors pg_catalog.int4,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2,
	OUT geom geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_gi_star'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.gi_star(@extschema@.grid, pg_catalog.float8, geometry, pg_catalog.bool) IS
	'Getis-Ord Gi* hot and cold spots over the cells of a grid (zeros included) with a fixed distance band: z, p and class -3..3 (optionally FDR-corrected) per cell';

CREATE OR REPLACE FUNCTION @extschema@.nni(e @extschema@.events, area pg_catalog.float8 DEFAULT NULL,
	OUT n pg_catalog.int8, OUT area pg_catalog.float8, OUT observed pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT ratio pg_catalog.float8, OUT se pg_catalog.float8,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_nni'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.nni(@extschema@.events, pg_catalog.float8) IS
	'Average nearest neighbour index (Clark-Evans) of the events; the area defaults to their convex hull';

CREATE OR REPLACE FUNCTION @extschema@.optimized_hotspots(e @extschema@.events, study_area geometry DEFAULT NULL,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT neighbors pg_catalog.int4,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2,
	OUT geom geometry, OUT cell_size pg_catalog.float8, OUT distance_band pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_optimized_hotspots'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.optimized_hotspots(@extschema@.events, geometry) IS
	'ArcGIS-style Optimized Hot Spot Analysis: cell size and distance band chosen from the data, then Gi* with FDR per fishnet cell';

CREATE OR REPLACE FUNCTION @extschema@.forecast(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default', "window" pg_catalog.interval DEFAULT NULL,
	bandwidth pg_catalog.float8 DEFAULT NULL)
	RETURNS TABLE (cell_id pg_catalog.int8, i pg_catalog.int4, j pg_catalog.int4,
		expected pg_catalog.float8, geom geometry)
	AS 'MODULE_PATHNAME', 'safety_forecast'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.forecast(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.interval, pg_catalog.float8) IS
	'Expected events in [as_of, as_of + horizon) for each square cell holding an event before as_of (cell_id, i, j as safety.cells), from events before as_of only; models default (= sepp), sepp, naive, counts, kde, prospective';

CREATE OR REPLACE FUNCTION @extschema@.forecast_fit(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	history pg_catalog.interval DEFAULT NULL,
	OUT events pg_catalog.int8, OUT cells pg_catalog.int8, OUT theta pg_catalog.float8,
	OUT omega pg_catalog.float8, OUT prior_strength pg_catalog.float8, OUT bandwidth pg_catalog.float8,
	OUT history pg_catalog.interval,	OUT background pg_catalog.float8,
	OUT expected_total pg_catalog.float8, OUT iterations pg_catalog.int4,
	OUT averaged pg_catalog.int4, OUT level pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_forecast_fit'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.forecast_fit(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval) IS
	'What the default model (sepp) fits at as_of: events used, study cells, theta (offspring per event; 0 when the model without triggering won the hold-out), omega (decay per day), prior_strength (events the neighbourhood prior of the empirical Bayes background is worth; Infinity: the neighbourhood alone) and the neighbourhood kernel''s bandwidth, the history chosen, background (events per day over all cells), expected events in the horizon, EM iterations, candidates averaged, city-wide level of the last 28 days (1: as the background expects)';

CREATE OR REPLACE FUNCTION @extschema@.backtest(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}',
	OUT origin pg_catalog.timestamptz, OUT model pg_catalog.text, OUT coverage pg_catalog.float8,
	OUT cells pg_catalog.int8, OUT study_cells pg_catalog.int8, OUT captured pg_catalog.int8,
	OUT events pg_catalog.int8, OUT best pg_catalog.int8, OUT hit_rate pg_catalog.float8,
	OUT pai pg_catalog.float8, OUT pei pg_catalog.float8, OUT stability pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_forecast_backtest'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'Rolling-origin back-test at equal coverage: at each origin every model forecasts the study cells (cells with an event before start), its top ceil(coverage * study_cells) cells (ties to the lower cell_id) are graded on the next horizon: captured, hit rate, PAI, PEI (captured / best possible), stability (share of the top cells also top at the previous origin)';

CREATE OR REPLACE FUNCTION @extschema@.backtest_summary(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}')
	RETURNS TABLE (coverage pg_catalog.float8, model pg_catalog.text, rank pg_catalog.int8,
		origins pg_catalog.int8, cells pg_catalog.int8, captured pg_catalog.int8,
		events pg_catalog.int8, hit_rate pg_catalog.float8, pai pg_catalog.float8,
		pei pg_catalog.float8, stability pg_catalog.float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT s.coverage, s.model,
	       pg_catalog.rank() OVER (PARTITION BY s.coverage ORDER BY s.captured DESC),
	       s.origins, s.cells, s.captured, s.events,
	       s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.events, 0)::pg_catalog.float8,
	       (s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.events, 0)::pg_catalog.float8)
	         OPERATOR(pg_catalog./) (s.cells::pg_catalog.float8 OPERATOR(pg_catalog./) s.study_cells::pg_catalog.float8),
	       s.captured::pg_catalog.float8 OPERATOR(pg_catalog./) NULLIF(s.best, 0)::pg_catalog.float8,
	       s.stability
	FROM (SELECT b.coverage, b.model, pg_catalog.count(*) AS origins, pg_catalog.max(b.cells) AS cells,
	             pg_catalog.max(b.study_cells) AS study_cells,
	             pg_catalog.sum(b.captured)::pg_catalog.int8 AS captured,
	             pg_catalog.sum(b.events)::pg_catalog.int8 AS events,
	             pg_catalog.sum(b.best)::pg_catalog.int8 AS best,
	             pg_catalog.avg(b.stability) AS stability
	      FROM @extschema@.backtest(e, cell_size, start, stop, step, horizon, models, coverages) b
	      GROUP BY b.coverage, b.model) s
	ORDER BY 1, 3, 2;
END;

COMMENT ON FUNCTION @extschema@.backtest_summary(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'safety.backtest pooled over origins per coverage and model: rank by events captured, hit rate (captured / events), PAI, PEI (captured / best possible), mean stability';

CREATE OR REPLACE FUNCTION @extschema@.calibrate(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	models pg_catalog.text[] DEFAULT '{default,naive,counts 28 days,counts 365 days,counts 1095 days,kde 365 days,prospective}',
	coverages pg_catalog.float8[] DEFAULT '{0.005,0.01,0.02,0.05,0.1,0.2}')
	RETURNS TABLE (coverage pg_catalog.float8, model pg_catalog.text, rank pg_catalog.int8,
		hit_rate pg_catalog.float8, pai pg_catalog.float8, pei pg_catalog.float8,
		stability pg_catalog.float8, best_baseline pg_catalog.text,
		over_best_baseline pg_catalog.float8, history pg_catalog.interval,
		theta pg_catalog.float8, prior_strength pg_catalog.float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	WITH s AS (
		SELECT * FROM @extschema@.backtest_summary(e, cell_size, start, stop, step, horizon, models, coverages)
	), b AS (
		SELECT DISTINCT ON (s.coverage) s.coverage, s.model, s.hit_rate FROM s
		WHERE s.model OPERATOR(pg_catalog.<>) ALL (ARRAY['default', 'sepp'])
		  AND s.model OPERATOR(pg_catalog.!~~) 'sepp %'
		ORDER BY s.coverage, s.hit_rate DESC NULLS LAST, s.model
	), f AS (
		SELECT * FROM @extschema@.forecast_fit(e, stop, cell_size, horizon)
	)
	SELECT s.coverage, s.model, s.rank, s.hit_rate, s.pai, s.pei, s.stability, b.model,
	       -- NULLIF's = is looked up (at CREATE EXTENSION): exact types find pg_catalog's
	       s.hit_rate OPERATOR(pg_catalog./) NULLIF(b.hit_rate, 0::pg_catalog.float8),
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.history END,
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.theta END,
	       CASE WHEN s.model OPERATOR(pg_catalog.=) 'default' THEN f.prior_strength END
	FROM s JOIN b ON b.coverage OPERATOR(pg_catalog.=) s.coverage, f
	ORDER BY 1, 3, 2;
END;

COMMENT ON FUNCTION @extschema@.calibrate(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text[], pg_catalog.float8[]) IS
	'Out-of-sample scores of every model (safety.backtest_summary) with the best baseline per coverage and each model''s hit rate over it; for default, the settings its internal back-test chooses on the data before stop (history, theta, prior_strength)';

CREATE OR REPLACE FUNCTION @extschema@.default_rows_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	-- operators qualified: a trigger runs with the search_path of whoever
	-- writes the row
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		IF NOT NEW.is_default THEN
			EXECUTE pg_catalog.format(
				'DELETE FROM %I.%I t WHERE t.is_default AND pg_catalog.lower(t.%I::pg_catalog.text) OPERATOR(pg_catalog.=) pg_catalog.lower($1)',
				TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0])
			USING pg_catalog.to_jsonb(NEW) OPERATOR(pg_catalog.->>) TG_ARGV[0];
		END IF;
	-- composite values compare field by field, NULLs equal (what IS
	-- DISTINCT FROM means here, with a qualified operator)
	ELSIF NOT (NEW OPERATOR(pg_catalog.=) OLD) THEN
		NEW.is_default := false;
	END IF;
	RETURN NEW;
END $$;

COMMENT ON FUNCTION @extschema@.default_rows_guard() IS
	'Trigger of safety.offense_weights and safety.tier_policy (argument: the key column): user rows replace shipped defaults and changed defaults become user rows (kept by pg_dump)';

CREATE OR REPLACE FUNCTION @extschema@.offense_weight(offense pg_catalog.text, "unknown" pg_catalog.float8 DEFAULT 1)
	RETURNS pg_catalog.float8 LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	w pg_catalog.float8;
BEGIN
	IF "unknown" IS NULL OR NOT ("unknown" OPERATOR(pg_catalog.>) 0)
	   OR "unknown" OPERATOR(pg_catalog.=) 'Infinity'::pg_catalog.float8
	   OR "unknown" OPERATOR(pg_catalog.=) 'NaN'::pg_catalog.float8 THEN
		RAISE EXCEPTION 'safety.offense_weight: unknown must be a finite number > 0 (got %)', "unknown"
			USING ERRCODE = '22023', HINT = 'It is the weight of offenses missing from safety.offense_weights; 1 counts them as events.';
	END IF;
	SELECT ow.weight INTO w FROM @extschema@.offense_weights ow
	WHERE pg_catalog.lower(ow.offense) OPERATOR(pg_catalog.=) pg_catalog.lower(offense_weight.offense);
	RETURN COALESCE(w, "unknown");
END $$;

COMMENT ON FUNCTION @extschema@.offense_weight(pg_catalog.text, pg_catalog.float8) IS
	'Harm weight of an offense from safety.offense_weights (case-insensitive); "unknown" (default 1) when it is not listed or NULL';

CREATE OR REPLACE FUNCTION @extschema@.place_impact(geom geometry) RETURNS pg_catalog.float8
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT 1 OPERATOR(pg_catalog.+) COALESCE(pg_catalog.sum(p.weight), 0)
	FROM @extschema@.sensitive_places p
	WHERE ST_SRID(p.geom) OPERATOR(pg_catalog.=) ST_SRID(place_impact.geom)
	  AND ST_DWithin(p.geom, place_impact.geom, p.radius);
END;

COMMENT ON FUNCTION @extschema@.place_impact(geometry) IS
	'Impact multiplier of an event at geom: 1 + the sum of the weights of the sensitive places within their radius (same SRID)';

CREATE OR REPLACE FUNCTION @extschema@.tier(score pg_catalog.float8, method pg_catalog.text DEFAULT 'quantile',
	red pg_catalog.float8 DEFAULT NULL, orange pg_catalog.float8 DEFAULT NULL,
	yellow pg_catalog.float8 DEFAULT NULL)
	RETURNS @extschema@.tier AS 'MODULE_PATHNAME', 'safety_tier'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.tier(pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Window function: tier of each unit''s score within its partition; quantile (cumulative shares of the units, default 0.01/0.05/0.15, scores > 0 only, ties share the tier of the first of them) or threshold (score >= cut-off)';

CREATE OR REPLACE FUNCTION @extschema@.seasonal_p(observed pg_catalog.float8, expected pg_catalog.float8,
	dispersion pg_catalog.float8 DEFAULT 0) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_seasonal_p' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.seasonal_p(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'P(X >= ceil(observed)) for X Poisson with mean expected (dispersion 0) or negative binomial with variance expected + dispersion * expected^2';

CREATE OR REPLACE FUNCTION @extschema@.seasonal_tier(observed pg_catalog.float8, expected pg_catalog.float8,
	dispersion pg_catalog.float8 DEFAULT 0) RETURNS @extschema@.tier
	AS 'MODULE_PATHNAME', 'safety_seasonal_tier' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.seasonal_tier(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'red / orange / yellow when observed exceeds the 99 / 95 / 90 % upper quantile of the seasonal expectation (seasonal_p <= 0.01 / 0.05 / 0.10); NULL otherwise';

CREATE OR REPLACE FUNCTION @extschema@.tier_from_gi(class pg_catalog.int4) RETURNS @extschema@.tier
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF class OPERATOR(pg_catalog.<) -3 OR class OPERATOR(pg_catalog.>) 3 THEN
		RAISE EXCEPTION 'safety.tier_from_gi: class must lie in -3..3 (got %)', class
			USING ERRCODE = '22023', HINT = 'Gi* classes are +3/+2/+1 for hot spots at 99/95/90 %, 0 for none, negative for cold spots.';
	END IF;
	-- not "CASE class WHEN": its = would be looked up on the caller's search_path
	RETURN CASE WHEN class OPERATOR(pg_catalog.=) 3 THEN 'red'
	            WHEN class OPERATOR(pg_catalog.=) 2 THEN 'orange'
	            WHEN class OPERATOR(pg_catalog.=) 1 THEN 'yellow' END::@extschema@.tier;
END $$;

CREATE OR REPLACE FUNCTION @extschema@.tier_from_gi(class pg_catalog.int2) RETURNS @extschema@.tier
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT @extschema@.tier_from_gi(class::pg_catalog.int4);
END;

COMMENT ON FUNCTION @extschema@.tier_from_gi(pg_catalog.int4) IS
	'Tier of a Gi* hot-spot class: +3 red, +2 orange, +1 yellow; 0 and cold spots (negative) NULL';

COMMENT ON FUNCTION @extschema@.tier_from_gi(pg_catalog.int2) IS
	'Tier of a Gi* hot-spot class: +3 red, +2 orange, +1 yellow; 0 and cold spots (negative) NULL';

CREATE OR REPLACE FUNCTION @extschema@.risk_components(e @extschema@.events, as_of pg_catalog.timestamptz,
	"window" pg_catalog.interval DEFAULT '28 days', baseline pg_catalog.interval DEFAULT '3 years',
	half_life pg_catalog.interval DEFAULT '14 days',
	OUT events pg_catalog.int8, OUT harm pg_catalog.float8, OUT recency_harm pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT years pg_catalog.int4, OUT ratio pg_catalog.float8,
	OUT weeks pg_catalog.int4, OUT trend_s pg_catalog.float8, OUT trend_z pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_risk_components'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.risk_components(@extschema@.events, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval) IS
	'Risk components of a collection at as_of: events and harm (sum of weights) in [as_of - window, as_of), recency-weighted harm (2^(-age/half_life)), seasonal expectation (mean count in the same window 52, 104, ... weeks earlier within baseline), ratio, Mann-Kendall trend of weekly counts';

CREATE OR REPLACE FUNCTION @extschema@.risk_scores(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, method pg_catalog.text DEFAULT 'quantile',
	red pg_catalog.float8 DEFAULT NULL, orange pg_catalog.float8 DEFAULT NULL, yellow pg_catalog.float8 DEFAULT NULL,
	w_harm pg_catalog.float8 DEFAULT 0.4, w_recency pg_catalog.float8 DEFAULT 0.3,
	w_seasonal pg_catalog.float8 DEFAULT 0.2, w_trend pg_catalog.float8 DEFAULT 0.1,
	"window" pg_catalog.interval DEFAULT '28 days', baseline pg_catalog.interval DEFAULT '3 years',
	half_life pg_catalog.interval DEFAULT '14 days',
	OUT cell_id pg_catalog.int8, OUT geom geometry,
	OUT events pg_catalog.int8, OUT harm pg_catalog.float8, OUT recency_harm pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT ratio pg_catalog.float8, OUT trend_z pg_catalog.float8,
	OUT harm_n pg_catalog.float8, OUT recency_n pg_catalog.float8, OUT seasonal_n pg_catalog.float8,
	OUT trend_n pg_catalog.float8,
	OUT w_harm_used pg_catalog.float8, OUT w_recency_used pg_catalog.float8,
	OUT w_seasonal_used pg_catalog.float8, OUT w_trend_used pg_catalog.float8,
	OUT score pg_catalog.float8, OUT rank pg_catalog.int8, OUT tier @extschema@.tier,
	OUT years pg_catalog.int4, OUT weeks pg_catalog.int4)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_risk_scores'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.risk_scores(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.interval, pg_catalog.interval) IS
	'Per square cell with events in the last max(window, baseline) before as_of: risk components, components normalised to [0, 1], their weights, score, rank and tier';

CREATE OR REPLACE FUNCTION @extschema@.forecast_tiers(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	shares pg_catalog.float8[] DEFAULT '{0.01,0.05,0.15}', caps pg_catalog.int8[] DEFAULT NULL,
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (cell_id pg_catalog.int8, geom geometry, events pg_catalog.int8,
		expected pg_catalog.float8, typical pg_catalog.float8, severity pg_catalog.float8,
		priority pg_catalog.float8, rank pg_catalog.int8, tier @extschema@.tier)
	AS 'MODULE_PATHNAME', 'safety_forecast_tiers'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.forecast_tiers(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8[], pg_catalog.int8[], pg_catalog.float8, pg_catalog.int4) IS
	'Tiers of every study cell (events: its events of the last year) from the forecast: priority = expected events in the horizon x severity (shrunk relative harm, 1/2..2); a tier''s cut-off is the priority at its cumulative share of the typical (ordinary-horizon) priorities, so busy horizons tier more cells and quiet ones fewer; a cell keeps its tier while its priority stays above keep x the cut-off (lookback earlier horizons replayed); caps move the lowest-priority cells beyond them down a tier';

CREATE OR REPLACE FUNCTION @extschema@.risk_tiers(e @extschema@.events, as_of pg_catalog.timestamptz,
	cell_size pg_catalog.float8, horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (cell_id pg_catalog.int8, geom geometry, events pg_catalog.int8,
		expected pg_catalog.float8, typical pg_catalog.float8, severity pg_catalog.float8,
		priority pg_catalog.float8, rank pg_catalog.int8, tier @extschema@.tier,
		action pg_catalog.text, respond_within pg_catalog.interval,
		review_every pg_catalog.interval, lead pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
BEGIN ATOMIC
	SELECT f.cell_id, f.geom, f.events, f.expected, f.typical, f.severity, f.priority, f.rank, f.tier,
	       p.action, p.respond_within, p.review_every, p.lead
	FROM @extschema@.forecast_tiers(e, as_of, cell_size, horizon, model,
		ARRAY[COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'red'::@extschema@.tier), 0.01),
		      COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'orange'::@extschema@.tier), 0.05),
		      COALESCE((SELECT q.share FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'yellow'::@extschema@.tier), 0.15)],
		ARRAY[(SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'red'::@extschema@.tier),
		      (SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'orange'::@extschema@.tier),
		      (SELECT q.max_cells FROM @extschema@.tier_policy q WHERE q.tier OPERATOR(pg_catalog.=) 'yellow'::@extschema@.tier)],
		keep, lookback) f
	LEFT JOIN @extschema@.tier_policy p ON p.tier OPERATOR(pg_catalog.=) f.tier
	ORDER BY f.rank, f.cell_id;
END;

COMMENT ON FUNCTION @extschema@.risk_tiers(@extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.int4) IS
	'safety.forecast_tiers with the shares, caps and response policy of safety.tier_policy, ordered by rank (priority)';

CREATE OR REPLACE FUNCTION @extschema@.tier_backtest(e @extschema@.events, cell_size pg_catalog.float8,
	start pg_catalog.timestamptz, stop pg_catalog.timestamptz,
	step pg_catalog.interval DEFAULT '7 days', horizon pg_catalog.interval DEFAULT '7 days',
	model pg_catalog.text DEFAULT 'default',
	shares pg_catalog.float8[] DEFAULT '{0.01,0.05,0.15}', caps pg_catalog.int8[] DEFAULT NULL,
	keep pg_catalog.float8 DEFAULT 0.8, lookback pg_catalog.int4 DEFAULT 4)
	RETURNS TABLE (origin pg_catalog.timestamptz, tier @extschema@.tier, cells pg_catalog.int8,
		events pg_catalog.int8, mean_events pg_catalog.float8, expected pg_catalog.float8,
		changed pg_catalog.int8)
	AS 'MODULE_PATHNAME', 'safety_tier_backtest'
	LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;

COMMENT ON FUNCTION @extschema@.tier_backtest(@extschema@.events, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.interval, pg_catalog.text, pg_catalog.float8[], pg_catalog.int8[], pg_catalog.float8, pg_catalog.int4) IS
	'How the tiers of safety.forecast_tiers fared: per origin and tier (NULL: untiered study cells), the cells, the events of the next horizon in them and per cell, their forecast, and the cells whose tier changed since the previous origin';

CREATE OR REPLACE FUNCTION @extschema@.record_tiers(name pg_catalog.text, e @extschema@.events,
	as_of pg_catalog.timestamptz, cell_size pg_catalog.float8,
	horizon pg_catalog.interval DEFAULT '7 days', model pg_catalog.text DEFAULT 'default')
	RETURNS pg_catalog.int8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	IF record_tiers.name IS NULL THEN
		RAISE EXCEPTION 'safety.record_tiers: name must not be NULL'
			USING ERRCODE = '22004', HINT = 'Name the series of snapshots, e.g. ''burglary-250m''.';
	END IF;
	-- the history is shared: writing it is the administrator's to grant
	IF NOT (pg_catalog.has_table_privilege('@extschema@.tier_history', 'INSERT')
	        AND pg_catalog.has_table_privilege('@extschema@.tier_history', 'DELETE')) THEN
		RAISE EXCEPTION 'safety.record_tiers: permission denied to record tiers in safety.tier_history'
			USING ERRCODE = 'insufficient_privilege',
			HINT = 'Its owner can allow it: GRANT SELECT, INSERT, DELETE ON safety.tier_history TO the role.';
	END IF;
	DELETE FROM @extschema@.tier_history h
	WHERE h.name OPERATOR(pg_catalog.=) record_tiers.name AND h.as_of OPERATOR(pg_catalog.=) record_tiers.as_of;
	INSERT INTO @extschema@.tier_history (name, as_of, unit, tier, score)
	SELECT record_tiers.name, record_tiers.as_of, s.cell_id, s.tier, s.priority
	FROM @extschema@.risk_tiers(e, record_tiers.as_of, cell_size, horizon, model) s
	WHERE s.tier IS NOT NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

COMMENT ON FUNCTION @extschema@.record_tiers(pg_catalog.text, @extschema@.events, pg_catalog.timestamptz, pg_catalog.float8, pg_catalog.interval, pg_catalog.text) IS
	'Store the tiered cells of safety.risk_tiers at as_of (score: their priority) in safety.tier_history under name (replacing a snapshot of the same name and as_of); returns the rows stored';

CREATE OR REPLACE FUNCTION @extschema@.tier_changes(name pg_catalog.text, from_as_of pg_catalog.timestamptz,
	to_as_of pg_catalog.timestamptz)
	RETURNS TABLE (unit pg_catalog.int8, change pg_catalog.text,
		from_tier @extschema@.tier, to_tier @extschema@.tier,
		from_score pg_catalog.float8, to_score pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT COALESCE(a.unit, b.unit),
	       CASE WHEN a.unit IS NULL THEN 'entered'
	            WHEN b.unit IS NULL THEN 'left'
	            WHEN b.tier OPERATOR(pg_catalog.>) a.tier THEN 'escalated'
	            ELSE 'de-escalated' END,
	       a.tier, b.tier, a.score, b.score
	FROM (SELECT h.unit, h.tier, h.score FROM @extschema@.tier_history h
	      WHERE h.name OPERATOR(pg_catalog.=) tier_changes.name AND h.as_of OPERATOR(pg_catalog.=) tier_changes.from_as_of) a
	FULL JOIN (SELECT h.unit, h.tier, h.score FROM @extschema@.tier_history h
	      WHERE h.name OPERATOR(pg_catalog.=) tier_changes.name AND h.as_of OPERATOR(pg_catalog.=) tier_changes.to_as_of) b
	  ON a.unit OPERATOR(pg_catalog.=) b.unit
	WHERE a.unit IS NULL OR b.unit IS NULL OR a.tier OPERATOR(pg_catalog.<>) b.tier
	ORDER BY 2, 1;
END;

COMMENT ON FUNCTION @extschema@.tier_changes(pg_catalog.text, pg_catalog.timestamptz, pg_catalog.timestamptz) IS
	'Units whose tier changed between two snapshots of safety.tier_history: entered, left, escalated, de-escalated';

CREATE OR REPLACE FUNCTION @extschema@.check_expression(expr pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'safety_check_expression' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.check_expression(pg_catalog.text) IS
	'True when expr is one SQL expression and nothing else (raw parse only, nothing runs); an error otherwise';

CREATE OR REPLACE FUNCTION @extschema@.owns_view(schema pg_catalog.name, name pg_catalog.name) RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN EXISTS (
		SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE n.nspname OPERATOR(pg_catalog.=) owns_view.schema AND c.relname OPERATOR(pg_catalog.=) owns_view.name
		  AND pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE'));

COMMENT ON FUNCTION @extschema@.owns_view(pg_catalog.name, pg_catalog.name) IS
	'True when the current user has the rights of the owner of relation schema.name (may refresh and drop it)';

CREATE OR REPLACE FUNCTION @extschema@.owns_views(schema pg_catalog.name, names pg_catalog.name[]) RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN NOT EXISTS (
		SELECT FROM pg_catalog.unnest(owns_views.names) AS u(r)
		WHERE NOT EXISTS (
			SELECT FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
			WHERE n.nspname OPERATOR(pg_catalog.=) owns_views.schema AND c.relname OPERATOR(pg_catalog.=) u.r
			  AND c.relkind OPERATOR(pg_catalog.=) 'm' AND pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE')));

COMMENT ON FUNCTION @extschema@.owns_views(pg_catalog.name, pg_catalog.name[]) IS
	'True when every one of names is a materialized view in schema whose owner''s rights the current user has (what a safety.views row may list)';

CREATE OR REPLACE FUNCTION @extschema@.postgis_schema() RETURNS pg_catalog.name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN (SELECT n.nspname FROM pg_catalog.pg_extension e
		JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
		WHERE e.extname OPERATOR(pg_catalog.=) 'postgis');

COMMENT ON FUNCTION @extschema@.postgis_schema() IS
	'Schema of the PostGIS extension, to qualify PostGIS names in generated SQL';

CREATE OR REPLACE FUNCTION @extschema@.view_entry(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
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
			USING ERRCODE = 'undefined_object', HINT = 'safety.views lists the views made by safety.create_hotspot_view, safety.create_near_repeat_view and safety.create_tier_view.';
	END IF;
	RETURN entry;
END $$;

COMMENT ON FUNCTION @extschema@.view_entry(pg_catalog.text, pg_catalog.name) IS
	'The safety.views row of a view by name (and schema, when the name alone is ambiguous); an error when there is none';

CREATE OR REPLACE FUNCTION @extschema@.check_view_target(fn pg_catalog.text, schema pg_catalog.name, names pg_catalog.text[])
	RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
	vschema pg_catalog.name := check_view_target.schema;
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

COMMENT ON FUNCTION @extschema@.check_view_target(pg_catalog.text, pg_catalog.name, pg_catalog.text[]) IS
	'Error (naming fn) unless the relations names can be created in schema: short enough, schema exists and allows CREATE, no such relation, not in safety.views';

CREATE OR REPLACE FUNCTION @extschema@.check_view_window(fn pg_catalog.text, "window" pg_catalog.interval, as_of pg_catalog.timestamptz)
	RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF "window" OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: window must be a positive interval, not %', fn, "window" USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF as_of IS NOT NULL AND NOT pg_catalog.isfinite(as_of) THEN
		RAISE EXCEPTION '%: as_of must be finite', fn USING ERRCODE = 'invalid_parameter_value';
	END IF;
END $$;

COMMENT ON FUNCTION @extschema@.check_view_window(pg_catalog.text, pg_catalog.interval, pg_catalog.timestamptz) IS
	'Error (naming fn) unless window is positive and as_of finite or NULL';

CREATE OR REPLACE FUNCTION @extschema@.check_view_size(fn pg_catalog.text, what pg_catalog.text, size pg_catalog.float8)
	RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF NOT (size OPERATOR(pg_catalog.>) 0 AND size OPERATOR(pg_catalog.<) 'Infinity') THEN
		RAISE EXCEPTION '%: % must be positive and finite, not %', fn, what, size
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Sizes are in the units of the points'' SRID (metres for UTM).';
	END IF;
END $$;

COMMENT ON FUNCTION @extschema@.check_view_size(pg_catalog.text, pg_catalog.text, pg_catalog.float8) IS
	'Error (naming fn and the parameter what) unless size is positive and finite';

CREATE OR REPLACE FUNCTION @extschema@.view_min_count(fn pg_catalog.text, min_count pg_catalog.int4)
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

COMMENT ON FUNCTION @extschema@.view_min_count(pg_catalog.text, pg_catalog.int4) IS
	'The min_count a view stores: min_count, or the setting safety.min_count (default 3) when NULL; an error (naming fn) when below 1';

CREATE OR REPLACE FUNCTION @extschema@.source_column(fn pg_catalog.text, source pg_catalog.regclass, col pg_catalog.name,
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

COMMENT ON FUNCTION @extschema@.source_column(pg_catalog.text, pg_catalog.regclass, pg_catalog.name) IS
	'Type of column col of source (an error naming fn when there is none)';

CREATE OR REPLACE FUNCTION @extschema@.check_view_source(fn pg_catalog.text, source pg_catalog.regclass,
	geom_column pg_catalog.name, time_column pg_catalog.name, filter pg_catalog.text)
	-- volatile: it runs EXPLAIN
	RETURNS pg_catalog.int4 LANGUAGE plpgsql AS $$
DECLARE
	src pg_catalog.regclass := check_view_source.source;
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
	  AND t.typnamespace OPERATOR(pg_catalog.=) pg_catalog.to_regnamespace(pg_catalog.quote_ident(@extschema@.postgis_schema()));
	att := @extschema@.source_column(fn, src, geom_column);
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
	att := @extschema@.source_column(fn, src, time_column);
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

COMMENT ON FUNCTION @extschema@.check_view_source(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.text) IS
	'Error (naming fn) unless source is a readable table or view with a point geom_column, a timestamptz time_column and filter is one valid condition on it; returns the SRID of geom_column''s typmod, if any';

CREATE OR REPLACE FUNCTION @extschema@.check_view_call(fn pg_catalog.text, srid pg_catalog.int4, call pg_catalog.text)
	-- volatile: it runs call; the two test events draw no fallback notices
	RETURNS void LANGUAGE plpgsql SET client_min_messages = 'warning' AS $$
DECLARE
	msg pg_catalog.text;
	hint pg_catalog.text;
	state pg_catalog.text;
BEGIN
	-- call names $1: two events in the source's SRID (a geographic SRID is
	-- refused by the analysis too); its errors are reported under fn
	EXECUTE 'SELECT FROM ' OPERATOR(pg_catalog.||) call USING pg_catalog.format(
		'SRID=%s;{(0,0,2000-01-01T00:00:00Z,,1,1),(1,0,2000-01-02T00:00:00Z,,1,2)}', coalesce(srid, 0))::@extschema@.events;
EXCEPTION WHEN invalid_parameter_value OR null_value_not_allowed OR program_limit_exceeded THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT, state = RETURNED_SQLSTATE;
	RAISE EXCEPTION '%: %', fn, pg_catalog.regexp_replace(msg, '^safety[.][[:alnum:]_]+: ', '')
		USING ERRCODE = state, HINT = hint;
END $$;

COMMENT ON FUNCTION @extschema@.check_view_call(pg_catalog.text, pg_catalog.int4, pg_catalog.text) IS
	'Run the analysis call on two events ($1) in SRID srid, so that its parameters are checked before a view is created; its errors are raised naming fn';

CREATE OR REPLACE FUNCTION @extschema@.view_as_of_sql(parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	-- the end of the window: a fixed time, or the time of each refresh
	RETURN CASE WHEN parameters OPERATOR(pg_catalog.->>) 'as_of' IS NULL THEN 'pg_catalog.now()'
		ELSE pg_catalog.format('%L::pg_catalog.timestamptz', parameters OPERATOR(pg_catalog.->>) 'as_of') END;

COMMENT ON FUNCTION @extschema@.view_as_of_sql(pg_catalog.jsonb) IS
	'SQL of the as_of of a view''s parameters: the fixed time, or now() (the time of each refresh)';

CREATE OR REPLACE FUNCTION @extschema@.view_events_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb, columns pg_catalog.text)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := view_events_sql.parameters;
	as_of pg_catalog.text := @extschema@.view_as_of_sql(p);
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
		 WHERE c.oid OPERATOR(pg_catalog.=) view_events_sql.source),
		coalesce(p OPERATOR(pg_catalog.->>) 'filter', 'true'),
		as_of,
		-- how far back: the window; without one (tier views, whose model
		-- chooses its own history) every row up to as_of
		CASE WHEN p OPERATOR(pg_catalog.?) 'window'
			THEN pg_catalog.format(E'\n\t  AND s.t OPERATOR(pg_catalog.>) (%s OPERATOR(pg_catalog.-) %L::pg_catalog.interval)',
				as_of, p OPERATOR(pg_catalog.->>) 'window')
			ELSE '' END);
END $$;

COMMENT ON FUNCTION @extschema@.view_events_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) IS
	'SQL selecting columns over the rows s(geom, t[, id][, weight]) of source that pass the filter and fall in (as_of - window, as_of] (or up to as_of when the view has no window), per a view''s parameters';

CREATE OR REPLACE FUNCTION @extschema@.view_geom_sql(parameters pg_catalog.jsonb, expr pg_catalog.text)
	RETURNS pg_catalog.text LANGUAGE sql STABLE PARALLEL SAFE
	-- a typed geometry column when the source's SRID is known (QGIS reads it)
	RETURN CASE WHEN parameters OPERATOR(pg_catalog.->>) 'srid' IS NULL THEN expr
		ELSE pg_catalog.format('%s::%I.geometry(Polygon,%s)', expr, @extschema@.postgis_schema(),
			(parameters OPERATOR(pg_catalog.->>) 'srid')::pg_catalog.int4) END;

COMMENT ON FUNCTION @extschema@.view_geom_sql(pg_catalog.jsonb, pg_catalog.text) IS
	'SQL of the polygon column expr of a view: cast to geometry(Polygon, SRID) when the parameters know the source''s SRID';

CREATE OR REPLACE FUNCTION @extschema@.view_gi_star(g @extschema@.grid, distance pg_catalog.float8, fdr pg_catalog.bool,
	OUT cell_id pg_catalog.int8, OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2)
	RETURNS SETOF record LANGUAGE plpgsql STABLE AS $$
DECLARE
	msg pg_catalog.text;
BEGIN
	IF g IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT s.cell_id, s.z, s.p, s.class FROM @extschema@.gi_star(g, distance, NULL, fdr) s;
EXCEPTION WHEN invalid_parameter_value THEN
	-- a window whose grid Gi* cannot analyse (fewer than 3 cells, or all
	-- equal) is no error for a view: its cells get no z, class or tier
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
	IF msg OPERATOR(pg_catalog.!~) 'needs at least 3 cells|without variation' THEN
		RAISE;
	END IF;
END $$;

COMMENT ON FUNCTION @extschema@.view_gi_star(@extschema@.grid, pg_catalog.float8, pg_catalog.bool) IS
	'safety.gi_star(g, distance, NULL, fdr) for a hotspot view: no rows when g is NULL, has fewer than 3 cells or no variation';

CREATE OR REPLACE FUNCTION @extschema@.hotspot_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := hotspot_view_sql.parameters;
	as_of pg_catalog.text := @extschema@.view_as_of_sql(p);
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
		@extschema@.view_geom_sql(p, 'c.geom') OPERATOR(pg_catalog.||) ' AS geom',
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
	SELECT z.cell_id, z.z, z.p, z.class FROM g, LATERAL @extschema@.view_gi_star(g.grid, %4$L::pg_catalog.float8, %5$L::pg_catalog.bool) z
)
SELECT %1$s
FROM g CROSS JOIN LATERAL @extschema@.cells(g.grid) c
LEFT JOIN d ON d.cell_id OPERATOR(pg_catalog.=) c.cell_id
LEFT JOIN z ON z.cell_id OPERATOR(pg_catalog.=) c.cell_id
WHERE c.value OPERATOR(pg_catalog.>=) %3$s$sql$,
		cols,
		@extschema@.view_events_sql(source, p, pg_catalog.format(
			'@extschema@.grid_agg(s.geom, %1$L::pg_catalog.float8) AS grid, @extschema@.kde_agg(s.geom, %1$L::pg_catalog.float8, %2$L::pg_catalog.float8) AS density',
			cell_size, (p OPERATOR(pg_catalog.->>) 'bandwidth')::pg_catalog.float8)),
		(p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4,
		distance, fdr);
END $$;

COMMENT ON FUNCTION @extschema@.hotspot_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of a hotspot view over source with the given parameters (as stored in safety.views)';

CREATE OR REPLACE FUNCTION @extschema@.near_repeat_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb,
	relation pg_catalog.text DEFAULT 'table')
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := near_repeat_view_sql.parameters;
	as_of pg_catalog.text := @extschema@.view_as_of_sql(p);
	-- the arguments of near_repeat after the events, as stored
	-- (numbers as quoted literals: -9223372036854775808::int8 would be
	-- -(9223372036854775808::int8), out of range)
	args pg_catalog.text := pg_catalog.format('%L::pg_catalog.float8[], %L::pg_catalog.float8[], %L::pg_catalog.int4, %L::pg_catalog.int8, %L',
		ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p OPERATOR(pg_catalog.->) 'distance_bands'))::pg_catalog.float8[],
		ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p OPERATOR(pg_catalog.->) 'time_bands'))::pg_catalog.float8[],
		(p OPERATOR(pg_catalog.->>) 'permutations')::pg_catalog.int4,
		(p OPERATOR(pg_catalog.->>) 'seed')::pg_catalog.int8,
		p OPERATOR(pg_catalog.->>) 'metric');
	events pg_catalog.text := @extschema@.view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t, s.id) AS e');
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
) g, LATERAL @extschema@.near_repeat(g.e, %3$s) k$sql$, as_of, events, args);
	ELSIF relation OPERATOR(pg_catalog.=) 'windows' THEN
		-- the risk windows open at as_of, in the zone of the same table
		zone := @extschema@.view_geom_sql(p, 'w.zone');
		body := pg_catalog.format(
$sql$SELECT w.id, w.occurred_at, w.window_end, w.days_left, %4$s AS zone, %1$s AS as_of
FROM (
	%2$s
) g, LATERAL @extschema@.repeat_windows(g.e, %1$s, %3$s) w$sql$, as_of, events, args, zone);
	ELSE
		RAISE EXCEPTION 'safety.near_repeat_view_sql: relation must be ''table'' or ''windows'', not %', pg_catalog.quote_literal(relation)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- fewer than two events in the window: no rows (near_repeat needs pairs)
	RETURN body OPERATOR(pg_catalog.||) E'\nWHERE @extschema@.num_events(g.e) OPERATOR(pg_catalog.>=) 2';
END $$;

COMMENT ON FUNCTION @extschema@.near_repeat_view_sql(pg_catalog.regclass, pg_catalog.jsonb, pg_catalog.text) IS
	'The query of a near-repeat view over source with the given parameters (as stored in safety.views): relation ''table'' (the Knox table) or ''windows'' (the open risk windows)';

CREATE OR REPLACE FUNCTION @extschema@.tier_view_sql(source pg_catalog.regclass, parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE plpgsql STABLE AS $$
DECLARE
	p pg_catalog.jsonb := tier_view_sql.parameters;
	as_of pg_catalog.text := @extschema@.view_as_of_sql(p);
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
		@extschema@.view_geom_sql(p, 'r.geom'), as_of,
		@extschema@.view_events_sql(source, p, '@extschema@.events_agg(s.geom, s.t, NULL::pg_catalog.int8, s.weight) AS e'),
		@extschema@.tier_view_args(p),
		(p OPERATOR(pg_catalog.->>) 'min_count')::pg_catalog.int4);
END $$;

COMMENT ON FUNCTION @extschema@.tier_view_sql(pg_catalog.regclass, pg_catalog.jsonb) IS
	'The query of a tier view over source with the given parameters (as stored in safety.views)';

CREATE OR REPLACE FUNCTION @extschema@.tier_view_args(parameters pg_catalog.jsonb)
	RETURNS pg_catalog.text LANGUAGE sql IMMUTABLE PARALLEL SAFE
	-- the arguments of risk_tiers after the events and as_of, as stored
	RETURN pg_catalog.format('%L::pg_catalog.float8, %L::pg_catalog.interval, %L, %L::pg_catalog.float8, %L::pg_catalog.int4',
		(parameters OPERATOR(pg_catalog.->>) 'cell_size')::pg_catalog.float8,
		parameters OPERATOR(pg_catalog.->>) 'horizon', parameters OPERATOR(pg_catalog.->>) 'model',
		(parameters OPERATOR(pg_catalog.->>) 'keep')::pg_catalog.float8,
		(parameters OPERATOR(pg_catalog.->>) 'lookback')::pg_catalog.int4);

COMMENT ON FUNCTION @extschema@.tier_view_args(pg_catalog.jsonb) IS
	'SQL of the arguments of safety.risk_tiers after the events and as_of, from a tier view''s parameters';

CREATE OR REPLACE FUNCTION @extschema@.create_view_relation(schema pg_catalog.name, name pg_catalog.text, query pg_catalog.text,
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

COMMENT ON FUNCTION @extschema@.create_view_relation(pg_catalog.name, pg_catalog.text, pg_catalog.text,
	pg_catalog.name[], pg_catalog.name, pg_catalog.text) IS
	'Create materialized view schema.name AS query with a unique index on unique_columns, a GiST index on gist_column (unless NULL) and a comment';

CREATE OR REPLACE FUNCTION @extschema@.create_hotspot_view(
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
	as_of pg_catalog.timestamptz DEFAULT NULL,
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
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL
	   OR time_column IS NULL OR cell_size IS NULL OR bandwidth IS NULL OR "window" IS NULL OR vschema IS NULL OR fdr IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, cell_size, bandwidth, window, schema and fdr must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@.check_view_size(fn, 'cell_size', cell_size);
	PERFORM @extschema@.check_view_size(fn, 'bandwidth', bandwidth);
	PERFORM @extschema@.check_view_size(fn, 'distance', dist);
	PERFORM @extschema@.check_view_window(fn, "window", as_of);
	mc := @extschema@.view_min_count(fn, mc);
	PERFORM @extschema@.check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@.check_view_source(fn, src, geom_column, time_column, filter);

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column,
		'cell_size', cell_size, 'bandwidth', bandwidth, 'window', "window"::pg_catalog.text,
		'filter', filter, 'min_count', mc, 'as_of', as_of, 'srid', srid, 'shape', 'square',
		'distance', dist, 'fdr', fdr);
	view := @extschema@.create_view_relation(vschema, vname, @extschema@.hotspot_view_sql(src, params),
		ARRAY['cell_id'], 'geom', pg_catalog.format(
		'safety hotspot view: events, kernel density (bandwidth %s) and Gi* (distance %s%s) per %s cell of %s in the %s up to %s%s; cells with fewer than %s events are left out',
		bandwidth, dist, CASE WHEN fdr THEN ', FDR' ELSE '' END,
		cell_size, src, "window"::pg_catalog.text, coalesce(as_of::pg_catalog.text, 'each refresh'),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END, mc));
	INSERT INTO @extschema@.views (schema, name, kind, source, parameters)
	VALUES (vschema, vname, 'hotspot', src, params);
	RETURN view;
END $$;

COMMENT ON FUNCTION @extschema@.create_hotspot_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.int4, pg_catalog.timestamptz,
	pg_catalog.float8, pg_catalog.bool) IS
	'Create a materialized view of events, kernel density, Gi* z, class and tier per square cell in a sliding time window (one row per cell with at least min_count events), listed in safety.views';

CREATE OR REPLACE FUNCTION @extschema@.create_near_repeat_view(
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
	as_of pg_catalog.timestamptz DEFAULT NULL)
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
	what pg_catalog.text;
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL OR time_column IS NULL
	   OR id_column IS NULL OR distance_bands IS NULL OR time_bands IS NULL OR permutations IS NULL OR seed IS NULL
	   OR metric IS NULL OR "window" IS NULL OR vschema IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, id_column, distance_bands, time_bands, permutations, seed, metric, window and schema must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@.check_view_window(fn, "window", as_of);
	PERFORM @extschema@.check_view_target(fn, vschema, ARRAY[vname, wname]);
	srid := @extschema@.check_view_source(fn, src, geom_column, time_column, filter);
	-- types by oid: their names print qualified when another schema on the
	-- search_path has a type of the same name
	id_col := @extschema@.source_column(fn, src, id_column);
	IF id_col.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION '%: id_column "%" of % has type %, not an integer type', fn, id_column, src, id_col.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'Use the source''s integer key, e.g. its primary key.';
	END IF;
	-- the near-repeat parameters, checked by safety.near_repeat itself
	PERFORM @extschema@.check_view_call(fn, srid, pg_catalog.format(
		'@extschema@.near_repeat($1, %L::pg_catalog.float8[], %L::pg_catalog.float8[], %L::pg_catalog.int4, %L::pg_catalog.int8, %L)',
		distance_bands, time_bands, permutations, seed, metric));

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column, 'id_column', id_column,
		'distance_bands', pg_catalog.to_jsonb(distance_bands), 'time_bands', pg_catalog.to_jsonb(time_bands),
		'permutations', permutations, 'seed', seed, 'metric', pg_catalog.lower(metric),
		'window', "window"::pg_catalog.text, 'filter', filter, 'as_of', as_of, 'srid', srid);
	what := pg_catalog.format('of %s in the %s up to %s%s (distance bands %s, time bands %s days, %s permutations, seed %s, %s)',
		src, "window"::pg_catalog.text, coalesce(as_of::pg_catalog.text, 'each refresh'),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END,
		distance_bands, time_bands, permutations, seed, pg_catalog.lower(metric));
	view := @extschema@.create_view_relation(vschema, vname, @extschema@.near_repeat_view_sql(src, params, 'table'),
		ARRAY['distance_band', 'time_band'], NULL, 'safety near-repeat view: the Knox table of safety.near_repeat ' OPERATOR(pg_catalog.||) what);
	PERFORM @extschema@.create_view_relation(vschema, wname, @extschema@.near_repeat_view_sql(src, params, 'windows'),
		ARRAY['id'], 'zone', pg_catalog.format('safety near-repeat windows of %I: the risk windows open at as_of (safety.repeat_windows) in the zone of its Knox table ',
			vname) OPERATOR(pg_catalog.||) what);
	INSERT INTO @extschema@.views (schema, name, kind, source, parameters, companions)
	VALUES (vschema, vname, 'near_repeat', src, params, ARRAY[wname]::pg_catalog.name[]);
	RETURN view;
END $$;

COMMENT ON FUNCTION @extschema@.create_near_repeat_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.name, pg_catalog.float8[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.int8, pg_catalog.text,
	pg_catalog.interval, pg_catalog.text, pg_catalog.name, pg_catalog.timestamptz) IS
	'Create two materialized views over the events in a sliding time window: name, the Knox near-repeat table, and name_windows, the risk windows open at as_of in its zone; listed in safety.views as one entry';

CREATE OR REPLACE FUNCTION @extschema@.create_tier_view(
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
	as_of pg_catalog.timestamptz DEFAULT NULL,
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
	view pg_catalog.regclass;
BEGIN
	IF vname IS NULL OR vname OPERATOR(pg_catalog.=) '' OR src IS NULL OR geom_column IS NULL OR time_column IS NULL
	   OR offense_column IS NULL OR cell_size IS NULL OR horizon IS NULL OR model IS NULL OR keep IS NULL
	   OR lookback IS NULL OR vschema IS NULL THEN
		RAISE EXCEPTION '%: name, source, geom_column, time_column, offense_column, cell_size, horizon, model, keep, lookback and schema must not be NULL or empty', fn
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM @extschema@.check_view_size(fn, 'cell_size', cell_size);
	IF horizon OPERATOR(pg_catalog.<=) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION '%: horizon must be a positive interval, not %', fn, horizon USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM @extschema@.check_view_window(fn, horizon, as_of);
	mc := @extschema@.view_min_count(fn, create_tier_view.min_count);
	PERFORM @extschema@.check_view_target(fn, vschema, ARRAY[vname]);
	srid := @extschema@.check_view_source(fn, src, geom_column, time_column, filter);
	-- a text type, by OID (not by name: a type named text may be on the path,
	-- and a pattern with \M would read otherwise under standard_conforming_strings = off)
	offense_col := @extschema@.source_column(fn, src, offense_column);
	IF offense_col.typid OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.text', 'pg_catalog.varchar', 'pg_catalog.bpchar', 'pg_catalog.name']::pg_catalog.regtype[]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION '%: offense_column "%" of % has type %, not text', fn, offense_column, src, offense_col.type
			USING ERRCODE = 'datatype_mismatch', HINT = 'The offense names the row of safety.offense_weights that weighs the event.';
	END IF;

	params := pg_catalog.jsonb_build_object(
		'geom_column', geom_column, 'time_column', time_column, 'offense_column', offense_column,
		'cell_size', cell_size, 'horizon', horizon::pg_catalog.text, 'model', model,
		'keep', keep, 'lookback', lookback,
		'filter', filter, 'min_count', mc, 'as_of', as_of, 'srid', srid);
	-- the tier parameters, checked by safety.risk_tiers itself
	PERFORM @extschema@.check_view_call(fn, srid, pg_catalog.format('@extschema@.risk_tiers($1, %L::pg_catalog.timestamptz, %s)',
		'2000-01-03 00:00+00', @extschema@.tier_view_args(params)));
	view := @extschema@.create_view_relation(vschema, vname, @extschema@.tier_view_sql(src, params),
		ARRAY['cell_id'], 'geom', pg_catalog.format(
		'safety tier view: safety.risk_tiers per %s cell of %s (offense weights from %I, model %s, horizon %s, keep %s, lookback %s) at %s%s; cells with fewer than %s events in the last year are left out',
		cell_size, src, offense_column, model, horizon::pg_catalog.text, keep, lookback,
		coalesce(as_of::pg_catalog.text, 'each refresh'),
		CASE WHEN filter IS NULL THEN '' ELSE ' where ' OPERATOR(pg_catalog.||) filter END, mc));
	INSERT INTO @extschema@.views (schema, name, kind, source, parameters)
	VALUES (vschema, vname, 'tier', src, params);
	RETURN view;
END $$;

COMMENT ON FUNCTION @extschema@.create_tier_view(pg_catalog.text, pg_catalog.regclass, pg_catalog.name, pg_catalog.name,
	pg_catalog.name, pg_catalog.float8, pg_catalog.interval, pg_catalog.text, pg_catalog.float8, pg_catalog.int4,
	pg_catalog.text, pg_catalog.name, pg_catalog.timestamptz, pg_catalog.int4) IS
	'Create a materialized view of safety.risk_tiers per square cell (events weighted by safety.offense_weight of offense_column) at as_of (one row per cell with at least min_count events in the last year), listed in safety.views';

CREATE OR REPLACE FUNCTION @extschema@.view_relations(v @extschema@.views) RETURNS pg_catalog.text[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN (SELECT pg_catalog.array_agg(pg_catalog.format('%I.%I', v.schema, r) ORDER BY k)
		FROM pg_catalog.unnest(ARRAY[v.name] OPERATOR(pg_catalog.||) v.companions) WITH ORDINALITY AS u(r, k));

COMMENT ON FUNCTION @extschema@.view_relations(@extschema@.views) IS
	'The qualified names of the materialized views of a safety.views entry: its own, then its companions';

CREATE OR REPLACE FUNCTION @extschema@.drop_view(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@.view_entry(drop_view.name, drop_view.schema);
	qname pg_catalog.text := pg_catalog.format('%I.%I', v.schema, v.name);
	-- the owner of the view, else the caller: a companion dropped behind
	-- safety's back may since name another role's view, which stays
	view_owner pg_catalog.oid := coalesce(
		(SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(qname)),
		(SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER));
	rels pg_catalog.text[] := '{}';
	rel pg_catalog.text;
BEGIN
	IF NOT @extschema@.owns_view(v.schema, v.name) AND pg_catalog.to_regclass(qname) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.drop_view: must be owner of materialized view %', qname
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- the entry first: its row-level policy asks whether the caller owns the view
	DELETE FROM @extschema@.views e WHERE e.schema OPERATOR(pg_catalog.=) v.schema AND e.name OPERATOR(pg_catalog.=) v.name;
	FOREACH rel IN ARRAY @extschema@.view_relations(v) LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(rel)
		           AND c.relkind OPERATOR(pg_catalog.=) 'm' AND c.relowner OPERATOR(pg_catalog.=) view_owner) THEN
			rels := rels OPERATOR(pg_catalog.||) rel;
		ELSIF pg_catalog.to_regclass(rel) IS NOT NULL THEN
			RAISE WARNING 'safety.drop_view: % is not a materialized view of the owner of %; it stays', rel, qname
				USING HINT = 'It took the name of a companion dropped without safety.drop_view: drop it yourself if it should go.';
		END IF;
	END LOOP;
	-- the view and its companions (DROP checks that the caller owns each)
	IF rels OPERATOR(pg_catalog.<>) '{}' THEN
		EXECUTE pg_catalog.format('DROP MATERIALIZED VIEW IF EXISTS %s', pg_catalog.array_to_string(rels, ', '));
	END IF;
END $$;

COMMENT ON FUNCTION @extschema@.drop_view(pg_catalog.text, pg_catalog.name) IS
	'Drop a view made by safety.create_hotspot_view, safety.create_near_repeat_view or safety.create_tier_view, its companion views and its safety.views entry (its refresh history stays)';

CREATE OR REPLACE PROCEDURE @extschema@.refresh(name pg_catalog.text, schema pg_catalog.name DEFAULT NULL)
	LANGUAGE plpgsql AS $$
DECLARE
	v @extschema@.views := @extschema@.view_entry(refresh.name, refresh.schema);
	qname pg_catalog.text := pg_catalog.format('%I.%I', v.schema, v.name);
	rels pg_catalog.text[] := @extschema@.view_relations(v);
	names pg_catalog.name[] := ARRAY[v.name] OPERATOR(pg_catalog.||) v.companions;
	log_ids pg_catalog.int8[] := '{}';
	counts pg_catalog.int8[] := '{}';
	t0 pg_catalog.timestamptz;
	t1 pg_catalog.timestamptz;
	n pg_catalog.int8;
	k pg_catalog.int4;
	msg pg_catalog.text;
	state pg_catalog.text;
BEGIN
	IF NOT @extschema@.owns_view(v.schema, v.name) AND pg_catalog.to_regclass(qname) IS NOT NULL THEN
		RAISE EXCEPTION 'safety.refresh: must be owner of materialized view %', qname USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- a relation dropped behind safety's back: a role bound by refresh_log's
	-- policy may not log its refresh (a superuser logs the failure below)
	FOR k IN 1 .. pg_catalog.array_length(rels, 1) LOOP
		IF pg_catalog.to_regclass(rels[k]) IS NULL AND pg_catalog.row_security_active('@extschema@.refresh_log') THEN
			RAISE EXCEPTION 'safety.refresh: materialized view % does not exist', rels[k] OPERATOR(pg_catalog.||)
				CASE WHEN k OPERATOR(pg_catalog.>) 1 THEN ' (a companion of ' OPERATOR(pg_catalog.||) qname OPERATOR(pg_catalog.||) ')' ELSE '' END
				USING ERRCODE = 'undefined_table', HINT = 'It was dropped without safety.drop_view, which removes the entry.';
		END IF;
	END LOOP;
	-- one refresh of a view at a time: a second one waits here
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('safety.refresh'), pg_catalog.hashtext(qname));
	t0 := pg_catalog.clock_timestamp();
	-- a log row per relation: the view, then its companions
	FOR k IN 1 .. pg_catalog.array_length(names, 1) LOOP
		INSERT INTO @extschema@.refresh_log (schema, view, started, status)
		VALUES (v.schema, names[k], t0, 'running') RETURNING id INTO n;
		log_ids := log_ids OPERATOR(pg_catalog.||) n;
	END LOOP;
	BEGIN
		-- a subtransaction: the relations are refreshed together (with one
		-- now()); when one fails the old contents of all stay and the log
		-- rows above survive
		FOR k IN 1 .. pg_catalog.array_length(rels, 1) LOOP
			IF (SELECT c.relispopulated FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(rels[k])) THEN
				EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', rels[k]);
			ELSE
				EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s', rels[k]);
			END IF;
			EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', rels[k]) INTO n;
			counts := counts OPERATOR(pg_catalog.||) n;
		END LOOP;
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, rows = u.n, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'ok'
		FROM ROWS FROM (pg_catalog.unnest(log_ids), pg_catalog.unnest(counts)) AS u(id, n)
		WHERE l.id OPERATOR(pg_catalog.=) u.id;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
		t1 := pg_catalog.clock_timestamp();
		UPDATE @extschema@.refresh_log l SET finished = t1, duration = t1 OPERATOR(pg_catalog.-) t0, status = 'failed',
			error = state OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) msg
		WHERE l.id OPERATOR(pg_catalog.=) ANY (log_ids);
		RAISE WARNING 'safety.refresh: refresh of % failed: %', qname, msg
			USING HINT = 'The previous contents stay readable; safety.refresh_log has the error.';
	END;
END $$;

COMMENT ON PROCEDURE @extschema@.refresh(pg_catalog.text, pg_catalog.name) IS
	'Refresh a safety view and its companions together (concurrently once populated, one refresh per view at a time), logged in safety.refresh_log (a row per relation); a failure is logged and leaves the old contents';

CREATE OR REPLACE PROCEDURE @extschema@.refresh_all()
	LANGUAGE plpgsql AS $$
DECLARE
	v record;
	msg pg_catalog.text;
	state pg_catalog.text;
BEGIN
	-- every view the caller owns, each in its own transaction; one that
	-- fails outside its refresh's own logging (dropped since the list was
	-- read, say) is skipped with a warning, and the others still refresh
	FOR v IN SELECT e.schema, e.name FROM @extschema@.views e
	         WHERE @extschema@.owns_view(e.schema, e.name) ORDER BY e.schema, e.name LOOP
		BEGIN
			CALL @extschema@.refresh(v.name, v.schema);
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
			RAISE WARNING 'safety.refresh_all: skipped %: % (SQLSTATE %)', pg_catalog.format('%I.%I', v.schema, v.name), msg, state
				USING HINT = 'The view changed or went away while refresh_all ran; the other views are refreshed.';
		END;
		COMMIT;
	END LOOP;
END $$;

COMMENT ON PROCEDURE @extschema@.refresh_all() IS
	'Refresh every safety view the caller owns, each in its own transaction (CALL it outside a transaction block, e.g. from pg_cron); a view that cannot be refreshed (dropped meanwhile) is skipped with a warning';

CREATE OR REPLACE FUNCTION @extschema@.hotspot_tile(view pg_catalog.regclass, z pg_catalog.int4, x pg_catalog.int4, y pg_catalog.int4,
	layer pg_catalog.text DEFAULT 'hotspots')
	RETURNS pg_catalog.bytea LANGUAGE plpgsql STABLE PARALLEL SAFE
	-- PostGIS's ST_Transform looks up spatial_ref_sys with an unqualified
	-- "=": it must not see the caller's search_path
	SET search_path = pg_catalog, pg_temp
	AS $$
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
	-- the envelope's margin is the 64-unit buffer of the 4096 extent, as a
	-- constant (64.0 / 4096 would look up / on the caller's search_path)
	EXECUTE pg_catalog.format(
$sql$SELECT %1$I.ST_AsMVT(t.*, %2$L, 4096, 'geom')
FROM (
	SELECT %3$s%1$I.ST_AsMVTGeom(v.g, %1$I.ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM (SELECT v.*, %1$I.ST_Transform(v.geom, 3857) AS g FROM %4$s v) v
	WHERE v.g OPERATOR(%1$I.&&) %1$I.ST_TileEnvelope($1, $2, $3, margin => 0.015625::pg_catalog.float8)
) t
WHERE t.geom IS NOT NULL$sql$,
		pgis, layer, coalesce(cols OPERATOR(pg_catalog.||) ', ', ''), view)
	INTO tile USING z, x, y;
	RETURN coalesce(tile, ''::pg_catalog.bytea);
END $$;

COMMENT ON FUNCTION @extschema@.hotspot_tile(pg_catalog.regclass, pg_catalog.int4, pg_catalog.int4, pg_catalog.int4, pg_catalog.text) IS
	'Mapbox Vector Tile z/x/y (Web Mercator) of a hotspot view: one feature per cell, every column but geom as a property';


-- --- the catalog: a row names only its inserter's materialized views -----------

ALTER POLICY views_insert ON @extschema@.views
	WITH CHECK (@extschema@.owns_views(schema, ARRAY[name] OPERATOR(pg_catalog.||) companions));
ALTER POLICY views_delete ON @extschema@.views
	USING (@extschema@.owns_view(schema, name) OR pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, name)) IS NULL);
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
			as_of => (p OPERATOR(pg_catalog.->>) 'as_of')::pg_catalog.timestamptz,
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
