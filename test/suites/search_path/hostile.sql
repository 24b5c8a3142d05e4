-- hostile.sql — a schema "hostile", owned by an ordinary role, that shadows
-- builtins: every operator of pg_catalog and of PostGIS's schema with its own
-- argument types; extra operators on argument types pg_catalog has no exact
-- operator for (an exact match wins even when pg_catalog comes first); every
-- function, aggregate and window function of pg_catalog and PostGIS whose
-- name appears in the install SQL or in the C code's SPI strings (psql
-- variable fnames); a domain per builtin type name used (typnames); a view
-- per catalog relation named (relnames).  Each one records that it ran: the
-- sequence hostile.hits counts (rollbacks do not undo it) and a WARNING
-- "hijack: <object> ran as <role>" names it.  Operators and functions hand
-- on to the builtin, so a hijacked statement still gives its answer.
--
-- Run with search_path = pg_catalog, so that this script's own names and the
-- generated DDL resolve to the builtins.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET search_path = pg_catalog;
SELECT set_config('hostile.fnames', :'fnames', false) AS _f,
       set_config('hostile.typnames', :'typnames', false) AS _t,
       set_config('hostile.relnames', :'relnames', false) AS _r,
       set_config('hostile.opnames', :'opnames', false) AS _o \gset

CREATE SEQUENCE hostile.hits;
GRANT USAGE ON SEQUENCE hostile.hits TO PUBLIC;
CREATE FUNCTION hostile._hit(what text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
	-- the warning first: a parallel worker cannot count (nextval fails there)
	RAISE WARNING 'hijack: % ran as %', what, CURRENT_USER;
	PERFORM pg_catalog.nextval('hostile.hits');
	RETURN true;
END $$;

-- the schemas whose objects are shadowed: pg_catalog and PostGIS's
CREATE TEMP TABLE shadowed_ns AS
SELECT 'pg_catalog'::regnamespace::oid AS oid
UNION SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'postgis';

-- types a plpgsql function cannot take or return
CREATE TEMP TABLE unusable_types AS
SELECT t.oid FROM pg_type t
WHERE t.typtype = 'p' AND t.typname NOT IN (
	'anyelement', 'anyarray', 'anynonarray', 'anyenum', 'anyrange', 'anymultirange',
	'anycompatible', 'anycompatiblearray', 'anycompatiblenonarray', 'anycompatiblerange',
	'anycompatiblemultirange', 'record', 'void');

-- 1. every operator of pg_catalog and PostGIS, with its own argument types
DO $$
DECLARE
	o record;
	fn text;
BEGIN
	FOR o IN SELECT op.oid, op.oprname, op.oprleft, op.oprright, op.oprresult
	         FROM pg_operator op WHERE op.oprnamespace IN (SELECT oid FROM shadowed_ns)
	           AND op.oprleft NOT IN (SELECT oid FROM unusable_types)
	           AND op.oprright NOT IN (SELECT oid FROM unusable_types)
	         ORDER BY op.oid LOOP
		fn := 'hostile._op_' || o.oid;
		IF o.oprleft = 0 THEN
			EXECUTE format('CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM hostile._hit(%L); RETURN OPERATOR(pg_catalog.%s) $1; END$f$',
				fn, o.oprright::regtype, o.oprresult::regtype,
				format('operator %s(none, %s)', o.oprname, o.oprright::regtype), o.oprname);
			EXECUTE format('CREATE OPERATOR hostile.%s (RIGHTARG = %s, FUNCTION = %s)', o.oprname, o.oprright::regtype, fn);
		ELSE
			EXECUTE format('CREATE FUNCTION %s(%s, %s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM hostile._hit(%L); RETURN $1 OPERATOR(%I.%s) $2; END$f$',
				fn, o.oprleft::regtype, o.oprright::regtype, o.oprresult::regtype,
				format('operator %s(%s, %s)', o.oprname, o.oprleft::regtype, o.oprright::regtype),
				(SELECT n.nspname FROM pg_operator p JOIN pg_namespace n ON n.oid = p.oprnamespace WHERE p.oid = o.oid),
				o.oprname);
			EXECUTE format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %s)',
				o.oprname, o.oprleft::regtype, o.oprright::regtype, fn);
		END IF;
	END LOOP;
END $$;

