#!/usr/bin/env bash
# tiers_dump.sh — the tiering configuration survives pg_dump / pg_restore:
# user rows of safety.offense_weights, safety.tier_policy,
# safety.sensitive_places, safety.tier_history and safety.report_strings
# (the report's texts) are dumped (as extension
# configuration tables), shipped defaults are re-created by CREATE EXTENSION
# and not duplicated, and a changed default keeps its change.
# Needs PGHOST/PGPORT/PGUSER of a server with the extension installed.
set -uo pipefail
bindir=${SAFETY_PG_BINDIR:-/usr/lib/postgresql/15/bin}
src=tiers_dump_src dst=tiers_dump_dst
dumpfile=$(mktemp /tmp/tiers_dump.XXXXXX)
passed=0 failed=0
q() { "$bindir/psql" -X -q -tA -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
check() { # name db query expected
	local got
	got=$(q "$2" "$3" 2>&1)
	if [ "$got" = "$4" ]; then passed=$((passed + 1)); echo "ok   $1"
	else failed=$((failed + 1)); echo "FAIL $1: got [$got], expected [$4]"; fi
}
cleanup() {
	"$bindir/dropdb" --if-exists "$src" 2>/dev/null
	"$bindir/dropdb" --if-exists "$dst" 2>/dev/null
	rm -f "$dumpfile"
}
cleanup
"$bindir/createdb" "$src" && "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL' || { echo "tiers_dump: 0 passed, 1 failed"; cleanup; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION safety CASCADE;
INSERT INTO safety.offense_weights (offense, weight, source) VALUES ('Arson', 365, 'local panel');
UPDATE safety.offense_weights SET weight = 55, notes = 'reviewed' WHERE offense = 'burglary';
INSERT INTO safety.offense_weights (offense, weight, source) VALUES ('ROBBERY', 400, 'local panel');
UPDATE safety.tier_policy SET respond_within = '12 hours', lead = 'Chief inspector' WHERE tier = 'red';
INSERT INTO safety.sensitive_places VALUES ('school A', 'school', 'SRID=32616;POINT(700000 4330000)', 0.5, 200);
INSERT INTO safety.tier_history VALUES ('s', '2018-07-01 00:00+00', 42, 'red', 0.9),
                                       ('s', '2018-07-01 00:00+00', 43, 'yellow', 0.2);
UPDATE safety.report_strings SET template = 'Tier moves' WHERE lang = 'en' AND key = 'weekly.changes';
INSERT INTO safety.report_strings (lang, key, template) VALUES ('en', 'weekly.hot', 'Hot spots'), ('de', 'weekly.hot', 'Brennpunkte');
SQL
check "source has 13 weight rows (12 defaults + Arson; ROBBERY replaced robbery)" "$src" \
	"SELECT count(*) FROM safety.offense_weights" "13"
"$bindir/pg_dump" -Fc -f "$dumpfile" "$src" || { failed=$((failed + 1)); echo "FAIL pg_dump"; }
"$bindir/createdb" "$dst"
if "$bindir/pg_restore" --exit-on-error -d "$dst" "$dumpfile" 2>&1; then
	passed=$((passed + 1)); echo "ok   pg_restore without errors"
else
	failed=$((failed + 1)); echo "FAIL pg_restore reported errors"
fi
check "restored weight rows: defaults once, user rows once" "$dst" \
	"SELECT count(*) FROM safety.offense_weights" "13"
check "user-added offense kept" "$dst" \
	"SELECT weight || ' ' || source FROM safety.offense_weights WHERE offense = 'Arson'" "365 local panel"
check "changed default keeps its change" "$dst" \
	"SELECT weight || ' ' || notes || ' ' || is_default FROM safety.offense_weights WHERE lower(offense) = 'burglary'" "55 reviewed false"
check "user row replacing a default kept, default gone" "$dst" \
	"SELECT string_agg(offense || '=' || weight, ',') FROM safety.offense_weights WHERE lower(offense) = 'robbery'" "ROBBERY=400"
check "offense_weight reads the restored row" "$dst" \
	"SELECT safety.offense_weight('robbery')" "400"
check "untouched defaults still defaults" "$dst" \
	"SELECT count(*) FROM safety.offense_weights WHERE is_default" "10"
check "tier policy change kept" "$dst" \
	"SELECT respond_within || ' ' || lead FROM safety.tier_policy WHERE tier = 'red'" "12:00:00 Chief inspector"
check "three policy rows" "$dst" \
	"SELECT string_agg(tier::text, ',' ORDER BY tier) FROM safety.tier_policy" "yellow,orange,red"
check "sensitive place kept" "$dst" \
	"SELECT name || ' ' || ST_AsText(geom) || ' ' || radius FROM safety.sensitive_places" "school A POINT(700000 4330000) 200"
check "tier history kept" "$dst" \
	"SELECT string_agg(unit || ':' || tier || ':' || score, ',' ORDER BY unit) FROM safety.tier_history" "42:red:0.9,43:yellow:0.2"
check "same weights in source and restore" "$dst" \
	"SELECT md5(string_agg(offense || weight || is_default, ',' ORDER BY offense)) FROM safety.offense_weights" \
	"$(q "$src" "SELECT md5(string_agg(offense || weight || is_default, ',' ORDER BY offense)) FROM safety.offense_weights")"
check "report texts: user rows kept, changed and replaced defaults once, the rest shipped" "$dst" \
	"SELECT string_agg(lang || ':' || key || '=' || template || ':' || is_default, ',' ORDER BY lang, key) FROM safety.report_strings WHERE key IN ('weekly.changes', 'weekly.hot', 'weekly.trend')" \
	"de:weekly.hot=Brennpunkte:false,en:weekly.changes=Tier moves:false,en:weekly.hot=Hot spots:false,en:weekly.trend=Weekly trend:true"
check "same report texts in source and restore" "$dst" \
	"SELECT count(*) || ' ' || md5(string_agg(lang || key || template || is_default, ',' ORDER BY lang, key)) FROM safety.report_strings" \
	"$(q "$src" "SELECT count(*) || ' ' || md5(string_agg(lang || key || template || is_default, ',' ORDER BY lang, key)) FROM safety.report_strings")"
cleanup
echo "tiers_dump: $passed passed, $failed failed"
[ "$failed" = 0 ]
