-- 55_patrol: patrol_cover against the optimum by brute force over every
-- k-subset of a small instance, its bound, coverage shares against plain
-- PostGIS, response_coverage against a nearest-post join, bad input.
SET client_min_messages = warning;
SET extra_float_digits = 0;
CREATE TEMP TABLE pd AS
SELECT i AS id, ST_SetSRID(ST_MakePoint((i * 7919) % 1000, (i * 104729) % 1000), 32616) AS geom,
       ((i * 31) % 7 + 1 + i / 1000.0)::float8 AS value  -- distinct, so the optimum is one set
FROM generate_series(1, 120) i;
CREATE TEMP TABLE ps AS
SELECT s AS id, ST_SetSRID(ST_MakePoint((s * 3571) % 1000 + 0.5, (s * 2999) % 1000 + 0.5), 32616) AS geom
FROM generate_series(1, 12) s;
-- the cover of every k-subset of the sites (k <= 3), by PostGIS
CREATE TEMP TABLE subsets AS
WITH s AS (SELECT id FROM ps),
     sets AS (SELECT ARRAY[a.id] AS ids FROM s a
              UNION ALL SELECT ARRAY[a.id, b.id] FROM s a JOIN s b ON a.id < b.id
              UNION ALL SELECT ARRAY[a.id, b.id, c.id] FROM s a JOIN s b ON a.id < b.id JOIN s c ON b.id < c.id)
SELECT ids, cardinality(ids) AS k,
       (SELECT coalesce(sum(d.value), 0) FROM pd d
        WHERE EXISTS (SELECT 1 FROM ps x WHERE x.id = ANY (ids) AND ST_DWithin(x.geom, d.geom, 300))) AS covered
FROM sets;
CREATE TEMP TABLE arr AS
SELECT (SELECT array_agg(geom ORDER BY id) FROM pd) AS demand, (SELECT array_agg(value ORDER BY id) FROM pd) AS value,
       (SELECT array_agg(geom ORDER BY id) FROM ps) AS sites;
-- the chosen sites' cover equals the brute-force optimum, for every k; the
-- chosen set is an optimal one; the bound is at least the optimum
SELECT k.k, o.best, o.optimal_sets,
       round((SELECT max(covered) FROM safety.patrol_cover(a.demand, a.value, k.k, 300, a.sites))::numeric, 9) AS covered,
       (SELECT array_agg(site ORDER BY site) FROM safety.patrol_cover(a.demand, a.value, k.k, 300, a.sites))
         IN (SELECT ids FROM subsets WHERE subsets.k = k.k AND abs(covered - o.best) < 1e-9) AS chosen_is_optimal,
       (SELECT min(bound) >= o.best - 1e-9 FROM safety.patrol_cover(a.demand, a.value, k.k, 300, a.sites)) AS bound_holds,
       (SELECT round(min(bound)::numeric, 6) FROM safety.patrol_cover(a.demand, a.value, k.k, 300, a.sites)) AS bound
FROM arr a, generate_series(1, 3) k(k),
     LATERAL (SELECT max(covered) AS best, count(*) FILTER (WHERE abs(covered - (SELECT max(covered) FROM subsets s2 WHERE s2.k = k.k)) < 1e-9) AS optimal_sets
              FROM subsets WHERE subsets.k = k.k) o
ORDER BY k.k;
-- greedy alone (improve => false) never beats the optimum either
SELECT k.k, (SELECT max(covered) FROM safety.patrol_cover(a.demand, a.value, k.k, 300, a.sites, improve => false))
            <= (SELECT max(covered) FROM subsets WHERE subsets.k = k.k) AS greedy_at_most_optimum
FROM arr a, generate_series(1, 3) k(k) ORDER BY 1;
-- rows: rank order, gains summing to the cumulative cover, share = covered / total,
-- each cumulative cover equal to PostGIS's cover of the sites so far
SELECT p.rank, p.site, p.gain, p.covered, round(p.share::numeric, 12) AS share,
       abs(p.covered - (SELECT sum(d.value) FROM pd d WHERE EXISTS (
           SELECT 1 FROM safety.patrol_cover(a.demand, a.value, 3, 300, a.sites) q
           WHERE q.rank <= p.rank AND ST_DWithin(q.geom, d.geom, 300)))) < 1e-9 AS equals_postgis,
       round((p.covered / (SELECT sum(value) FROM pd))::numeric, 12) AS share_by_sql,
       ST_Equals(p.geom, (SELECT geom FROM ps WHERE id = p.site)) AS geom_is_site
