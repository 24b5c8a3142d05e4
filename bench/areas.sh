#!/usr/bin/env bash
# bench/areas.sh — safety.gi_star_areas and safety.local_moran_areas on
# synthetic areas (bench/areas.sql: Voronoi polygons of uniform random
# points, clipped to their square, SRID 32616, one area per 8,000 m²), at
# 5,000 and 50,000 areas (default; other sizes as arguments), and R spdep on
# the same polygons in the same run:
#   gi queen     gi_star_areas(.., 'queen')        poly2nb(queen = TRUE)  + localG(x, nb2listw(include.self(nb), style = "B"))
#   gi rook      gi_star_areas(.., 'rook')         poly2nb(queen = FALSE) + localG
#   gi distance  gi_star_areas(.., 'distance', D)  dnearneigh(centroids, 0, D) + localG   (D = 127 m: about 6 neighbours)
#   gi knn       gi_star_areas(.., 'knn', k => 8)  knn2nb(knearneigh(centroids, 8)) + localG
#   lm queen     local_moran_areas(.., 'queen')    poly2nb(queen = TRUE)  + localmoran(x, nb2listw(nb, style = "W"))
#                (999 permutations)                (analytic: no permutations; localmoran_perm(nsim = 999) timed beside it)
# safety: best of 3 wall times inside the server (the arrays read from a
# one-row table; the weights, the statistic and the rows returned, counted),
# one core (max_parallel_workers_per_gather = 0), each function in a fresh
# backend whose peak memory (VmHWM from /proc/<pid>/status, by pg_read_file:
# needs a superuser and the server on this machine) is read before and after.
# spdep: best of 3 of the neighbour list (with sf::st_centroid for distance
# and knn, as safety takes ST_Centroid) and of the statistic, not reading the
# data; R reads the polygons as EWKB from the database, so both see the same
# coordinates.  The z values (Gi*; local Moran's I and Z.Ii) are compared with
# spdep's: max |safety − spdep| printed, to pass at 1e-8.
#
#   bash bench/areas.sh [N ...]    (cluster running, extension installed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGDATABASE=${SAFETY_BENCH_DB:-safety_bench}
bench_database
psql -X -q -v ON_ERROR_STOP=1 -f bench/areas.sql 2>/dev/null
sizes=${*:-5000 50000}
band=127 k=8 perms=999
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 777 "$tmp"
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $(psql -X -qtAc "SELECT split_part(version(), ' on ', 1)"), PostGIS $(psql -X -qtAc "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"); $(R --version | head -1), spdep $(Rscript -e 'cat(format(packageVersion("spdep")))'), sf $(Rscript -e 'cat(format(packageVersion("sf")))')"
echo "== command: bash bench/areas.sh $*"

