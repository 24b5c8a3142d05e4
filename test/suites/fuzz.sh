#!/usr/bin/env bash
# fuzz.sh — every function of schema safety called with NULL in each argument
# and with hostile values of each argument's type, plus mutated binary input
# of the two types (test/fuzz/sql/, README.md "Fuzzing").  A call must end in a
# result or an ERROR outside SQLSTATE class XX, within statement_timeout
# (2 s), and the server must stay up; each failure prints its reproducer SQL.
# The whole run stops at SAFETY_FUZZ_DEADLINE seconds (default 180).
# Uses PGHOST/PGPORT/PGUSER of the running test cluster; makes its own database.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db=safety_fuzz
fail() { echo "$1"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import psycopg' 2>/dev/null || fail "python3-psycopg is missing"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null ||
	fail "cannot create $db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f test/fuzz/sql/fixtures.sql >/dev/null || fail "the fixtures failed"
# the throwaway cluster's log shows a backend killed by a signal even when
# the crash restart hid it from the client
log=${SAFETY_FUZZ_LOG:-}
if [ -z "$log" ] && [ "${PGHOST:-}" = "$(cluster_dir)/run" ] && [ -r "$(cluster_dir)/server.log" ]; then
	log=$(cluster_dir)/server.log
fi
/usr/bin/python3 test/fuzz/sql/fuzz_sql.py "dbname=$db" ${log:+--log "$log"} \
	--deadline "${SAFETY_FUZZ_DEADLINE:-180}"
rc=$?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
exit $rc
