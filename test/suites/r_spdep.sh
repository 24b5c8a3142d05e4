#!/usr/bin/env bash
# r_spdep.sh — Gi* z-scores of safety.gi_star against R spdep::localG with
# binary distance-band weights, the cell itself included:
#   nb <- include.self(dnearneigh(coords, 0, d)); localG(x, nb2listw(nb, style = "B"))
# on grids of the bundled data (square counts, hexagon counts, a kernel
# density grid, a study area), over the full rectangle and over the default
# analysis set, to 1e-8.  Runs in its own database (created
# and dropped here) on the server of PGHOST/PGPORT/PGUSER.
# Ends with "r_spdep: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_r_spdep
passed=0 failed=0
finish() { echo "r_spdep: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
if ! command -v Rscript >/dev/null || ! Rscript -e 'suppressPackageStartupMessages(library(spdep))' >/dev/null 2>&1; then
	echo "Rscript with spdep is missing (apt-get install r-cran-spdep)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql || { failed=1; finish; }

# name | grid expression | distance | study area (or NULL) | analysis_set
# spdep gets the cells gi_star analysed, so each case compares the same set:
# the full rectangle, the default (cells within the band of an event) or the
# cells of a study area
cases=(
	"square500_d1000|safety.grid_agg(geom, 500)|1000|NULL|rectangle"
	"square250_d600|safety.grid_agg(geom, 250)|600|NULL|rectangle"
	"hex300_d1100|safety.hex_agg(geom, 300)|1100|NULL|rectangle"
	"kde250_h600_d750|safety.kde_agg(geom, 250, 600)|750|NULL|rectangle"
	"square200_area_d500|safety.grid_agg(geom, 200)|500|ST_Buffer(ST_SetSRID(ST_MakePoint(714000, 4331500), 32616), 3000)|near_events"
	"square500_d1000_near|safety.grid_agg(geom, 500)|1000|NULL|near_events"
	"square250_d600_near|safety.grid_agg(geom, 250)|600|NULL|near_events"
	"hex300_d1100_near|safety.hex_agg(geom, 300)|1100|NULL|near_events"
	"kde250_h600_d750_near|safety.kde_agg(geom, 250, 600)|750|NULL|near_events"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name expr dist area set <<<"$c"
	# centres exactly as the extension defines them, values, and its z
	# (the NOTICE about cells far from events is beside the point here)
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT ST_X(ST_Centroid(r.geom)) AS cx, ST_Y(ST_Centroid(r.geom)) AS cy, r.value, r.neighbors,
		       coalesce(r.z::text, 'NA') AS z
		FROM safety.gi_star((SELECT $expr FROM incidents), $dist, $area, analysis_set => '$set') r ORDER BY r.cell_id)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(Rscript --vanilla - "$tmp/$name.csv" "$dist" <<'R' 2>&1
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
band <- as.numeric(args[2])
coords <- cbind(d$cx, d$cy)
nb <- include.self(dnearneigh(coords, 0, band))
g <- as.numeric(localG(d$value, nb2listw(nb, style = "B", zero.policy = TRUE), zero.policy = TRUE))
ours <- suppressWarnings(as.numeric(d$z))
card_diff <- sum(card(nb) != d$neighbors)
diff <- max(abs(g - ours), na.rm = TRUE)
na_mismatch <- sum(is.na(g) != is.na(ours))
cat(sprintf("cells %d, neighbour counts differing %d, max |z - localG| %.3g, NaN mismatches %d\n",
            nrow(d), card_diff, diff, na_mismatch))
cat(if (card_diff == 0 && na_mismatch == 0 && diff <= 1e-8) "OK\n" else "MISMATCH\n")
R
)
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
finish
