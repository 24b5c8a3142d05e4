-- Where crime concentrates, counted on a grid with safety.grid_agg.
\echo 'Busiest 250 m cells (safety.grid_agg + safety.cells), centre in lon/lat:'
WITH g AS (SELECT safety.grid_agg(geom, 250) AS g FROM incidents)
SELECT c.cell_id, c.value::int AS incidents,
       round((100 * c.value / safety.total(g.g))::numeric, 2) AS pct_of_all,
       round(ST_X(ST_Transform(ST_Centroid(c.geom), 4326))::numeric, 5) AS lon,
       round(ST_Y(ST_Transform(ST_Centroid(c.geom), 4326))::numeric, 5) AS lat
FROM g, safety.cells(g.g) c
ORDER BY c.value DESC, c.cell_id LIMIT 10;
\echo 'Concentration: share of incidents in the busiest cells (250 m squares, 300 m hexagons):'
WITH sq AS (SELECT c.value FROM safety.cells((SELECT safety.grid_agg(geom, 250) FROM incidents)) c),
     hx AS (SELECT c.value FROM safety.cells((SELECT safety.hex_agg(geom, 300) FROM incidents)) c),
     ranked AS (
       SELECT 'square 250 m' AS grid, value, row_number() OVER (ORDER BY value DESC) AS r,
              count(*) OVER () AS cells, sum(value) OVER () AS total FROM sq
       UNION ALL
       SELECT 'hexagon 300 m', value, row_number() OVER (ORDER BY value DESC),
              count(*) OVER (), sum(value) OVER () FROM hx)
SELECT grid, max(cells) AS non_empty_cells,
       round((100 * sum(value) FILTER (WHERE r <= cells * 0.05) / max(total))::numeric, 1) AS pct_in_top_5pct_cells,
       round((100 * sum(value) FILTER (WHERE r <= cells * 0.20) / max(total))::numeric, 1) AS pct_in_top_20pct_cells
FROM ranked GROUP BY grid ORDER BY grid DESC;
