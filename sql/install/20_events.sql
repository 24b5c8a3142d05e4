-- Event collections: the input of near-repeat, density and tiering analyses.

CREATE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_id_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_id_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_window_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_agg_window_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_combine(@extschema@.events, @extschema@.events)
	RETURNS @extschema@.events AS 'MODULE_PATHNAME', 'safety_events_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz) IS 'Transition function of safety.events_agg(geom, occurred_at)';
COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8) IS 'Transition function of safety.events_agg(geom, occurred_at, id)';
COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS 'Transition function of safety.events_agg(geom, occurred_at, id, weight)';
COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8) IS 'Transition function of safety.events_agg(geom, occurred_from, occurred_to, id)';
COMMENT ON FUNCTION @extschema@.events_agg_transfn(@extschema@.events, geometry, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.int8, pg_catalog.float8) IS 'Transition function of safety.events_agg(geom, occurred_from, occurred_to, id, weight)';
COMMENT ON FUNCTION @extschema@.events_combine(@extschema@.events, @extschema@.events) IS 'Union of two event collections: combine function of safety.events_agg';

CREATE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz, id pg_catalog.int8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.events_agg(geom geometry, occurred_at pg_catalog.timestamptz, id pg_catalog.int8, weight pg_catalog.float8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.events_agg(geom geometry, occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz, id pg_catalog.int8) (
	SFUNC = @extschema@.events_agg_transfn, STYPE = @extschema@.events,
	COMBINEFUNC = @extschema@.events_combine, PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.events_agg(geom geometry, occurred_from pg_catalog.timestamptz, occurred_to pg_catalog.timestamptz, id pg_catalog.int8, weight pg_catalog.float8) (
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

CREATE FUNCTION @extschema@.event_rows(e @extschema@.events,
	OUT id pg_catalog.int8, OUT x pg_catalog.float8, OUT y pg_catalog.float8,
	OUT occurred_from pg_catalog.timestamptz, OUT occurred_to pg_catalog.timestamptz,
	OUT weight pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_event_rows'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.event_rows(@extschema@.events) IS
	'The events of a collection as rows, in canonical order (time, window end, x, y, id, weight)';

CREATE FUNCTION @extschema@.srid(e @extschema@.events) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_events_srid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.num_events(e @extschema@.events) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'safety_events_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.srid(@extschema@.events) IS 'SRID of the events';
COMMENT ON FUNCTION @extschema@.num_events(@extschema@.events) IS 'Number of events in the collection';
