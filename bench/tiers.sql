-- bench/tiers.sql — safety.risk_scores against an equivalent plain-SQL scoring
-- of the same cells (harm, recency, seasonal excess, Mann-Kendall trend with
-- tie correction, normalisation, weighted score, rank).  Run by bench/tiers.sh.
\set ON_ERROR_STOP on
SET timezone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET work_mem = '256MB';
CREATE TEMP VIEW c_scores AS
SELECT cell_id, score, rank, tier FROM safety.risk_scores(
	(SELECT safety.events_agg(geom, occurred_at, id, safety.offense_weight(offense)) FROM incidents),
	'2018-07-01', 250);
CREATE TEMP VIEW sql_scores AS
WITH p AS (SELECT timestamptz '2018-07-01' AS as_of, timestamptz '2016-01-01' AS data_start),
x AS (
	SELECT (floor(ST_X(geom) / 250)::bigint << 32) | (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id,
	       extract(epoch FROM p.as_of - occurred_at) AS age, safety.offense_weight(offense) AS w
	FROM incidents, p
	WHERE geom IS NOT NULL AND occurred_at < p.as_of AND occurred_at >= p.as_of - interval '1095.75 days'),
per AS (
	SELECT cell_id,
	       coalesce(sum(w) FILTER (WHERE age <= 28 * 86400), 0) AS harm,
	       coalesce(sum(w * 2 ^ (-age / (14 * 86400))) FILTER (WHERE age <= 28 * 86400), 0) AS recency,
	       count(*) FILTER (WHERE age <= 28 * 86400) AS events,
	       (count(*) FILTER (WHERE age > 364 * 86400 AND age <= 392 * 86400)
	        + count(*) FILTER (WHERE age > 728 * 86400 AND age <= 756 * 86400)) / 2.0 AS expected
	FROM x GROUP BY cell_id),
weeks AS (SELECT k FROM generate_series(1, 130) k),   -- whole weeks since data_start
weekly_nz AS (   -- week k holds ages in ((k-1) weeks, k weeks]
	SELECT cell_id, ceil(age / (7 * 86400))::int AS k, count(*) AS n FROM x
	WHERE age <= 130 * 7 * 86400 GROUP BY 1, 2),
weekly AS (
	SELECT per.cell_id, weeks.k, coalesce(w.n, 0) AS n
	FROM per CROSS JOIN weeks LEFT JOIN weekly_nz w ON w.cell_id = per.cell_id AND w.k = weeks.k),
s AS (SELECT a.cell_id, sum(sign(b.n - a.n)) AS s FROM weekly a JOIN weekly b ON a.cell_id = b.cell_id AND b.k < a.k
      GROUP BY a.cell_id),
ties AS (SELECT cell_id, sum(t * (t - 1) * (2 * t + 5)) AS tt
         FROM (SELECT cell_id, n, count(*) AS t FROM weekly GROUP BY cell_id, n) g GROUP BY cell_id),
z AS (SELECT s.cell_id, CASE WHEN v <= 0 OR s.s = 0 THEN 0 WHEN s.s > 0 THEN (s.s - 1) / sqrt(v) ELSE (s.s + 1) / sqrt(v) END AS z
      FROM s JOIN ties USING (cell_id), LATERAL (SELECT (130 * 129 * 265 - ties.tt) / 18.0 AS v) var),
raw AS (SELECT per.cell_id, harm, recency, events / (expected + 1) AS seas, greatest(z.z, 0) AS tr
        FROM per JOIN z USING (cell_id)),
norm AS (SELECT cell_id,
                coalesce(harm / nullif(max(harm) OVER (), 0), 0) AS hn, coalesce(recency / nullif(max(recency) OVER (), 0), 0) AS rn,
                coalesce(seas / nullif(max(seas) OVER (), 0), 0) AS sn, coalesce(tr / nullif(max(tr) OVER (), 0), 0) AS tn FROM raw)
SELECT cell_id, (0.4 * hn + 0.3 * rn + 0.2 * sn + 0.1 * tn)::float8 AS score,
       rank() OVER (ORDER BY 0.4 * hn + 0.3 * rn + 0.2 * sn + 0.1 * tn DESC) AS rank FROM norm;
\echo 'check: same cells, scores within 1e-9, same tiers'
SELECT count(*) AS cells, max(abs(c.score - s.score)) < 1e-9 AS same_scores,
       count(*) FILTER (WHERE c.tier IS DISTINCT FROM s.tier) AS tier_differences
FROM c_scores c JOIN (SELECT cell_id, score, safety.tier(score) OVER () AS tier FROM sql_scores) s USING (cell_id);
\timing on
\echo 'safety.risk_scores (C), 5 runs'
SELECT count(*), round(sum(score)::numeric, 6) FROM c_scores;
SELECT count(*), round(sum(score)::numeric, 6) FROM c_scores;
SELECT count(*), round(sum(score)::numeric, 6) FROM c_scores;
SELECT count(*), round(sum(score)::numeric, 6) FROM c_scores;
SELECT count(*), round(sum(score)::numeric, 6) FROM c_scores;
\echo 'plain SQL scoring, 1 run (it is slow)'
SELECT count(*), round(sum(score)::numeric, 6) FROM sql_scores;
