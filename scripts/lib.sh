# lib.sh — shared shell helpers (sourced, not run).

# PostgreSQL 15's programs; SAFETY_PG_BINDIR points at a relocated copy
# (one per checkout when several are built and tested side by side)
pg_bindir() {
	echo "${SAFETY_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
}

# A throwaway cluster's directory: name (default .pgcluster, the main one;
# SAFETY_CLUSTER_DIR overrides it) inside the checkout when the postgres user
# can reach the checkout, otherwise (a checkout under /root, say) a private
# directory under /tmp named after the checkout.  Every suite that starts a
# cluster of its own takes its directory from here.
cluster_dir() {
	local name=${1:-.pgcluster}
	if [ "$name" = .pgcluster ] && [ -n "${SAFETY_CLUSTER_DIR:-}" ]; then
		echo "$SAFETY_CLUSTER_DIR"
	elif [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
		echo "/tmp/safety-${name#.}-$(echo "$root" | md5sum | cut -c1-8)"
	else
		echo "$root/$name"
	fi
}

# connection settings: an existing server when PGHOST is set, else ours
use_cluster_env() {
	if [ -z "${PGHOST:-}" ]; then
		export PGHOST
		PGHOST="$(cluster_dir)/run"
		export PGPORT=${SAFETY_PGPORT:-54329}
		export PGUSER=postgres
		SAFETY_OWN_CLUSTER=1
	fi
	export PGDATABASE=${PGDATABASE:-safety}
}

# the benchmarks' database ($PGDATABASE): created when missing, with the
# bundled incidents (scripts/load-data.sql) and the timing helpers (bench/lib.sql)
bench_database() {
	psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE'" | grep -q 1 ||
		psql -X -q -d postgres -c "CREATE DATABASE \"$PGDATABASE\""
	[ "$(psql -X -qtAc "SELECT count(*) FROM pg_class WHERE relname = 'incidents'")" = 1 ] ||
		psql -X -q -v ON_ERROR_STOP=1 -f scripts/load-data.sql
	psql -X -q -v ON_ERROR_STOP=1 -f bench/lib.sql
}

# suite_database DB [FILE...]: a fresh database DB on the server of
# PGHOST/PGPORT with the extension and FILEs (SQL) loaded, for a test
# suite; dropped on exit, with the directory $tmp when the suite set one.
suite_database() {
	local db=$1 f
	shift
	trap "rm -rf \"\${tmp:-}\"; psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $db' >/dev/null 2>&1" EXIT
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || return 1
	PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; CREATE EXTENSION safety CASCADE" >/dev/null || return 1
	for f in "$@"; do
		PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null || return 1
	done
}
