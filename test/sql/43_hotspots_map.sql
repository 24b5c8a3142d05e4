-- Map output for dashboards: every result carries its cell polygon in the
-- source SRID; these are the queries docs/reference-hotspots.md shows, run
-- here and checked for structure and counts (not raw bytes).
\i test/sql/include/incidents.sql
CREATE TEMP TABLE hot AS
SELECT r.* FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, fdr => true) r;
SELECT DISTINCT ST_SRID(geom) AS srid, GeometryType(geom) AS type FROM hot;

-- GeoJSON FeatureCollection of the significant cells, in longitude/latitude
WITH fc AS (
  SELECT json_build_object(
           'type', 'FeatureCollection',
           'features', coalesce(json_agg(ST_AsGeoJSON(f.*, 'geom', 6)::json ORDER BY f.cell_id), '[]'::json)) AS doc
  FROM (SELECT cell_id, value AS incidents, round(z::numeric, 3) AS z, class,
               ST_Transform(geom, 4326) AS geom
        FROM hot WHERE class <> 0) f)
SELECT doc->>'type' AS type,
       json_array_length(doc->'features') = (SELECT count(*) FROM hot WHERE class <> 0) AS one_feature_per_cell,
       (SELECT count(*) FROM hot WHERE class <> 0) > 0 AS some_features,
       doc->'features'->0->>'type' AS feature_type,
       doc->'features'->0->'geometry'->>'type' AS geometry_type,
       json_array_length(doc->'features'->0->'geometry'->'coordinates'->0) AS ring_points,
       (SELECT string_agg(k, ',' ORDER BY k) FROM json_object_keys(doc->'features'->0->'properties') k) AS properties
FROM fc;

-- Mapbox Vector Tile for tile z/x/y: the zoom-13 tile holding the hottest cell
CREATE TEMP TABLE tile AS
WITH c AS (SELECT ST_Transform(ST_Centroid(geom), 4326) AS pt FROM hot ORDER BY z DESC NULLS LAST, cell_id LIMIT 1)
SELECT 13 AS z,
       floor((ST_X(pt) + 180) / 360 * 2 ^ 13)::int AS x,
       floor((1 - ln(tan(radians(ST_Y(pt))) + 1 / cos(radians(ST_Y(pt)))) / pi()) / 2 * 2 ^ 13)::int AS y
FROM c;
SELECT * FROM tile;
CREATE TEMP TABLE mvt_rows AS
SELECT h.cell_id, h.class, round(h.z::numeric, 3)::float8 AS z,
       ST_AsMVTGeom(ST_Transform(h.geom, 3857), ST_TileEnvelope(t.z, t.x, t.y), 4096, 64, true) AS geom
FROM hot h, tile t
WHERE h.class <> 0 AND ST_Intersects(ST_Transform(h.geom, 3857), ST_TileEnvelope(t.z, t.x, t.y));
SELECT count(*) > 0 AS cells_in_tile, count(*) FILTER (WHERE geom IS NULL) AS clipped_away,
       count(DISTINCT GeometryType(geom)) AS geometry_types, min(GeometryType(geom)) AS type
FROM mvt_rows;
SELECT length(mvt) > 0 AS non_empty,
       get_byte(mvt, 0) = 26 AS starts_with_a_layer,          -- field 3 (layers), wire type 2
       position('hotspots'::bytea IN mvt) > 0 AS names_the_layer,
       position('class'::bytea IN mvt) > 0 AND position('cell_id'::bytea IN mvt) > 0 AS carries_attributes
FROM (SELECT ST_AsMVT(r, 'hotspots', 4096, 'geom') AS mvt FROM mvt_rows r) m;
-- kde_agg cells and optimized hot spots carry geometry in the source SRID too
SELECT DISTINCT ST_SRID(geom) AS srid FROM safety.cells((SELECT safety.kde_agg(geom, 250, 500) FROM incidents));
SET client_min_messages = warning;
SELECT DISTINCT ST_SRID(geom) AS srid, GeometryType(geom) AS type
FROM safety.optimized_hotspots((SELECT safety.events_agg(geom, occurred_at) FROM incidents));
