-- Emerging hot spots: the space-time cube of an event collection, Gi* over
-- its bins, and the trend categories of ArcGIS Pro's Emerging Hot Spot
-- Analysis (src/pg/emerging.c, src/core/sc_emerging.c; rules in
-- docs/methods-hotspots.md).

CREATE FUNCTION @extschema@.space_time_cube(e @extschema@.events, cell_size pg_catalog.float8,
	step pg_catalog.interval, distance pg_catalog.float8,
	start pg_catalog.timestamptz DEFAULT NULL, stop pg_catalog.timestamptz DEFAULT NULL,
	shape pg_catalog.text DEFAULT 'square', study_area geometry DEFAULT NULL,
	analysis_set pg_catalog.text DEFAULT 'near_events',
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT step_no pg_catalog.int4, OUT step_start pg_catalog.timestamptz,
	OUT step_end pg_catalog.timestamptz, OUT count pg_catalog.int8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_space_time_cube'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION @extschema@.space_time_cube(@extschema@.events, pg_catalog.float8, pg_catalog.interval, pg_catalog.float8, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.text, geometry, pg_catalog.text) IS
	'Counts of events per (cell, time step), zeros included, over the analysis set of safety.gi_star (cells near events by default); steps end at stop (default: the midnight after the last event) and reach back to start';

CREATE FUNCTION @extschema@.space_time_gi_star(e @extschema@.events, cell_size pg_catalog.float8,
	step pg_catalog.interval, distance pg_catalog.float8, time_steps pg_catalog.int4 DEFAULT 1,
	start pg_catalog.timestamptz DEFAULT NULL, stop pg_catalog.timestamptz DEFAULT NULL,
	shape pg_catalog.text DEFAULT 'square', study_area geometry DEFAULT NULL,
	analysis_set pg_catalog.text DEFAULT 'near_events', fdr pg_catalog.bool DEFAULT false,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT step_no pg_catalog.int4, OUT step_start pg_catalog.timestamptz,
	OUT step_end pg_catalog.timestamptz, OUT count pg_catalog.int8,
	OUT neighbors pg_catalog.int4, OUT z pg_catalog.float8, OUT p pg_catalog.float8,
	OUT class pg_catalog.int2)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_space_time_gi_star'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION @extschema@.space_time_gi_star(@extschema@.events, pg_catalog.float8, pg_catalog.interval, pg_catalog.float8, pg_catalog.int4, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.text, geometry, pg_catalog.text, pg_catalog.bool) IS
	'Gi* of every bin of the space-time cube: neighbours are the bins of the cells within distance in the same step and the time_steps steps before it (ArcGIS Emerging Hot Spot Analysis''s neighbourhood)';

CREATE FUNCTION @extschema@.emerging_hotspots(e @extschema@.events, cell_size pg_catalog.float8,
	step pg_catalog.interval, distance pg_catalog.float8, time_steps pg_catalog.int4 DEFAULT 1,
	start pg_catalog.timestamptz DEFAULT NULL, stop pg_catalog.timestamptz DEFAULT NULL,
	shape pg_catalog.text DEFAULT 'square', study_area geometry DEFAULT NULL,
	analysis_set pg_catalog.text DEFAULT 'near_events', fdr pg_catalog.bool DEFAULT true,
	trend_alpha pg_catalog.float8 DEFAULT 0.10,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4, OUT geom geometry,
	OUT category pg_catalog.text, OUT trend_z pg_catalog.float8, OUT trend_p pg_catalog.float8,
	OUT hot_steps pg_catalog.int4, OUT cold_steps pg_catalog.int4, OUT steps pg_catalog.int4,
	OUT final_z pg_catalog.float8, OUT final_p pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_emerging_hotspots'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.emerging_hotspots(@extschema@.events, pg_catalog.float8, pg_catalog.interval, pg_catalog.float8, pg_catalog.int4, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.text, geometry, pg_catalog.text, pg_catalog.bool, pg_catalog.float8) IS
	'Emerging hot spots: per cell, the Mann-Kendall trend of its space-time Gi* z-scores and its category (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical hot or cold spot, or no pattern) by ArcGIS Pro''s rules; at least 10 steps';
