-- Grid aggregates and grid functions.  The aggregate state is a real
-- safety.grid, so partial states combine across workers and servers.

CREATE FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_hex_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_hex_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.grid_combine(@extschema@.grid, @extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8) IS 'Transition function of safety.grid_agg(geom, cell_size)';
COMMENT ON FUNCTION @extschema@.grid_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.grid_agg(geom, cell_size, weight)';
COMMENT ON FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8) IS 'Transition function of safety.hex_agg(geom, cell_size)';
COMMENT ON FUNCTION @extschema@.hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.hex_agg(geom, cell_size, weight)';
CREATE FUNCTION @extschema@.grid_agg_final(@extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_grid_agg_final'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.grid_agg_final(@extschema@.grid) IS 'Final function of safety.grid_agg and safety.hex_agg: the grid unchanged, after the unit checks (SRID-0 longitude/latitude is an error; more than 1,000,000 cells over the data''s extent a NOTICE)';
COMMENT ON FUNCTION @extschema@.grid_combine(@extschema@.grid, @extschema@.grid) IS 'Cell-wise sum of two grids: combine function of the grid aggregates and transition of safety.grid_merge';

CREATE AGGREGATE @extschema@.grid_agg(geom geometry, cell_size pg_catalog.float8) (
	SFUNC = @extschema@.grid_agg_transfn,
	STYPE = @extschema@.grid,
	FINALFUNC = @extschema@.grid_agg_final,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.grid_agg(geom geometry, cell_size pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.grid_agg_transfn,
	STYPE = @extschema@.grid,
	FINALFUNC = @extschema@.grid_agg_final,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.hex_agg(geom geometry, cell_size pg_catalog.float8) (
	SFUNC = @extschema@.hex_agg_transfn,
	STYPE = @extschema@.grid,
	FINALFUNC = @extschema@.grid_agg_final,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.hex_agg(geom geometry, cell_size pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.hex_agg_transfn,
	STYPE = @extschema@.grid,
	FINALFUNC = @extschema@.grid_agg_final,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.grid_merge(@extschema@.grid) (
	SFUNC = @extschema@.grid_combine,
	STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.grid_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.grid_agg(geometry, pg_catalog.float8) IS
	'Count of points per square cell of side cell_size (cells as ST_SquareGrid); SRID-0 points that look like longitude/latitude are refused, more than 1,000,000 cells over the data get a NOTICE';
COMMENT ON AGGREGATE @extschema@.grid_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Sum of weight per square cell of side cell_size (cells as ST_SquareGrid); SRID-0 points that look like longitude/latitude are refused, more than 1,000,000 cells over the data get a NOTICE';
COMMENT ON AGGREGATE @extschema@.hex_agg(geometry, pg_catalog.float8) IS
	'Count of points per hexagonal cell of edge cell_size (cells as ST_HexagonGrid); SRID-0 points that look like longitude/latitude are refused, more than 1,000,000 cells over the data get a NOTICE';
COMMENT ON AGGREGATE @extschema@.hex_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Sum of weight per hexagonal cell of edge cell_size (cells as ST_HexagonGrid); SRID-0 points that look like longitude/latitude are refused, more than 1,000,000 cells over the data get a NOTICE';
COMMENT ON AGGREGATE @extschema@.grid_merge(@extschema@.grid) IS
	'Cell-wise sum of grids of the same shape, cell size and SRID (rollups of stored partial grids)';

CREATE FUNCTION @extschema@.cells(g @extschema@.grid,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT geom geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_cells'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.cells(@extschema@.grid) IS
	'One row per non-empty cell: stable cell_id, indices i and j, value, and the cell polygon in the grid''s SRID';

CREATE FUNCTION @extschema@.cell_geom(g @extschema@.grid, cell_id pg_catalog.int8) RETURNS geometry
	AS 'MODULE_PATHNAME', 'safety_cell_geom' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cell_geom(@extschema@.grid, pg_catalog.int8) IS
	'Polygon of the cell cell_id in the geometry (shape, size, SRID) of grid g';

CREATE FUNCTION @extschema@.srid(g @extschema@.grid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_grid_srid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cell_size(g @extschema@.grid) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_grid_cell_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.shape(g @extschema@.grid) RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'safety_grid_shape' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.num_cells(g @extschema@.grid) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'safety_grid_num_cells' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.total(g @extschema@.grid) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_grid_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.srid(@extschema@.grid) IS 'SRID of the grid';
COMMENT ON FUNCTION @extschema@.cell_size(@extschema@.grid) IS 'Cell size of the grid (square side or hexagon edge), in SRID units';
COMMENT ON FUNCTION @extschema@.shape(@extschema@.grid) IS 'Cell shape of the grid: square or hexagon';
COMMENT ON FUNCTION @extschema@.num_cells(@extschema@.grid) IS 'Number of non-empty cells';
COMMENT ON FUNCTION @extschema@.total(@extschema@.grid) IS 'Sum of all cell values';
