-- Repeat and near-repeat victimisation of the bundled burglaries.
\echo
\echo 'Near repeats: Knox table, manhattan distance, 99 permutations (seed 1) for demo speed'
\echo '(ratio = observed pairs / mean over permutations of event times; * = p < 0.05 and ratio >= 1.2)'
-- one event per incident number: the data hold one row per offense, copies of
-- an incident at the same time ~100 m apart (jittered), which would inflate
-- the first bands (docs/methods-near-repeat.md, duplicates); the first row of each
\echo '(one event per incident number: 8,723 rows hold 6,949 incidents)'
CREATE TEMP TABLE report_ev AS
SELECT safety.events_agg(geom, occurred_at, id) AS e
FROM (SELECT DISTINCT ON (incident_no) * FROM incidents ORDER BY incident_no, id) one_per_incident;
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
SELECT w.id AS incident, to_char(w.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS occurred_utc,
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
\echo 'Repeat locations (events within 25 m of each other, chained, count as one place):'
SELECT events, locations, repeat_locations,
       round((100 * share_locations_repeated)::numeric, 1) AS pct_locations_hit_again,
       round((100 * share_events_repeat)::numeric, 1) AS pct_events_repeats,
       round((100 * share_repeats_within)::numeric, 1) AS pct_repeats_within_1_year
FROM safety.repeat_summary((SELECT e FROM report_ev), 25);
\echo 'Time to repeat (25 m), first weeks:'
SELECT format('%s-%s', days_from, days_to) AS days, repeats,
       round((100 * share)::numeric, 1) AS pct, round((100 * cumulative_share)::numeric, 1) AS cumulative_pct
FROM safety.repeat_gaps((SELECT e FROM report_ev), 25) ORDER BY days_from LIMIT 6;
