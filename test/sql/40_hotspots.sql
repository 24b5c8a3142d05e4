-- Hot spots: kernel density against a plain PostGIS computation, Gi* against
-- a hand-worked case and a plain SQL formulation, FDR classes against the
-- Benjamini-Hochberg procedure written out in SQL, the nearest-neighbour
-- index against a hand computation and a brute-force KNN query.
\i test/sql/include/incidents.sql
SET extra_float_digits = 0;

-- 1. kde_agg equals the kernel formula summed in plain PostGIS, for every
--    kernel: cell centres ((i + 0.5) s, (j + 0.5) s) of ST_SquareGrid cells,
--    ST_Distance to the events within the support, K(d/h)/h² summed.
CREATE TEMP TABLE kernels(kernel text, support float8);
INSERT INTO kernels VALUES ('quartic', 1), ('epanechnikov', 1), ('triangular', 1), ('uniform', 1), ('gaussian', 3);
CREATE FUNCTION pg_temp.kernel_value(kernel text, u float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kernel
    WHEN 'quartic' THEN 3 / pi() * (1 - u * u) ^ 2
    WHEN 'epanechnikov' THEN 2 / pi() * (1 - u * u)
    WHEN 'triangular' THEN 3 / pi() * (1 - u)
    WHEN 'uniform' THEN 1 / pi()
    WHEN 'gaussian' THEN 1 / (2 * pi()) * exp(-u * u / 2) END $$;
-- plain PostGIS KDE: s = 250 m, h = 400 m; weights 1, or 2 for aggravated
-- burglaries.  Pairs (cell centre, event) within the widest support first.
CREATE TEMP TABLE pairs AS
WITH ext AS (SELECT ST_SetSRID(ST_Expand(ST_Extent(geom), 1500), 32616) AS e FROM incidents),
     grid AS (SELECT g.i, g.j, ST_SetSRID(ST_MakePoint((g.i + 0.5) * 250, (g.j + 0.5) * 250), 32616) AS c
              FROM ext, ST_SquareGrid(250, ext.e) g)
SELECT g.i, g.j, ST_Distance(g.c, e.geom) AS d, CASE WHEN e.offense <> 'BURGLARY' THEN 2 ELSE 1 END AS w
FROM grid g JOIN incidents e ON ST_DWithin(g.c, e.geom, 400 * 3);
CREATE TEMP TABLE plain_kde AS
SELECT k.kernel, wt.weighted, p.i, p.j,
       sum(CASE WHEN wt.weighted THEN p.w ELSE 1 END * pg_temp.kernel_value(k.kernel, p.d / 400) / (400 * 400)) AS density
FROM kernels k, (VALUES (false), (true)) wt(weighted), pairs p
WHERE p.d < k.support * 400
GROUP BY 1, 2, 3, 4;
CREATE TEMP TABLE ext_kde AS
SELECT k.kernel, false AS weighted, c.i, c.j, c.value AS density
FROM kernels k, safety.cells((SELECT safety.kde_agg(geom, 250, 400, k.kernel) FROM incidents)) c
UNION ALL
SELECT k.kernel, true, c.i, c.j, c.value
FROM kernels k, safety.cells((SELECT safety.kde_agg(geom, 250, 400,
       CASE WHEN offense <> 'BURGLARY' THEN 2 ELSE 1 END, k.kernel) FROM incidents)) c;
SELECT kernel, weighted, count(*) AS cells,
       count(*) FILTER (WHERE a.density IS NULL) AS missing_in_kde_agg,
       count(*) FILTER (WHERE b.density IS NULL) AS missing_in_plain_sql,
       count(*) FILTER (WHERE abs(a.density - b.density) > 1e-9 * abs(b.density)) AS beyond_1e_9
FROM ext_kde a FULL JOIN plain_kde b USING (kernel, weighted, i, j)
GROUP BY 1, 2 ORDER BY 1, 2;
-- the default kernel is quartic; names are case-insensitive, with aliases
SELECT (SELECT safety.kde_agg(geom, 250, 400) FROM incidents)::text
     = (SELECT safety.kde_agg(geom, 250, 400, 'BiWeight') FROM incidents)::text AS default_is_quartic;
-- mass: the density times the cell area sums to about the number of events
SELECT round((safety.total(g) * 250 * 250)::numeric, 0) AS mass,
       (SELECT count(geom) FROM incidents) AS located
FROM (SELECT safety.kde_agg(geom, 250, 400) g FROM incidents) s;
-- per km²: per_km2 multiplies a per-m² density by 1e6
SELECT round(safety.per_km2(max(c.value))::numeric, 3) AS peak_per_km2
FROM safety.cells((SELECT safety.kde_agg(geom, 250, 400) FROM incidents)) c;
-- as a window aggregate the state lives on between final calls: every
-- frame's density equals the aggregate over the same rows
WITH first AS (SELECT id, geom FROM incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 40),
     w AS (SELECT id, safety.kde_agg(geom, 250, 400) OVER (ORDER BY id) AS g FROM first)
SELECT count(*) AS frames,
       count(*) FILTER (WHERE w.g::text IS DISTINCT FROM
                        (SELECT safety.kde_agg(geom, 250, 400)::text FROM first f WHERE f.id <= w.id)) AS differing
FROM w;

-- 2. kde(events) and kde_bandwidth(events)
CREATE TEMP TABLE ev AS SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents;
-- kde_bandwidth by hand: 0.9 min(SD, sqrt(1/ln 2) Dm) n^-0.2
WITH p AS (SELECT ST_X(geom) x, ST_Y(geom) y FROM incidents WHERE geom IS NOT NULL),
     m AS (SELECT avg(x) mx, avg(y) my, count(*) n FROM p),
     d AS (SELECT sqrt((x - mx) ^ 2 + (y - my) ^ 2) AS dist FROM p, m)
SELECT abs(safety.kde_bandwidth((SELECT e FROM ev))
           - 0.9 * least(sqrt(avg(dist ^ 2)), sqrt(1 / ln(2)) * percentile_cont(0.5) WITHIN GROUP (ORDER BY dist))
             * max(m.n) ^ -0.2) < 1e-6 AS bandwidth_matches,
       round(safety.kde_bandwidth((SELECT e FROM ev))::numeric, 3) AS bandwidth
FROM d, m;
-- kde(e, s) uses that bandwidth; kde(e, s, h, kernel) equals kde_agg
SELECT count(*) AS cells, count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL
         OR abs(a.value - b.value) > 1e-12 * abs(b.value)) AS differ
