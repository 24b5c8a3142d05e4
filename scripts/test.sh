#!/usr/bin/env bash
# test.sh — the README's test command (make test): install what is missing,
# build and install the extension, start the throwaway cluster (unless PGHOST
# points at a server), run every suite, and end with "N passed, N failed".
#
# Suites: C unit tests of the core; pg_regress (test/sql, test/expected);
# every test/suites/*.sh (cross-checks against R, real clients, pg_cron),
# each ending with a line "<name>: N passed, N failed"; and a check that the
# server log shows no backend "terminated by signal".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/lib.sh
export PG_CONFIG="$(pg_bindir)/pg_config"

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/build-install.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
use_cluster_env
if [ -n "${SAFETY_OWN_CLUSTER:-}" ]; then
	bash scripts/cluster.sh start || { echo "0 passed, 1 failed"; exit 1; }
	logfile="$(cluster_dir)/server.log"
	logstart=$(wc -c <"$logfile" 2>/dev/null || echo 0)
fi

passed=0 failed=0
count() { # name passed failed
	echo "== $1: $2 passed, $3 failed"
	passed=$((passed + $2)); failed=$((failed + $3))
}

echo "== C unit tests of the core"
out=$(make -s unit 2>&1); echo "$out"
line=$(echo "$out" | grep '^unit total:' | tail -1)
if [ -n "$line" ]; then
	count unit "$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')" \
		"$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')"
else
	count unit 0 1
fi

echo "== pg_regress"
rm -rf test/out
out=$(make -s installcheck 2>&1); echo "$out"
ok=$(echo "$out" | grep -cE '\.\.\. ok( |$)')
bad=$(echo "$out" | grep -cE '\.\.\. (FAILED|failed)')
grep -q 'tests passed\|tests failed\|test passed\|test failed' <<<"$out" || bad=$((bad + 1))
[ -f test/out/regression.diffs ] && head -200 test/out/regression.diffs
count pg_regress "$ok" "$bad"

# Citus (not in Debian's registry) for test/suites/citus.sh: built from the
# source in ../shared beside the checkout when that is there; without it the
# suite prints that it was skipped
if [ ! -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ] && [ -f ../shared/tools/citus/install-citus.sh ]; then
	echo "== installing Citus from ../shared/tools/citus"
	bash ../shared/tools/citus/install-citus.sh || echo "Citus could not be installed: the citus suite will be skipped"
fi

for suite in test/suites/*.sh; do
	[ -e "$suite" ] || continue
	name=$(basename "$suite" .sh)
	echo "== $name"
	out=$(bash "$suite" 2>&1); rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '^[A-Za-z0-9_ -]+: [0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ] && [ "$rc" = 0 ] && grep -qE "^$name: skipped" <<<"$out"; then
		echo "== $name: skipped"
	elif [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
		count "$name" "$p" "$f"
	else
		count "$name" 0 1
	fi
done

if [ -n "${SAFETY_OWN_CLUSTER:-}" ]; then
	echo "== server log"
	# (grep -q stops reading at the first hit; through a pipe, with pipefail, the
	# writer's SIGPIPE would turn a hit into "no hit")
	if grep -q "terminated by signal" < <(tail -c +"$((logstart + 1))" "$logfile"); then
		tail -c +"$((logstart + 1))" "$logfile" | grep -B2 -A2 "terminated by signal"
		count server-log 0 1
	else
		echo "no backend terminated by signal"
		count server-log 1 0
	fi
fi

# a throwaway cluster goes away with the run (SAFETY_KEEP_CLUSTER=1 keeps it to look around)
if [ -n "${SAFETY_OWN_CLUSTER:-}" ] && [ -z "${SAFETY_KEEP_CLUSTER:-}" ]; then
	bash scripts/cluster.sh stop >/dev/null
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
