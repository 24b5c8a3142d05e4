#!/usr/bin/env bash
# upgrade.sh — a database that holds safety 0.1.0 upgrades to 0.2.0.
#
# Installs 0.1.0 from its frozen script (sql/released/), makes what a user
# of 0.1.0 has: hotspot, near-repeat and tier views (one owned by an
# ordinary role and granted to another), stored safety.grid and
# safety.events values, changed and added configuration rows, a tier
# snapshot; then ALTER EXTENSION safety UPDATE, and checks that
#   * every object of the extension equals a fresh 0.2.0 install
#     (test/suites/upgrade/describe.sql, object by object), and that the
#     comparison does see the difference between 0.1.0 and 0.2.0;
#   * stored values read back unchanged, configuration rows are kept, the
#     reports' texts are those of a fresh install;
#   * every old view refreshes (safety.refresh_all, as each owner), the tier
#     view is rebuilt with its owner, grants and creation time, and equals a
#     tier view made fresh by 0.2.0.
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
bindir=$(pg_bindir)
old=safety_upgrade_old new=safety_upgrade_new
passed=0 failed=0
q() { "$bindir/psql" -X -q -tA -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # name db query expected
	local got
	got=$(q "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then ok "$1"; else bad "$1: got [$got], expected [$4]"; fi
}
tmp=$(mktemp -d /tmp/safety-upgrade.XXXXXX)
cleanup() {
	"$bindir/dropdb" --if-exists "$old" 2>/dev/null
	"$bindir/dropdb" --if-exists "$new" 2>/dev/null
	rm -rf "$tmp"
}
finish() { cleanup; echo "upgrade: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }
cleanup
mkdir -p "$tmp"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

q postgres "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'upgrade_analyst') THEN CREATE ROLE upgrade_analyst; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'upgrade_reader') THEN CREATE ROLE upgrade_reader; END IF;
END \$\$" >/dev/null

# --- what a 0.1.0 database holds ------------------------------------------------
"$bindir/createdb" "$old" || finish
if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$old" >"$tmp/setup.log" 2>&1 <<'SQL'; then
CREATE EXTENSION postgis;
CREATE EXTENSION safety VERSION '0.1.0';
\i scripts/load-data.sql
DELETE FROM incidents WHERE occurred_at < '2017-01-01' OR geom IS NULL;
GRANT SELECT ON incidents TO upgrade_analyst;
GRANT CREATE ON SCHEMA public TO upgrade_analyst;
-- 0.1.0's tier functions needed this grant (0.2.0 grants it to PUBLIC)
GRANT SELECT ON safety.tier_policy, safety.offense_weights TO upgrade_analyst;
SELECT safety.create_hotspot_view('hot', 'incidents', 'geom', 'occurred_at', 250, 500, '90 days',
	as_of => '2018-07-01 00:00+00');
SELECT safety.create_near_repeat_view('nr', 'incidents', 'geom', 'occurred_at', 'id',
	'{250,500}', '{7,14}', permutations => 19, as_of => '2018-07-01 00:00+00');
SET ROLE upgrade_analyst;
SELECT safety.create_tier_view('tiers', 'incidents', 'geom', 'occurred_at', 'offense', 250,
	filter => 'offense <> ''unknown''', as_of => '2018-07-01 00:00+00', min_count => 2);
GRANT SELECT ON tiers TO upgrade_reader;
RESET ROLE;
REVOKE SELECT ON safety.tier_policy, safety.offense_weights FROM upgrade_analyst;
-- stored values
CREATE TABLE stored AS
SELECT safety.grid_agg(geom, 250) AS g, safety.kde_agg(geom, 250, 500) AS k,
       safety.events_agg(geom, occurred_at, id) AS e
FROM incidents WHERE occurred_at < '2017-02-01';
-- configuration rows: added, changed, and a snapshot
INSERT INTO safety.offense_weights (offense, weight, source) VALUES ('Arson', 365, 'local panel');
UPDATE safety.tier_policy SET lead = 'Chief inspector' WHERE tier = 'red';
INSERT INTO safety.sensitive_places VALUES ('school A', 'school', 'SRID=32616;POINT(715000 4330000)', 0.5, 200);
SELECT safety.record_tiers('weekly', e, '2018-07-01 00:00+00', 250)
FROM (SELECT safety.events_agg(geom, occurred_at) e FROM incidents) s;
SQL
	bad "a 0.1.0 database is set up (see below)"; cat "$tmp/setup.log"; finish
fi
ok "0.1.0 installs from sql/released/safety--0.1.0.sql and holds views, stored values and configuration"
check "installed version is 0.1.0" "$old" "SELECT extversion FROM pg_extension WHERE extname = 'safety'" "0.1.0"
got=$(q "$old" "SELECT safety.backtest(NULL::safety.events, 250, now(), now())" 2>&1)
case "$got" in
*"removed in safety 0.2.0"*) ok "a 0.1.0 function whose C code is gone says to update";;
*) bad "a 0.1.0 function whose C code is gone says to update: got [$got]";;
esac
q "$old" "SELECT g::text, k::text, e::text FROM stored" >"$tmp/stored.before"
q "$old" "SELECT offense, weight, is_default FROM safety.offense_weights ORDER BY 1" >"$tmp/weights.before"
q "$old" "SELECT tier, action, respond_within, review_every, lead, is_default FROM safety.tier_policy ORDER BY 1" >"$tmp/policy.before"
q "$old" "SELECT name, as_of, unit, tier, score FROM safety.tier_history ORDER BY 1, 2, 3" >"$tmp/history.before"
q "$old" "SELECT created FROM safety.views WHERE name = 'tiers'" >"$tmp/created.before"
q "$old" "SELECT * FROM hot ORDER BY cell_id" >"$tmp/hot.before"
"$bindir/createdb" "$new" && q "$new" "CREATE EXTENSION safety CASCADE" >/dev/null || finish
"$bindir/psql" -X -q -tA -d "$old" -f test/suites/upgrade/describe.sql >"$tmp/describe.old"