-- 2. operators on argument types with no exact builtin operator: an exact
-- match beats the builtin that needs a conversion, wherever pg_catalog is
-- on the path ("64.0 / 4096" is numeric / integer; "srtext LIKE 'x%'" is
-- varchar ~~ varchar; "NEW IS DISTINCT FROM OLD" compares two row types).
-- Names: those the install SQL and C strings use (opnames) and those SQL
-- syntax implies (IN, CASE, NULLIF, IS DISTINCT FROM, LIKE, BETWEEN).
DO $$
DECLARE
	names text[] := string_to_array(current_setting('hostile.opnames'), ' ')
		|| ARRAY['=', '<>', '<', '>', '<=', '>=', '~~', '!~~', '~~*', '!~~*', '+', '-', '*', '/', '%', '||'];
	numeric_family text[] := ARRAY['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'];
	string_family text[] := ARRAY['text', 'varchar', 'bpchar', 'name', '"char"'];
	time_family text[] := ARRAY['timestamptz', 'timestamp', 'date', 'interval'];
	-- a type with itself: what "x op 'literal'" looks for first
	singles text[] := ARRAY['bool', 'jsonb', 'json', 'oid', 'regclass', 'regtype', 'regnamespace', 'bytea']
		|| ARRAY(SELECT format('%I.%I', n.nspname, t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		         WHERE n.nspname IN ('safety') AND t.typtype IN ('b', 'c', 'e') AND t.typname !~ '^_')
		|| ARRAY(SELECT format('%I.%I', n.nspname, t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		         WHERE t.typnamespace IN (SELECT oid FROM shadowed_ns) AND n.nspname <> 'pg_catalog'
		           AND t.typname IN ('geometry', 'geography', 'box2d', 'box3d'));
	pairs text[][] := '{}';
	op text;
	l text;
	r text;
	k int;
	rt regtype;
BEGIN
	FOREACH l IN ARRAY numeric_family LOOP FOREACH r IN ARRAY numeric_family LOOP pairs := pairs || ARRAY[[l, r]]; END LOOP; END LOOP;
	FOREACH l IN ARRAY string_family LOOP FOREACH r IN ARRAY string_family LOOP pairs := pairs || ARRAY[[l, r]]; END LOOP; END LOOP;
	FOREACH l IN ARRAY time_family LOOP FOREACH r IN ARRAY time_family LOOP pairs := pairs || ARRAY[[l, r]]; END LOOP; END LOOP;
	FOREACH l IN ARRAY singles LOOP pairs := pairs || ARRAY[[l, l]]; END LOOP;
	FOREACH op IN ARRAY ARRAY(SELECT DISTINCT u FROM unnest(names) u WHERE u <> '') LOOP
		FOR k IN 1 .. array_length(pairs, 1) LOOP
			l := pairs[k][1];
			r := pairs[k][2];
			CONTINUE WHEN EXISTS (SELECT FROM pg_operator p WHERE p.oprname = op
				AND p.oprleft = l::regtype AND p.oprright = r::regtype
				AND p.oprnamespace IN ((SELECT oid FROM shadowed_ns) UNION SELECT 'hostile'::regnamespace));
			BEGIN
				EXECUTE format('SELECT pg_catalog.pg_typeof(NULL::%s OPERATOR(pg_catalog.%s) NULL::%s)', l, op, r) INTO rt;
			EXCEPTION WHEN undefined_function OR ambiguous_function OR datatype_mismatch OR feature_not_supported THEN
				CONTINUE;
			END;
			EXECUTE format('CREATE FUNCTION hostile.%I(%s, %s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM hostile._hit(%L); RETURN $1 OPERATOR(pg_catalog.%s) $2; END$f$',
				'_xop_' || md5(op || l || r), l, r, rt, format('operator %s(%s, %s)', op, l::regtype, r::regtype), op);
			EXECUTE format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.%I)',
				op, l, r, '_xop_' || md5(op || l || r));
		END LOOP;
	END LOOP;
END $$;

-- 3. functions, aggregates and window functions of the names used
DO $$
DECLARE
	names text[] := string_to_array(current_setting('hostile.fnames'), ' ');
	p record;
	nin int;
	call_args text;
	label text;
