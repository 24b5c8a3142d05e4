#!/usr/bin/env bash
# r_areas.sh — the areas functions against R spdep on the bundled data:
#   safety.gi_star_areas     = localG(x, nb2listw(include.self(nb), style = "B"))
#   safety.local_moran_areas = localmoran(x, nb2listw(nb, style = "W")) (I, Z.Ii
#                              and the quadrant attr(, "quadr")$mean)
#   safety.local_moran       = the same over grid cells, nb = dnearneigh(centres, 0, d)
# with nb from poly2nb(sf, queen = TRUE / FALSE), dnearneigh on the centroids
# (sf::st_centroid) and knn2nb(knearneigh(centroids, k)) (not symmetric), on
# the 22 Vancouver local areas with their 2020 theft counts, and on a grid of
# the Cincinnati burglaries; values to 1e-8, neighbour counts exactly.
# R reads the areas' boundaries as EWKB from the database, so both sides see
# the same coordinates.  Runs in its own database (created and dropped here)
# on the server of PGHOST/PGPORT/PGUSER.  Ends with "r_areas: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_r_areas
passed=0 failed=0
finish() { echo "r_areas: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
if ! command -v Rscript >/dev/null || ! Rscript -e 'suppressPackageStartupMessages({library(spdep); library(sf)})' >/dev/null 2>&1; then
	echo "Rscript with spdep and sf is missing (apt-get install r-cran-spdep r-cran-sf)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql scripts/load-vancouver.sql &&
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "
	CREATE TABLE area_values AS
	SELECT a.area_id, a.geom, count(v.id)::float8 AS thefts
	FROM vancouver_areas a LEFT JOIN vancouver v ON ST_Intersects(a.geom, v.geom)
	GROUP BY a.area_id, a.geom;
	CREATE TABLE area_arrays AS
	SELECT array_agg(area_id ORDER BY area_id) AS ids, array_agg(geom ORDER BY area_id) AS geoms,
	       array_agg(thefts ORDER BY area_id) AS x FROM area_values" >/dev/null || { failed=1; finish; }

# the areas as R sees them: id, EWKB, value
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
	SELECT area_id, ST_AsHEXEWKB(geom) AS wkb, thefts AS value FROM area_values ORDER BY area_id)
	TO '$tmp/areas.csv' WITH (FORMAT csv, HEADER true)" || { failed=1; finish; }

# compare one result file with spdep; prints a summary line and OK or MISMATCH
compare() { # stat(gi|lm) weights(queen|rook|distance|knn|grid) param csv
	Rscript --vanilla - "$tmp/areas.csv" "$@" <<'R' 2>&1
suppressPackageStartupMessages({library(spdep); library(sf)})
args <- commandArgs(trailingOnly = TRUE)
stat <- args[2]; weights <- args[3]; param <- as.numeric(args[4])
d <- read.csv(args[5])
if (weights == "grid") {
	coords <- cbind(d$cx, d$cy)
	nb <- dnearneigh(coords, 0, param)
	x <- d$value
} else {
	a <- read.csv(args[1])
	stopifnot(identical(a$area_id, d$area_id))
	geom <- st_as_sfc(structure(a$wkb, class = "WKB"), EWKB = TRUE)
	x <- a$value
	coords <- st_coordinates(st_centroid(geom))
	nb <- switch(weights,
		queen = poly2nb(geom, queen = TRUE),
		rook = poly2nb(geom, queen = FALSE),
		distance = dnearneigh(coords, 0, param),
		knn = knn2nb(suppressWarnings(knearneigh(coords, k = param))))
}
if (stat == "gi") {
	nbs <- include.self(nb)
	g <- as.numeric(localG(x, nb2listw(nbs, style = "B", zero.policy = TRUE), zero.policy = TRUE))
	ours <- suppressWarnings(as.numeric(d$z))
	card_diff <- sum(card(nbs) != d$neighbors)
	diff <- max(abs(g - ours), na.rm = TRUE)
	na_mismatch <- sum(is.na(g) != is.na(ours))
	cat(sprintf("%s %s: units %d, neighbour counts differing %d, max |z - localG| %.3g, NaN mismatches %d\n",
	            stat, weights, nrow(d), card_diff, diff, na_mismatch))
	ok <- card_diff == 0 && na_mismatch == 0 && diff <= 1e-8
} else {
	lm <- localmoran(x, nb2listw(nb, style = "W", zero.policy = TRUE), zero.policy = TRUE)
	q <- as.character(attr(lm, "quadr")$mean)
	q <- c("Low-Low" = "LL", "High-High" = "HH", "High-Low" = "HL", "Low-High" = "LH")[q]
	ours_i <- as.numeric(d$i)
	ours_z <- suppressWarnings(as.numeric(d$z))
	card_diff <- sum(card(nb) != d$neighbors)
	diff_i <- max(abs(lm[, "Ii"] - ours_i))
	diff_z <- max(abs(lm[, "Z.Ii"] - ours_z), na.rm = TRUE)
	na_mismatch <- sum(is.na(lm[, "Z.Ii"]) != is.na(ours_z))
	# quadrants where ours has one (alpha 1: every unit with a p-value)
	has_q <- d$quadrant != ""
	quad_diff <- sum(q[has_q] != d$quadrant[has_q])
	cat(sprintf("%s %s: units %d, neighbour counts differing %d, max |I - Ii| %.3g, max |z - Z.Ii| %.3g, NaN mismatches %d, quadrants compared %d, differing %d\n",
	            stat, weights, nrow(d), card_diff, diff_i, diff_z, na_mismatch, sum(has_q), quad_diff))
	ok <- card_diff == 0 && na_mismatch == 0 && diff_i <= 1e-8 && diff_z <= 1e-8 &&
		quad_diff == 0 && sum(has_q) >= nrow(d) - sum(card(nb) == 0)
}
cat(if (ok) "OK\n" else "MISMATCH\n")
R
}

