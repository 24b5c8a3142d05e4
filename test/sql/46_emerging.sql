-- Emerging hot spots: the space-time cube against plain SQL counts, its
-- space-time Gi* against the formula written in SQL for every bin, the
-- Mann-Kendall trend against the pair sum, every category on a planted
-- synthetic city, and bad input.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;
SET timezone = 'UTC';
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
-- 1. the cube: 500 m cells, calendar months back from the midnight after the last event
CREATE TEMP TABLE cube AS SELECT c.* FROM ev, safety.space_time_cube(e, 500, '1 month', 1000) c;
ANALYZE cube;
SELECT count(*) AS bins, count(DISTINCT cell_id) AS cells, count(DISTINCT step_no) AS steps,
       min(step_start) AS first_start, max(step_end) AS last_end, sum(count) AS events
FROM cube;
-- every step is a calendar month
SELECT bool_and(step_start = date_trunc('month', step_start) AND step_end = step_start + interval '1 month') AS months
FROM cube;
-- non-zero bins equal a GROUP BY of the incidents by cell and month, both ways
CREATE TEMP TABLE plain AS
SELECT floor(ST_X(geom) / 500)::int AS i, floor(ST_Y(geom) / 500)::int AS j,
       date_trunc('month', occurred_at) AS step_start, count(*) AS count
FROM incidents WHERE geom IS NOT NULL GROUP BY 1, 2, 3;
SELECT (SELECT count(*) FROM (SELECT i, j, step_start, count FROM cube WHERE count > 0
                               EXCEPT SELECT * FROM plain) x) AS cube_not_plain,
       (SELECT count(*) FROM (SELECT * FROM plain
                               EXCEPT SELECT i, j, step_start, count FROM cube WHERE count > 0) x) AS plain_not_cube;
-- the cells are gi_star's default analysis set of the whole period's grid
SELECT (SELECT count(*) FROM (SELECT DISTINCT i, j FROM cube
          EXCEPT SELECT g.i, g.j FROM safety.gi_star((SELECT safety.grid_agg(geom, 500) FROM incidents), 1000) g) x) AS cube_not_set,
       (SELECT count(*) FROM (SELECT g.i, g.j FROM safety.gi_star((SELECT safety.grid_agg(geom, 500) FROM incidents), 1000) g
          EXCEPT SELECT DISTINCT i, j FROM cube) x) AS set_not_cube;
-- 2. space-time Gi* of every bin against the formula in SQL: neighbours are
-- the cells whose centres lie within 1000 m, in the step and the one before
CREATE TEMP TABLE st AS SELECT g.* FROM ev, safety.space_time_gi_star(e, 500, '1 month', 1000) g;
CREATE TEMP TABLE nb AS
WITH cells AS (SELECT DISTINCT i, j FROM cube)
SELECT a.i, a.j, b.i AS ni, b.j AS nj FROM cells a JOIN cells b ON (a.i - b.i) ^ 2 + (a.j - b.j) ^ 2 <= 4;
ANALYZE nb;
CREATE TEMP TABLE ref AS
WITH stats AS (SELECT count(*)::float8 AS n, avg(count) AS mean,
                      sqrt(avg(count * count) - avg(count) ^ 2) AS sd FROM cube),
sums AS (SELECT c.i, c.j, c.step_no, sum(d.count) AS s, count(*) AS m
         FROM cube c JOIN nb ON nb.i = c.i AND nb.j = c.j
         CROSS JOIN (VALUES (0), (1)) lag(l)
         JOIN cube d ON d.i = nb.ni AND d.j = nb.nj AND d.step_no = c.step_no - lag.l
         GROUP BY 1, 2, 3)
SELECT s.i, s.j, s.step_no, s.m, (s.s - st.mean * s.m) / (st.sd * sqrt((st.n * s.m - s.m ^ 2) / (st.n - 1))) AS z
FROM sums s, stats st;
SELECT count(*) AS bins, max(abs(st.z - r.z)) < 1e-9 AS z_equal, bool_and(st.neighbors = r.m) AS neighbors_equal,
       bool_and(st.class = CASE WHEN st.p < 0.01 THEN 3 WHEN st.p < 0.05 THEN 2 WHEN st.p < 0.10 THEN 1 ELSE 0 END
                           * sign(st.z)::int) AS classes_by_p,
       bool_and(st.count = c.count) AS counts_of_the_cube
