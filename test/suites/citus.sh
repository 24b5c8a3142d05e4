#!/usr/bin/env bash
# citus.sh — every aggregate on Citus-distributed incident tables gives what
# it gives on a local table.  Starts a coordinator and two workers as
# throwaway clusters (scripts/cluster.sh, private directories and sockets,
# TCP on localhost ports SAFETY_CITUS_PGPORT .. +2, default 54411..54413),
# loads the bundled burglaries on the coordinator, distributes them by id and
# (a second table) by district, and compares the results of grid_agg,
# hex_agg, kde_agg, events_agg (every overload) and grid_merge, grouped and
# not, with the local table's; then gi_star, near_repeat, risk_tiers and
# forecast over distributed aggregates, a hotspot view on a distributed
# source and its refresh, and that EXPLAIN shows partial aggregation on the
# workers.  Skipped (exit 0) when Citus is not installed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh

pg_config="$(pg_bindir)/pg_config"
libdir=$("$pg_config" --pkglibdir 2>/dev/null)
if [ ! -f "$libdir/citus.so" ]; then
	echo "citus: skipped (Citus is not installed: no citus.so in ${libdir:-$(pg_bindir)})"
	exit 0
fi

passed=0 failed=0
check() { # name ok
	if [ "$2" = t ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
finish() { echo "citus: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

base=${SAFETY_CITUS_PGPORT:-54411}
nodes="coord w1 w2"
port_of() { case $1 in coord) echo "$base" ;; w1) echo $((base + 1)) ;; w2) echo $((base + 2)) ;; esac; }
node_env() { # node: cluster.sh environment for it
	export SAFETY_CLUSTER_DIR SAFETY_PGPORT SAFETY_PG_CONF
	SAFETY_CLUSTER_DIR=$(cluster_dir ".citus-$1")
	SAFETY_PGPORT=$(port_of "$1")
	SAFETY_PG_CONF="listen_addresses = 'localhost'
shared_preload_libraries = 'citus,postgis-3'
max_connections = 100
citus.node_conninfo = 'sslmode=disable'
citus.shard_count = 8"
}
cleanup() { for n in $nodes; do (node_env "$n"; bash scripts/cluster.sh stop >/dev/null 2>&1); done; }
# SAFETY_CITUS_KEEP=1 keeps the clusters to look around
[ -n "${SAFETY_CITUS_KEEP:-}" ] || trap cleanup EXIT
for n in $nodes; do
	(node_env "$n"; bash scripts/cluster.sh stop >/dev/null 2>&1
	 bash scripts/cluster.sh start >/dev/null) || { check "cluster $n starts" f; finish; }
done
export PGHOST=localhost PGUSER=postgres PGDATABASE=safety_citus PGPORT=$base
export PGOPTIONS="-c client_min_messages=warning"
on() { # node sql
	psql -X -q -tA -v ON_ERROR_STOP=1 -p "$(port_of "$1")" -c "$2"
}
q() { psql -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }

ok=t
for n in $nodes; do
	psql -X -q -p "$(port_of "$n")" -d postgres -c "CREATE DATABASE safety_citus" >/dev/null || ok=f
	on "$n" "CREATE EXTENSION citus; CREATE EXTENSION postgis; CREATE EXTENSION safety" >/dev/null || ok=f
done
q "SELECT citus_set_coordinator_host('localhost', $base)" >/dev/null || ok=f
for n in w1 w2; do q "SELECT citus_add_node('localhost', $(port_of $n))" >/dev/null || ok=f; done
check "coordinator and 2 workers with citus $(q "SELECT extversion FROM pg_extension WHERE extname = 'citus'"), postgis, safety" \
	"$( [ $ok = t ] && q "SELECT count(*) = 2 FROM citus_get_active_worker_nodes()")"

# the bundled data: incidents (local), areas (a reference table of 3 km squares),
# inc_by_id (distributed by id), inc_by_district (distributed by district)
psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null || { check "load the bundled data" f; finish; }
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { check "distribute the data" f; finish; }
CREATE TABLE areas AS
SELECT row_number() OVER (ORDER BY s.i, s.j)::int AS district, s.geom
FROM ST_SquareGrid(3000, (SELECT ST_SetSRID(ST_Extent(geom), 32616) FROM incidents)) s
WHERE EXISTS (SELECT FROM incidents WHERE ST_Intersects(incidents.geom, s.geom));
ALTER TABLE areas ADD PRIMARY KEY (district);
ALTER TABLE incidents ADD COLUMN district int NOT NULL DEFAULT 0;
UPDATE incidents SET district = a.district FROM areas a WHERE ST_Intersects(incidents.geom, a.geom)
	AND ST_X(incidents.geom) < ST_XMax(a.geom) AND ST_Y(incidents.geom) < ST_YMax(a.geom);
