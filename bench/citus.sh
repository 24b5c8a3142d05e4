#!/usr/bin/env bash
# citus.sh — each aggregate over a local table and over the same rows
# distributed by id with Citus (a coordinator and 2 workers on this machine,
# 8 shards), on the bundled burglaries and on a larger synthetic table
# (SAFETY_BENCH_ROWS, default 1,000,000 clustered points).  Best of 3 runs
# each; the ratio local / distributed is measured in the same run.  Starts
# its own throwaway clusters (ports SAFETY_CITUS_BENCH_PGPORT .. +2, default
# 54421..54423) and removes them at the end.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
libdir=$("$(pg_bindir)/pg_config" --pkglibdir)
[ -f "$libdir/citus.so" ] || { echo "Citus is not installed (no citus.so in $libdir)"; exit 1; }
rows=${SAFETY_BENCH_ROWS:-1000000}
base=${SAFETY_CITUS_BENCH_PGPORT:-54421}
nodes="coord w1 w2"
port_of() { case $1 in coord) echo "$base" ;; w1) echo $((base + 1)) ;; w2) echo $((base + 2)) ;; esac; }
node_env() {
	export SAFETY_CLUSTER_DIR SAFETY_PGPORT SAFETY_PG_CONF
	SAFETY_CLUSTER_DIR=$(cluster_dir ".citus-bench-$1")
	SAFETY_PGPORT=$(port_of "$1")
	SAFETY_PG_CONF="listen_addresses = 'localhost'
shared_preload_libraries = 'citus,postgis-3'
citus.node_conninfo = 'sslmode=disable'
citus.shard_count = 8
max_parallel_workers_per_gather = 0"
}
cleanup() { for n in $nodes; do (node_env "$n"; bash scripts/cluster.sh stop >/dev/null 2>&1); done; }
trap cleanup EXIT
for n in $nodes; do (node_env "$n"; bash scripts/cluster.sh stop >/dev/null 2>&1; bash scripts/cluster.sh start >/dev/null) || exit 1; done
export PGHOST=localhost PGUSER=postgres PGDATABASE=safety_bench PGPORT=$base PGOPTIONS="-c client_min_messages=warning"
for n in $nodes; do
	psql -X -q -p "$(port_of $n)" -d postgres -c "CREATE DATABASE safety_bench" >/dev/null
	psql -X -q -p "$(port_of $n)" -c "CREATE EXTENSION citus; CREATE EXTENSION postgis; CREATE EXTENSION safety" >/dev/null
done
psql -X -q -c "SELECT citus_set_coordinator_host('localhost', $base)" >/dev/null
for n in w1 w2; do psql -X -q -c "SELECT citus_add_node('localhost', $(port_of $n))" >/dev/null; done
psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
-- clustered synthetic points: 200 centres over 20 km, normal scatter of 300 m
CREATE TABLE synthetic AS
SELECT k AS id, timestamptz '2020-01-01' + (k % 8760) * interval '1 hour' AS occurred_at,
	ST_SetSRID(ST_MakePoint(700000 + (c * 7919 % 20000) + 300 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2),
		4330000 + (c * 104729 % 20000) + 300 * sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2)), 32616)::geometry(Point, 32616) AS geom
FROM (SELECT k, k % 200 AS c, (hashint8(k) & 1048575) / 1048576.0 AS u1, (hashint8(-k) & 1048575) / 1048576.0 AS u2
	  FROM generate_series(1, $rows) k) s;
CREATE TABLE incidents_d AS SELECT * FROM incidents;
CREATE TABLE synthetic_d AS SELECT * FROM synthetic;
SELECT create_distributed_table('incidents_d', 'id');
SELECT create_distributed_table('synthetic_d', 'id');
VACUUM ANALYZE incidents; VACUUM ANALYZE synthetic; VACUUM ANALYZE incidents_d; VACUUM ANALYZE synthetic_d;
CREATE FUNCTION best_ms(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; best float8 := 'Infinity'; BEGIN
	FOR k IN 1..3 LOOP
		t0 := clock_timestamp(); EXECUTE q;
		best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
	RETURN best;
END \$\$;
SQL
printf '%-12s %-46s %10s %10s %7s\n' table aggregate local_ms dist_ms ratio
for t in incidents synthetic; do
	n=$(psql -X -tAc "SELECT count(*) FROM $t")
	for agg in "safety.grid_agg(geom, 250)" "safety.hex_agg(geom, 250)" "safety.kde_agg(geom, 100, 400)" \
		"safety.events_agg(geom, occurred_at, id)"; do
		l=$(psql -X -tAc "SELECT round(best_ms('SELECT $agg FROM $t')::numeric, 1)")
		d=$(psql -X -tAc "SELECT round(best_ms('SELECT $agg FROM ${t}_d')::numeric, 1)")
		printf '%-12s %-46s %10s %10s %7s\n' "$t($n)" "$agg" "$l" "$d" "$(echo "scale=2; $l / $d" | bc)"
	done
done
