#!/usr/bin/env bash
# Builds pkg/ (the ES module bayes_ruler.js + bayes_ruler_bg.wasm) with wasm-pack for the web
# target. wasm-pack's own wasm-opt would be downloaded, so it is off. Debian's wasm-opt 108
# breaks wasm-bindgen's externref table ("WebAssembly.Table.set(): Argument 1 is invalid");
# binaryen 132 from npm (tools/) runs on request, BAYES_RULER_WASM_OPT=1: -Oz takes 6 minutes on
# 2 cores and saves 0.2% of the gzipped size (measured 2026-11-27), so it is not part of a build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The `web` profile (Cargo.toml): size-optimised, except the CPU path's arithmetic.
with_wasm wasm-pack --log-level warn build crate --profile web --target web --out-dir ../pkg --no-pack
# Function names (the "name" section) are a fifth of the module and only serve stack traces.
node scripts/strip-names.mjs pkg/bayes_ruler_bg.wasm
WASM_OPT=tools/node_modules/binaryen/bin/wasm-opt
if [ "${BAYES_RULER_WASM_OPT:-0}" = 1 ] && [ -x "$WASM_OPT" ]; then
  node "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-simd --enable-multivalue --enable-reference-types \
    pkg/bayes_ruler_bg.wasm -o pkg/bayes_ruler_bg.wasm
fi
echo "pkg/: $(du -h pkg/bayes_ruler_bg.wasm | cut -f1) wasm, $(gzip -9c pkg/bayes_ruler_bg.wasm | wc -c) bytes gzipped"
