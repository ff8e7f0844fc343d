#!/usr/bin/env bash
# Builds pkg/ with wasm-pack for the web target: the full module (bayes_ruler.js +
# bayes_ruler_bg.wasm: WebGPU and the CPU) and the CPU-only one (bayes_ruler_cpu.js +
# bayes_ruler_cpu_bg.wasm: the same crate without its `webgpu` feature) that the CPU path runs,
# and that one again with relaxed SIMD (bayes_ruler_cpu_relaxed_bg.wasm, same glue). wasm-pack's
# own wasm-opt would be downloaded, so it is off. Debian's wasm-opt 108
# breaks wasm-bindgen's externref table ("WebAssembly.Table.set(): Argument 1 is invalid");
# binaryen 132 from npm (tools/) runs on request, BAYES_RULER_WASM_OPT=1: -Oz takes 6 minutes on
# 2 cores and saves 0.2% of the gzipped size (measured 2026-11-27), so it is not part of a build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The `web` profile (Cargo.toml): size-optimised, except the CPU path's arithmetic.
with_wasm wasm-pack --log-level warn build crate --profile web --target web --out-dir ../pkg --no-pack
# The CPU-only build goes through a folder of its own (wasm-pack writes its own .gitignore and
# type files there), then beside the full one.
cpu_out="$WASM_TARGET_DIR/pkg-cpu"
rm -rf "$cpu_out"
with_wasm wasm-pack --log-level warn build crate --profile web --target web --out-dir "$cpu_out" \
  --out-name bayes_ruler_cpu --no-pack -- --no-default-features
cp "$cpu_out"/bayes_ruler_cpu.js "$cpu_out"/bayes_ruler_cpu.d.ts "$cpu_out"/bayes_ruler_cpu_bg.wasm pkg/
# The CPU-only build again with relaxed SIMD (fused multiply-adds in the CPU kernels: the crate's
# `relaxed-simd` feature), for the browsers that validate it (www/ruler.js decides). Only its
# wasm ships: the page instantiates it with the CPU-only build's glue, so the glues must match.
relaxed_out="$WASM_TARGET_DIR/pkg-cpu-relaxed"
rm -rf "$relaxed_out"
with_wasm wasm-pack --log-level warn build crate --profile web --target web --out-dir "$relaxed_out" \
  --out-name bayes_ruler_cpu --no-pack -- --no-default-features --features relaxed-simd
if ! cmp -s "$relaxed_out"/bayes_ruler_cpu.js pkg/bayes_ruler_cpu.js; then
  echo "the relaxed-SIMD build's glue differs from the CPU-only build's" >&2
  exit 1
fi
cp "$relaxed_out"/bayes_ruler_cpu_bg.wasm pkg/bayes_ruler_cpu_relaxed_bg.wasm
WASM_OPT=tools/node_modules/binaryen/bin/wasm-opt
for module in pkg/bayes_ruler_bg.wasm pkg/bayes_ruler_cpu_bg.wasm pkg/bayes_ruler_cpu_relaxed_bg.wasm; do
  # Function names (the "name" section) are a fifth of the module and only serve stack traces.
  node scripts/strip-names.mjs "$module"
  if [ "${BAYES_RULER_WASM_OPT:-0}" = 1 ] && [ -x "$WASM_OPT" ]; then
    node "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-simd --enable-relaxed-simd --enable-multivalue --enable-reference-types \
      "$module" -o "$module"
  fi
  echo "$module: $(du -h "$module" | cut -f1), $(gzip -9c "$module" | wc -c) bytes gzipped"
done
