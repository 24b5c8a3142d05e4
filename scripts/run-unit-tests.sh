#!/usr/bin/env bash
# run-unit-tests.sh BIN... — run the core's unit test programs; each prints
# "unit <name>: N passed, M failed"; the last line sums them.
passed=0 failed=0
for bin in "$@"; do
	out=$("$bin" 2>&1); rc=$?
	echo "$out" | grep -v '^unit ' | sed 's/^/  /'
	line=$(echo "$out" | grep '^unit ' | tail -1)
	if [ -z "$line" ]; then
		echo "unit $(basename "$bin"): crashed (exit $rc)"; failed=$((failed + 1)); continue
	fi
	echo "$line"
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
	passed=$((passed + p)); failed=$((failed + f))
done
echo "unit total: $passed passed, $failed failed"
[ "$failed" = 0 ]
