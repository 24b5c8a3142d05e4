-- Hot spots: kernel density, Getis-Ord Gi*, nearest-neighbour index and
-- optimized hot spots.  kde_agg keeps a real safety.grid of partial
-- densities as its state: partial density grids add up, so parallel workers
-- and servers combine them cell by cell.

CREATE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_agg_k_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_combine(@extschema@.grid, @extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_final(@extschema@.grid)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth)';
COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, weight)';
COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, weight, kernel)';
COMMENT ON FUNCTION @extschema@.kde_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_agg(geom, cell_size, bandwidth, kernel)';
COMMENT ON FUNCTION @extschema@.kde_combine(@extschema@.grid, @extschema@.grid) IS 'Combine function of safety.kde_agg: cell-wise sum of partial density grids';
COMMENT ON FUNCTION @extschema@.kde_final(@extschema@.grid) IS 'Final function of safety.kde_agg: completes the pending events, runs the unit checks once and returns the density grid';

CREATE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);

COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Kernel density (quartic kernel) at the centre of every square cell of side cell_size within bandwidth of an event, per square SRID unit; SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Weighted kernel density (quartic kernel) at square cell centres, per square SRID unit; SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Weighted kernel density at square cell centres with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths); SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Kernel density at square cell centres with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths); SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';

-- kde_hex_agg: the same densities at the centres of hexagons of edge
-- cell_size (the cells of hex_agg and ST_HexagonGrid); same combine and final.
CREATE FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_hex_agg_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_hex_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_hex_agg_w_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text)
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_hex_agg_k_transfn'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_hex_agg(geom, cell_size, bandwidth)';
COMMENT ON FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS 'Transition function of safety.kde_hex_agg(geom, cell_size, bandwidth, weight)';
COMMENT ON FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_hex_agg(geom, cell_size, bandwidth, weight, kernel)';
COMMENT ON FUNCTION @extschema@.kde_hex_agg_transfn(@extschema@.grid, geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS 'Transition function of safety.kde_hex_agg(geom, cell_size, bandwidth, kernel)';
CREATE AGGREGATE @extschema@.kde_hex_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8) (
	SFUNC = @extschema@.kde_hex_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_hex_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8) (
	SFUNC = @extschema@.kde_hex_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_hex_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, weight pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_hex_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.kde_hex_agg(geom geometry, cell_size pg_catalog.float8, bandwidth pg_catalog.float8, kernel pg_catalog.text) (
	SFUNC = @extschema@.kde_hex_agg_transfn, STYPE = @extschema@.grid,
	COMBINEFUNC = @extschema@.kde_combine, FINALFUNC = @extschema@.kde_final,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.kde_hex_agg(geometry, pg_catalog.float8, pg_catalog.float8) IS
	'Kernel density (quartic kernel) at the centre of every hexagonal cell of edge cell_size (cells as hex_agg and ST_HexagonGrid) within bandwidth of an event, per square SRID unit; SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_hex_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8) IS
	'Weighted kernel density (quartic kernel) at hexagonal cell centres (cells as hex_agg), per square SRID unit; SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_hex_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Weighted kernel density at hexagonal cell centres (cells as hex_agg) with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths); SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';
COMMENT ON AGGREGATE @extschema@.kde_hex_agg(geometry, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Kernel density at hexagonal cell centres (cells as hex_agg) with a named kernel (quartic, epanechnikov, triangular, uniform, gaussian truncated at 3 bandwidths); SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';

CREATE FUNCTION @extschema@.kde_bandwidth(e @extschema@.events) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'safety_kde_bandwidth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kde_bandwidth(@extschema@.events) IS
	'ArcGIS Pro default kernel density search radius of the events: 0.9 min(SD, sqrt(1/ln 2) Dm) n^-0.2 (weighted when the events carry weights)';

CREATE FUNCTION @extschema@.kde(e @extschema@.events, cell_size pg_catalog.float8,
	bandwidth pg_catalog.float8 DEFAULT NULL, kernel pg_catalog.text DEFAULT 'quartic')
	RETURNS @extschema@.grid AS 'MODULE_PATHNAME', 'safety_kde_events'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.kde(@extschema@.events, pg_catalog.float8, pg_catalog.float8, pg_catalog.text) IS
	'Kernel density of an event collection (weights used) on square cells; bandwidth NULL means safety.kde_bandwidth(e); SRID-0 longitude/latitude refused, a bandwidth below cell_size or more than 1,000,000 cells a NOTICE';

CREATE FUNCTION @extschema@.per_km2(density pg_catalog.float8) RETURNS pg_catalog.float8
	AS $$ SELECT density OPERATOR(pg_catalog.*) 1e6::pg_catalog.float8 $$
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.per_km2(pg_catalog.float8) IS
	'A density per square metre (kde_agg on a metre SRID) as a density per square kilometre';

CREATE FUNCTION @extschema@.gi_star(g @extschema@.grid, distance pg_catalog.float8,
	study_area geometry DEFAULT NULL, fdr pg_catalog.bool DEFAULT false,
	analysis_set pg_catalog.text DEFAULT 'near_events',
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT neighbors pg_catalog.int4,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2,
	OUT geom geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_gi_star'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.gi_star(@extschema@.grid, pg_catalog.float8, geometry, pg_catalog.bool, pg_catalog.text) IS
	'Getis-Ord Gi* hot and cold spots over the cells of a grid (zeros included) with a fixed distance band: z, p and class -3..3 (optionally FDR-corrected) per cell. Analysis set: the cells of a study_area if given, else by default (analysis_set near_events) the cells within the band of a cell with events, or with rectangle every cell of the grid''s bounding rectangle';

CREATE FUNCTION @extschema@.nni(e @extschema@.events, area pg_catalog.float8 DEFAULT NULL,
	OUT n pg_catalog.int8, OUT area pg_catalog.float8, OUT observed pg_catalog.float8,
	OUT expected pg_catalog.float8, OUT ratio pg_catalog.float8, OUT se pg_catalog.float8,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8)
	RETURNS record AS 'MODULE_PATHNAME', 'safety_nni'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.nni(@extschema@.events, pg_catalog.float8) IS
	'Average nearest neighbour index (Clark-Evans) of the events; the area defaults to their convex hull';

CREATE FUNCTION @extschema@.optimized_hotspots(e @extschema@.events, study_area geometry DEFAULT NULL,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT neighbors pg_catalog.int4,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT class pg_catalog.int2,
	OUT geom geometry, OUT cell_size pg_catalog.float8, OUT distance_band pg_catalog.float8)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_optimized_hotspots'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.optimized_hotspots(@extschema@.events, geometry) IS
	'ArcGIS-style Optimized Hot Spot Analysis: cell size and distance band chosen from the data, then Gi* with FDR per fishnet cell';
