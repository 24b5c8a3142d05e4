#!/usr/bin/env bash
# python_client.sh — a real client: Python with psycopg 3 (Debian's
# python3-psycopg, system /usr/bin/python3) runs the dashboard queries of
# docs/dashboards/ against a hotspot view on the bundled data and checks each
# answer against an independent computation (test/clients/dashboard.py).
# Uses PGHOST/PGPORT/PGUSER of the running test cluster; makes its own database.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db=safety_python_client
fail() { echo "$1"; echo "python_client: 0 passed, 1 failed"; exit 1; }
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import psycopg' 2>/dev/null || fail "python3-psycopg is missing"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || fail "cannot create $db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null || fail "loading the data failed"
/usr/bin/python3 test/clients/dashboard.py "dbname=$db"
rc=$?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
exit $rc
