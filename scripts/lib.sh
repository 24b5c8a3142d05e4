# lib.sh — shared shell helpers (sourced, not run).

# PostgreSQL 15's programs; SAFETY_PG_BINDIR points at a relocated copy
# (one per checkout when several are built and tested side by side)
pg_bindir() {
	echo "${SAFETY_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
}

# the cluster lives in the checkout when the postgres user can reach it,
# otherwise (a checkout under /root, say) in a private directory under /tmp
cluster_dir() {
	local want=${SAFETY_CLUSTER_DIR:-$root/.pgcluster}
	if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
		want=${SAFETY_CLUSTER_DIR:-/tmp/safety-cluster-$(echo "$root" | md5sum | cut -c1-8)}
	fi
	echo "$want"
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
