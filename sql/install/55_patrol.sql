-- Patrol planning: where to put k patrols or posts so they reach the most
-- forecast risk within a distance (maximal covering, Church & ReVelle
-- 1974), and what given posts reach (src/pg/patrol.c, src/core/sc_patrol.c;
-- method in docs/methods-patrol.md).

CREATE FUNCTION @extschema@.patrol_cover(demand geometry[], value pg_catalog.float8[],
	k pg_catalog.int4, distance pg_catalog.float8, sites geometry[] DEFAULT NULL,
	improve pg_catalog.bool DEFAULT true,
	OUT rank pg_catalog.int4, OUT site pg_catalog.int4, OUT geom geometry,
	OUT gain pg_catalog.float8, OUT covered pg_catalog.float8, OUT share pg_catalog.float8,
	OUT bound pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_patrol_cover'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.patrol_cover(geometry[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.float8, geometry[], pg_catalog.bool) IS
	'k sites (from sites, or the demand points themselves) that reach the most value within distance: greedy, then vertex substitution; per site in order its gain, the cumulative value covered and share of all, and an upper bound on what any k sites can cover';

CREATE FUNCTION @extschema@.patrol_cover_curve(demand geometry[], value pg_catalog.float8[],
	k_max pg_catalog.int4, distance pg_catalog.float8, sites geometry[] DEFAULT NULL,
	improve pg_catalog.bool DEFAULT true,
	OUT k pg_catalog.int4, OUT covered pg_catalog.float8, OUT share pg_catalog.float8,
	OUT greedy pg_catalog.float8, OUT bound pg_catalog.float8, OUT gap pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_patrol_cover_curve'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.patrol_cover_curve(geometry[], pg_catalog.float8[], pg_catalog.int4, pg_catalog.float8, geometry[], pg_catalog.bool) IS
	'The value covered by the best k sites found for k = 1..k_max (each solved alone), its share, the greedy cover before improvement, the upper bound and the gap (bound - covered) / bound';

CREATE FUNCTION @extschema@.response_coverage(demand geometry[], value pg_catalog.float8[],
	posts geometry[], distance pg_catalog.float8,
	OUT demand pg_catalog.int4, OUT value pg_catalog.float8, OUT post pg_catalog.int4,
	OUT distance pg_catalog.float8, OUT covered pg_catalog.bool)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_response_coverage'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.response_coverage(geometry[], pg_catalog.float8[], geometry[], pg_catalog.float8) IS
	'For each demand point (by its position in demand) the nearest post within distance (position in posts; NULL when none reaches it) and the distance to it';

CREATE FUNCTION @extschema@.shift_plan(cell_id pg_catalog.int8[], centre geometry[],
	expected pg_catalog.float8[], shift_start pg_catalog.timestamptz,
	shift_length pg_catalog.interval DEFAULT '8 hours', hotspots pg_catalog.int4 DEFAULT 10,
	dwell pg_catalog.interval DEFAULT '15 minutes', speed pg_catalog.float8 DEFAULT 500,
	hour_profile pg_catalog.float8[] DEFAULT NULL,
	time_zone pg_catalog.text DEFAULT pg_catalog.current_setting('TimeZone'),
	OUT visit pg_catalog.int4, OUT cell_id pg_catalog.int8, OUT geom geometry,
	OUT arrive pg_catalog.timestamptz, OUT depart pg_catalog.timestamptz,
	OUT travel_minutes pg_catalog.float8, OUT nth pg_catalog.int4, OUT visits pg_catalog.int4,
	OUT revisit pg_catalog.interval, OUT expected pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_shift_plan'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 30;
COMMENT ON FUNCTION @extschema@.shift_plan(pg_catalog.int8[], geometry[], pg_catalog.float8[], pg_catalog.timestamptz, pg_catalog.interval, pg_catalog.int4, pg_catalog.interval, pg_catalog.float8, pg_catalog.float8[], pg_catalog.text) IS
	'The ordered hot-spot visits of one shift (Koper curve: short visits, 15 minutes by default): the hotspots cells of highest expected, visits shared in proportion to expected, spread over the shift by the hour_profile of the local hours (uniform when NULL), travel at speed units per minute; arrive, depart, each spot''s revisit interval';