FROM arr a, safety.patrol_cover(a.demand, a.value, 3, 300, a.sites) p ORDER BY p.rank;
-- the demand points as sites (sites left out)
SELECT rank, site, covered FROM arr a, safety.patrol_cover(a.demand, a.value, 2, 300) ORDER BY rank;
-- the curve: each k as patrol_cover, greedy <= covered <= bound, gap in [0, 1)
SELECT c.k, c.covered, c.greedy <= c.covered AS greedy_below, c.covered <= c.bound + 1e-9 AS bound_above,
       c.gap >= 0 AND c.gap < 1 AS gap_ok,
       abs(c.covered - (SELECT max(covered) FROM safety.patrol_cover(a.demand, a.value, c.k, 300, a.sites))) < 1e-9 AS as_cover,
       abs(c.covered - (SELECT max(covered) FROM subsets s WHERE s.k = c.k)) < 1e-9 AS optimal
FROM arr a, safety.patrol_cover_curve(a.demand, a.value, 3, 300, a.sites) c ORDER BY c.k;

-- on the bundled data: 10 posts over the forecast, each cover equal to PostGIS's
CREATE TEMP TABLE fc AS
SELECT cell_id, ST_Centroid(geom) AS centre, expected
FROM safety.forecast((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents), '2018-07-01', 300);
CREATE TEMP TABLE plan AS
SELECT p.* FROM safety.patrol_cover((SELECT array_agg(centre ORDER BY cell_id) FROM fc),
                                    (SELECT array_agg(expected ORDER BY cell_id) FROM fc), 10, 800) p;
SELECT count(*) AS sites, count(DISTINCT site) AS distinct_sites,
       abs(max(covered) - (SELECT sum(f.expected) FROM fc f WHERE EXISTS (
           SELECT 1 FROM plan q WHERE ST_DWithin(q.geom, f.centre, 800)))) < 1e-9 AS cover_equals_postgis,
       abs(max(share) - max(covered) / (SELECT sum(expected) FROM fc)) < 1e-12 AS share_equals_sql,
       bool_and(bound >= covered) AS bound_at_least_cover,
       (min(bound) - max(covered)) / min(bound) < 0.01 AS gap_below_1pct
FROM plan;

-- response coverage: the nearest post within reach, as a PostGIS join
CREATE TEMP TABLE posts AS SELECT id, geom FROM ps WHERE id <= 4;
SELECT count(*) AS demand_points,
       count(*) FILTER (WHERE r.covered) AS reached,
       bool_and(r.post IS NOT DISTINCT FROM n.post) AS same_post,
       bool_and(r.distance IS NOT DISTINCT FROM n.distance OR abs(r.distance - n.distance) < 1e-9) AS same_distance,
       round((sum(r.value) FILTER (WHERE r.covered) / sum(r.value))::numeric, 12) AS share_reached,
       round(((SELECT sum(value) FROM pd d WHERE EXISTS (SELECT 1 FROM posts p WHERE ST_DWithin(p.geom, d.geom, 300)))
              / (SELECT sum(value) FROM pd))::numeric, 12) AS share_by_postgis
FROM safety.response_coverage((SELECT array_agg(geom ORDER BY id) FROM pd), (SELECT array_agg(value ORDER BY id) FROM pd),
                              (SELECT array_agg(geom ORDER BY id) FROM posts), 300) r
JOIN pd ON pd.id = r.demand
LEFT JOIN LATERAL (SELECT p.id AS post, ST_Distance(p.geom, pd.geom) AS distance FROM posts p
                   WHERE ST_DWithin(p.geom, pd.geom, 300) ORDER BY ST_Distance(p.geom, pd.geom), p.id LIMIT 1) n ON true;
-- the uncovered points, listed
SELECT demand, value FROM safety.response_coverage((SELECT array_agg(geom ORDER BY id) FROM pd), (SELECT array_agg(value ORDER BY id) FROM pd),
                              (SELECT array_agg(geom ORDER BY id) FROM posts), 300) WHERE NOT covered ORDER BY demand LIMIT 5;

-- a shift plan over the bundled forecast: 6 hot spots, 8 hours from 14:00,
-- 15-minute visits at 500 m per minute, spread by the burglaries' hours
CREATE TEMP TABLE hours AS
SELECT array_agg(n ORDER BY h) AS profile
FROM (SELECT h, (SELECT count(*) FROM incidents WHERE extract(hour FROM occurred_at AT TIME ZONE 'America/New_York') = h)::float8 AS n
      FROM generate_series(0, 23) h) x;
CREATE TEMP TABLE shift AS
SELECT s.* FROM hours, safety.shift_plan((SELECT array_agg(cell_id ORDER BY cell_id) FROM fc), (SELECT array_agg(centre ORDER BY cell_id) FROM fc),
                                         (SELECT array_agg(expected ORDER BY cell_id) FROM fc), '2018-07-01 14:00-04', hotspots => 6,
                                         hour_profile => hours.profile, time_zone => 'America/New_York') s;
