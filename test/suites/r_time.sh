#!/usr/bin/env bash
# r_time.sh — the tests behind safety.period_change and safety.trend
# against base R on the bundled data:
#   * period_change p-values of every unit (Cincinnati 1 km cells, Vancouver
#     neighbourhoods, and each city as a whole) for weeks, months, quarters
#     and years, against binom.test(x1, x1 + x2, t1 / (t1 + t2)) and
#     poisson.test(c(x1, x2), c(t1, t2)), the exposures t being the periods'
#     lengths computed here in plain SQL;
#   * Mann-Kendall of safety.trend (each unit's weekly or monthly counts)
#     and safety.mann_kendall (random series without ties): S as the pair
#     sum, the tie-corrected variance by its formula, p from pnorm with the
#     continuity correction, Sen's slope as the median of the pairwise
#     slopes, and cor.test(method = "kendall", exact = FALSE, continuity =
#     TRUE)'s p-value and tau-b (time has no ties, so R's variance is the
#     tie-corrected one even when the counts tie);
# each to 1e-8 (relative to the value when it exceeds 1).  Runs in its own
# database.  Ends with "r_time: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_r_time
passed=0 failed=0
finish() { echo "r_time: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
if ! command -v Rscript >/dev/null; then
	echo "Rscript is missing (apt-get install r-base-core)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql scripts/load-vancouver.sql || { failed=1; finish; }
# the units of each city: 1 km cells with at least 30 events, neighbourhoods, the city
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { failed=1; finish; }
CREATE TABLE units AS
SELECT 'cincinnati' AS city, 'America/New_York' AS zone, u.* FROM (
	SELECT 'cell ' || floor(ST_X(geom) / 1000) || ' ' || floor(ST_Y(geom) / 1000) AS unit,
	       safety.events_agg(geom, occurred_at, id) AS e
	FROM incidents GROUP BY 1 HAVING count(geom) >= 30
	UNION ALL SELECT '(city)', safety.events_agg(geom, occurred_at, id) FROM incidents) u
UNION ALL
SELECT 'vancouver', 'America/Vancouver', u.* FROM (
	SELECT neighbourhood, safety.events_agg(geom, occurred_at, id) FROM vancouver GROUP BY 1
	UNION ALL SELECT '(city)', safety.events_agg(geom, occurred_at, id) FROM vancouver) u;
-- the records' first event per city: periods before it are no comparison
CREATE TABLE starts AS
SELECT 'cincinnati' AS city, min(occurred_at) AS data_start FROM incidents
UNION ALL SELECT 'vancouver', min(occurred_at) FROM vancouver;
SQL

# --- period_change against binom.test and poisson.test ---------------------
# name | city | as_of | period
pc_cases=(
	"cincinnati_month|cincinnati|2018-07-15 12:00+00|month"
	"cincinnati_quarter|cincinnati|2018-10-02 12:00+00|quarter"
	"cincinnati_week_dst|cincinnati|2018-11-07 12:00+00|week"
	"cincinnati_year|cincinnati|2019-01-01 12:00+00|year"
	"vancouver_month_dst|vancouver|2020-11-15 12:00+00|month"
	"vancouver_week|vancouver|2020-06-10 12:00+00|week"
	"vancouver_quarter|vancouver|2020-10-01 12:00+00|quarter"
)
for c in "${pc_cases[@]}"; do
	IFS='|' read -r name city as_of period <<<"$c"
	# exposures in plain SQL: local calendar arithmetic, lengths in seconds
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning -c timezone=UTC' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		WITH pc AS (
			SELECT u.unit, u.zone, p.* FROM units u JOIN starts s USING (city),
			       safety.period_change(u.e, '$as_of', '$period', u.zone, s.data_start) p
			WHERE u.city = '$city'),
		b AS (
			SELECT pc.*, CASE '$period' WHEN 'week' THEN interval '7 days' WHEN 'month' THEN '1 month'
			                           WHEN 'quarter' THEN '3 months' ELSE '1 year' END AS step,
			       CASE '$period' WHEN 'week' THEN interval '364 days' ELSE '1 year' END AS lag,
			       timezone(zone, period_start) AS ls, timezone(zone, period_end) AS le
			FROM pc)
		SELECT unit, events, coalesce(previous_events::text, 'NA') AS previous_events,
		       coalesce(year_ago_events::text, 'NA') AS year_ago_events,
		       extract(epoch FROM timezone(zone, le) - timezone(zone, ls)) AS t,
		       extract(epoch FROM timezone(zone, ls) - timezone(zone, ls - step)) AS t_prev,
		       extract(epoch FROM timezone(zone, le - lag) - timezone(zone, ls - lag)) AS t_year,
		       coalesce(previous_p::text, 'NA') AS previous_p, coalesce(year_ago_p::text, 'NA') AS year_ago_p
		FROM b ORDER BY unit)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(Rscript --vanilla - "$tmp/$name.csv" <<'R' 2>&1
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
close <- function(a, b) abs(a - b) <= 1e-8 * pmax(1, abs(b))
bad <- 0; compared <- 0; worst <- 0
for (r in seq_len(nrow(d))) {
	for (k in c("prev", "year")) {
		x2 <- if (k == "prev") d$previous_events[r] else d$year_ago_events[r]
		t2 <- if (k == "prev") d$t_prev[r] else d$t_year[r]
		ours <- if (k == "prev") d$previous_p[r] else d$year_ago_p[r]
		x1 <- d$events[r]
		if (is.na(x2)) { if (!is.na(ours)) bad <- bad + 1; next }
		if (x1 + x2 == 0) { if (!is.na(ours)) bad <- bad + 1; next }
		pb <- binom.test(x1, x1 + x2, d$t[r] / (d$t[r] + t2))$p.value
		pp <- poisson.test(c(x1, x2), c(d$t[r], t2))$p.value
		compared <- compared + 1
		worst <- max(worst, abs(ours - pb))
		if (is.na(ours) || !close(ours, pb) || !close(ours, pp)) bad <- bad + 1
	}
}
cat(sprintf("units %d, p-values compared %d, max |p - binom.test| %.3g, mismatches %d\n",
            nrow(d), compared, worst, bad))
cat(if (bad == 0 && compared > 0) "OK\n" else "MISMATCH\n")
R
)
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

