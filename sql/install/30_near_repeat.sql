-- Repeat and near-repeat victimisation: the Knox near-repeat table with
-- Monte Carlo inference, the zone it finds significant, the risk windows
-- open at a given time, and same-location repeats.
-- See docs/reference-near-repeat.md and docs/methods-near-repeat.md.

CREATE FUNCTION @extschema@.near_repeat(e @extschema@.events,
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
	'Knox near-repeat table: pairs of events per distance band (SRID units; same location, then up to each edge, then open) and time band (days), with the mean and median count when times are permuted over the locations, Knox ratios and Monte Carlo p-values; a NOTICE counts, when they are at least 1% of the events, the copies of one incident (the same id, or the same place within same_location and identical time), which safety.collapse_duplicates merges';

CREATE FUNCTION @extschema@.near_repeat_zone(e @extschema@.events,
	distance_bands pg_catalog.float8[], time_bands pg_catalog.float8[],
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	metric pg_catalog.text DEFAULT 'manhattan', same_location pg_catalog.float8 DEFAULT 0,
	alpha pg_catalog.float8 DEFAULT 0.05, min_ratio pg_catalog.float8 DEFAULT 1.2,
	OUT distance pg_catalog.float8, OUT days pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_near_repeat_zone'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.near_repeat_zone(@extschema@.events, pg_catalog.float8[], pg_catalog.float8[],
	pg_catalog.int4, pg_catalog.int8, pg_catalog.text, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Distance and days of the contiguous significant near-repeat zone next to the origin of safety.near_repeat''s table: NULL when no zone is significant; distance = same_location (0 by default: the same location only) when only the same-location row is; otherwise the upper edge of the last significant distance band';

CREATE FUNCTION @extschema@.repeat_windows(e @extschema@.events, as_of pg_catalog.timestamptz,
	distance pg_catalog.float8, days pg_catalog.float8, metric pg_catalog.text DEFAULT 'manhattan',
	OUT id pg_catalog.int8, OUT occurred_at pg_catalog.timestamptz,
	OUT window_end pg_catalog.timestamptz, OUT days_left pg_catalog.float8, OUT zone geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeat_windows'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.repeat_windows(@extschema@.events, pg_catalog.timestamptz,
	pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Risk windows open at as_of: events with occurred_at <= as_of < occurred_at + days, with the zone within distance of each (a diamond for manhattan, a 64-gon for euclidean; the event''s point for distance 0, the same location only)';

CREATE FUNCTION @extschema@.repeat_windows(e @extschema@.events, as_of pg_catalog.timestamptz,
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
	'Risk windows open at as_of, with the distance and days of safety.near_repeat_zone for these near-repeat parameters (no rows when no zone is significant; the event''s point as zone when the zone is the same location only, distance 0)';

CREATE FUNCTION @extschema@.repeats(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	within pg_catalog.interval DEFAULT '1 year',
	OUT location_id pg_catalog.int8, OUT geom geometry, OUT events pg_catalog.int8,
	OUT first_at pg_catalog.timestamptz, OUT last_at pg_catalog.timestamptz,
	OUT repeats_within pg_catalog.int8, OUT shortest_gap pg_catalog.interval,
	OUT median_gap pg_catalog.interval)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeats'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.repeats(@extschema@.events, pg_catalog.float8, pg_catalog.interval) IS
	'One row per location hit at least twice (events within tolerance, chained, share a location): its first event''s point, events, first and last time, repeats within the window, shortest and median time between consecutive events; a NOTICE counts, when they are at least 1% of the events, the copies of one incident (the same id, or the same place within tolerance and identical time), which safety.collapse_duplicates merges';

CREATE FUNCTION @extschema@.repeat_summary(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	within pg_catalog.interval DEFAULT '1 year',
	OUT events pg_catalog.int8, OUT locations pg_catalog.int8, OUT repeat_locations pg_catalog.int8,
	OUT share_locations_repeated pg_catalog.float8, OUT repeat_events pg_catalog.int8,
	OUT share_events_repeat pg_catalog.float8, OUT repeats_within pg_catalog.int8,
	OUT share_repeats_within pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_repeat_summary'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.repeat_summary(@extschema@.events, pg_catalog.float8, pg_catalog.interval) IS
	'Repeat victimisation in one row: locations, share of locations hit more than once, share of events that repeat an earlier event at their location, and repeats within the window';

CREATE FUNCTION @extschema@.repeat_gaps(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0,
	OUT days_from pg_catalog.int4, OUT days_to pg_catalog.int4, OUT repeats pg_catalog.int8,
	OUT share pg_catalog.float8, OUT cumulative_share pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_repeat_gaps'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.repeat_gaps(@extschema@.events, pg_catalog.float8) IS
	'Time-to-repeat distribution: repeats per bin of whole days since the previous event at the location (0-7, 8-14, 15-21, ...), with shares';

CREATE FUNCTION @extschema@.collapse_duplicates(e @extschema@.events, tolerance pg_catalog.float8 DEFAULT 0)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_collapse_duplicates'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.collapse_duplicates(@extschema@.events, pg_catalog.float8) IS
	'One event per incident: events with the same id, and events with identical times (occurred time and window end) whose points are linked within tolerance (0: identical coordinates), chained, become their earliest event (ties: the smallest id, then the first in canonical order), with the largest weight of the group';
