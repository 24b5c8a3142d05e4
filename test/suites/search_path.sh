#!/usr/bin/env bash
# search_path.sh — no hostile object on the search path runs during safety's
# functions, view builders, refreshes and triggers (in the style of h3-pg's
# schemas test, with an attacker).
#
# An ordinary role, sp_attacker, owns schema "hostile" and fills it
# (search_path/hostile.sql) with shadows of the builtins: every operator of
# pg_catalog and PostGIS; operators on argument types that have no exact
# builtin (they win even when pg_catalog is searched first); and functions,
# aggregates, window functions, types (domains) and catalog relations (views)
# for every identifier in the install SQL (sql/install/*.sql) and in the C
# code's string literals (src/pg/*.c: the SPI queries), so the list grows
# with the code.  Each shadow counts itself in the sequence hostile.hits and
# raises a WARNING "hijack: ...".
#
# search_path/workload.sql (every public function, builder, refresh,
# refresh_all, hotspot_tile, the configuration triggers) then runs as a
# superuser and as an ordinary role (sp_analyst), with
#   search_path = hostile, public, pg_catalog     (pg_catalog explicit, last)
#   search_path = hostile, public                 (pg_catalog implicit, first)
# and must leave hostile.hits at 0.  Positive controls show that the shadows
# do run when a name is unqualified; a coverage check fails when a function of
# schema safety is missing from the workload; and builtins that cannot be
# shadowed in PL/pgSQL (those taking "any": format, concat, ...) must be
# called qualified in the install SQL and the C strings.
#
# Needs PGHOST/PGPORT/PGUSER (a superuser) of a server with the extension
# installed; makes and drops database safety_search_path and roles
# sp_attacker, sp_analyst.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bindir=${SAFETY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
here=test/suites/search_path
db=safety_search_path
tmp=$(mktemp -d /tmp/search_path.XXXXXX)
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
sql() { "$bindir/psql" -X -q -tA -v ON_ERROR_STOP=1 -d "$db" "$@"; }
cleanup() {
	"$bindir/dropdb" --if-exists "$db" 2>/dev/null
	"$bindir/psql" -X -q -d postgres -c "DROP ROLE IF EXISTS sp_attacker" -c "DROP ROLE IF EXISTS sp_analyst" 2>/dev/null
	rm -rf "$tmp"
}
# SAFETY_KEEP_SEARCH_PATH_DB=1 keeps the database and roles to look around
finish() {
	echo "search_path: $passed passed, $failed failed"
	[ -n "${SAFETY_KEEP_SEARCH_PATH_DB:-}" ] || cleanup
	[ "$failed" = 0 ]; exit $?
}
cleanup
mkdir -p "$tmp"
chmod 777 "$tmp"

# --- the database, the data and the roles -----------------------------------
"$bindir/createdb" "$db" && sql >/dev/null <<'SQL' || { fail "set-up"; finish; }
SET client_min_messages = warning;
CREATE EXTENSION safety CASCADE;
\i scripts/load-data.sql
CREATE ROLE sp_attacker LOGIN;
CREATE ROLE sp_analyst LOGIN;
CREATE SCHEMA hostile AUTHORIZATION sp_attacker;
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
CREATE SCHEMA sp_views_super;
CREATE SCHEMA sp_views_analyst AUTHORIZATION sp_analyst;
GRANT SELECT ON incidents TO sp_analyst;
-- recording tier history is the administrator's to grant
GRANT SELECT, INSERT, DELETE ON safety.tier_history TO sp_analyst;
INSERT INTO safety.sensitive_places
SELECT 'school', 'school', geom, 0.5, 300 FROM incidents WHERE geom IS NOT NULL ORDER BY id LIMIT 1;
SQL
super=$(sql -c "SELECT current_user")