-- weights exact in binary (halves), so weighted sums do not depend on their order
ALTER TABLE incidents ADD COLUMN w float8;
UPDATE incidents SET w = 1 + (id % 4) * 0.5;
ANALYZE incidents;
CREATE TABLE inc_by_id (LIKE incidents INCLUDING ALL);
CREATE TABLE inc_by_district (LIKE incidents);
INSERT INTO inc_by_id SELECT * FROM incidents;
INSERT INTO inc_by_district SELECT * FROM incidents;
SELECT create_reference_table('areas');
SELECT create_distributed_table('inc_by_id', 'id');
SELECT create_distributed_table('inc_by_district', 'district');
SQL
check "inc_by_id ($(q "SELECT count(*) FROM inc_by_id") rows, by id) and inc_by_district (by district, $(q "SELECT count(DISTINCT district) FROM inc_by_district") districts) on $(q "SELECT count(DISTINCT nodename || nodeport) FROM citus_shards WHERE table_name = 'inc_by_id'::regclass") workers" \
	"$(q "SELECT (SELECT count(*) FROM inc_by_id) = (SELECT count(*) FROM incidents) AND (SELECT count(*) FROM inc_by_district) = (SELECT count(*) FROM incidents)")"

# an md5 and a row count > 0, nothing else (no error)
good() { [[ "$1" =~ ^[0-9a-f]{32}\ [1-9][0-9]*$ ]]; }

# same(label, select list over table T [, group by]): the text forms over the
# local table and over each distributed one are equal, byte for byte
same() {
	local label=$1 expr=$2 group=${3:-} local dist t sql
	sql="SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) || ' ' || count(*) FROM (SELECT ($expr)::text AS r FROM T${group:+ GROUP BY $group}) s"
	local=$(q "${sql//FROM T/FROM incidents}" 2>&1)
	for t in inc_by_id inc_by_district; do
		dist=$(q "${sql//FROM T/FROM $t}" 2>&1)
		check "$label on $t${group:+ grouped by $group}: equal (${local:0:8}.. ${local##* } rows)" \
			"$( [ "$local" = "$dist" ] && good "$local" && echo t)"
		[ "$local" = "$dist" ] || echo "  local: $local"$'\n'"  $t: $dist"
	done
}

for g in "" district; do
	gsel=""; [ -n "$g" ] && gsel="district::text || ' ' || "
	same "grid_agg(geom, 250)" "${gsel}safety.grid_agg(geom, 250)::text" "$g"
	same "grid_agg(geom, 250, w)" "${gsel}safety.grid_agg(geom, 250, w)::text" "$g"
	same "hex_agg(geom, 200)" "${gsel}safety.hex_agg(geom, 200)::text" "$g"
	same "hex_agg(geom, 200, w)" "${gsel}safety.hex_agg(geom, 200, w)::text" "$g"
	same "events_agg(geom, t)" "${gsel}safety.events_agg(geom, occurred_at)::text" "$g"
	same "events_agg(geom, t, id)" "${gsel}safety.events_agg(geom, occurred_at, id)::text" "$g"
	same "events_agg(geom, t, id, w)" "${gsel}safety.events_agg(geom, occurred_at, id, w)::text" "$g"
	same "events_agg(geom, from, to, id)" "${gsel}safety.events_agg(geom, occurred_at, occurred_at + interval '2 hours', id)::text" "$g"
	same "events_agg(geom, from, to, id, w)" "${gsel}safety.events_agg(geom, occurred_at, occurred_at + interval '2 hours', id, w)::text" "$g"
done
# grid_merge of stored daily grids
q "CREATE TABLE daily AS SELECT occurred_at::date AS day, district, safety.grid_agg(geom, 250) AS g FROM incidents GROUP BY 1, 2" >/dev/null
q "CREATE TABLE daily_by_day (LIKE daily); INSERT INTO daily_by_day SELECT * FROM daily; SELECT create_distributed_table('daily_by_day', 'day')" >/dev/null
for g in "" district; do
	gsel=""; [ -n "$g" ] && gsel="district::text || ' ' || "
	sql="SELECT md5(string_agg(r, E'\\n' ORDER BY r)) || ' ' || count(*) FROM (SELECT (${gsel}safety.grid_merge(g)::text) AS r FROM T${g:+ GROUP BY district}) s"
	lm=$(q "${sql//FROM T/FROM daily}" 2>&1); dm=$(q "${sql//FROM T/FROM daily_by_day}" 2>&1)
	check "grid_merge of daily grids distributed by day${g:+, grouped by district}: equal to the local rollup (${lm##* } rows)" \
		"$( [ "$lm" = "$dm" ] && good "$lm" && echo t)"
done
check "grid_merge of the daily grids equals grid_agg over the incidents" \
	"$(q "SELECT (SELECT safety.grid_merge(g)::text FROM daily_by_day) = (SELECT safety.grid_agg(geom, 250)::text FROM incidents)")"

