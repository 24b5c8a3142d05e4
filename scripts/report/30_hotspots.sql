-- Hot spots: kernel density and Getis-Ord Gi* (safety.kde_agg, safety.gi_star,
-- safety.nni, safety.optimized_hotspots).
SET client_min_messages = warning;
\echo 'Clustering: average nearest neighbour (safety.nni; area = convex hull of the incidents):'
SELECT n AS incidents, round(observed::numeric, 1) AS mean_nn_m, round(expected::numeric, 1) AS expected_if_random_m,
       round(ratio::numeric, 3) AS nn_ratio, round(z::numeric, 1) AS z,
       CASE WHEN ratio < 1 AND p < 0.01 THEN 'clustered (p < 0.01)' WHEN ratio > 1 AND p < 0.01 THEN 'dispersed (p < 0.01)' ELSE 'random' END AS pattern
FROM safety.nni((SELECT safety.events_agg(geom, occurred_at) FROM incidents));
\echo 'Top hot spots: 250 m cells, incidents, kernel density (quartic, 500 m) at the cell centre, Gi* (750 m band, FDR, over the cells within 750 m of an incident):'
WITH g AS (SELECT safety.grid_agg(geom, 250) AS counts, safety.kde_agg(geom, 250, 500) AS density FROM incidents),
     hs AS (SELECT r.* FROM g, safety.gi_star(g.counts, 750, fdr => true) r),
     kd AS (SELECT c.cell_id, c.value FROM g, safety.cells(g.density) c)
SELECT hs.cell_id, hs.value::int AS incidents,
       round(safety.per_km2(kd.value)::numeric, 1) AS density_per_km2,
       round(hs.z::numeric, 2) AS gi_z, hs.class AS gi_class,
       round(ST_X(ST_Transform(ST_Centroid(hs.geom), 4326))::numeric, 5) AS lon,
       round(ST_Y(ST_Transform(ST_Centroid(hs.geom), 4326))::numeric, 5) AS lat
FROM hs LEFT JOIN kd USING (cell_id)
ORDER BY hs.z DESC NULLS LAST, hs.cell_id LIMIT 10;
\echo 'Cells by Gi* class (3 = hot spot at 99% confidence, -3 = cold spot at 99%; cells within 750 m of an incident):'
SELECT class AS gi_class, count(*) AS cells, sum(value)::int AS incidents
FROM safety.gi_star((SELECT safety.grid_agg(geom, 250) FROM incidents), 750, fdr => true)
GROUP BY class ORDER BY class DESC;
\echo 'Optimized hot spots (scale chosen from the data, as ArcGIS Optimized Hot Spot Analysis):'
SELECT max(cell_size) AS cell_size_m, round(max(distance_band)::numeric, 1) AS distance_band_m,
       count(*) AS cells_analysed, count(*) FILTER (WHERE class = 3) AS hot_99, count(*) FILTER (WHERE class > 0) AS hot_any,
       count(*) FILTER (WHERE class < 0) AS cold_any
FROM safety.optimized_hotspots((SELECT safety.events_agg(geom, occurred_at) FROM incidents));