# --- the names: every identifier of the install SQL and the C strings --------
text=$(cat sql/install/*.sql; grep -ho '"\([^"\\]\|\\.\)*"' src/pg/*.c)
idents=$(echo "$text" | grep -oE '[A-Za-z_][A-Za-z_0-9]*' | tr 'A-Z' 'a-z' | sort -u | tr '\n' ' ')
opnames=$(echo "$text" | grep -oE 'OPERATOR\([^)]*\)' | sed -E 's/^OPERATOR\(([^.]*\.)?//; s/\)$//' | sort -u | tr '\n' ' ')
if counts=$(sql -U sp_attacker -v fnames="$idents" -v typnames="$idents" -v relnames="$idents" \
		-v opnames="$opnames" -f "$here/hostile.sql" 2>&1); then
	ok "hostile schema built by an ordinary role (operators|functions|aggregates|domains|views: $(echo "$counts" | tail -1))"
else
	fail "hostile schema: $counts"; finish
fi

hits() { sql -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM hostile.hits"; }
reset_hits() { sql -U sp_attacker -c "SELECT pg_catalog.setval('hostile.hits', 1, false)" >/dev/null; }

# --- positive controls: an unqualified name does reach the shadows ------------
reset_hits
sql -U sp_analyst -c "SET search_path = hostile, public, pg_catalog" -c "SELECT 1 = 1" >/dev/null 2>&1
[ "$(hits)" -ge 1 ] && ok "control: 1 = 1 runs hostile.= when pg_catalog comes last ($(hits) hits)" ||
	fail "control: 1 = 1 did not run hostile.="
reset_hits
sql -U sp_analyst -c "SET search_path = hostile, public" -c "SELECT 64.0 / 4096" >/dev/null 2>&1
[ "$(hits)" -ge 1 ] && ok "control: 64.0 / 4096 runs hostile./(numeric, integer) with pg_catalog implicit ($(hits) hits)" ||
	fail "control: 64.0 / 4096 did not run hostile./"

# --- builtins that cannot be shadowed are called qualified -------------------
unshadowed=$(sql -v names="$idents" <<'SQL'
SELECT DISTINCT p.proname FROM pg_proc p
WHERE p.pronamespace IN (SELECT 'pg_catalog'::regnamespace UNION SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'postgis')
  AND p.proname OPERATOR(pg_catalog.=) ANY (pg_catalog.string_to_array(:'names', ' '))
  AND p.prokind OPERATOR(pg_catalog.=) ANY ('{f,a,w}')
  AND NOT EXISTS (SELECT FROM pg_proc h WHERE h.pronamespace OPERATOR(pg_catalog.=) 'hostile'::regnamespace
                  AND h.proname OPERATOR(pg_catalog.=) p.proname AND h.proargtypes OPERATOR(pg_catalog.=) p.proargtypes)
ORDER BY 1;
SQL
)
# calls in code: the install SQL without comments, and the C string literals
code=$(sed -E "s/--.*$//" sql/install/*.sql | grep -v "^COMMENT ON\|^	'"; grep -ho '"\([^"\\]\|\\.\)*"' src/pg/*.c)
bad=""
for name in $unshadowed; do
	hit=$(echo "$code" | grep -inE "(^|[^.A-Za-z0-9_\$\"])$name[[:space:]]*\(" | head -3)
	[ -n "$hit" ] && bad="$bad
  $name: $hit"
done
[ -z "$bad" ] && ok "builtins the shadows cannot cover are called pg_catalog-qualified: $(echo $unshadowed)" ||
	fail "unqualified calls of builtins the shadows cannot cover:$bad"

# --- coverage: the workload calls every function of schema safety -------------
missing=""
for name in $(sql -c "SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'safety'::regnamespace ORDER BY 1"); do
	grep -qE "safety\.$name([^a-z_0-9]|$)" "$here/workload.sql" || missing="$missing $name"
done
[ -z "$missing" ] && ok "the workload names every function of schema safety" || fail "functions missing from the workload:$missing"

# --- the workload, as a superuser and as an ordinary role, in both orders -----
run() { # label user search_path suffix schema config
	local label=$1 user=$2 path=$3 sfx=$4 vschema=$5 config=$6 out rc n
	reset_hits
	out=$(cd "$tmp" && "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -U "$user" -v path="$path" -v sfx="$sfx" \
		-v vschema="$vschema" -v config="$config" -f "$root/$here/workload.sql" 2>"$tmp/err"); rc=$?
	if [ "$rc" = 0 ] && grep -q "workload done" <<<"$out"; then
		ok "workload completes: $label"
	else
		fail "workload fails: $label: $(grep -v 'hijack:' "$tmp/err" | head -5)"
	fi
	n=$(hits)
	# counted, warned, or named in an error's context
	if [ "$n" = 0 ] && ! grep -q "hijack:\|hostile\." "$tmp/err"; then
		ok "no hostile object ran: $label"
	else
		fail "hostile objects ran $n times: $label; by object:"
		grep -o "hijack: .*\|hostile\..*" "$tmp/err" | sort | uniq -c | sort -rn | head -40
	fi
}
run "superuser, search_path = hostile, public, pg_catalog" "$super" "hostile, public, pg_catalog" su_last sp_views_super on
run "superuser, search_path = hostile, public" "$super" "hostile, public" su_first sp_views_super on
run "ordinary role, search_path = hostile, public, pg_catalog" sp_analyst "hostile, public, pg_catalog" an_last sp_views_analyst off
run "ordinary role, search_path = hostile, public" sp_analyst "hostile, public" an_first sp_views_analyst off
finish
