#!/usr/bin/env bash
# sun_ephem.sh — the sun of safety.night_share (NOAA's solar position,
# src/core/sc_sun.c) against PyEphem (Debian's python3-ephem: XEphem's
# libastro, an independent ephemeris): for places from the equator to the
# Arctic and dates around the solstices and equinoxes, sunrise and sunset as
# PyEphem gives them (the sun's centre 0.833 degrees below the horizon, the
# almanac convention of refraction and semi-diameter) must fall within one
# minute of where safety's night ends and begins: a minute before sunrise it
# is night, a minute after it day, and the other way round at sunset.
# Ends with "sun_ephem: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. scripts/lib.sh
use_cluster_env
db=safety_sun_ephem
passed=0 failed=0
finish() { echo "sun_ephem: $passed passed, $failed failed"; exit $([ "$failed" = 0 ] && echo 0 || echo 1); }
py=/usr/bin/python3
if ! "$py" -c 'import ephem' 2>/dev/null; then
	echo "python3-ephem is missing (apt-get install python3-ephem)"; failed=1; finish
fi
suite_database $db || { failed=1; finish; }
# place | lat | lon | date (UTC noon of the local day) -> rising and setting (UTC)
rows=$("$py" - <<'PY'
import ephem
places = [("Cincinnati", 39.1031, -84.5120), ("Vancouver", 49.2827, -123.1207),
          ("Singapore", 1.3521, 103.8198), ("Tromso", 69.6492, 18.9553), ("Cape Town", -33.9249, 18.4241)]
dates = ["2018-03-20", "2018-06-21", "2018-09-23", "2018-12-21", "2020-11-01"]
for name, lat, lon in places:
    for d in dates:
        o = ephem.Observer()
        o.lat, o.lon = str(lat), str(lon)
        o.pressure = 0
        o.horizon = "-0:50"
        # local solar noon of that day, in UTC
        noon = ephem.Date(ephem.Date(d + " 12:00") - lon / 360.0)
        o.date = noon
        s = ephem.Sun()
        try:
            rise = o.previous_rising(s, use_center=True)
            sett = o.next_setting(s, use_center=True)
        except (ephem.AlwaysUpError, ephem.NeverUpError):
            continue
        fmt = lambda t: ephem.Date(t).datetime().strftime("%Y-%m-%d %H:%M:%S+00")
        print(f"{name}|{lat}|{lon}|{d}|{fmt(rise)}|{fmt(sett)}")
PY
)
while IFS='|' read -r name lat lon d rise sett; do
	[ -n "$name" ] || continue
	out=$(PGDATABASE=$db psql -X -qtA -v ON_ERROR_STOP=1 -c "
		SELECT safety._night_fraction(r - interval '1 minute', NULL, $lon, $lat, -0.833),
		       safety._night_fraction(r + interval '1 minute', NULL, $lon, $lat, -0.833),
		       safety._night_fraction(s - interval '1 minute', NULL, $lon, $lat, -0.833),
		       safety._night_fraction(s + interval '1 minute', NULL, $lon, $lat, -0.833)
		FROM (SELECT '$rise'::timestamptz AS r, '$sett'::timestamptz AS s) t" 2>&1)
	if [ "$out" = "1|0|0|1" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "FAIL $name $d: sunrise $rise, sunset $sett (PyEphem): night before/after sunrise, before/after sunset = $out, want 1|0|0|1"
	fi
done <<<"$rows"
echo "checked $((passed + failed)) sunrises and sunsets (5 places, 5 dates; polar day or night left out)"
finish
