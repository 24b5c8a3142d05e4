#!/usr/bin/env bash
# r_seasonal.sh — safety.seasonal_indices against R on the bundled data:
# decompose(ts(x, frequency = f), type = "multiplicative")$figure, the
# series x built in R from each event's local date (the midpoint of its
# window in the zone, as text from AT TIME ZONE): counts per whole month
# (f = 12) or per day of whole Monday-to-Sunday weeks (f = 7), the span
# running from the first event's local day to the last's; the figure's
# positions mapped to calendar bins from the series' first period.  Also
# the intervals: the ratios decompose returns (x / trend), per position
# mean ± qt(0.975, n - 1) sd / sqrt(n), the lower end at least 0, divided
# by the figure's normaliser; periods and events per bin.  Each to 1e-8.
# Cases: Cincinnati (2016-2018) months in New York time and in Kolkata time
# (two zones: Vancouver has 2020 only, 12 months, less than the two years
# decompose needs — that case checks that both refuse), Cincinnati days
# in New York and Los Angeles time, Vancouver days (2020).  Runs in its own
# database.  Ends with "r_seasonal: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_r_seasonal
passed=0 failed=0
finish() { echo "r_seasonal: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
if ! command -v Rscript >/dev/null; then
	echo "Rscript is missing (apt-get install r-base-core)"; failed=1; finish
fi
tmp=$(mktemp -d)
suite_database $db scripts/load-data.sql scripts/load-vancouver.sql || { failed=1; finish; }
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { failed=1; finish; }
CREATE TABLE pts AS
SELECT 'cincinnati' AS city, geom, occurred_at, id FROM incidents WHERE geom IS NOT NULL
UNION ALL SELECT 'vancouver', geom, occurred_at, id FROM vancouver WHERE geom IS NOT NULL;
CREATE TABLE coll AS SELECT city, safety.events_agg(geom, occurred_at, id) AS e FROM pts GROUP BY city;
SQL

# name | city | bins | zone | expect (ok, or error: both refuse)
cases=(
	"cincinnati_months_new_york|cincinnati|month_of_year|America/New_York|ok"
	"cincinnati_months_kolkata|cincinnati|month_of_year|Asia/Kolkata|ok"
	"cincinnati_days_new_york|cincinnati|day_of_week|America/New_York|ok"
	"cincinnati_days_los_angeles|cincinnati|day_of_week|America/Los_Angeles|ok"
	"vancouver_days|vancouver|day_of_week|America/Vancouver|ok"
	"vancouver_months_too_short|vancouver|month_of_year|America/Vancouver|error"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name city bins zone expect <<<"$c"
	export_ok=1
	PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning -c timezone=UTC' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT (occurred_at AT TIME ZONE '$zone')::date AS d FROM pts WHERE city = '$city')
		TO '$tmp/$name.events.csv' WITH (FORMAT csv, HEADER true)" || export_ok=0
	if ! PGDATABASE=$db PGOPTIONS='-c client_min_messages=warning -c timezone=UTC -c extra_float_digits=3' psql -X -q -v ON_ERROR_STOP=1 -c "\copy (
		SELECT s.bin, s.events, s.periods, s.index, coalesce(s.lower::text, 'NA') AS lower, coalesce(s.upper::text, 'NA') AS upper
		FROM coll, safety.seasonal_indices(coll.e, '$bins', '$zone') s WHERE coll.city = '$city' ORDER BY s.bin)
		TO '$tmp/$name.ours.csv' WITH (FORMAT csv, HEADER true)" 2>"$tmp/$name.err"; then
		: > "$tmp/$name.ours.csv"
	fi
	if [ "$export_ok" = 0 ]; then echo "FAIL $name: export failed"; failed=$((failed + 1)); continue; fi
	out=$(Rscript --vanilla - "$tmp/$name.events.csv" "$tmp/$name.ours.csv" "$bins" "$expect" "$tmp/$name.err" <<'R' 2>&1
a <- commandArgs(trailingOnly = TRUE)
d <- as.Date(read.csv(a[1], stringsAsFactors = FALSE)$d)
months <- a[3] == "month_of_year"
f <- if (months) 12 else 7
fd <- min(d); ld <- max(d)
if (months) {
	mkey <- function(x) as.integer(format(x, "%Y")) * 12 + as.integer(format(x, "%m")) - 1
	lo <- mkey(fd) + (as.integer(format(fd, "%d")) != 1)
	hi <- mkey(ld + 1) - 1
	keys <- mkey(d)
	first_bin <- lo %% 12 + 1          # bins 1..12
} else {
	wd <- function(x) as.POSIXlt(x)$wday # 0 = Sunday
	lo <- as.integer(fd) + (8 - wd(fd)) %% 7
	hi <- as.integer(ld) - wd(ld)
	keys <- as.integer(d)
	first_bin <- wd(as.Date(lo, origin = "1970-01-01"))
}
x <- tabulate(keys[keys >= lo & keys <= hi] - lo + 1, nbins = hi - lo + 1)
dec <- tryCatch(decompose(ts(x, frequency = f), type = "multiplicative"), error = function(e) e)
if (a[4] == "error") {
	ours_refused <- file.info(a[2])$size == 0
	msg <- if (file.exists(a[5])) paste(readLines(a[5]), collapse = " ") else ""
	cat(sprintf("series %d values; R: %s; ours: %s\n", length(x),
	            if (inherits(dec, "error")) conditionMessage(dec) else "no error", msg))
	cat(if (inherits(dec, "error") && ours_refused) "OK\n" else "MISMATCH\n")
	quit(save = "no")
}
o <- read.csv(a[2], stringsAsFactors = FALSE, na.strings = "NA")
close <- function(p, q) length(p) == length(q) && all((is.na(p) & is.na(q)) | (!is.na(p) & !is.na(q) & abs(p - q) <= 1e-8 * pmax(1, abs(q))))
# position k of the figure (1-based) is bin (first_bin + k - 1) wrapped
pos_bin <- if (months) ((first_bin - 1 + 0:(f - 1)) %% 12) + 1 else (first_bin + 0:(f - 1)) %% 7
fig <- dec$figure
ratio <- as.numeric(dec$x / dec$trend)
norm <- mean(sapply(1:f, function(k) mean(ratio[seq(k, length(x), by = f)], na.rm = TRUE)))
lower <- upper <- n_k <- ev <- numeric(f)
for (k in 1:f) {
	r <- ratio[seq(k, length(x), by = f)]; r <- r[!is.na(r)]
	n_k[k] <- length(r); ev[k] <- sum(x[seq(k, length(x), by = f)])
	h <- if (length(r) >= 2) qt(0.975, length(r) - 1) * sd(r) / sqrt(length(r)) else NA
	lower[k] <- max(0, mean(r) - h) / norm; upper[k] <- (mean(r) + h) / norm
}
ord <- order(pos_bin)
ok <- nrow(o) == f && all(o$bin == pos_bin[ord]) && close(o$index, fig[ord]) &&
	close(o$lower, lower[ord]) && close(o$upper, upper[ord]) && all(o$periods == n_k[ord]) && all(o$events == ev[ord])
cat(sprintf("series %d values from %s, %d events, max |index - figure| %.3g, max |interval diff| %.3g\n",
            length(x), if (months) sprintf("month %d", first_bin) else sprintf("weekday %d", first_bin), sum(x),
            max(abs(o$index - fig[ord])), max(abs(c(o$lower - lower[ord], o$upper - upper[ord])), na.rm = TRUE)))
cat(if (ok) "OK\n" else "MISMATCH\n")
R
)
	echo "$name: $out" | tr '\n' ' '; echo
	if grep -q '^OK$' <<<"$out"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
finish
