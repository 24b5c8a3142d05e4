-- Patrol planning: where k patrols cover the most of next week's forecast
-- (safety.patrol_cover_curve, 800 m reach), the red cells they reach, and
-- the first hours of a shift plan over the top hot spots.
SET timezone = 'UTC';
CREATE TEMP TABLE patrol_t AS
SELECT cell_id, ST_Centroid(geom) AS centre, expected, tier
FROM safety.risk_tiers((SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) FROM incidents),
                       '2018-07-01', 250);
CREATE TEMP TABLE patrol_a AS
SELECT array_agg(centre ORDER BY cell_id) AS demand, array_agg(expected ORDER BY cell_id) AS value,
       array_agg(cell_id ORDER BY cell_id) AS ids FROM patrol_t;
\echo 'Share of next week''s expected burglaries within 800 m of k patrol posts (safety.patrol_cover_curve; gap: how far'
\echo 'from the best possible k posts the plan can be at most, from the Lagrangian bound):'
SELECT c.k AS posts, round((100 * c.share)::numeric, 1) AS covered_pct, round((100 * c.gap)::numeric, 2) AS gap_pct
FROM patrol_a a, safety.patrol_cover_curve(a.demand, a.value, 20, 800) c WHERE c.k IN (1, 5, 10, 20) ORDER BY c.k;
\echo 'The 10-post plan: red cells within 800 m of a post (safety.response_coverage):'
WITH posts AS (SELECT array_agg(p.geom) AS g FROM patrol_a a, safety.patrol_cover(a.demand, a.value, 10, 800) p),
     r AS (SELECT r.* FROM patrol_a a, posts, safety.response_coverage(a.demand, a.value, posts.g, 800) r)
SELECT count(*) FILTER (WHERE t.tier = 'red') AS red_cells,
       count(*) FILTER (WHERE t.tier = 'red' AND r.covered) AS red_cells_reached,
       round((100 * sum(t.expected) FILTER (WHERE r.covered) / sum(t.expected))::numeric, 1) AS risk_reached_pct
FROM r JOIN (SELECT *, row_number() OVER (ORDER BY cell_id) AS demand FROM patrol_t) t USING (demand);
\echo 'A shift plan from 14:00 (local time) over the 6 top hot spots: 15-minute visits (Koper curve), the first five:'
SELECT s.visit, s.cell_id, to_char(s.arrive AT TIME ZONE 'America/New_York', 'HH24:MI') AS arrive,
       to_char(s.depart AT TIME ZONE 'America/New_York', 'HH24:MI') AS depart, s.nth || ' of ' || s.visits AS visit_of, s.revisit
FROM patrol_a a, safety.shift_plan(a.ids, a.demand, a.value, '2018-07-01 14:00 America/New_York', hotspots => 6) s
ORDER BY s.visit LIMIT 5;
DROP TABLE patrol_t, patrol_a;