FROM safety.cells((SELECT safety.kde(e, 250) FROM ev)) a
FULL JOIN safety.cells((SELECT safety.kde_agg(geom, 250, (SELECT safety.kde_bandwidth(e) FROM ev)) FROM incidents)) b
USING (cell_id);
SELECT count(*) AS cells, count(*) FILTER (WHERE a.value IS NULL OR b.value IS NULL
         OR abs(a.value - b.value) > 1e-12 * abs(b.value)) AS differ
FROM safety.cells((SELECT safety.kde(e, 200, 300, 'triangular') FROM ev)) a
FULL JOIN safety.cells((SELECT safety.kde_agg(geom, 200, 300, 'triangular') FROM incidents)) b
USING (cell_id);

-- 3. Gi*: a hand-worked 3 x 3 case.  Cells (0,0)=1, (0,1)=2, (1,0)=3,
--    (2,2)=6, the other five 0; band 10 = one cell: rook neighbours and self.
--    N = 9, X̄ = 12/9, S = sqrt(50/9 - (4/3)²) = sqrt(34)/3.
--    (0,0): n = 3, Σx = 6: z = (6 - 3·4/3) / (S·sqrt((9·3 - 9)/8)) = 4/sqrt(34) = 0.6859943406
--    (1,1): n = 5, Σx = 5: z = (5 - 20/3) / (S·sqrt((45 - 25)/8)) = -0.5423261445
--    (0,1): n = 4, Σx = 3: z = (3 - 16/3) / (S·sqrt((36 - 16)/8)) = -0.7592566024
SELECT i, j, value, neighbors, round(z::numeric, 10) AS z, round(p::numeric, 10) AS p, class
FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3),(2,2,6)}', 10)
ORDER BY i, j;
SELECT abs(z - 4 / sqrt(34)) < 1e-12 AS z00_exact
FROM safety.gi_star('SRID=32616;SQUARE(10){(0,0,1),(0,1,2),(1,0,3),(2,2,6)}', 10) WHERE i = 0 AND j = 0;