FROM st JOIN ref r USING (i, j, step_no) JOIN cube c USING (i, j, step_no);
SELECT count(*) FILTER (WHERE class > 0) AS hot_bins, count(*) FILTER (WHERE class < 0) AS cold_bins FROM st;
-- 3. the trend of each cell's z-scores: Mann-Kendall S by the pair sum, the
-- variance with ties, the continuity-corrected z
CREATE TEMP TABLE eh AS SELECT h.* FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000) h;
CREATE TEMP TABLE mk AS
WITH zs AS (SELECT i, j, step_no, coalesce(z, 0) AS z FROM st),
s AS (SELECT a.i, a.j, sum(sign(b.z - a.z)) AS s FROM zs a JOIN zs b
      ON a.i = b.i AND a.j = b.j AND b.step_no > a.step_no GROUP BY 1, 2),
ties AS (SELECT i, j, sum(t * (t - 1) * (2 * t + 5)) AS tt
         FROM (SELECT i, j, count(*)::float8 AS t FROM zs GROUP BY i, j, z) x GROUP BY 1, 2),
n AS (SELECT count(DISTINCT step_no)::float8 AS n FROM zs)
SELECT s.i, s.j, s.s, (n * (n - 1) * (2 * n + 5) - tt) / 18 AS var,
       CASE WHEN s.s = 0 THEN 0 ELSE (s.s - sign(s.s)) / sqrt((n * (n - 1) * (2 * n + 5) - tt) / 18) END AS z
FROM s JOIN ties USING (i, j), n;
SELECT count(*) AS cells, max(abs(eh.trend_z - mk.z)) < 1e-12 AS trend_z_equal,
       bool_and(eh.steps = 36) AS steps, count(*) FILTER (WHERE mk.s <> 0) AS cells_with_a_trend
FROM eh JOIN mk USING (i, j);
-- hot and cold steps, final z: those of the FDR-corrected space-time Gi*
SELECT bool_and(eh.hot_steps = f.hot AND eh.cold_steps = f.cold) AS steps_counted,
       bool_and(eh.final_z = f.final_z) AS final_z
FROM eh JOIN (SELECT i, j, count(*) FILTER (WHERE class > 0) AS hot, count(*) FILTER (WHERE class < 0) AS cold,
                     (array_agg(z ORDER BY step_no DESC))[1] AS final_z
              FROM ev, safety.space_time_gi_star(e, 500, '1 month', 1000, fdr => true) GROUP BY 1, 2) f USING (i, j);
SELECT category, count(*) FROM eh GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT bool_and(ST_Equals(geom, ST_MakeEnvelope(500 * i, 500 * j, 500 * (i + 1), 500 * (j + 1), 32616))) AS cell_polygons,
       bool_and(cell_id = (i::bigint << 32) | (j::bigint & 4294967295)) AS cell_ids FROM eh;
-- hexagons: the cube's cells are hex_agg's
SELECT (SELECT count(DISTINCT cell_id) FROM ev, safety.space_time_cube(e, 300, '3 months', 600, shape => 'hexagon')) AS hex_cells,
       (SELECT sum(count) FROM ev, safety.space_time_cube(e, 300, '3 months', 600, shape => 'hexagon')) AS hex_events;

-- 4. a planted city: 30 x 30 cells of 100 m, 20 weekly steps, 5 events in
-- every cell and step, and in fourteen 3 x 3 blocks the counts of a category
-- (the centre's neighbourhood at 100 m is the block's middle cross)
CREATE TEMP TABLE plant(category text, ci int, cj int, pattern text);
INSERT INTO plant VALUES
  ('new hot spot', 3, 3, 'new'), ('consecutive hot spot', 8, 3, 'consecutive'),
  ('intensifying hot spot', 13, 3, 'rising'), ('persistent hot spot', 18, 3, 'flat'),
  ('diminishing hot spot', 23, 3, 'fading'), ('sporadic hot spot', 3, 8, 'on-off'),
  ('oscillating hot spot', 8, 8, 'cold-then-hot'), ('historical hot spot', 13, 8, 'was-hot'),
  ('new cold spot', 18, 8, 'new-cold'), ('consecutive cold spot', 23, 8, 'consecutive-cold'),
  ('persistent cold spot', 3, 13, 'always-cold'), ('historical cold spot', 8, 13, 'was-cold'),
  ('sporadic cold spot', 13, 13, 'on-off-cold'), ('oscillating cold spot', 18, 13, 'hot-then-cold');
