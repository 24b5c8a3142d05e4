#!/usr/bin/env bash
# bench/kde.sh — exact KDE (safety.kde_agg, quartic, 100 m cells, 400 m
# bandwidth, one core) side by side, in one run, on the bundled burglaries
# and on N (default 100,000) and M (default 1,000,000) synthetic clustered
# events (bench.make_events):
#   * the table scan alone (count(geom)), taking turns with kde_agg;
#   * the arithmetic floor: the same pairs (event, cell centre within h)
#     evaluated in a tight C loop on a dense raster (bench/kde_floor.c),
#     which also checks kde_agg's cells against its own exact sums;
#   * R spatstat density.ppp (bench/kde_spatstat.R: quartic, the same cells,
#     edge = FALSE; binned and FFT-convolved, so close to exact, not equal);
#   * the plain PostGIS SQL KDE (cell centres from ST_SquareGrid joined to
#     events with ST_DWithin, kernel weights summed), on the bundled data
#     and the N events (one timed run after a warm-up run).
# Usage: bench/kde.sh [N] [M]   (needs a server with the extension: make demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
n=${1:-100000}
m=${2:-1000000}
cell=100 h=400
bench_database
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT bench.ensure_events('bench_kde_m', $m)" -c "VACUUM ANALYZE bench_kde_m"
# the first N of the M events (ids are in random places)
psql -X -q -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS bench_kde_n" \
	-c "CREATE TABLE bench_kde_n AS SELECT * FROM bench_kde_m WHERE id <= $n" -c "VACUUM ANALYZE bench_kde_n" \
	-c "CREATE INDEX IF NOT EXISTS bench_kde_n_geom ON bench_kde_n USING gist (geom)" \
	-c "CREATE INDEX IF NOT EXISTS incidents_geom_gist ON incidents USING gist (geom)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O3 -march=native -fno-trapping-math -o "$work/kde_floor" bench/kde_floor.c -lm
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $(psql -X -qtAc "SELECT split_part(version(), ' on ', 1)"); $(R --version | head -1)"
echo "kde_agg(geom, $cell, $h), quartic; scan and kde_agg serial (max_parallel_workers_per_gather = 0), taking turns"
printf '%s\n' incidents bench_kde_n bench_kde_m > "$work/tables"
while read -r t; do
	psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT ST_X(geom), ST_Y(geom) FROM $t WHERE geom IS NOT NULL) TO '$work/$t.xy' WITH (DELIMITER ' ')"
	psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT c.i, c.j, c.value FROM (SELECT safety.kde_agg(geom, $cell, $h) AS g FROM $t) s, safety.cells(s.g) c) TO '$work/$t.cells' WITH (DELIMITER ' ')"
	rounds=11; [ "$t" = bench_kde_m ] && rounds=5
	plain=NULL
	if [ "$t" != bench_kde_m ]; then
		plain="bench.time_ms(format(\$q\$
    WITH ext AS (SELECT ST_SetSRID(ST_Expand(ST_Extent(geom), $h), 32616) AS e FROM %I),
         grid AS (SELECT ST_SetSRID(ST_MakePoint((g.i + 0.5) * $cell, (g.j + 0.5) * $cell), 32616) AS c
                  FROM ext, ST_SquareGrid($cell, ext.e) g)
    SELECT count(*) FROM (
      SELECT g.c, sum(3 / pi() * (1 - (ST_Distance(g.c, e.geom) / $h) ^ 2) ^ 2 / ($h * $h)) AS density
      FROM grid g JOIN %I e ON ST_DWithin(g.c, e.geom, $h)
      WHERE ST_Distance(g.c, e.geom) < $h
      GROUP BY 1) s\$q\$, '$t', '$t'), 1)"
	fi
	psql -X -qtA -v ON_ERROR_STOP=1 -F ' ' <<SQL > "$work/$t.sql_ms"
SET jit = off;
SET max_parallel_workers_per_gather = 0;
-- one run of the rounds for both (scan and kde_agg timed in the same rounds);
-- over_first: the median over the rounds of kde_agg / scan in that round
WITH r AS MATERIALIZED (
  SELECT * FROM bench.interleaved_ms(ARRAY['SELECT count(geom) FROM $t',
                                           'SELECT safety.kde_agg(geom, $cell, $h) FROM $t'], $rounds)
         WITH ORDINALITY r(q, median_ms, min_ms, over_first, k))
SELECT (SELECT median_ms FROM r WHERE k = 1), (SELECT median_ms FROM r WHERE k = 2),
       (SELECT over_first FROM r WHERE k = 2),
       $plain;
SQL
	floor_out=$("$work/kde_floor" "$work/$t.xy" $cell $h "$work/$t.cells")
	r_out=$(Rscript bench/kde_spatstat.R "$work/$t.xy" $cell $h "$work/$t.cells")
	echo "== $t"
	echo "$floor_out"
	echo "$r_out"
	read -r scan kde paired plain_ms < "$work/$t.sql_ms"
	arith=$(echo "$floor_out" | sed -nE 's/.*best of 3: ([0-9.]+) ms.*/\1/p')
	r_ms=$(echo "$r_out" | sed -nE 's/.*best of 3: ([0-9.]+) ms.*/\1/p')
	awk -v t="$t" -v scan="$scan" -v kde="$kde" -v pr="$paired" -v ar="$arith" -v r="$r_ms" -v p="${plain_ms:-}" 'BEGIN {
		printf "%s: scan %.1f ms, kde_agg %.1f ms (kde_agg / scan %.2f, median of the rounds), arithmetic %.1f ms; floor (scan + arithmetic) %.1f ms, kde_agg / floor %.2f; spatstat %.1f ms, spatstat / kde_agg %.1f",
			t, scan, kde, pr, ar, scan + ar, kde / (scan + ar), r, r / kde
		if (p != "") printf "; plain SQL %.1f ms, plain SQL / kde_agg %.1f", p, p / kde
		printf "\n" }'
done < "$work/tables"
