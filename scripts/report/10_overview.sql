-- The report's opening: what the data holds.
\echo
\echo '=== safety report: Cincinnati burglaries (bundled data) ==='
\echo
SELECT count(*) AS incidents, count(geom) AS with_location,
       to_char(min(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS first_day,
       to_char(max(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS last_day
FROM incidents;
\echo 'Incidents per year and offense:'
SELECT extract(year FROM occurred_at)::int AS year,
       count(*) FILTER (WHERE offense = 'BURGLARY') AS burglary,
       count(*) FILTER (WHERE offense = 'AGGRAVATED BURGLARY') AS aggravated,
       count(*) AS total
FROM incidents GROUP BY 1 ORDER BY 1;
