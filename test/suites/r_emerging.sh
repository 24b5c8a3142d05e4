#!/usr/bin/env bash
# r_emerging.sh — the z-score of every bin of safety.space_time_gi_star
# against R spdep::localG on the same space-time weights: the bins of the
# cells within the distance band (dnearneigh on the cell centres, the cell
# itself included) in the same step and the time_steps steps before it,
# binary, with the neighbours list marked self-included so localG gives
# Gi*.  Cases on the bundled data: square and hexagonal cells, monthly and
# two-weekly steps, time_steps 0, 1 and 2, the default analysis set and
# the full rectangle; to 1e-8.  The Mann-Kendall trend z of each cell
# (safety.emerging_hotspots) against the test written out in R (pair sum,
# tie-corrected variance), to 1e-9.
# Runs in its own database.
# Ends with "r_emerging: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_r_emerging
passed=0 failed=0
finish() { echo "r_emerging: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
if ! command -v Rscript >/dev/null || ! Rscript -e 'suppressPackageStartupMessages(library(spdep))' >/dev/null 2>&1; then
	echo "Rscript with spdep is missing (apt-get install r-cran-spdep)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql || { failed=1; finish; }

# name | cell size | step | distance | time_steps | shape | analysis_set
cases=(
	"square500_month_d1000_k1|500|1 month|1000|1|square|near_events"
	"square500_month_d1000_k0|500|1 month|1000|0|square|near_events"
	"square500_month_d1000_k2_rect|500|1 month|1000|2|square|rectangle"
	"square400_2weeks_d900_k1|400|14 days|900|1|square|near_events"
	"hex300_quarter_d1100_k1|300|3 months|1100|1|hexagon|near_events"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name size step dist k shape set <<<"$c"
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning -c timezone=UTC' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT g.cell_id, g.step_no, g.count, g.neighbors, coalesce(g.z::text, 'NA') AS z,
		       ST_X(ST_Centroid(h.geom)) AS cx, ST_Y(ST_Centroid(h.geom)) AS cy, h.trend_z
		FROM (SELECT safety.events_agg(geom, occurred_at, id) AS e FROM incidents) ev,
		     LATERAL safety.space_time_gi_star(ev.e, $size, '$step', $dist, $k, shape => '$shape', analysis_set => '$set') g
		JOIN LATERAL (SELECT * FROM safety.emerging_hotspots(ev.e, $size, '$step', $dist, $k, shape => '$shape', analysis_set => '$set')) h
		  ON h.cell_id = g.cell_id
		ORDER BY g.cell_id, g.step_no)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(Rscript --vanilla - "$tmp/$name.csv" "$dist" "$k" <<'R' 2>&1
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
band <- as.numeric(args[2]); k <- as.integer(args[3])
cells <- unique(d[, c("cell_id", "cx", "cy")])
T <- max(d$step_no); n <- nrow(cells)
# rows are ordered by cell, then step: bin (c, t) is row (c - 1) * T + t
snb <- dnearneigh(cbind(cells$cx, cells$cy), 0, band * (1 + 1e-9))
nb <- vector("list", n * T)
for (c in seq_len(n)) {
  js <- c(c, snb[[c]])
  for (t in seq_len(T)) {
    ss <- max(1, t - k):t
    nb[[(c - 1) * T + t]] <- sort(as.integer(outer(ss, (js - 1) * T, "+")))
  }
}
class(nb) <- "nb"
attr(nb, "self.included") <- TRUE
attr(nb, "region.id") <- as.character(seq_len(n * T))
g <- as.numeric(localG(d$count, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE))
ours <- suppressWarnings(as.numeric(d$z))
card_diff <- sum(card(nb) != d$neighbors)
diff <- max(abs(g - ours), na.rm = TRUE)
na_mismatch <- sum(is.na(g) != is.na(ours))
# Mann-Kendall in R, written out: S by the pair sum, the variance with ties
# (groups of exactly equal z; cor.test is not used because its tie count
# groups values at 15 significant digits), continuity-corrected z
mk_bad <- 0; mk_n <- 0
for (c in seq_len(n)) {
  z <- ours[((c - 1) * T + 1):(c * T)]; z[is.na(z)] <- 0
  S <- sum(sign(outer(z, z, "-"))[lower.tri(diag(T))])
  tg <- tabulate(match(z, unique(z)))
  v <- (T * (T - 1) * (2 * T + 5) - sum(tg * (tg - 1) * (2 * tg + 5))) / 18
  zz <- if (S == 0) 0 else (S - sign(S)) / sqrt(v)
  mk_n <- mk_n + 1
  if (abs(zz - d$trend_z[(c - 1) * T + 1]) > 1e-9) mk_bad <- mk_bad + 1
}
cat(sprintf("bins %d (%d cells x %d steps), neighbour counts differing %d, max |z - localG| %.3g, NaN mismatches %d; Mann-Kendall z of %d cells, %d differing\n",
            nrow(d), n, T, card_diff, diff, na_mismatch, mk_n, mk_bad))
cat(if (card_diff == 0 && na_mismatch == 0 && diff <= 1e-8 && mk_bad == 0 && mk_n > 0) "OK\n" else "MISMATCH\n")
R
)
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
finish