# name | SQL call (FROM area_arrays or a grid) | stat | weights | param for R
cases=(
	"gi_queen|safety.gi_star_areas(ids, geoms, x)|gi|queen|0"
	"gi_rook|safety.gi_star_areas(ids, geoms, x, 'rook')|gi|rook|0"
	"gi_distance3000|safety.gi_star_areas(ids, geoms, x, 'distance', 3000)|gi|distance|3000"
	"gi_distance1800|safety.gi_star_areas(ids, geoms, x, 'distance', 1800)|gi|distance|1800"
	"gi_knn4|safety.gi_star_areas(ids, geoms, x, 'knn', k => 4)|gi|knn|4"
	"gi_knn8|safety.gi_star_areas(ids, geoms, x, 'knn')|gi|knn|8"
	"lm_queen|safety.local_moran_areas(ids, geoms, x, permutations => 99, alpha => 1)|lm|queen|0"
	"lm_rook|safety.local_moran_areas(ids, geoms, x, 'rook', permutations => 99, alpha => 1)|lm|rook|0"
	"lm_distance3000|safety.local_moran_areas(ids, geoms, x, 'distance', 3000, permutations => 99, alpha => 1)|lm|distance|3000"
	"lm_distance1800|safety.local_moran_areas(ids, geoms, x, 'distance', 1800, permutations => 0, alpha => 1)|lm|distance|1800"
	"lm_knn4|safety.local_moran_areas(ids, geoms, x, 'knn', k => 4, permutations => 99, alpha => 1)|lm|knn|4"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name call stat weights param <<<"$c"
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT r.* FROM area_arrays, $call r ORDER BY r.area_id)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(compare "$stat" "$weights" "$param" "$tmp/$name.csv")
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

# grids of the Cincinnati burglaries: cell centres as the extension defines them
grids=(
	"lm_grid500_d1100|safety.grid_agg(geom, 500)|1100"
	"lm_grid250_d600|safety.grid_agg(geom, 250)|600"
	"lm_hex300_d1100|safety.hex_agg(geom, 300)|1100"
)
for c in "${grids[@]}"; do
	IFS='|' read -r name expr dist <<<"$c"
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT ST_X(ST_Centroid(r.geom)) AS cx, ST_Y(ST_Centroid(r.geom)) AS cy, r.value, r.neighbors,
		       r.ii AS i, coalesce(r.z::text, 'NA') AS z, coalesce(r.quadrant, '') AS quadrant
		FROM safety.local_moran((SELECT $expr FROM incidents), $dist, permutations => 0, alpha => 1) r
		ORDER BY r.cell_id)
		TO '$tmp/$name.csv' WITH (FORMAT csv, HEADER true)"; then
		echo "FAIL $name: query failed"; failed=$((failed + 1)); continue
	fi
	out=$(compare lm grid "$dist" "$tmp/$name.csv")
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
finish
