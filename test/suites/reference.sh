#!/usr/bin/env bash
# reference.sh — the reference docs say what the catalog holds (issue #14):
# every routine of schema safety has a heading in docs/reference*.md with
# its signature, every signature a heading gives exists as written
# (reference/check_reference.py), and the check fails when an entry is
# removed or a signature drifts (so that it can fail).
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed.
set -uo pipefail
bindir=${SAFETY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
db=reference_test
work=$(mktemp -d /tmp/reference_test.XXXXXX)
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
cleanup() { "$bindir/dropdb" --if-exists "$db" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bindir/dropdb" --if-exists "$db" 2>/dev/null
"$bindir/createdb" "$db" && "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" \
	-c "SET client_min_messages = warning" -c "CREATE EXTENSION safety CASCADE" \
	|| { echo "reference: 0 passed, 1 failed"; exit 1; }
"$bindir/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/reference/catalog.sql" > "$work/catalog.json" \
	|| { echo "reference: 0 passed, 1 failed"; exit 1; }

# the tree: every check passes
out=$(python3 "$here/reference/check_reference.py" "$root/docs" "$work/catalog.json"); rc=$?
echo "$out" | grep -v '^ok \|^docs against'
if [ "$rc" = 0 ]; then pass "docs/reference*.md against the catalog: $(echo "$out" | tail -1)"
else fail "docs/reference*.md against the catalog: $(echo "$out" | tail -1)"; fi

# mutilated copies: the check must notice
mutant() { # name sed-expression file expected-FAIL-pattern
	rm -rf "$work/docs" && cp -r "$root/docs" "$work/docs"
	sed -i -E "$2" "$work/docs/$3"
	if cmp -s "$root/docs/$3" "$work/docs/$3"; then fail "$1: the edit changed nothing"; return; fi
	out=$(python3 "$here/reference/check_reference.py" "$work/docs" "$work/catalog.json")
	if [ $? != 0 ] && grep -q "^FAIL .*$4" <<<"$out"; then pass "$1 fails: $(echo "$out" | grep -m1 "^FAIL .*$4")"
	else fail "$1 passed the check"; fi
}
mutant "a removed heading (kde_bandwidth)" '/^### `safety\.kde_bandwidth\(/d' reference-hotspots.md \
	'safety.kde_bandwidth.*has no heading'
mutant "a renamed argument (nni: area -> region)" '/^### `safety\.nni\(/s/area float8 DEFAULT/region float8 DEFAULT/' \
	reference-hotspots.md 'safety.nni(e, region): no such signature'
mutant "a wrong type (per_km2 takes text)" '/^### `safety\.per_km2\(/s/density float8/density text/' \
	reference-hotspots.md 'per_km2: density is double precision, not text'
mutant "a default that is not there (cell_geom)" '/^### `safety\.cell_geom\(/s/cell_id bigint/cell_id bigint DEFAULT 0/' \
	reference.md 'cell_geom: cell_id has no default'
mutant "a wrong result column (nni: z -> zscore)" '/^### `safety\.nni\(/s/, z float8/, zscore float8/' \
	reference-hotspots.md 'nni: result columns are'
mutant "an internal helper named nowhere (_view_gi_star)" 's/safety\._view_gi_star/safety.the_view_gi_star/g' \
	reference-views.md 'internal safety._view_gi_star.*named nowhere'

echo "reference: $passed passed, $failed failed"
[ "$failed" = 0 ]
