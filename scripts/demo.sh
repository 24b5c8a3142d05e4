#!/usr/bin/env bash
# demo.sh — the README's main job (make demo): install what is missing, build
# and install the extension, start the throwaway cluster (unless PGHOST points
# at a server), load the bundled Cincinnati burglaries and print the report
# computed by the extension's functions.  Safe to re-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh

SAFETY_DEPS=core bash scripts/install-deps.sh
bash scripts/build-install.sh
use_cluster_env
[ -n "${SAFETY_OWN_CLUSTER:-}" ] && bash scripts/cluster.sh start
if [ -n "${SAFETY_OWN_CLUSTER:-}" ]; then
	# our throwaway cluster: a fresh demo database, so a rebuilt extension is used
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$PGDATABASE\"" -c "CREATE DATABASE \"$PGDATABASE\""
else
	psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 ||
		psql -X -q -d postgres -c "CREATE DATABASE \"$PGDATABASE\""
fi
psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql
for report in scripts/report/*.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f "$report"
done
mkdir -p "$(cluster_dir)" && psql -X -q -At -v ON_ERROR_STOP=1 -c "SELECT safety.report((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents), 'weekly', time_zone => 'America/New_York', title => 'Cincinnati burglaries: weekly screening')" > "$(cluster_dir)/report-weekly.html" && echo && echo "The weekly report as HTML (safety.report): $(cluster_dir)/report-weekly.html"
if [ -n "${SAFETY_OWN_CLUSTER:-}" ]; then
	echo
	echo "The cluster keeps running for you: psql -h $PGHOST -p $PGPORT -U postgres $PGDATABASE"
	echo "Stop and remove it with: make stop"
fi
