#!/usr/bin/env bash
# fuzz_core.sh — libFuzzer with AddressSanitizer and UBSan on the core's
# parsers (test/fuzz/fuzz_*.c, README.md "Fuzzing"): each target first replays
# its checked-in corpus (test/fuzz/corpus/<target>: seeds and the input of
# every bug found so far), then fuzzes for SAFETY_FUZZ_SECONDS (default 20)
# from it; the parsers' unit tests also run under the same sanitizers.  A
# crash, a leak, undefined behaviour or a broken round trip fails the target
# and prints the input that caused it.  Needs clang; no server.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${SAFETY_FUZZ_SECONDS:-20}
fail() { echo "$1"; echo "fuzz_core: 0 passed, 1 failed"; exit 1; }
command -v clang >/dev/null || fail "clang is missing (scripts/install-deps.sh installs it)"
out=$(make -s fuzz 2>&1) || { echo "$out"; fail "building the fuzz targets failed"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
# the parsers' unit tests built with the same sanitizers
for bin in test/fuzz/bin/unit_*; do
	if out=$("$bin" 2>&1); then
		passed=$((passed + 1))
		echo "ok   $(basename "$bin") under ASan+UBSan ($(echo "$out" | tail -1))"
	else
		failed=$((failed + 1))
		echo "FAIL $(basename "$bin") under ASan+UBSan"
		echo "$out" | grep -v '^    #' | head -30
	fi
done
for src in test/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=test/fuzz/bin/$name
	seeds=test/fuzz/corpus/$name
	mkdir -p "$work/$name" "$seeds"
	# the checked-in inputs alone, then new ones (written to the scratch corpus only)
	for run in replay fuzz; do
		if [ "$run" = replay ]; then
			args=(-runs=0 "$seeds")
		else
			args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
				"$work/$name" "$seeds")
		fi
		log=$work/$name.$run.log
		if "$bin" -artifact_prefix="$work/$name-" -print_final_stats=1 "${args[@]}" >"$log" 2>&1; then
			passed=$((passed + 1))
			stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
			echo "ok   $name $run (${stats:-0} inputs)"
		else
			failed=$((failed + 1))
			echo "FAIL $name $run"
			grep -E 'ERROR: |SUMMARY: |fuzz property failed|runtime error|#[0-9]+ 0x.* in ' "$log" | head -30
			for a in "$work/$name"-*; do
				[ -e "$a" ] || continue
				echo "  input $(basename "$a") ($(wc -c <"$a") bytes), hex: $(od -An -v -tx1 "$a" | tr -d ' \n' | head -c 2000)"
				echo "  reproduce: make fuzz && $bin <that input saved to a file>"
			done
			rm -f "$work/$name"-*
		fi
	done
done
echo "fuzz_core: $passed passed, $failed failed"
[ "$failed" = 0 ]
