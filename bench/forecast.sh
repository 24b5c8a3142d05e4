#!/usr/bin/env bash
# bench/forecast.sh — forecasts and tiers judged like for like on the two
# bundled cities (bench/forecast.sql), then the speed of the default model
# on 150,000 synthetic events over ten years (bench/forecast_speed.sql).
# Uses PGHOST/PGPORT/PGUSER/PGDATABASE when set, else the throwaway cluster
# of `make demo`; loads the bundled data when its tables are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -q -tAc "SELECT to_regclass('incidents') IS NOT NULL" | grep -q t || psql -X -q -f scripts/load-data.sql
psql -X -q -tAc "SELECT to_regclass('vancouver') IS NOT NULL" | grep -q t || psql -X -q -f scripts/load-vancouver.sql
for f in bench/forecast.sql bench/forecast_windows.sql bench/forecast_speed.sql; do
	echo "command: PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$PGDATABASE psql -X -q -P footer=off -f $f"
	psql -X -q -P footer=off -f "$f"
done