# --- the update -------------------------------------------------------------------
if out=$(q "$old" "ALTER EXTENSION safety UPDATE" 2>&1); then ok "ALTER EXTENSION safety UPDATE"
else bad "ALTER EXTENSION safety UPDATE: $out"; finish; fi
check "version after the update is 0.2.0" "$old" "SELECT extversion FROM pg_extension WHERE extname = 'safety'" "0.2.0"

"$bindir/psql" -X -q -tA -d "$old" -f test/suites/upgrade/describe.sql >"$tmp/describe.upgraded"
"$bindir/psql" -X -q -tA -d "$new" -f test/suites/upgrade/describe.sql >"$tmp/describe.fresh"
if [ -s "$tmp/describe.fresh" ] && diff -q "$tmp/describe.old" "$tmp/describe.fresh" >/dev/null; then
	bad "the comparison sees the difference between 0.1.0 and 0.2.0"
else
	ok "the comparison sees the difference between 0.1.0 and 0.2.0 ($(diff "$tmp/describe.old" "$tmp/describe.fresh" | grep -c '^[<>]') lines)"
fi
if diff "$tmp/describe.upgraded" "$tmp/describe.fresh" >"$tmp/describe.diff"; then
	ok "upgraded objects equal a fresh 0.2.0 install ($(wc -l <"$tmp/describe.fresh") lines: members, definitions, columns, privileges, policies, comments)"
else
	bad "upgraded objects equal a fresh 0.2.0 install (< upgraded, > fresh):"; head -80 "$tmp/describe.diff"
fi

# --- what the user had is still there --------------------------------------------
q "$old" "SELECT g::text, k::text, e::text FROM stored" >"$tmp/stored.after"
if cmp -s "$tmp/stored.before" "$tmp/stored.after"; then ok "stored grid, density and events values read back unchanged"
else bad "stored grid, density and events values read back unchanged"; fi
q "$old" "SELECT offense, weight, is_default FROM safety.offense_weights ORDER BY 1" >"$tmp/weights.after"
cmp -s "$tmp/weights.before" "$tmp/weights.after" && ok "offense weights kept (added row and shipped rows)" \
	|| bad "offense weights kept"
q "$old" "SELECT tier, action, respond_within, review_every, lead, is_default FROM safety.tier_policy ORDER BY 1" >"$tmp/policy.after"
cmp -s "$tmp/policy.before" "$tmp/policy.after" && ok "tier policy kept (the changed red row stays a user row, shipped rows stay shipped)" \
	|| { bad "tier policy kept"; diff "$tmp/policy.before" "$tmp/policy.after"; }
check "tier policy has the 0.2.0 shares" "$old" \
	"SELECT string_agg(tier || '=' || share || ',' || coalesce(max_cells::text, '-'), ' ' ORDER BY tier) FROM safety.tier_policy" \
	"yellow=0.15,- orange=0.05,- red=0.01,-"
check "shipped policy rows are still left out of pg_dump, the changed one is kept" "$old" \
	"SELECT string_agg(tier::text, ',' ORDER BY tier) FROM safety.tier_policy WHERE NOT is_default" "red"
