#!/usr/bin/env bash
# Sets up everything, builds the wasm package and serves the demo at http://127.0.0.1:PORT/
# (PORT defaults to 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-web.sh
exec node scripts/serve.mjs "${PORT:-8080}"