# kde_agg: the same cells; values equal to 1e-12 relative (partial density
# sums are added in another order than the serial scan's)
kde_same() { # label, aggregate call [, group]
	local t d
	q "DROP TABLE IF EXISTS kde_l" >/dev/null
	q "CREATE TABLE kde_l AS SELECT ${3:+$3 AS k,} $2 AS g FROM incidents ${3:+GROUP BY $3}" >/dev/null
	for t in inc_by_id inc_by_district; do
		q "DROP TABLE IF EXISTS kde_d" >/dev/null
		q "CREATE TABLE kde_d AS SELECT ${3:+$3 AS k,} $2 AS g FROM $t ${3:+GROUP BY $3}" >/dev/null
		d=$(q "WITH l AS (SELECT ${3:+k,} c.* FROM kde_l, safety.cells(g) c), d AS (SELECT ${3:+k,} c.* FROM kde_d, safety.cells(g) c)
			SELECT count(*) FILTER (WHERE l.cell_id IS NULL OR d.cell_id IS NULL OR abs(l.value - d.value) > 1e-12 * abs(l.value)) || ' ' || count(*)
			FROM l FULL JOIN d ON l.cell_id = d.cell_id ${3:+AND l.k = d.k}")
		check "$1 on $t${3:+ grouped by $3}: ${d#* } cells, ${d%% *} differ" "$( [[ "$d" =~ ^0\ [1-9][0-9]*$ ]] && echo t)"
	done
}
for g in "" district; do
	kde_same "kde_agg(geom, 100, 400)" "safety.kde_agg(geom, 100, 400)" "$g"
	kde_same "kde_agg(geom, 100, 400, w)" "safety.kde_agg(geom, 100, 400, w)" "$g"
	kde_same "kde_agg(geom, 100, 400, w, 'epanechnikov')" "safety.kde_agg(geom, 100, 400, w, 'epanechnikov')" "$g"
	kde_same "kde_agg(geom, 100, 600, 'triangular')" "safety.kde_agg(geom, 100, 600, 'triangular')" "$g"
done

# the plan: partial aggregation on the shards, combined on the coordinator
plan=$(q "EXPLAIN (VERBOSE, COSTS OFF) SELECT safety.grid_agg(geom, 250), safety.kde_agg(geom, 100, 400), safety.events_agg(geom, occurred_at, id) FROM inc_by_id")
check "EXPLAIN VERBOSE: worker_partial_agg on the shards, coord_combine_agg on the coordinator" \
	"$(grep -q worker_partial_agg <<<"$plan" && grep -q coord_combine_agg <<<"$plan" && echo t)"
echo "$plan" | grep -E "coord_combine_agg|worker_partial_agg" | head -2 | cut -c1-160 | sed 's/^/  /'

# analyses over distributed aggregates
as_of=$(q "SELECT max(occurred_at) + interval '1 day' FROM incidents")
for t in inc_by_id inc_by_district; do
	for f in "gi_star((SELECT safety.grid_agg(geom, 250) FROM T), 500)" \
		"near_repeat((SELECT safety.events_agg(geom, occurred_at, id) FROM T), '{100,200,400}', '{7,14,28}', 99, 1)" \
		"risk_tiers((SELECT safety.events_agg(geom, occurred_at, id) FROM T), '$as_of', 250)" \
		"forecast((SELECT safety.events_agg(geom, occurred_at, id) FROM T), '$as_of', 250)"; do
		l=$(q "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) || ' ' || count(*) FROM safety.${f//FROM T/FROM incidents} x" 2>&1)
		d=$(q "SELECT md5(string_agg(x::text, E'\\n' ORDER BY x::text)) || ' ' || count(*) FROM safety.${f//FROM T/FROM $t} x" 2>&1)
		check "${f%%(*} over an aggregate of $t: rows equal the local ones (${l##* } rows)" \
			"$( [ "$l" = "$d" ] && good "$l" && echo t)"
		[ "$l" = "$d" ] || echo "  local: $l"$'\n'"  $t: $d"
	done
done

# a hotspot view on a distributed source, refreshed
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL || check "create_hotspot_view on inc_by_id" f
SELECT safety.create_hotspot_view('hs_dist', 'inc_by_id', 'geom', 'occurred_at', 250, 500, '28 days', as_of => '$as_of'::timestamptz);
SELECT safety.create_hotspot_view('hs_local', 'incidents', 'geom', 'occurred_at', 250, 500, '28 days', as_of => '$as_of'::timestamptz);
CALL safety.refresh('hs_dist');
SQL
# densities to 1e-12 relative (another order of the partial sums), the rest exactly
d=$(q "SELECT count(*) FILTER (WHERE l.cell_id IS NULL OR d.cell_id IS NULL OR l.events IS DISTINCT FROM d.events
		OR NOT ST_Equals(l.geom, d.geom) OR abs(l.density - d.density) > 1e-12 * abs(l.density)
		OR l.gi_class IS DISTINCT FROM d.gi_class OR l.tier IS DISTINCT FROM d.tier OR l.window_end IS DISTINCT FROM d.window_end)
		|| ' ' || count(*) FROM hs_local l FULL JOIN hs_dist d ON l.cell_id = d.cell_id" 2>&1)
check "create_hotspot_view on inc_by_id: the local view's rows (${d#* } cells, ${d%% *} differ)" "$( [[ "$d" =~ ^0\ [1-9][0-9]*$ ]] && echo t)"
check "refresh('hs_dist') logs ok" "$(q "SELECT status = 'ok' FROM safety.refresh_log WHERE view = 'hs_dist' ORDER BY id DESC LIMIT 1")"
finish
