-- Value types: safety.grid (sparse cell values) and safety.events (a
-- collection of events).  Both have text and binary I/O, so partial
-- aggregate states can travel between parallel workers and servers.
--
-- The PostGIS type "geometry" is resolved once, at CREATE EXTENSION time,
-- through the required extension's schema (PostgreSQL 15 has no
-- @extschema:postgis@); every other name is qualified.

CREATE TYPE @extschema@.grid;

CREATE FUNCTION @extschema@.grid_in(pg_catalog.cstring) RETURNS @extschema@.grid
	AS 'MODULE_PATHNAME', 'safety_grid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.grid_out(@extschema@.grid) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'safety_grid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.grid_recv(pg_catalog.internal) RETURNS @extschema@.grid
	AS 'MODULE_PATHNAME', 'safety_grid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.grid_send(@extschema@.grid) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'safety_grid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.grid (
	INPUT = @extschema@.grid_in,
	OUTPUT = @extschema@.grid_out,
	RECEIVE = @extschema@.grid_recv,
	SEND = @extschema@.grid_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE @extschema@.grid IS
	'Sparse grid of float8 values over square (ST_SquareGrid) or hexagonal (ST_HexagonGrid) cells of one size in one SRID';
COMMENT ON FUNCTION @extschema@.grid_in(pg_catalog.cstring) IS 'Text input of safety.grid: SRID=<srid>;SQUARE(<size>){(i,j,value),...}';
COMMENT ON FUNCTION @extschema@.grid_out(@extschema@.grid) IS 'Text output of safety.grid';
COMMENT ON FUNCTION @extschema@.grid_recv(pg_catalog.internal) IS 'Binary input of safety.grid';
COMMENT ON FUNCTION @extschema@.grid_send(@extschema@.grid) IS 'Binary output of safety.grid';

CREATE TYPE @extschema@.events;

CREATE FUNCTION @extschema@.events_in(pg_catalog.cstring) RETURNS @extschema@.events
	AS 'MODULE_PATHNAME', 'safety_events_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_out(@extschema@.events) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'safety_events_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_recv(pg_catalog.internal) RETURNS @extschema@.events
	AS 'MODULE_PATHNAME', 'safety_events_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.events_send(@extschema@.events) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'safety_events_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.events (
	INPUT = @extschema@.events_in,
	OUTPUT = @extschema@.events_out,
	RECEIVE = @extschema@.events_recv,
	SEND = @extschema@.events_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);

COMMENT ON TYPE @extschema@.events IS
	'Collection of events in one SRID: x, y, time or time window, weight, optional id';
COMMENT ON FUNCTION @extschema@.events_in(pg_catalog.cstring) IS 'Text input of safety.events: SRID=<srid>;{(x,y,from,to,weight,id),...}';
COMMENT ON FUNCTION @extschema@.events_out(@extschema@.events) IS 'Text output of safety.events';
COMMENT ON FUNCTION @extschema@.events_recv(pg_catalog.internal) IS 'Binary input of safety.events';
COMMENT ON FUNCTION @extschema@.events_send(@extschema@.events) IS 'Binary output of safety.events';
