#!/usr/bin/env bash
# build-install.sh — build the extension and install it into PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export PG_CONFIG="$(pg_bindir)/pg_config"
make -s >/dev/null
if [ "$(id -u)" = 0 ]; then make -s install >/dev/null; else sudo PG_CONFIG="$PG_CONFIG" make -s install >/dev/null; fi
