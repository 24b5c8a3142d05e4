-- pg_temp.plan_lines(q): the shape of q's parallel plan (Gather, Workers
-- Planned, Partial and Finalize Aggregate), then whether workers ran.
-- How many launched depends on what the machine had free; with
-- max_parallel_workers = 0 on the server none can, and the partial states
-- are then made and combined by the leader alone.
CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  l text;
  launched int := 0;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    IF l ~ 'Workers Launched' THEN
      launched := launched + substring(l FROM 'Workers Launched: (\d+)')::int;
    ELSIF l ~ 'Gather|Workers Planned|Partial Aggregate|Finalize Aggregate' THEN
      RETURN NEXT regexp_replace(l, '\s*\(actual rows=\d+ loops=\d+\)', '');
    END IF;
  END LOOP;
  RETURN NEXT CASE WHEN launched > 0 OR current_setting('max_parallel_workers')::int = 0
                   THEN 'workers ran, or the server allows none'
                   ELSE 'no worker ran' END;
END $$;
