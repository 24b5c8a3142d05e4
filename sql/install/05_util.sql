-- Small helpers for preparing data.

CREATE FUNCTION @extschema@.utm_srid(geom geometry) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'safety_utm_srid' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.utm_srid(geometry) IS
	'WGS 84 / UTM zone SRID (326zz north, 327zz south) for a longitude/latitude point: ST_Transform(geom, safety.utm_srid(geom))';