check "sensitive places kept" "$old" "SELECT count(*) FROM safety.sensitive_places" "1"
rs="SELECT count(*) || ' ' || md5(string_agg(lang || '|' || key || '|' || template || '|' || is_default, E'\\n' ORDER BY lang, key)) FROM safety.report_strings"
check "the reports' texts are the shipped ones of a fresh install" "$old" "$rs" "$(q "$new" "$rs")"
q "$old" "SELECT name, as_of, unit, tier, score FROM safety.tier_history ORDER BY 1, 2, 3" >"$tmp/history.after"
cmp -s "$tmp/history.before" "$tmp/history.after" && [ -s "$tmp/history.after" ] \
	&& ok "tier history kept ($(wc -l <"$tmp/history.after") rows)" || bad "tier history kept"

# --- old views: rebuilt where they must be, and all refresh --------------------------
check "the tier view keeps its owner" "$old" \
	"SELECT relowner::regrole FROM pg_class WHERE oid = 'public.tiers'::regclass" "upgrade_analyst"
check "the tier view keeps its grant" "$old" \
	"SELECT has_table_privilege('upgrade_reader', 'public.tiers', 'SELECT')" "t"
q "$old" "SELECT created FROM safety.views WHERE name = 'tiers'" >"$tmp/created.after"
cmp -s "$tmp/created.before" "$tmp/created.after" && ok "the tier view keeps its creation time" || bad "the tier view keeps its creation time"
check "the tier view keeps its source, filter, cell size, min_count and as_of, with the 0.2.0 arguments" "$old" \
	"SELECT concat_ws(' ', source, parameters->>'filter', parameters->>'cell_size', parameters->>'min_count', parameters->>'as_of', parameters->>'horizon', parameters->>'model') FROM safety.views WHERE name = 'tiers'" \
	"incidents offense <> 'unknown' 250 2 2018-07-01T00:00:00+00:00 7 days default"
check "every view still in the catalog" "$old" "SELECT string_agg(kind || ':' || name, ' ' ORDER BY name) FROM safety.views" \
	"hotspot:hot near_repeat:nr tier:tiers"
"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$old" -c "CALL safety.refresh_all()" >"$tmp/refresh.log" 2>&1 \
	&& PGOPTIONS="$PGOPTIONS -c role=upgrade_analyst" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$old" -c "CALL safety.refresh_all()" >>"$tmp/refresh.log" 2>&1 \
	&& ok "safety.refresh_all runs as the superuser and as the tier view's owner" \
	|| { bad "safety.refresh_all runs"; cat "$tmp/refresh.log"; }
check "every view and companion refreshed ok after the update" "$old" \
	"SELECT string_agg(view || ':' || status, ' ' ORDER BY view) FROM (SELECT DISTINCT ON (view) view, status FROM safety.refresh_log ORDER BY view, id DESC) l" \
	"hot:ok nr:ok nr_windows:ok tiers:ok"
q "$old" "SELECT * FROM hot ORDER BY cell_id" >"$tmp/hot.after"
cmp -s "$tmp/hot.before" "$tmp/hot.after" && [ -s "$tmp/hot.after" ] \
	&& ok "the hotspot view gives the same rows after the update and refresh ($(wc -l <"$tmp/hot.after") cells)" \
	|| bad "the hotspot view gives the same rows after the update and refresh"
q "$old" "SELECT safety.create_tier_view('tiers_fresh', 'incidents', 'geom', 'occurred_at', 'offense', 250,
	filter => 'offense <> ''unknown''', as_of => '2018-07-01 00:00+00', min_count => 2)" >/dev/null
check "the rebuilt tier view equals one made fresh by 0.2.0" "$old" \
	"SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b) || ' of ' || count(*) FROM
	   (SELECT row(t.*)::text a FROM tiers t) x FULL JOIN (SELECT row(t.*)::text b FROM tiers_fresh t) y ON a = b" \
	"0 of $(q "$old" "SELECT count(*) FROM tiers_fresh")"
"$bindir/pg_dump" -s -d "$old" >"$tmp/schema.sql" 2>&1
if grep -q 'CREATE MATERIALIZED VIEW public.tiers ' "$tmp/schema.sql" && grep -q 'CREATE MATERIALIZED VIEW public.hot ' "$tmp/schema.sql"; then
	ok "pg_dump of the upgraded database keeps the user's views (the rebuilt tier view is not part of the extension)"
else
	bad "pg_dump of the upgraded database keeps the user's views"
fi
check "the tier view has tiered cells" "$old" "SELECT count(*) > 0 FROM tiers WHERE tier = 'red'" "t"
finish