-- Gi* equals the formula written in SQL (self-join within the band) on a
-- 500 m grid of the bundled data, every cell of the spanned rectangle
-- included (analysis_set => 'rectangle'; the default set is checked the same
-- way in 80_defaults_analysis_set)
CREATE TEMP TABLE g500 AS SELECT safety.grid_agg(geom, 500) AS g FROM incidents;
CREATE TEMP TABLE gi AS SELECT r.* FROM g500, safety.gi_star(g500.g, 1200, analysis_set => 'rectangle') r;
WITH c AS (SELECT cell_id, value AS x, ST_Centroid(geom) AS pt FROM gi),
     s AS (SELECT count(*) AS n, avg(x) AS m, sqrt(avg(x * x) - avg(x) ^ 2) AS sd FROM c),
     w AS (SELECT a.cell_id, count(*) AS nb, sum(b.x) AS sx FROM c a JOIN c b ON ST_DWithin(a.pt, b.pt, 1200) GROUP BY 1),
     plain AS (SELECT w.cell_id, w.nb, (w.sx - s.m * w.nb) / (s.sd * sqrt((s.n * w.nb - w.nb * w.nb)::float8 / (s.n - 1))) AS z FROM w, s)
SELECT count(*) AS cells, sum(value) AS incidents,
       count(*) FILTER (WHERE gi.neighbors <> plain.nb) AS neighbor_counts_differ,
       count(*) FILTER (WHERE abs(gi.z - plain.z) > 1e-9) AS z_differ
FROM gi JOIN plain USING (cell_id);
-- classes: ±3 p < .01, ±2 p < .05, ±1 p < .10, signed by z
SELECT count(*) FILTER (WHERE class <> sign(z) * CASE WHEN p < 0.01 THEN 3 WHEN p < 0.05 THEN 2 WHEN p < 0.10 THEN 1 ELSE 0 END) AS class_differs
FROM gi;
SELECT class, count(*) FROM gi GROUP BY class ORDER BY class;

-- 4. FDR: Benjamini-Hochberg written out — rank p ascending among all N
--    cells; per level α the cut-off is the p of the largest rank k with
--    p_(k) <= k/N·α; a cell is significant at α when p <= that cut-off.
CREATE TEMP TABLE gif AS SELECT r.* FROM g500, safety.gi_star(g500.g, 1200, fdr => true, analysis_set => 'rectangle') r;
WITH ranked AS (SELECT cell_id, p, z, row_number() OVER (ORDER BY p NULLS LAST, cell_id) AS k, count(*) OVER () AS n FROM gif),
     cut AS (SELECT a.alpha, max(p) FILTER (WHERE p <= k::float8 / n * a.alpha) AS cutoff
             FROM ranked, (VALUES (0.10), (0.05), (0.01)) a(alpha) GROUP BY a.alpha),
     expect AS (
       SELECT r.cell_id, (sign(r.z) * CASE
                WHEN r.p <= (SELECT cutoff FROM cut WHERE alpha = 0.01) THEN 3
                WHEN r.p <= (SELECT cutoff FROM cut WHERE alpha = 0.05) THEN 2
                WHEN r.p <= (SELECT cutoff FROM cut WHERE alpha = 0.10) THEN 1 ELSE 0 END)::int AS class
       FROM ranked r)
SELECT count(*) AS cells, count(*) FILTER (WHERE e.class <> f.class) AS fdr_class_differs,
       count(*) FILTER (WHERE f.z IS DISTINCT FROM g.z) AS z_changed_by_fdr,
       count(*) FILTER (WHERE abs(f.class) > abs(g.class)) AS fdr_more_significant
FROM expect e JOIN gif f USING (cell_id) JOIN gi g USING (cell_id);
SELECT class, count(*) FROM gif GROUP BY class ORDER BY class;

-- hexagons: neighbours by centre distance (√3·s apart), over the default
-- analysis set (the cells within the band of a cell with events)
SELECT neighbors, count(*) FROM safety.gi_star((SELECT safety.hex_agg(geom, 300) FROM incidents), 520) GROUP BY 1 ORDER BY 1;
-- a density grid works too (default set: cells within the band of a
-- non-zero density)
SELECT count(*) AS cells, count(*) FILTER (WHERE class = 3) AS hot_99
FROM safety.gi_star((SELECT safety.kde_agg(geom, 250, 750) FROM incidents), 750);
-- a study area: every cell whose centre is inside (a 4 x 3 km rectangle
-- holds 16 x 12 cells of 250 m), zeros included
SELECT count(*) AS cells, min(i), max(i), min(j), max(j), sum(value) AS incidents
FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 500,
                    ST_MakeEnvelope(712000, 4330000, 716000, 4333000, 32616));
