-- Repeat and near-repeat victimisation of the bundled burglaries.
\echo
\echo 'Near repeats, one event per incident number: Knox table, manhattan distance, 99 permutations (seed 1) for demo speed'
\echo '(ratio = observed pairs / mean over permutations of event times; * = p < 0.05 and ratio >= 1.2)'
-- The table holds one row per offense: the rows of one incident share its
-- number and time, with points jittered 40-170 m apart, so only the number
-- finds them. Collect the events with the incident number as id and keep
-- one per incident (safety.collapse_duplicates: its earliest row); the id
-- is dense_rank of the number because 7 numbers are not numeric
-- ('169C000118', 'COPY OF 189017411', ...).
CREATE TEMP TABLE report_inc AS
SELECT dense_rank() OVER (ORDER BY incident_no) AS k, incident_no, occurred_at, geom
FROM incidents WHERE geom IS NOT NULL;
CREATE TEMP TABLE report_ev AS
SELECT safety.collapse_duplicates(safety.events_agg(geom, occurred_at, k)) AS e FROM report_inc;
SELECT count(*) AS rows, safety.num_events((SELECT e FROM report_ev)) AS incidents FROM report_inc;
SELECT CASE WHEN distance_band = 0 THEN 'same location'
            WHEN distance_to IS NULL THEN format('%s m and more', distance_from)
            ELSE format('%s to %s m', distance_from, distance_to) END AS distance,
       max(format('%s%s', round(knox_ratio::numeric, 2), CASE WHEN significant THEN '*' END)) FILTER (WHERE time_band = 0) AS "[0,7) days",
       max(format('%s%s', round(knox_ratio::numeric, 2), CASE WHEN significant THEN '*' END)) FILTER (WHERE time_band = 1) AS "[7,14)",
       max(format('%s%s', round(knox_ratio::numeric, 2), CASE WHEN significant THEN '*' END)) FILTER (WHERE time_band = 2) AS "[14,21)",
       max(format('%s%s', round(knox_ratio::numeric, 2), CASE WHEN significant THEN '*' END)) FILTER (WHERE time_band = 3) AS "[21,28)",
       max(format('%s%s', round(knox_ratio::numeric, 2), CASE WHEN significant THEN '*' END)) FILTER (WHERE time_band = 4) AS "28+",
       sum(observed) AS pairs
FROM safety.near_repeat((SELECT e FROM report_ev), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1)
GROUP BY distance_band, distance_from, distance_to ORDER BY distance_band;
\echo 'Near-repeat zone (contiguous significant bands from the same location outwards):'
SELECT distance AS metres, days
FROM safety.near_repeat_zone((SELECT e FROM report_ev), ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1);
\echo 'Risk windows open at the end of the last day of data, with that zone (first 10 of them):'
SELECT (SELECT min(r.incident_no) FROM report_inc r WHERE r.k = w.id) AS incident, to_char(w.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS occurred_utc,
       to_char(w.window_end AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS window_end_utc,
       round(w.days_left::numeric, 1) AS days_left,
       round(ST_X(ST_Transform(ST_Centroid(w.zone), 4326))::numeric, 5) AS lon,
       round(ST_Y(ST_Transform(ST_Centroid(w.zone), 4326))::numeric, 5) AS lat
FROM safety.repeat_windows((SELECT e FROM report_ev),
                           (SELECT date_trunc('day', max(occurred_at)) + interval '1 day' - interval '1 microsecond' FROM incidents),
                           ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1) w
ORDER BY w.occurred_at DESC, w.id LIMIT 10;
SELECT count(*) AS open_windows_total
FROM safety.repeat_windows((SELECT e FROM report_ev),
                           (SELECT date_trunc('day', max(occurred_at)) + interval '1 day' - interval '1 microsecond' FROM incidents),
                           ARRAY[100, 200, 400], ARRAY[7, 14, 21, 28], 99, 1);
\echo 'Repeat locations (incidents within 25 m of each other, chained, count as one place):'
SELECT events, locations, repeat_locations,
       round((100 * share_locations_repeated)::numeric, 1) AS pct_locations_hit_again,
       round((100 * share_events_repeat)::numeric, 1) AS pct_events_repeats,
       round((100 * share_repeats_within)::numeric, 1) AS pct_repeats_within_1_year
FROM safety.repeat_summary((SELECT e FROM report_ev), 25);
\echo 'Time to repeat (25 m), first weeks:'
SELECT format('%s-%s', days_from, days_to) AS days, repeats,
       round((100 * share)::numeric, 1) AS pct, round((100 * cumulative_share)::numeric, 1) AS cumulative_pct
FROM safety.repeat_gaps((SELECT e FROM report_ev), 25) ORDER BY days_from LIMIT 6;
