-- Areas as analysis units (districts, beats, neighbourhoods): Getis-Ord Gi*
-- and local Moran's I over contiguity (queen, rook), centroid distance-band
-- or k-nearest-centroid weights, and local Moran's I over grid cells.  The
-- areas come as three parallel arrays (id, boundary, value), so any table
-- or query can supply them, e.g. array_agg(x ORDER BY area_id).

CREATE FUNCTION @extschema@.gi_star_areas(area_id pg_catalog.int8[], geom geometry[],
	value pg_catalog.float8[], weights pg_catalog.text DEFAULT 'queen',
	distance pg_catalog.float8 DEFAULT NULL, fdr pg_catalog.bool DEFAULT false,
	k pg_catalog.int4 DEFAULT 8)
	RETURNS TABLE (area_id pg_catalog.int8, value pg_catalog.float8, neighbors pg_catalog.int4,
		z pg_catalog.float8, p pg_catalog.float8, class pg_catalog.int2)
	AS 'MODULE_PATHNAME', 'safety_gi_star_areas'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.gi_star_areas(pg_catalog.int8[], geometry[], pg_catalog.float8[], pg_catalog.text, pg_catalog.float8, pg_catalog.bool, pg_catalog.int4) IS
	'Getis-Ord Gi* hot and cold spots over areas (binary weights, the area itself included) with weights queen or rook contiguity (as spdep poly2nb), distance (centroids within distance) or knn (k nearest centroids): z, p and class -3..3 (optionally FDR-corrected) per area, as spdep localG';

CREATE FUNCTION @extschema@.local_moran_areas(area_id pg_catalog.int8[], geom geometry[],
	value pg_catalog.float8[], weights pg_catalog.text DEFAULT 'queen',
	distance pg_catalog.float8 DEFAULT NULL, k pg_catalog.int4 DEFAULT 8,
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	alpha pg_catalog.float8 DEFAULT 0.05)
	RETURNS TABLE (area_id pg_catalog.int8, value pg_catalog.float8, neighbors pg_catalog.int4,
		i pg_catalog.float8, z pg_catalog.float8, p pg_catalog.float8, quadrant pg_catalog.text)
	AS 'MODULE_PATHNAME', 'safety_local_moran_areas'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.local_moran_areas(pg_catalog.int8[], geometry[], pg_catalog.float8[], pg_catalog.text, pg_catalog.float8, pg_catalog.int4, pg_catalog.int4, pg_catalog.int8, pg_catalog.float8) IS
	'Local Moran''s I (Anselin 1995) over areas with row-standardised queen, rook, distance or knn weights, as spdep localmoran: I, z, the pseudo p of conditional permutations (normal p with permutations 0) and the quadrant HH/LL/HL/LH (ArcGIS Cluster and Outlier Analysis) when p < alpha';

CREATE FUNCTION @extschema@.local_moran(g @extschema@.grid, distance pg_catalog.float8,
	permutations pg_catalog.int4 DEFAULT 999, seed pg_catalog.int8 DEFAULT 1,
	alpha pg_catalog.float8 DEFAULT 0.05,
	OUT cell_id pg_catalog.int8, OUT i pg_catalog.int4, OUT j pg_catalog.int4,
	OUT value pg_catalog.float8, OUT neighbors pg_catalog.int4, OUT ii pg_catalog.float8,
	OUT z pg_catalog.float8, OUT p pg_catalog.float8, OUT quadrant pg_catalog.text,
	OUT geom geometry)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'safety_local_moran'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.local_moran(@extschema@.grid, pg_catalog.float8, pg_catalog.int4, pg_catalog.int8, pg_catalog.float8) IS
	'Local Moran''s I over the cells of a grid (gi_star''s default analysis set: cells within the band of a cell with events), neighbours the other cells whose centres are within distance, row-standardised: I (ii), z, pseudo p and quadrant HH/LL/HL/LH when p < alpha';

CREATE FUNCTION @extschema@.area_counts(e @extschema@.events, area_id pg_catalog.int8[],
	geom geometry[], population pg_catalog.float8[] DEFAULT NULL)
	RETURNS TABLE (area_id pg_catalog.int8, events pg_catalog.int8, weight pg_catalog.float8,
		area_km2 pg_catalog.float8, per_km2 pg_catalog.float8, population pg_catalog.float8,
		per_1000 pg_catalog.float8)
	AS 'MODULE_PATHNAME', 'safety_area_counts'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.area_counts(@extschema@.events, pg_catalog.int8[], geometry[], pg_catalog.float8[]) IS
	'The events counted into areas: per area the events, their weight sum, the area in km2 (metre SRIDs), events per km2 and per 1,000 population, and a row with area_id NULL for the events outside every area; an event goes to the lowest area_id among the areas it intersects (ST_Intersects, boundaries included)';

CREATE FUNCTION @extschema@.area_events(e @extschema@.events, area_id pg_catalog.int8[], geom geometry[])
	RETURNS TABLE (area_id pg_catalog.int8, events @extschema@.events)
	AS 'MODULE_PATHNAME', 'safety_area_events'
	LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.area_events(@extschema@.events, pg_catalog.int8[], geometry[]) IS
	'Each area''s events as a collection (empty when it has none), by area_counts'' rule (the lowest area_id among the areas an event intersects), and a row with area_id NULL for the events outside every area: per-area profiles, hot spots or tiers are one LATERAL call away';
