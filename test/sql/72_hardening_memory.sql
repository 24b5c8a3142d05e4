-- The memory budget (issue #12, finding 4): safety.memory_limit bounds what a
-- session may hold when safety allocates; only a superuser (or a role
-- granted SET on it) can change it, and the size limits any role may raise
-- (safety.max_cells, safety.max_pairs) cannot take a session past it.
\i test/sql/include/incidents.sql
SET client_min_messages = warning;
\set SHOW_CONTEXT never
LOAD 'safety';
-- the session's memory varies from run to run: show what an error says
-- (SQLSTATE, message, hint) but only whether it has the DETAIL that
-- reports that memory
CREATE FUNCTION pg_temp.try(q text, OUT code text, OUT message text, OUT hint text,
	OUT has_detail bool)
LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE q;
	code := '00000';
	message := 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		hint = PG_EXCEPTION_HINT, detail = PG_EXCEPTION_DETAIL;
	has_detail := detail <> '';
END $$;
\x on
-- the default is a share of the machine's memory: at least 256 MB
SELECT setting::bigint >= 256 * 1024 AS default_at_least_256mb, unit, context
FROM pg_settings WHERE name = 'safety.memory_limit';
SET safety.memory_limit = '1GB';
CREATE TEMP TABLE two AS
SELECT safety.events_agg(geom, occurred_at, id) AS e
FROM (SELECT * FROM incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 2) s;
-- the reproducer: 254 x 1,000 bands and 5,000 permutations on two events
-- wanted 256 x 1,001 x 5,000 x 8 bytes of permutation counts up front
-- (10 GB; stopped at 5.9 GB); now refused before anything is allocated
SELECT * FROM pg_temp.try($$
	SELECT count(*) FROM two, safety.near_repeat(e,
		(SELECT array_agg(g * 10.0) FROM generate_series(1, 254) g),
		(SELECT array_agg(g::float8) FROM generate_series(1, 1000) g), 5000)$$);
-- the same table with 99 permutations fits (194 MB)
SELECT count(*) AS cells, sum(observed) AS pairs
FROM two, safety.near_repeat(e,
	(SELECT array_agg(g * 10.0) FROM generate_series(1, 254) g),
	(SELECT array_agg(g::float8) FROM generate_series(1, 1000) g), 99);

-- an ordinary role can neither raise nor change the budget
CREATE ROLE regress_safety_mem;
GRANT SELECT ON incidents, two TO regress_safety_mem;
SET ROLE regress_safety_mem;
SET safety.memory_limit = '100GB';
SET safety.memory_limit = '64MB';
SELECT set_config('safety.memory_limit', '100GB', false);
ALTER ROLE regress_safety_mem SET safety.memory_limit = '100GB';
SHOW safety.memory_limit;
-- ... but may raise the size limits, which the budget still bounds: a grid
-- whose rectangle spans 40 million cells asks 1.2 GB for the cells of gi_star
-- over that rectangle
SET safety.max_cells = 50000000;
SELECT * FROM pg_temp.try($$
	SELECT count(*) FROM safety.gi_star(
		(SELECT safety.grid_agg(ST_SetSRID(ST_MakePoint(x, y), 32616), 1)
		 FROM (VALUES (0, 0), (7999, 4999), (3, 7)) v(x, y)), 1.5, analysis_set => 'rectangle')$$);
-- 10,000 events at one place make 49,995,000 close pairs: the core's
-- request of 191 MB for them is refused past a 128 MB budget (set by the
-- superuser below), naming what it wanted
RESET ROLE;
SET safety.memory_limit = '128MB';
SET ROLE regress_safety_mem;
SET safety.max_pairs = 2147483647;
SELECT * FROM pg_temp.try($$
	SELECT count(*) FROM safety.near_repeat(
		(SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(1000, 2000), 32616),
		                          '2018-01-01'::timestamptz + g * interval '1 hour')
		 FROM generate_series(1, 10000) g), '{10}', '{7}', 9)$$);
-- with max_pairs lowered to a million the count stops it first
SET safety.max_pairs = 1000000;
SELECT * FROM pg_temp.try($$
	SELECT count(*) FROM safety.near_repeat(
		(SELECT safety.events_agg(ST_SetSRID(ST_MakePoint(1000, 2000), 32616),
		                          '2018-01-01'::timestamptz + g * interval '1 hour')
		 FROM generate_series(1, 10000) g), '{10}', '{7}', 9)$$);
-- normal work fits a modest budget
SELECT safety.num_cells(g) AS cells, safety.total(g) AS events
FROM (SELECT safety.grid_agg(geom, 250) g FROM incidents) s;
SELECT count(*) AS cells FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750);
SELECT count(*) AS cells, sum(observed) AS pairs
FROM safety.near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents),
                        '{100,200,400}', '{7,14,21,28}', permutations => 19);
SELECT length(safety.events_agg(geom, occurred_at, id)::text) > 0 AS text_out
FROM incidents;
RESET ROLE;

-- a superuser may hand the setting to a role
GRANT SET ON PARAMETER safety.memory_limit TO regress_safety_mem;
SET ROLE regress_safety_mem;
SET safety.memory_limit = '2GB';
SHOW safety.memory_limit;
RESET ROLE;
REVOKE SET ON PARAMETER safety.memory_limit FROM regress_safety_mem;

DROP OWNED BY regress_safety_mem;
DROP ROLE regress_safety_mem;

-- kde_agg keeps up to 1 MB of density tiles for the session's next query
-- (src/pg/kde_tile_pool.c).  A state's tiles go back to that pool when its
-- query ends, also when it fails half-way, so the session's memory does not
-- grow from query to query: 40 queries that fail after their tiles are made
-- (the last point has another SRID) and 40 that succeed leave
-- TopMemoryContext, where the pool lives, as it was (a lost tile would leave
-- 32 kB behind; each query here makes about 20).
SET max_parallel_workers_per_gather = 0;
SELECT safety.num_cells(safety.kde_agg(geom, 100, 400)) > 10000 AS many_cells FROM incidents;
CREATE TEMP TABLE top_before AS
SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'TopMemoryContext';
DO $$
DECLARE
	failed int := 0;
BEGIN
	FOR k IN 1..40 LOOP
		BEGIN
			PERFORM safety.kde_agg(g, 100, 400)
			FROM (SELECT geom AS g FROM incidents
			      UNION ALL SELECT ST_SetSRID(ST_MakePoint(0, 0), 4326)) s;
		EXCEPTION WHEN invalid_parameter_value THEN
			failed := failed + 1;
		END;
		PERFORM safety.kde_agg(geom, 100, 400) FROM incidents;
	END LOOP;
	IF failed <> 40 THEN
		RAISE EXCEPTION 'only % of 40 queries failed', failed;
	END IF;
END $$;
SELECT (SELECT total_bytes FROM pg_backend_memory_contexts WHERE name = 'TopMemoryContext') - b.total_bytes
       < 256 * 1024 AS top_memory_kept
FROM top_before b;
RESET max_parallel_workers_per_gather;
