#!/usr/bin/env bash
# Lighthouse (mobile, simulated throttling) over every inspector screen of a running demo server.
#   bash bench/lighthouse/run.sh [http://127.0.0.1:5000] [runs, default 5]
# Needs Node.js 20 and Debian's chromium; installs lighthouse 12.2.3 (the last that runs on Node 20) here.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm install --no-audit --no-fund --silent
node flow.mjs "${1:-http://127.0.0.1:5000}" "${2:-5}"
