#!/usr/bin/env bash
# Assembles the npm package in dist/bayes-ruler/ from www/'s modules, pkg/ (scripts/build-web.sh)
# and package/ (package.json, README, TypeScript declarations): the layout the modules expect
# (./pkg/ beside them), as the demo server and any CDN serve it. `npm pack dist/bayes-ruler` makes
# the tarball. Usage: scripts/package.sh [--pack]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/bayes_ruler_bg.wasm ] && [ -f pkg/bayes_ruler_cpu_bg.wasm ] && [ -f pkg/bayes_ruler_cpu_relaxed_bg.wasm ] || { echo "pkg/ is missing: run scripts/build-web.sh first" >&2; exit 1; }
out=dist/bayes-ruler
rm -rf "$out"
mkdir -p "$out/pkg"
cp www/ruler.js www/bayes-ruler.js www/worker-pool.js www/sampler-worker.js www/histogram.js \
  www/verdict-words.js www/picture.js "$out/"
cp package/package.json package/README.md package/ruler.d.ts package/bayes-ruler.d.ts package/picture.d.ts "$out/"
cp pkg/bayes_ruler.js pkg/bayes_ruler.d.ts pkg/bayes_ruler_bg.wasm \
  pkg/bayes_ruler_cpu.js pkg/bayes_ruler_cpu.d.ts pkg/bayes_ruler_cpu_bg.wasm \
  pkg/bayes_ruler_cpu_relaxed_bg.wasm "$out/pkg/"
if [ "${1:-}" = --pack ]; then (cd dist && npm pack --silent ./bayes-ruler); fi
echo "$out: $(du -sh "$out" | cut -f1)"
