-- bench/patrol.sql — safety.patrol_cover on the bundled data's forecast and
-- on 50,000 synthetic cells (run by bench/patrol.sh): time, share covered,
-- bound and gap for 10, 50 and 100 sites; greedy in plain SQL beside it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET timezone = 'UTC';

-- 1. the bundled burglaries' default forecast for the week after 2018-07-01, 250 m cells
CREATE TEMP TABLE fc AS
SELECT cell_id, ST_Centroid(geom) AS centre, expected
FROM safety.forecast((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents), '2018-07-01', 250);
CREATE TEMP TABLE fca AS
SELECT array_agg(centre ORDER BY cell_id) AS demand, array_agg(expected ORDER BY cell_id) AS value FROM fc;
-- 2. 50,000 synthetic cells (250 x 200 at 100 m): a smooth risk surface of
-- 40 hot spots over a low background, with noise, reproducible
SELECT setseed(0.19) \gset
CREATE TEMP TABLE hs AS SELECT random() * 25000 AS x, random() * 20000 AS y, 0.5 + random() AS a, 200 + random() * 600 AS s
FROM generate_series(1, 40);
CREATE TEMP TABLE syn AS
SELECT row_number() OVER (ORDER BY i, j) AS id, ST_SetSRID(ST_MakePoint(50 + 100 * i, 50 + 100 * j), 32616) AS centre,
       0.002 + (SELECT sum(a * exp(greatest(-700, -((50 + 100 * i - x) ^ 2 + (50 + 100 * j - y) ^ 2) / (2 * s * s)))) FROM hs)
             * (0.5 + random()) AS expected
FROM generate_series(0, 249) i, generate_series(0, 199) j;
CREATE TEMP TABLE syna AS
SELECT array_agg(centre ORDER BY id) AS demand, array_agg(expected ORDER BY id) AS value FROM syn;
SELECT 'bundled forecast' AS instance, count(*) AS cells, round(sum(expected)::numeric, 2) AS total FROM fc
UNION ALL SELECT '50,000 synthetic cells', count(*), round(sum(expected)::numeric, 2) FROM syn;

\echo '== patrol_cover: best of 3 runs, share of the value covered, bound, gap (bound - covered) / bound'
CREATE TEMP TABLE runs (instance text, distance float8, k int, ms float8, greedy float8, covered float8, share float8, bound float8);
CREATE FUNCTION pg_temp.run(instance text, arr regclass, distance float8, k int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE best float8 := 'Infinity'; t0 timestamptz; r record; g float8;
BEGIN
  FOR rep IN 1..3 LOOP
    t0 := clock_timestamp();
    EXECUTE format('SELECT max(covered) AS covered, max(share) AS share, max(bound) AS bound FROM %s a, safety.patrol_cover(a.demand, a.value, $1, $2) p', arr)
      INTO r USING k, distance;
    best := least(best, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP;
  EXECUTE format('SELECT max(covered) FROM %s a, safety.patrol_cover(a.demand, a.value, $1, $2, improve => false) p', arr)
    INTO g USING k, distance;
  INSERT INTO runs VALUES (instance, distance, k, best, g, r.covered, r.share, r.bound);
END $$;
SELECT count(*) AS runs FROM (SELECT pg_temp.run('bundled forecast', 'fca', 800, k) FROM unnest('{10,50,100}'::int[]) k
                               UNION ALL
                               SELECT pg_temp.run('50,000 synthetic cells', 'syna', 500, k) FROM unnest('{10,50,100}'::int[]) k) r;
SELECT instance, distance, k, round(ms::numeric, 1) AS ms, round((greedy / (covered / share))::numeric, 4) AS greedy_share,
       round(share::numeric, 4) AS share, round(covered::numeric, 3) AS covered, round(bound::numeric, 3) AS bound,
       round(((bound - covered) / bound)::numeric, 5) AS gap
FROM runs ORDER BY instance, k;

\echo '== the coverage curve k = 1..20 on the bundled forecast (800 m)'
\timing on
SELECT k, round(share::numeric, 4) AS share, round(gap::numeric, 5) AS gap
FROM fca a, safety.patrol_cover_curve(a.demand, a.value, 20, 800) WHERE k IN (1, 2, 5, 10, 15, 20);
\timing off

\echo '== the slow way: greedy in plain SQL (one ST_DWithin join per step), k = 10 on the bundled forecast'
CREATE FUNCTION pg_temp.sql_greedy(k int, d float8) RETURNS TABLE (step int, cell bigint, covered float8) LANGUAGE plpgsql AS $$
DECLARE chosen bigint[] := '{}'; c bigint; total float8 := 0; g float8;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS pairs AS
    SELECT s.cell_id AS site, f.cell_id AS cell, f.expected FROM fc s JOIN fc f ON ST_DWithin(s.centre, f.centre, d);
  CREATE TEMP TABLE IF NOT EXISTS cov (cell bigint PRIMARY KEY);
  TRUNCATE cov;
  FOR s IN 1..k LOOP
    SELECT p.site, sum(p.expected) INTO c, g FROM pairs p
    WHERE p.site <> ALL (chosen) AND NOT EXISTS (SELECT 1 FROM cov WHERE cov.cell = p.cell)
    GROUP BY p.site ORDER BY sum(p.expected) DESC, p.site LIMIT 1;
    chosen := chosen || c;
    INSERT INTO cov SELECT p.cell FROM pairs p WHERE p.site = c ON CONFLICT DO NOTHING;
    total := total + g;
    step := s; cell := c; covered := total; RETURN NEXT;
  END LOOP;
  DROP TABLE pairs;
END $$;
SELECT round(ms::numeric, 1) AS plain_sql_ms,
       round((SELECT ms FROM runs WHERE instance = 'bundled forecast' AND k = 10)::numeric, 1) AS patrol_cover_ms,
       round((ms / (SELECT ms FROM runs WHERE instance = 'bundled forecast' AND k = 10))::numeric, 1) AS ratio,
       abs(cov - (SELECT greedy FROM runs WHERE instance = 'bundled forecast' AND k = 10)) < 1e-9 AS same_greedy_cover
FROM (SELECT 1000 * extract(epoch FROM clock_timestamp() - t0) AS ms, cov
      FROM (SELECT clock_timestamp() AS t0) t,
           LATERAL (SELECT max(covered) AS cov FROM pg_temp.sql_greedy(10, 800)) g) x;

\echo '== the exact optimum by GLPK (bench/patrol.sh writes the model), compared in the shell'
\copy (SELECT f.cell_id, round(f.expected::numeric, 12) FROM fc f ORDER BY 1) TO '/tmp/safety_patrol_w.csv' WITH (FORMAT csv)
\copy (SELECT s.cell_id, f.cell_id FROM fc s JOIN fc f ON ST_DWithin(s.centre, f.centre, 800) ORDER BY 1, 2) TO '/tmp/safety_patrol_a.csv' WITH (FORMAT csv)
\copy (SELECT k, covered FROM runs WHERE instance = 'bundled forecast' ORDER BY k) TO '/tmp/safety_patrol_ours.csv' WITH (FORMAT csv)
