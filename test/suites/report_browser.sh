#!/usr/bin/env bash
# report_browser.sh — safety.report rendered by a real browser: the weekly,
# monthly and quarterly reports of the bundled data are written to files and
# opened by headless chromium (--dump-dom, --screenshot); the DOM must hold
# the report's SVG (168 rects in each data clock, paths on the map, trend
# polylines, no script) and the screenshot must not be blank (distinct
# colours, the tier colours drawn), checked by report_browser/check_render.py
# (python3, standard library only).  chromium comes from scripts/install-deps.sh:
# without it the suite fails (it does not skip silently).  Runs in its own
# database on the server of PGHOST/PGPORT/PGUSER.
# Ends with "report_browser: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_report_browser
passed=0 failed=0
finish() { echo "report_browser: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "chromium is missing (apt-get install chromium; scripts/install-deps.sh installs it)"; failed=1; finish
fi
if ! command -v python3 >/dev/null; then
	echo "python3 is missing (scripts/install-deps.sh installs it)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql || { failed=1; finish; }

for kind in weekly monthly quarterly; do
	start=$(date +%s.%N)
	if ! PGDATABASE=$db psql -X -q -At -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
		-c "SELECT safety.report((SELECT safety.events_agg(geom, occurred_at, id) FROM incidents), '$kind', time_zone => 'America/New_York', title => 'Cincinnati burglaries: $kind')" \
		> "$tmp/$kind.html" 2> "$tmp/$kind.err"; then
		failed=$((failed + 1)); echo "FAIL $kind: the report: $(head -3 "$tmp/$kind.err")"; continue
	fi
	secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
	passed=$((passed + 1)); echo "ok   $kind: report written ($(wc -c < "$tmp/$kind.html") bytes, ${secs}s)"
	# a temp profile; --no-sandbox because the suite may run as root
	flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile-$kind"
		--no-first-run --disable-extensions --disable-background-networking)
	# console messages (errors, uncaught exceptions) go to the log as CONSOLE lines
	if ! timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --log-level=0 --dump-dom "file://$tmp/$kind.html" \
		> "$tmp/$kind.dom" 2> "$tmp/$kind.chromium.log" || [ ! -s "$tmp/$kind.dom" ]; then
		failed=$((failed + 1)); echo "FAIL $kind: chromium --dump-dom: $(tail -3 "$tmp/$kind.chromium.log")"; continue
	fi
	if grep -q ':CONSOLE' "$tmp/$kind.chromium.log"; then
		failed=$((failed + 1)); echo "FAIL $kind: console messages: $(grep ':CONSOLE' "$tmp/$kind.chromium.log" | head -3)"
	else
		passed=$((passed + 1)); echo "ok   $kind: no console errors or messages"
	fi
	if ! (cd "$tmp" && timeout 120 "$browser" "${flags[@]}" --window-size=1100,5000 --screenshot="$tmp/$kind.png" "file://$tmp/$kind.html" \
		>> "$tmp/$kind.chromium.log" 2>&1) || [ ! -s "$tmp/$kind.png" ]; then
		failed=$((failed + 1)); echo "FAIL $kind: chromium --screenshot: $(tail -3 "$tmp/$kind.chromium.log")"; continue
	fi
	out=$(python3 test/suites/report_browser/check_render.py "$kind" "$tmp/$kind.dom" "$tmp/$kind.png" 2>&1)
	echo "$out"
	passed=$((passed + $(echo "$out" | grep -c '^ok '))); failed=$((failed + $(echo "$out" | grep -vc '^ok ')))
	[ -n "${SAFETY_KEEP_REPORTS:-}" ] && cp "$tmp/$kind.html" "$tmp/$kind.png" "${SAFETY_KEEP_REPORTS}/"
done
finish