# --- Mann-Kendall and Sen's slope --------------------------------------------
# name | SQL giving (unit, counts float8[], n, s, var_s, z, p, tau, sen_slope)
mk_cases=(
	"trend_cincinnati_cells_month|SELECT u.unit, t.counts::float8[] AS x, t.n, t.s, t.var_s, t.z, t.p, t.tau, t.sen_slope FROM units u, safety.trend(u.e, '2019-01-01', 'month', 36, u.zone) t WHERE u.city = 'cincinnati'"
	"trend_cincinnati_cells_week|SELECT u.unit, t.counts::float8[] AS x, t.n, t.s, t.var_s, t.z, t.p, t.tau, t.sen_slope FROM units u, safety.trend(u.e, '2019-01-01', 'week', 104, u.zone) t WHERE u.city = 'cincinnati'"
	"trend_vancouver_week|SELECT u.unit, t.counts::float8[] AS x, t.n, t.s, t.var_s, t.z, t.p, t.tau, t.sen_slope FROM units u, safety.trend(u.e, '2021-01-01', 'week', 52, u.zone) t WHERE u.city = 'vancouver'"
	"trend_vancouver_month|SELECT u.unit, t.counts::float8[] AS x, t.n, t.s, t.var_s, t.z, t.p, t.tau, t.sen_slope FROM units u, safety.trend(u.e, '2021-01-01', 'month', 12, u.zone) t WHERE u.city = 'vancouver'"
	"mann_kendall_random_no_ties|SELECT 'series ' || k AS unit, x, m.* FROM (SELECT k, array_agg(random() * 100 - 30 + k * i * 0.05 ORDER BY i) AS x FROM (SELECT setseed(0.17)) s, generate_series(1, 40) k, LATERAL generate_series(1, 3 + k * 3) i GROUP BY k) r, safety.mann_kendall(x) m"
	"mann_kendall_random_ties|SELECT 'series ' || k AS unit, x, m.* FROM (SELECT k, array_agg(floor(random() * 6 + i * 0.02 * (k % 3 - 1)) ORDER BY i) AS x FROM (SELECT setseed(0.42)) s, generate_series(1, 40) k, LATERAL generate_series(1, 3 + k * 2) i GROUP BY k) r, safety.mann_kendall(x) m"
)
for c in "${mk_cases[@]}"; do
	IFS='|' read -r name query <<<"$c"
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning -c timezone=UTC -c extra_float_digits=3' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT unit, array_to_string(x, ' ') AS x, n, s, var_s, z, p, coalesce(tau::text, 'NA') AS tau, sen_slope
		FROM ($query) q ORDER BY unit)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(Rscript --vanilla - "$tmp/$name.csv" <<'R' 2>&1
d <- read.csv(commandArgs(trailingOnly = TRUE)[1], stringsAsFactors = FALSE)
close <- function(a, b) !is.na(a) && !is.na(b) && abs(a - b) <= 1e-8 * max(1, abs(b))
bad <- 0; tied_series <- 0; cor_compared <- 0; worst <- 0
for (r in seq_len(nrow(d))) {
	x <- as.numeric(strsplit(d$x[r], " ")[[1]])
	n <- length(x)
	# S as the pair sum, the variance with ties, z with the continuity correction
	S <- 0; slopes <- c()
	for (i in 1:(n - 1)) for (j in (i + 1):n) {
		S <- S + sign(x[j] - x[i])
		slopes <- c(slopes, (x[j] - x[i]) / (j - i))
	}
	t <- table(x)
	V <- (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5))) / 18
	z <- if (S == 0 || V <= 0) 0 else (S - sign(S)) / sqrt(V)
	p <- 2 * pnorm(-abs(z))
	sen <- median(slopes)
	if (any(t > 1)) tied_series <- tied_series + 1
	ok <- d$n[r] == n && d$s[r] == S && close(d$var_s[r], V) && close(d$z[r], z) &&
		close(d$p[r], p) && close(d$sen_slope[r], sen)
	worst <- max(worst, abs(d$p[r] - p), abs(d$sen_slope[r] - sen), abs(d$var_s[r] - V) / max(1, V))
	# R's Kendall test of x against time and its tau-b (undefined for a constant series)
	if (V > 0) {
		ct <- suppressWarnings(cor.test(seq_len(n), x, method = "kendall", exact = FALSE, continuity = TRUE))
		tau <- suppressWarnings(as.numeric(d$tau[r]))
		cor_compared <- cor_compared + 1
		worst <- max(worst, abs(d$p[r] - ct$p.value), abs(tau - ct$estimate))
		ok <- ok && close(d$p[r], ct$p.value) && close(tau, unname(ct$estimate))
	} else ok <- ok && d$tau[r] == "NA" && d$p[r] == 1
	if (!ok) { bad <- bad + 1; cat(sprintf("  %s: ours S %g var %g p %g sen %g, R S %g var %g p %g sen %g\n",
	                                       d$unit[r], d$s[r], d$var_s[r], d$p[r], d$sen_slope[r], S, V, p, sen)) }
}
cat(sprintf("series %d (with ties %d), cor.test compared %d, max difference %.3g, mismatches %d\n",
            nrow(d), tied_series, cor_compared, worst, bad))
cat(if (bad == 0 && nrow(d) > 0) "OK\n" else "MISMATCH\n")
R
)
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
finish