for n in $sizes; do
	t=bench_areas_$n
	psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "SELECT bench.make_areas('$t', $n)" >/dev/null
	psql -X -qtA -F ' ' -v ON_ERROR_STOP=1 -c "SELECT count(*), round(avg(ST_NPoints(geom)), 1), sum(ST_IsValid(geom)::int), round(sqrt(avg(ST_Area(geom)))::numeric, 1) FROM $t" |
		{ read -r c v ok s; echo "== $n areas: $c polygons ($ok valid), $v vertices each on average, √(mean area) $s m"; }
	psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT area_id, ST_AsHEXEWKB(geom) AS wkb, value FROM $t ORDER BY area_id) TO '$tmp/areas_$n.csv' WITH (FORMAT csv, HEADER true)"
	: > "$tmp/safety_$n.tsv"
	while read -r name call cols; do
		cols=${cols//_AS_/ AS }
		psql -X -qtA -F ' ' -v ON_ERROR_STOP=1 <<SQL >> "$tmp/safety_$n.tsv"
SET client_min_messages = warning; SET max_parallel_workers_per_gather = 0; SET jit = off;
CREATE FUNCTION pg_temp.hwm() RETURNS bigint LANGUAGE sql AS \$\$
  SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*([0-9]+) kB')::bigint \$\$;
CREATE TEMP TABLE hwm0 AS SELECT pg_temp.hwm() AS kb;
CREATE TEMP TABLE runs (run int, ms float8);
DO \$\$ DECLARE t0 timestamptz; BEGIN
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM ${t}_arr a, $call r;
    INSERT INTO runs VALUES (r, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END \$\$;
SELECT '$name', round(min(ms)::numeric, 1), (SELECT kb FROM hwm0), pg_temp.hwm() FROM runs;
\copy (SELECT $cols FROM ${t}_arr a, $call r) TO '$tmp/${name// /_}_$n.csv' WITH (FORMAT csv, HEADER true)
SQL
	done <<CALLS
gi_queen safety.gi_star_areas(a.ids,a.geoms,a.x,'queen') r.area_id,r.neighbors,coalesce(r.z::text,'NA')_AS_z
gi_rook safety.gi_star_areas(a.ids,a.geoms,a.x,'rook') r.area_id,r.neighbors,coalesce(r.z::text,'NA')_AS_z
gi_distance safety.gi_star_areas(a.ids,a.geoms,a.x,'distance',$band) r.area_id,r.neighbors,coalesce(r.z::text,'NA')_AS_z
gi_knn safety.gi_star_areas(a.ids,a.geoms,a.x,'knn',k=>$k) r.area_id,r.neighbors,coalesce(r.z::text,'NA')_AS_z
lm_queen safety.local_moran_areas(a.ids,a.geoms,a.x,'queen',permutations=>$perms) r.area_id,r.neighbors,r.i,coalesce(r.z::text,'NA')_AS_z,r.p
CALLS
	Rscript --vanilla - "$tmp" "$n" "$band" "$k" "$perms" <<'R'
suppressPackageStartupMessages({library(spdep); library(sf)})
args <- commandArgs(trailingOnly = TRUE)
tmp <- args[1]; n <- args[2]; band <- as.numeric(args[3]); k <- as.integer(args[4]); perms <- as.integer(args[5])
a <- read.csv(file.path(tmp, sprintf("areas_%s.csv", n)))
geom <- st_as_sfc(structure(a$wkb, class = "WKB"), EWKB = TRUE)
x <- a$value
ours <- read.table(file.path(tmp, sprintf("safety_%s.tsv", n)), col.names = c("name", "ms", "hwm0", "hwm1"))
best3 <- function(f) { best <- Inf; for (r in 1:3) { t0 <- proc.time()[["elapsed"]]; v <- f(); best <- min(best, proc.time()[["elapsed"]] - t0) }; list(v = v, ms = 1000 * best) }
cen <- best3(function() st_coordinates(st_centroid(geom))); coords <- cen$v
nbs <- list(
  gi_queen = function() poly2nb(geom, queen = TRUE),
  gi_rook = function() poly2nb(geom, queen = FALSE),
  gi_distance = function() dnearneigh(coords, 0, band),
  gi_knn = function() knn2nb(knearneigh(coords, k)))
cat(sprintf("%-12s %10s %10s %9s %9s %9s %7s %9s %11s %11s\n", "weights", "safety_ms", "spdep_ms", "nb_ms", "stat_ms", "ratio", "mean_nb",
            "max|dz|", "peak_kB0", "peak_kB1"))
row <- function(name, sp_nb, sp_stat, mean_nb, dz) {
  o <- ours[ours$name == name, ]
  cat(sprintf("%-12s %10.1f %10.1f %9.1f %9.1f %9.1f %7.2f %9.2g %11d %11d\n", name, o$ms, sp_nb + sp_stat, sp_nb, sp_stat,
              (sp_nb + sp_stat) / o$ms, mean_nb, dz, o$hwm0, o$hwm1))
}
queen <- NULL; worst_dz <- numeric(0)
for (name in names(nbs)) {
  b <- best3(nbs[[name]]); nb <- b$v
  if (name %in% c("gi_distance", "gi_knn")) b$ms <- b$ms + cen$ms
  if (name == "gi_queen") { queen <- nb; queen_ms <- b$ms }
  g <- best3(function() as.numeric(localG(x, nb2listw(include.self(nb), style = "B", zero.policy = TRUE), zero.policy = TRUE)))
  s <- read.csv(file.path(tmp, sprintf("%s_%s.csv", name, n)))
  stopifnot(identical(s$area_id, a$area_id), all(s$neighbors == card(nb) + 1L))
  dz <- max(abs(suppressWarnings(as.numeric(s$z)) - g$v), na.rm = TRUE)
  row(name, b$ms, g$ms, mean(card(nb)), dz); worst_dz <- c(worst_dz, dz)
}
lw <- nb2listw(queen, style = "W", zero.policy = TRUE)
lm <- best3(function() localmoran(x, lw, zero.policy = TRUE))
s <- read.csv(file.path(tmp, sprintf("lm_queen_%s.csv", n)))
ok <- card(queen) > 0
dz <- max(abs(s$i - lm$v[, "Ii"]), abs(as.numeric(s$z[ok]) - lm$v[ok, "Z.Ii"]), na.rm = TRUE)
row("lm_queen", queen_ms, lm$ms, mean(card(queen)), dz); worst_dz <- c(worst_dz, dz)
cat(sprintf("(spdep nb_ms of gi_distance and gi_knn include sf::st_centroid, %.1f ms; stat_ms is nb2listw + localG or localmoran; dbscan %s, so dnearneigh and knearneigh %s)\n",
            cen$ms, if (requireNamespace("dbscan", quietly = TRUE)) "installed" else "not installed",
            if (requireNamespace("dbscan", quietly = TRUE)) "use its kd-tree" else "compare every pair"))
worst <- max(worst_dz)
cat(sprintf("z equal to spdep's to 1e-8 (max |dz| %.2g over the five): %s\n", worst, if (worst <= 1e-8) "PASS" else "FAIL"))
if (exists("localmoran_perm", asNamespace("spdep"))) {
  reps <- if (as.integer(n) <= 5000) 3 else 1
  best <- Inf
  for (r in seq_len(reps)) { t0 <- proc.time()[["elapsed"]]; lp <- localmoran_perm(x, lw, nsim = perms, zero.policy = TRUE, iseed = 1); best <- min(best, proc.time()[["elapsed"]] - t0) }
  o <- ours[ours$name == "lm_queen", ]
  cat(sprintf("lm_queen: localmoran_perm(nsim = %d) %s %.1f ms (+ poly2nb %.1f ms): spdep/safety %.1f; max |Ii - safety i| %.2g; pseudo p of the same %d draws differ in their random numbers: median |p_sim - safety p| %.3f\n",
              perms, if (reps == 3) "best of 3" else "one run", 1000 * best, queen_ms, (1000 * best + queen_ms) / o$ms,
              max(abs(lp[, "Ii"] - s$i)), perms, median(abs(lp[, "Pr(folded) Sim"] - s$p))))
}
R
done
echo "== kNN and distance weights on clustered points: 50,000 1 cm squares, 99% around one spot (normal, sd 50 m), 1% over 20 km; safety best of 3"
psql -X -qtA -F ' ' -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning; SET max_parallel_workers_per_gather = 0; SET jit = off;
\o /dev/null
SELECT setseed(0.18);
\o
CREATE TEMP TABLE ca AS
SELECT array_agg(k::bigint ORDER BY k) AS ids, array_agg(ST_Expand(ST_SetSRID(ST_MakePoint(x, y), 32616), 0.01) ORDER BY k) AS geoms,
       array_agg(v ORDER BY k) AS x
FROM (SELECT k, random() AS v,
             CASE WHEN k % 100 > 0 THEN 710000 + 50 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ELSE 700000 + random() * 20000 END AS x,
             CASE WHEN k % 100 > 0 THEN 4340000 + 50 * sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random()) ELSE 4330000 + random() * 20000 END AS y
      FROM generate_series(1, 50000) k) s;
CREATE TEMP TABLE runs (w text, run int, ms float8);
DO $$ DECLARE t0 timestamptz; BEGIN
  FOR r IN 1..3 LOOP
    t0 := clock_timestamp();
    PERFORM count(*) FROM ca a, safety.gi_star_areas(a.ids, a.geoms, a.x, 'knn', k => 8) r;
    INSERT INTO runs VALUES ('gi_knn(k=8)', r, 1000 * extract(epoch FROM clock_timestamp() - t0));
    t0 := clock_timestamp();
    PERFORM count(*) FROM ca a, safety.gi_star_areas(a.ids, a.geoms, a.x, 'distance', 1) r;
    INSERT INTO runs VALUES ('gi_distance(1m)', r, 1000 * extract(epoch FROM clock_timestamp() - t0));
  END LOOP; END $$;
SELECT w, round(min(ms)::numeric, 1) AS best_ms FROM runs GROUP BY w ORDER BY w;
SELECT 'gi_distance(1m) mean neighbours', round(avg(neighbors - 1), 2) FROM ca a, safety.gi_star_areas(a.ids, a.geoms, a.x, 'distance', 1) r;
SQL
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
