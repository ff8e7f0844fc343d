#!/usr/bin/env bash
# Benchmarks: the browser (headless Chromium: ours batched vs one-pass calls on CPU and WebGPU,
# TensorFlow.js on wasm, WebGL and WebGPU, scaling N = 10 … 10000) and the native CPU (burn
# flex: batched, dense, one-pass calls, a 1024³ matmul for the peak). Prints markdown tables;
# the browser figures also go to bench/results.json. `--quick` runs fewer samples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
scripts/build-web.sh
if [ ! -d bench/node_modules/@tensorflow/tfjs ]; then
  (cd bench && npm ci --no-audit --no-fund --silent)
fi
echo "== browser (headless Chromium)"
node bench/run.mjs "$@"
echo
echo "== the two modules: size and start-up (headless Chromium)"
node bench/modules.mjs
echo
echo "== native CPU"
CARGO_TARGET_DIR="$NATIVE_TARGET_DIR" cargo run -q --bin bayes-ruler -- bench
echo
echo "== shipped size"
for f in pkg/bayes_ruler_bg.wasm pkg/bayes_ruler_cpu_bg.wasm pkg/bayes_ruler.js pkg/bayes_ruler_cpu.js www/*.js; do
  printf '%-32s %10d bytes raw %10d gzipped\n' "$f" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