BEGIN
	FOR p IN SELECT f.oid, f.proname, f.prokind, f.proretset, f.provariadic, f.pronargs,
	                f.proargtypes::oid[] AS argtypes, f.proallargtypes, f.prorettype,
	                pg_get_function_arguments(f.oid) AS args, pg_get_function_identity_arguments(f.oid) AS idargs,
	                pg_get_function_result(f.oid) AS result, n.nspname
	         FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
	         WHERE f.pronamespace IN (SELECT oid FROM shadowed_ns) AND f.proname = ANY (names)
	           AND f.prokind IN ('f', 'a', 'w')
	           AND NOT EXISTS (SELECT FROM unnest(coalesce(f.proallargtypes, f.proargtypes::oid[]) || f.prorettype) t
	                           WHERE t IN (SELECT oid FROM unusable_types))
	         ORDER BY f.oid LOOP
		label := format('function %s(%s)', p.proname, p.idargs);
		IF p.prokind = 'f' THEN
			-- OUT parameters of a function returning one row: not shadowed
			CONTINUE WHEN p.proallargtypes IS NOT NULL AND NOT p.proretset;
			SELECT string_agg(CASE WHEN k = p.pronargs AND p.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END || '$' || k, ', ' ORDER BY k)
			INTO call_args FROM generate_series(1, p.pronargs) k;
			EXECUTE format('CREATE FUNCTION hostile.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM hostile._hit(%L); %s; END$f$',
				p.proname, p.args, p.result, label,
				CASE WHEN p.proretset THEN format('RETURN QUERY SELECT * FROM %I.%I(%s)', p.nspname, p.proname, coalesce(call_args, ''))
				     WHEN p.prorettype = 'void'::regtype THEN format('PERFORM %I.%I(%s)', p.nspname, p.proname, coalesce(call_args, ''))
				     ELSE format('RETURN %I.%I(%s)', p.nspname, p.proname, coalesce(call_args, '')) END);
		ELSIF p.prokind = 'w' OR EXISTS (SELECT FROM pg_aggregate a WHERE a.aggfnoid = p.oid AND a.aggkind = 'n') THEN
			-- an aggregate of the same name and arguments (it answers NULL)
			EXECUTE format('CREATE FUNCTION hostile.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM hostile._hit(%L); RETURN NULL; END$f$',
				'_agg_' || p.oid, concat_ws(', ', p.prorettype::regtype::text,
					(SELECT string_agg(t::regtype::text, ', ' ORDER BY k) FROM unnest(p.argtypes) WITH ORDINALITY u(t, k))),
				p.prorettype::regtype, label);
			BEGIN
				EXECUTE format('CREATE AGGREGATE hostile.%I(%s) (SFUNC = hostile.%I, STYPE = %s)',
					p.proname, CASE WHEN p.pronargs = 0 THEN '*' ELSE p.idargs END, '_agg_' || p.oid, p.prorettype::regtype);
			EXCEPTION WHEN invalid_function_definition OR datatype_mismatch THEN
				-- some polymorphic states (max(anyenum)) cannot be declared
				-- so; search_path.sh checks that such names are called qualified
				NULL;
			END;
		END IF;
	END LOOP;
END $$;

-- 4. a domain per builtin type name used: a value cast to it runs its check
DO $$
DECLARE
	names text[] := string_to_array(current_setting('hostile.typnames'), ' ');
	t record;
BEGIN
	FOR t IN SELECT ty.oid, ty.typname FROM pg_type ty
	         WHERE ty.typnamespace IN (SELECT oid FROM shadowed_ns) AND ty.typname = ANY (names)
	           AND ty.typtype IN ('b', 'c', 'd', 'e', 'r', 'm') AND ty.typname !~ '^_'
	           AND NOT EXISTS (SELECT FROM pg_class c WHERE c.reltype = ty.oid)
	         ORDER BY ty.oid LOOP
		EXECUTE format('CREATE DOMAIN hostile.%I AS %s CHECK (hostile._hit(%L))', t.typname, t.oid::regtype, 'type ' || t.typname);
	END LOOP;
END $$;

-- 5. a view per catalog relation named: reading it runs the check
DO $$
DECLARE
	names text[] := string_to_array(current_setting('hostile.relnames'), ' ');
	c record;
BEGIN
	FOR c IN SELECT r.oid, r.relname FROM pg_class r
	         WHERE (r.relnamespace IN (SELECT oid FROM shadowed_ns) OR r.relnamespace = 'safety'::regnamespace)
	           AND r.relname = ANY (names) AND r.relkind IN ('r', 'v', 'm', 'p')
	         ORDER BY r.oid LOOP
		-- every column a view may have (not pg_attribute's anyarray)
		EXECUTE format('CREATE VIEW hostile.%I AS SELECT %s FROM %s WHERE hostile._hit(%L)', c.relname,
			(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
			 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype <> 'p'),
			c.oid::regclass, 'relation ' || c.relname);
	END LOOP;
END $$;

GRANT SELECT ON ALL TABLES IN SCHEMA hostile TO PUBLIC;
SELECT (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'hostile'::regnamespace) AS operators,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'hostile'::regnamespace AND prokind = 'f' AND proname !~ '^_') AS functions,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'hostile'::regnamespace AND prokind = 'a') AS aggregates,
       (SELECT count(*) FROM pg_type WHERE typnamespace = 'hostile'::regnamespace AND typtype = 'd') AS domains,
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'hostile'::regnamespace AND relkind = 'v') AS views;
