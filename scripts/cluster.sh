#!/usr/bin/env bash
# cluster.sh start|stop|status — a throwaway PostgreSQL 15 cluster for the
# demo and the tests, owned by the postgres user, with its data directory and
# socket in one directory (cluster_dir in scripts/lib.sh: .pgcluster/ in the
# checkout, or under /tmp when the postgres user cannot reach the checkout)
# and a private port.
#
# Environment: SAFETY_CLUSTER_DIR (default: cluster_dir's choice),
# SAFETY_PGPORT (default 54329), SAFETY_PG_CONF (extra postgresql.conf lines).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

cmd=${1:-status}
dir=$(cluster_dir)
port=${SAFETY_PGPORT:-54329}
pgbin=$(pg_bindir)

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
	mkdir -p "$dir/run"
	[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log"; exit 1; }
		{
			echo "listen_addresses = ''"
			echo "unix_socket_directories = '$dir/run'"
			echo "port = $port"
			echo "max_worker_processes = 8"
			echo "max_parallel_workers = 4"
			# parallel workers then inherit PostGIS from the postmaster instead
			# of each loading it (~20 ms per parallel query; docs/reference.md)
			echo "shared_preload_libraries = 'postgis-3'"
			echo "logging_collector = off"
			echo "${SAFETY_PG_CONF:-}"
		} >>"$dir/data/postgresql.conf"
	fi
	if ! as_pg "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		# the server must not inherit our open files (a caller's flock, say)
		(
			for fd in /proc/$BASHPID/fd/*; do
				fd=${fd##*/}
				[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
			done
			as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
		)
	fi
	echo "cluster running: host=$dir/run port=$port (log $dir/server.log)"
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	echo "cluster stopped and removed ($dir)"
	;;
status)
	as_pg "$pgbin/pg_ctl" -D "$dir/data" status || true
	;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