-- a polygon with a hole: the hole's cells are left out
SELECT count(*) AS cells
FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 500,
                    ST_Difference(ST_MakeEnvelope(712000, 4330000, 716000, 4333000, 32616),
                                  ST_MakeEnvelope(713000, 4331000, 714000, 4332000, 32616)));

-- 5. nearest neighbour index: by hand, 4 corners of a 10 m square and its
--    centre: every NN distance is 5·sqrt(2); hull area 100;
--    expected 0.5/sqrt(5/100) = sqrt(5); ratio = 5·sqrt(2)/sqrt(5) = sqrt(10);
--    SE = 0.26136/sqrt(25/100) = 0.52272; z = (5·sqrt(2) - sqrt(5))/0.52272
SELECT n, area, round(observed::numeric, 10) AS observed, round(expected::numeric, 10) AS expected,
       round(ratio::numeric, 10) AS ratio, abs(ratio - sqrt(10)) < 1e-12 AS ratio_is_sqrt10,
       round(se::numeric, 10) AS se, abs(z - (5 * sqrt(2) - sqrt(5)) / 0.52272) < 1e-9 AS z_matches
FROM safety.nni((SELECT safety.events_agg(g, timestamptz '2016-01-01') FROM
     (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(10 0)'), ('SRID=32616;POINT(0 10)'),
             ('SRID=32616;POINT(10 10)'), ('SRID=32616;POINT(5 5)')) v(g)));
-- an explicit area
SELECT round(expected::numeric, 10) AS expected_in_400 FROM safety.nni((SELECT safety.events_agg(g, timestamptz '2016-01-01') FROM
     (VALUES ('SRID=32616;POINT(0 0)'::geometry), ('SRID=32616;POINT(10 0)'), ('SRID=32616;POINT(0 10)'),
             ('SRID=32616;POINT(10 10)'), ('SRID=32616;POINT(5 5)')) v(g)), 400);
-- brute force on the bundled data: KNN (<->) to the nearest other incident,
-- convex hull area from PostGIS
WITH nn AS (SELECT (SELECT ST_Distance(a.geom, b.geom) FROM incidents b
                    WHERE b.geom IS NOT NULL AND b.id <> a.id ORDER BY a.geom <-> b.geom LIMIT 1) AS d
            FROM incidents a WHERE a.geom IS NOT NULL),
     plain AS (SELECT count(*) AS n, avg(d) AS observed,
                      (SELECT ST_Area(ST_ConvexHull(ST_Collect(geom))) FROM incidents) AS area FROM nn)
SELECT r.n = plain.n AS n_equal,
       abs(r.area - plain.area) < 1e-9 * plain.area AS area_equal,
       abs(r.observed - plain.observed) < 1e-9 * plain.observed AS observed_equal,
       abs(r.expected - 0.5 / sqrt(plain.n / plain.area)) < 1e-9 AS expected_equal,
       abs(r.z - (plain.observed - 0.5 / sqrt(plain.n / plain.area)) / (0.26136 / sqrt(plain.n ^ 2 / plain.area))) < 1e-9 AS z_equal,
       round(r.ratio::numeric, 4) AS ratio, round(r.z::numeric, 2) AS z
FROM plain, ev, safety.nni(ev.e) r;

-- 6. optimized hot spots: cell size and band from the data (reported as
--    columns and a NOTICE), then Gi* with FDR over the non-empty cells
SELECT cell_size, round(distance_band::numeric, 3) AS distance_band, count(*) AS cells,
       sum(value) AS incidents, count(*) FILTER (WHERE class = 3) AS hot_99,
       count(*) FILTER (WHERE class < 0) AS cold
FROM safety.optimized_hotspots((SELECT e FROM ev)) GROUP BY 1, 2;
-- with a study area every cell inside counts, zeros included
SELECT cell_size, count(*) AS cells, count(*) FILTER (WHERE value = 0) AS empty_cells
FROM safety.optimized_hotspots((SELECT e FROM ev), ST_MakeEnvelope(712000, 4330000, 716000, 4333000, 32616)) GROUP BY 1;
