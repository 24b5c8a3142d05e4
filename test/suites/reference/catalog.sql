-- catalog.sql — schema safety as JSON for check_reference.py: its routines
-- (not the types' I/O, not the aggregates' support functions), relations
-- and types.  Types print qualified (search_path is pg_catalog alone).
SET search_path = pg_catalog;
WITH support AS (
	SELECT unnest(ARRAY[aggtransfn, aggfinalfn, aggcombinefn, aggserialfn, aggdeserialfn,
	                    aggmtransfn, aggminvtransfn, aggmfinalfn])::oid AS oid FROM pg_aggregate
	UNION SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze])::oid
	FROM pg_type
),
routine AS (
	SELECT p.oid, p.proname, p.prokind, p.pronargs, p.pronargdefaults, p.prorettype,
	       coalesce(p.proallargtypes, string_to_array(nullif(p.proargtypes::text, ''), ' ')::oid[], '{}') AS types,
	       coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs])) AS modes,
	       coalesce(p.proargnames, array_fill(''::text, ARRAY[p.pronargs])) AS names
	FROM pg_proc p
	WHERE p.pronamespace = 'safety'::regnamespace AND p.oid NOT IN (SELECT oid FROM support WHERE oid <> 0)
),
arg AS (
	SELECT r.oid, a.k, r.names[a.k] AS name, format_type(r.types[a.k], NULL) AS type, r.modes[a.k] AS mode
	FROM routine r, generate_subscripts(r.types, 1) a(k)
),
input AS (
	SELECT a.*, row_number() OVER (PARTITION BY a.oid ORDER BY a.k) AS n
	FROM arg a WHERE a.mode IN ('i', 'b', 'v')
)
SELECT json_build_object(
	'routines', (SELECT json_agg(json_build_object(
		'name', r.proname, 'kind', r.prokind,
		'args', coalesce((SELECT json_agg(json_build_array(i.name, i.type, i.n > r.pronargs - r.pronargdefaults) ORDER BY i.n)
		                  FROM input i WHERE i.oid = r.oid), '[]'),
		'result', format_type(r.prorettype, NULL),
		'columns', coalesce((SELECT json_agg(a.name ORDER BY a.k) FROM arg a
		                     WHERE a.oid = r.oid AND a.mode IN ('o', 'b', 't')), '[]'))
		ORDER BY r.proname, r.oid) FROM routine r),
	'relations', (SELECT json_agg(json_build_object(
		'name', c.relname,
		'columns', (SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
		            FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
		ORDER BY c.relname)
		FROM pg_class c WHERE c.relnamespace = 'safety'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')),
	'types', (SELECT json_agg(t.typname ORDER BY t.typname) FROM pg_type t
	          WHERE t.typnamespace = 'safety'::regnamespace AND t.typname !~ '^_'));
