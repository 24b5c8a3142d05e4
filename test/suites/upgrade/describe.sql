-- describe.sql — one line per property of every object of the extension
-- safety, in a form that does not depend on OIDs or creation order: two
-- databases with the same lines have the same objects and definitions.
-- Used by test/suites/upgrade.sh to compare an upgraded database with a
-- fresh install.
WITH ext AS (
	SELECT e.oid, e.extconfig, e.extcondition FROM pg_catalog.pg_extension e WHERE e.extname = 'safety'
), member AS (
	SELECT d.classid, d.objid, d.objsubid FROM pg_catalog.pg_depend d, ext
	WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), lines AS (
	-- every member, by its description
	SELECT pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid) AS obj, 'member' AS what, '' AS val FROM member m
	UNION ALL
	-- comments on members and on their columns
	SELECT pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid), 'comment', d.description
	FROM pg_catalog.pg_description d JOIN member m ON m.classid = d.classoid AND m.objid = d.objoid
	UNION ALL
	-- functions and procedures: full definition, privileges, settings
	SELECT p.oid::pg_catalog.regprocedure::text, 'definition', pg_catalog.pg_get_functiondef(p.oid)
	FROM pg_catalog.pg_proc p JOIN member m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
	WHERE p.prokind <> 'a'
	UNION ALL
	SELECT p.oid::pg_catalog.regprocedure::text, 'properties',
	       pg_catalog.concat_ws(' ', p.prokind, p.provolatile, p.proparallel, p.proisstrict, p.prosecdef,
	                            p.proleakproof, p.procost, p.prorows, p.proacl::text, p.proconfig::text)
	FROM pg_catalog.pg_proc p JOIN member m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid
	UNION ALL
	-- aggregates: their support functions and settings
	SELECT a.aggfnoid::pg_catalog.regprocedure::text, 'aggregate',
	       pg_catalog.concat_ws(' ', a.aggkind, a.aggnumdirectargs, a.aggtransfn::pg_catalog.regprocedure, a.aggfinalfn,
	                            a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn,
	                            a.aggmfinalfn, a.aggfinalextra, a.aggfinalmodify, a.aggsortop, a.aggtranstype::pg_catalog.regtype,
	                            a.aggtransspace, a.agginitval, a.aggminitval)
	FROM pg_catalog.pg_aggregate a JOIN member m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = a.aggfnoid
	UNION ALL
	-- relations: kind, options, privileges, row security, view definitions
	SELECT c.oid::pg_catalog.regclass::text, 'relation',
	       pg_catalog.concat_ws(' ', c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,
	                            c.relacl::text, c.reloptions::text,
	                            CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END)
	FROM pg_catalog.pg_class c JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid
	UNION ALL
	-- columns in order, with type, nullability, default, privileges
	SELECT c.oid::pg_catalog.regclass::text, 'column ' || a.attnum,
	       pg_catalog.concat_ws(' ', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
	                            a.attidentity, a.attgenerated, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attacl::text,
	                            a.attcollation::pg_catalog.regcollation)
	FROM pg_catalog.pg_class c JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid
	JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
	WHERE c.relkind <> 'S'
	UNION ALL
	-- sequences
	SELECT s.seqrelid::pg_catalog.regclass::text, 'sequence',
	       pg_catalog.concat_ws(' ', s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
	FROM pg_catalog.pg_sequence s JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = s.seqrelid
	UNION ALL
	-- constraints, indexes, triggers and policies of member tables
	SELECT co.conrelid::pg_catalog.regclass::text, 'constraint ' || co.conname, pg_catalog.pg_get_constraintdef(co.oid)
	FROM pg_catalog.pg_constraint co JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = co.conrelid
	UNION ALL
	SELECT i.indrelid::pg_catalog.regclass::text, 'index', pg_catalog.pg_get_indexdef(i.indexrelid)
	FROM pg_catalog.pg_index i JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = i.indrelid
	UNION ALL
	SELECT t.tgrelid::pg_catalog.regclass::text, 'trigger ' || t.tgname, pg_catalog.pg_get_triggerdef(t.oid)
	FROM pg_catalog.pg_trigger t JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = t.tgrelid
	WHERE NOT t.tgisinternal
	UNION ALL
	SELECT po.polrelid::pg_catalog.regclass::text, 'policy ' || po.polname,
	       pg_catalog.concat_ws(' ', po.polcmd, po.polpermissive, po.polroles::pg_catalog.regrole[]::text,
	                            pg_catalog.pg_get_expr(po.polqual, po.polrelid), pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))
	FROM pg_catalog.pg_policy po JOIN member m ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = po.polrelid
	UNION ALL
	-- types: kind, I/O functions, storage, enum labels in order
	SELECT t.oid::pg_catalog.regtype::text, 'type',
	       pg_catalog.concat_ws(' ', t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typinput, t.typoutput,
	                            t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze, t.typacl::text,
	                            (SELECT pg_catalog.string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
	                             FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
	FROM pg_catalog.pg_type t JOIN member m ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND m.objid = t.oid
	UNION ALL
	-- casts and operators
	SELECT pg_catalog.pg_describe_object('pg_catalog.pg_cast'::pg_catalog.regclass, ca.oid, 0), 'cast',
	       pg_catalog.concat_ws(' ', ca.castfunc::pg_catalog.regprocedure, ca.castcontext, ca.castmethod)
	FROM pg_catalog.pg_cast ca JOIN member m ON m.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND m.objid = ca.oid
	UNION ALL
	SELECT o.oid::pg_catalog.regoperator::text, 'operator',
	       pg_catalog.concat_ws(' ', o.oprcode::pg_catalog.regprocedure, o.oprcom::pg_catalog.regoperator,
	                            o.oprnegate::pg_catalog.regoperator, o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
	FROM pg_catalog.pg_operator o JOIN member m ON m.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND m.objid = o.oid
	UNION ALL
	-- the schema's privileges
	SELECT n.nspname::text, 'schema', n.nspacl::text FROM pg_catalog.pg_namespace n WHERE n.nspname = 'safety'
	UNION ALL
	-- which tables pg_dump keeps, and which of their rows
	SELECT c.relid::pg_catalog.regclass::text, 'config dump', c.cond
	FROM ext, ROWS FROM (pg_catalog.unnest(ext.extconfig), pg_catalog.unnest(ext.extcondition)) AS c(relid, cond)
)
SELECT obj || ' | ' || what || ' | ' || pg_catalog.replace(coalesce(val, ''), E'\n', E'\n    ')
FROM lines ORDER BY obj, what, val;
