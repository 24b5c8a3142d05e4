-- Managed views (4/4): hotspot views served as Mapbox vector tiles.

-- map tiles ------------------------------------------------------------------

CREATE FUNCTION @extschema@.hotspot_tile(view pg_catalog.regclass, z pg_catalog.int4, x pg_catalog.int4, y pg_catalog.int4,
	layer pg_catalog.text DEFAULT 'hotspots')
	RETURNS pg_catalog.bytea LANGUAGE plpgsql STABLE PARALLEL SAFE
	-- PostGIS's ST_Transform looks up spatial_ref_sys with an unqualified
	-- "=": it must not see the caller's search_path
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	pgis pg_catalog.name := @extschema@._postgis_schema();
	cols pg_catalog.text;
	tile pg_catalog.bytea;
BEGIN
	IF z IS NULL OR x IS NULL OR y IS NULL OR view IS NULL THEN
		RETURN NULL;
	END IF;
	IF z OPERATOR(pg_catalog.<) 0 OR z OPERATOR(pg_catalog.>) 30
	   OR x OPERATOR(pg_catalog.<) 0 OR x::pg_catalog.int8 OPERATOR(pg_catalog.>=) (1::pg_catalog.int8 OPERATOR(pg_catalog.<<) z)
	   OR y OPERATOR(pg_catalog.<) 0 OR y::pg_catalog.int8 OPERATOR(pg_catalog.>=) (1::pg_catalog.int8 OPERATOR(pg_catalog.<<) z) THEN
		RAISE EXCEPTION 'safety.hotspot_tile: no tile %/%/%', z, x, y USING ERRCODE = 'invalid_parameter_value',
			HINT = 'z is 0 to 30 and x, y are 0 to 2^z - 1 (XYZ scheme, y down).';
	END IF;
	-- every column but geom becomes a feature property (times as text)
	SELECT pg_catalog.string_agg(CASE
		WHEN a.atttypid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.int8',
			'pg_catalog.float4', 'pg_catalog.float8', 'pg_catalog.bool', 'pg_catalog.text']::pg_catalog.regtype[]::pg_catalog.oid[])
		THEN pg_catalog.format('v.%I', a.attname)
		ELSE pg_catalog.format('v.%I::pg_catalog.text AS %I', a.attname, a.attname) END, ', ' ORDER BY a.attnum)
	INTO cols
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) view AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
	  AND a.attname OPERATOR(pg_catalog.<>) 'geom';
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) view
	               AND a.attname OPERATOR(pg_catalog.=) 'geom' AND NOT a.attisdropped) THEN
		RAISE EXCEPTION 'safety.hotspot_tile: % has no column "geom"', view USING ERRCODE = 'undefined_column';
	END IF;
	-- the envelope's margin is the 64-unit buffer of the 4096 extent, as a
	-- constant (64.0 / 4096 would look up / on the caller's search_path)
	EXECUTE pg_catalog.format(
$sql$SELECT %1$I.ST_AsMVT(t.*, %2$L, 4096, 'geom')
FROM (
	SELECT %3$s%1$I.ST_AsMVTGeom(v.g, %1$I.ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
	FROM (SELECT v.*, %1$I.ST_Transform(v.geom, 3857) AS g FROM %4$s v) v
	WHERE v.g OPERATOR(%1$I.&&) %1$I.ST_TileEnvelope($1, $2, $3, margin => 0.015625::pg_catalog.float8)
) t
WHERE t.geom IS NOT NULL$sql$,
		pgis, layer, coalesce(cols OPERATOR(pg_catalog.||) ', ', ''), view)
	INTO tile USING z, x, y;
	RETURN coalesce(tile, ''::pg_catalog.bytea);
END $$;
COMMENT ON FUNCTION @extschema@.hotspot_tile(pg_catalog.regclass, pg_catalog.int4, pg_catalog.int4, pg_catalog.int4, pg_catalog.text) IS
	'Mapbox Vector Tile z/x/y (Web Mercator) of a hotspot view: one feature per cell, every column but geom as a property';
