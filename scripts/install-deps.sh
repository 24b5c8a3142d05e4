#!/usr/bin/env bash
# install-deps.sh — install, with apt-get, whatever the demo and the tests
# need and the machine lacks (Debian 12).  Safe to re-run: it installs only
# missing packages.  Set SAFETY_DEPS=core to skip the cross-check tools.
set -euo pipefail

core=(make gcc libc6-dev gzip postgresql-15 postgresql-client-15 postgresql-server-dev-15
	postgresql-15-postgis-3)
# independent implementations and real clients used by the test suites;
# clang with its libFuzzer/sanitizer runtimes for test/suites/fuzz_core.sh;
# chromium (headless) for test/suites/report_browser.sh; python3-ephem (an
# independent ephemeris) for test/suites/sun_ephem.sh
checks=(r-base-core r-cran-spdep r-cran-spatstat r-cran-surveillance python3 python3-psycopg
	libpostgresql-jdbc-java default-jdk-headless postgresql-15-cron valgrind
	clang libclang-rt-dev chromium python3-ephem)

want=("${core[@]}")
[ "${SAFETY_DEPS:-all}" = core ] || want+=("${checks[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
