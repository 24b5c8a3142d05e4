#!/usr/bin/env bash
# bench/patrol.sh — patrol planning (bench/patrol.sql): time for 10, 50 and
# 100 sites on the bundled data's forecast and on 50,000 synthetic cells,
# the share covered, the bound and the gap; greedy in plain SQL beside it;
# and, when GLPK's glpsol is installed (apt-get install glpk-utils), the
# exact optimum of the bundled instance for k = 10 and 50 (time limit 300 s;
# "INTEGER NON-OPTIMAL" when it stops at the limit).
# Uses PGHOST/PGPORT/PGUSER/PGDATABASE when set, else the throwaway cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -q -tAc "SELECT to_regclass('incidents') IS NOT NULL" | grep -q t || psql -X -q -f scripts/load-data.sql
echo "command: PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$PGDATABASE psql -X -q -P footer=off -f bench/patrol.sql"
psql -X -q -P footer=off -f bench/patrol.sql
if ! command -v glpsol >/dev/null; then
	echo "glpsol not installed (apt-get install glpk-utils): exact optimum skipped"
	exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/mclp.mod" <<'MOD'
/* maximal covering (Church & ReVelle 1974) as a MIP */
set I;
set J;
set A within J cross I;
param w{I} >= 0;
param k;
var x{J} binary;
var y{I} >= 0, <= 1;
maximize covered: sum{i in I} w[i] * y[i];
s.t. reach{i in I}: y[i] <= sum{(j, i) in A} x[j];
s.t. sites: sum{j in J} x[j] = k;
end;
MOD
while IFS=, read -r k ours; do
	{
		echo "data;"
		echo "set I :="; cut -d, -f1 /tmp/safety_patrol_w.csv; echo ";"
		echo "set J :="; cut -d, -f1 /tmp/safety_patrol_w.csv; echo ";"
		echo "set A :="; tr ',' ' ' < /tmp/safety_patrol_a.csv; echo ";"
		echo "param w :="; tr ',' ' ' < /tmp/safety_patrol_w.csv; echo ";"
		echo "param k := $k;"
		echo "end;"
	} > "$tmp/mclp.dat"
	start=$(date +%s.%N)
	glpsol --math "$tmp/mclp.mod" --data "$tmp/mclp.dat" --tmlim 300 -o "$tmp/out.txt" > "$tmp/log.txt" 2>&1 || true
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	status=$(grep -m1 '^Status:' "$tmp/out.txt" | sed 's/^Status: *//')
	opt=$(grep -m1 '^Objective:' "$tmp/out.txt" | awk '{print $4}')
	echo "k = $k: GLPK $status $opt in ${secs} s; patrol_cover $ours; ours / GLPK = $(echo "scale=6; $ours / $opt" | bc)"
done < <(grep -E '^(10|50),' /tmp/safety_patrol_ours.csv)
rm -f /tmp/safety_patrol_w.csv /tmp/safety_patrol_a.csv /tmp/safety_patrol_ours.csv