CREATE FUNCTION pg_temp.planted_count(pattern text, s int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE pattern
    WHEN 'new' THEN CASE WHEN s = 19 THEN 20 ELSE 5 END
    WHEN 'consecutive' THEN CASE WHEN s >= 16 THEN 20 ELSE 5 END
    WHEN 'rising' THEN 13 + s
    WHEN 'flat' THEN 20
    WHEN 'fading' THEN 32 - s
    WHEN 'on-off' THEN CASE WHEN s IN (3, 8, 13, 19) THEN 20 ELSE 5 END
    WHEN 'cold-then-hot' THEN CASE WHEN s <= 4 THEN 0 WHEN s >= 17 THEN 20 ELSE 5 END
    WHEN 'was-hot' THEN CASE WHEN s <= 18 THEN 20 ELSE 5 END
    WHEN 'new-cold' THEN CASE WHEN s = 19 THEN 0 ELSE 5 END
    WHEN 'consecutive-cold' THEN CASE WHEN s >= 16 THEN 0 ELSE 5 END
    WHEN 'always-cold' THEN 0
    WHEN 'was-cold' THEN CASE WHEN s <= 18 THEN 0 ELSE 5 END
    WHEN 'on-off-cold' THEN CASE WHEN s IN (3, 8, 13, 19) THEN 0 ELSE 5 END
    WHEN 'hot-then-cold' THEN CASE WHEN s <= 4 THEN 20 WHEN s >= 17 THEN 0 ELSE 5 END END $$;
CREATE TEMP TABLE city AS
WITH cells AS (SELECT ci, cj FROM generate_series(0, 29) ci, generate_series(0, 29) cj),
counts AS (SELECT c.ci, c.cj, s, coalesce((SELECT pg_temp.planted_count(p.pattern, s) FROM plant p
                                           WHERE abs(p.ci - c.ci) <= 1 AND abs(p.cj - c.cj) <= 1), 5) AS n
           FROM cells c, generate_series(0, 19) s)
SELECT row_number() OVER () AS id,
       ST_SetSRID(ST_MakePoint(400000 + 100 * ci + 10 + 4 * k, 4330000 + 100 * cj + 50), 32616) AS geom,
       timestamptz '2024-01-01' + s * interval '7 days' + interval '3 days' + k * interval '1 minute' AS t
FROM counts, generate_series(1, n) k;
CREATE TEMP TABLE planted AS
SELECT p.category AS planted, h.category, h.hot_steps, h.cold_steps, round(h.trend_z::numeric, 2) AS trend_z
FROM plant p,
     (SELECT h.* FROM (SELECT safety.events_agg(geom, t, id) AS e FROM city) c,
             safety.emerging_hotspots(e, 100, '7 days', 100, time_steps => 0, start => '2024-01-01',
                                      stop => '2024-05-20', analysis_set => 'rectangle', fdr => false) h) h
WHERE h.i = 4000 + p.ci AND h.j = 43300 + p.cj;
SELECT planted, category, planted = category AS classified, hot_steps, cold_steps, trend_z FROM planted ORDER BY planted;
-- the background far from every block shows no pattern
SELECT category, count(*) FROM (SELECT safety.events_agg(geom, t, id) AS e FROM city) c,
       safety.emerging_hotspots(e, 100, '7 days', 100, time_steps => 0, start => '2024-01-01',
                                stop => '2024-05-20', analysis_set => 'rectangle', fdr => false) h
WHERE h.i - 4000 >= 26 OR h.j - 43300 >= 17 GROUP BY 1;

-- 5. bad input
SELECT count(*) FROM safety.emerging_hotspots(NULL, 500, '1 month', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, NULL, '1 month', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, NULL, 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', NULL);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '-1 month', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '0 days', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 second', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 year', 1000);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 400);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, time_steps => -1);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, time_steps => 36);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, shape => 'triangle');
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, analysis_set => 'all');
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, trend_alpha => 0);
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, start => '2019-01-01', stop => '2018-01-01');
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000, start => '2030-01-01', stop => '2031-01-01');
SELECT count(*) FROM ev, safety.emerging_hotspots(e, 500, '1 month', 1000,
                                                  study_area => ST_SetSRID(ST_MakeEnvelope(0, 0, 1, 1), 4326));
SELECT count(*) FROM ev, safety.space_time_cube(e, 500, '1 month', 1000, start => 'infinity');
SELECT count(*) FROM (SELECT safety.events_agg(geom, occurred_at) AS e FROM incidents WHERE false) x,
       safety.space_time_cube(e, 500, '1 month', 1000);
-- a study area: only its cells
SELECT count(DISTINCT cell_id) AS cells_in_area FROM ev,
       safety.space_time_cube(e, 500, '1 month', 1000,
                              study_area => (SELECT ST_Buffer(ST_Centroid(ST_Collect(geom)), 2000) FROM incidents));
