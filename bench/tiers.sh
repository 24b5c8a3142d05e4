#!/usr/bin/env bash
# bench/tiers.sh — time safety.risk_scores on the bundled data (target < 1 s)
# against an equivalent plain-SQL scoring (bench/tiers.sql), after checking
# that both give the same scores and tiers.  Uses PGHOST/PGPORT/PGUSER/
# PGDATABASE when set, else the throwaway cluster of `make demo`; the
# incidents table must be loaded (scripts/load-data.sql).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
cmd=(psql -X -q -P footer=off -f bench/tiers.sql)
echo "command: PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$PGDATABASE ${cmd[*]}"
out=$("${cmd[@]}" 2>&1)
echo "$out"
times() { echo "$out" | sed -n "$1" | { grep '^Time:' || true; } | sed -E 's/Time: ([0-9.]+) ms.*/\1/' | sort -n; }
c=$(times '/risk_scores (C)/,/plain SQL/p')
s=$(times '/plain SQL/,$p')
med() { awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cm=$(echo "$c" | med) sm=$(echo "$s" | med)
echo "median: risk_scores ${cm} ms, plain SQL ${sm} ms, ratio $(awk -v a="$sm" -v b="$cm" 'BEGIN {printf "%.1f", a / b}')x"
awk -v a="$cm" 'BEGIN {exit !(a < 1000)}' && echo "target (< 1000 ms): met" || { echo "target (< 1000 ms): NOT met"; exit 1; }
