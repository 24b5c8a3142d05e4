#!/usr/bin/env bash
# pg_cron.sh — scheduled refresh with pg_cron (optional: not in safety's
# requires).  pg_cron must be preloaded, so this suite starts its own
# throwaway cluster (scripts/cluster.sh with a private directory, socket and
# port: SAFETY_CRON_PGPORT, default PGPORT + 10), schedules
#   SELECT cron.schedule('safety-refresh', '* * * * *', 'CALL safety.refresh_all()')
# (every second where the pg_cron version knows '1 seconds'), and waits,
# bounded, until the job has refreshed a hotspot view: a new ok row in
# safety.refresh_log and the new event in the view.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
. scripts/lib.sh

passed=0 failed=0
check() { # name ok
	if [ "$2" = t ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
finish() { echo "pg_cron: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

if [ ! -f "$(pg_bindir)/../lib/pg_cron.so" ]; then
	echo "pg_cron is not installed (postgresql-15-cron)"; failed=1; finish
fi
export SAFETY_CLUSTER_DIR
SAFETY_CLUSTER_DIR=$(cluster_dir .pgcron-cluster)
export SAFETY_PGPORT=${SAFETY_CRON_PGPORT:-$(( ${PGPORT:-54329} + 10 ))}
dir=$(cluster_dir)
export SAFETY_PG_CONF="shared_preload_libraries = 'pg_cron'
cron.database_name = 'safety_cron'
cron.host = '$dir/run'
cron.log_run = on"
cleanup() { bash scripts/cluster.sh stop >/dev/null 2>&1; }
trap cleanup EXIT
bash scripts/cluster.sh stop >/dev/null 2>&1
if ! bash scripts/cluster.sh start; then
	check "own cluster with pg_cron preloaded starts" f; finish
fi
export PGHOST=$dir/run PGPORT=$SAFETY_PGPORT PGUSER=postgres PGDATABASE=safety_cron
q() { psql -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }

psql -X -q -d postgres -c "CREATE DATABASE safety_cron" >/dev/null
q "CREATE EXTENSION pg_cron" >/dev/null && q "CREATE EXTENSION safety CASCADE" >/dev/null
check "CREATE EXTENSION pg_cron, safety (pg_cron $(q "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'"))" \
	"$(q "SELECT count(*) = 2 FROM pg_extension WHERE extname IN ('pg_cron', 'safety')")"

psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE incidents (id int PRIMARY KEY, occurred_at timestamptz NOT NULL, geom geometry(Point, 32616));
INSERT INTO incidents SELECT k, now() - k * interval '1 hour', ST_SetSRID(ST_MakePoint(700010 + k, 4330010), 32616)
FROM generate_series(1, 4) k;
SELECT safety.create_hotspot_view('hotspots', 'incidents', 'geom', 'occurred_at', 250, 500, '7 days', min_count => 1);
SQL
check "hotspot view with 4 events" "$(q "SELECT sum(events) = 4 FROM hotspots")"

# new events, to be picked up by the scheduled refresh only
q "INSERT INTO incidents VALUES (5, now(), 'SRID=32616;POINT(700020 4330020)'), (6, now(), 'SRID=32616;POINT(700020 4330020)')"
before=$(q "SELECT coalesce(max(id), 0) FROM safety.refresh_log")
schedule="1 seconds"
job=$(q "SELECT cron.schedule('safety-refresh', '$schedule', 'CALL safety.refresh_all()')" 2>/dev/null)
if [ -z "$job" ]; then
	schedule="* * * * *"
	job=$(q "SELECT cron.schedule('safety-refresh', '$schedule', 'CALL safety.refresh_all()')")
fi
check "cron.schedule('safety-refresh', '$schedule', 'CALL safety.refresh_all()') -> job $job" "$([ -n "$job" ] && echo t)"

# a minute schedule fires at the next full minute: wait up to 150 s
ok=f
for _ in $(seq 1 150); do
	if [ "$(q "SELECT count(*) > 0 FROM safety.refresh_log WHERE id > $before AND status = 'ok'")" = t ]; then ok=t; break; fi
	sleep 1
done
check "a new refresh_log row from the scheduled job" $ok
check "the refreshed view counts the new events" "$(q "SELECT sum(events) = 6 FROM hotspots")"
check "cron.job_run_details: the run succeeded" \
	"$(q "SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = ${job:-0} AND status = 'succeeded'")"
[ $ok = t ] || q "SELECT status, return_message FROM cron.job_run_details" || true
check "cron.unschedule" "$(q "SELECT cron.unschedule('safety-refresh')")"
finish
