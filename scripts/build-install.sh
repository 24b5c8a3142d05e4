#!/usr/bin/env bash
# build-install.sh — build the extension and install it into PostgreSQL 15.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s >/dev/null
if [ "$(id -u)" = 0 ]; then make -s install >/dev/null; else sudo make -s install >/dev/null; fi