-- the hot spots are the 6 cells of highest expected (ties to the lower cell_id)
SELECT (SELECT array_agg(DISTINCT cell_id ORDER BY cell_id) FROM shift)
       = (SELECT array_agg(cell_id ORDER BY cell_id) FROM (SELECT cell_id FROM fc ORDER BY expected DESC, cell_id LIMIT 6) t) AS top_six;
-- every visit lasts 15 minutes within the shift, after the previous one and its travel (PostGIS distance / speed)
SELECT count(*) AS visits,
       bool_and(depart - arrive = '15 minutes') AS dwell_15_min,
       bool_and(arrive >= '2018-07-01 14:00-04' AND depart <= '2018-07-01 22:00-04') AS within_shift,
       bool_and(prev_depart IS NULL OR arrive >= prev_depart + make_interval(secs => 60 * ST_Distance(geom, prev_geom) / 500) - '1 ms'::interval)
         AS after_travel,
       bool_and(abs(travel_minutes - coalesce(ST_Distance(geom, prev_geom) / 500, 0)) < 1e-9) AS travel_is_distance,
       bool_and(revisit = '8 hours'::interval / visits) AS revisit_is_shift_over_visits
FROM (SELECT *, lag(depart) OVER (ORDER BY visit) AS prev_depart, lag(geom) OVER (ORDER BY visit) AS prev_geom FROM shift) s;
-- visits follow expected: a spot with more expected is visited at least as often;
-- the n-th visits of a spot come in order
SELECT bool_and(a.n >= b.n) AS more_expected_more_visits
FROM (SELECT cell_id, max(expected) e, count(*) n FROM shift GROUP BY 1) a
JOIN (SELECT cell_id, max(expected) e, count(*) n FROM shift GROUP BY 1) b ON a.e > b.e;
SELECT bool_and(nth = rn AND visits = cnt) AS nth_in_order
FROM (SELECT nth, visits, row_number() OVER (PARTITION BY cell_id ORDER BY visit) AS rn, count(*) OVER (PARTITION BY cell_id) AS cnt FROM shift) s;
-- more of the visits in the busier hours of the profile: the 8 hours' weight and the visits' share per half
SELECT sum(CASE WHEN arrive < '2018-07-01 18:00-04' THEN 1 ELSE 0 END) AS visits_first_half,
       sum(CASE WHEN arrive >= '2018-07-01 18:00-04' THEN 1 ELSE 0 END) AS visits_second_half,
       (SELECT round((sum(p) FILTER (WHERE h BETWEEN 14 AND 17) / sum(p) FILTER (WHERE h BETWEEN 14 AND 21))::numeric, 3)
        FROM hours, unnest(hours.profile) WITH ORDINALITY u(p, o), LATERAL (SELECT (o - 1)::int AS h) x) AS profile_first_half
FROM shift;

-- bad input: clear errors
\set VERBOSITY default
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 0, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 13, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, NULL, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 2, -1, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 2, 'NaN', a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value[1:119], 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value[1:119] || '{-1}'::float8[], 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value[1:119] || '{NULL}'::float8[], 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value[1:119] || '{Infinity}'::float8[], 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand[1:119] || ST_SetSRID(ST_MakePoint(1, 1), 3857), a.value, 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand[1:119] || NULL::geometry, a.value, 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand[1:119] || ST_Buffer(a.demand[1], 5), a.value, 2, 300, a.sites);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 2, 300, ARRAY[ST_SetSRID(ST_MakePoint(1, 1), 3857)]);
SELECT * FROM arr a, safety.patrol_cover(a.demand, a.value, 1, 300, '{}'::geometry[]);
SELECT * FROM safety.patrol_cover('{}'::geometry[], '{}'::float8[], 1, 300);
SELECT * FROM safety.patrol_cover(ARRAY[ST_SetSRID(ST_MakePoint(-84.5, 39.1), 4326)], '{1}', 1, 300);
SELECT * FROM arr a, safety.patrol_cover_curve(a.demand, a.value, 13, 300, a.sites);
SELECT * FROM arr a, safety.response_coverage(a.demand, a.value, NULL, 300);
SELECT * FROM arr a, safety.response_coverage(a.demand, a.value, a.sites, -5);
SELECT * FROM safety.shift_plan('{1,2}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01');
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', hotspots => 0);
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', shift_length => '-1 hour');
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', dwell => '9 hours');
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', speed => 0);
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', hour_profile => '{1,2,3}');
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', '2018-07-01', shift_length => '8 days');
SELECT * FROM safety.shift_plan('{1}', ARRAY[ST_SetSRID(ST_MakePoint(0, 0), 32616)], '{1}', 'infinity');
