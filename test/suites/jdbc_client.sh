#!/usr/bin/env bash
# jdbc_client.sh — a real client: a small Java program compiled here and run
# with the PostgreSQL JDBC driver (/usr/share/java/postgresql.jar, the driver
# of Metabase, Tableau, DBeaver) runs the dashboard queries of
# docs/dashboards/ against a hotspot view on the bundled data and checks them
# against plain SQL (test/clients/Dashboard.java).  Uses PGHOST/PGPORT/PGUSER
# of the running test cluster; makes its own database.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db=safety_jdbc_client
jar=/usr/share/java/postgresql.jar
fail() { echo "$1"; echo "jdbc_client: 0 passed, 1 failed"; exit 1; }
command -v javac >/dev/null && command -v java >/dev/null || fail "javac/java missing (default-jdk-headless)"
[ -f "$jar" ] || fail "$jar missing (libpostgresql-jdbc-java)"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
javac -d "$build" -cp "$jar" test/clients/Dashboard.java || fail "javac failed"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || fail "cannot create $db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql >/dev/null || fail "loading the data failed"
java -cp "$jar:$build" Dashboard "${PGHOST:-/var/run/postgresql}" "${PGPORT:-5432}" "${PGUSER:-postgres}" "$db"
rc=$?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
exit $rc
