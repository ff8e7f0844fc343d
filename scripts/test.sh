#!/usr/bin/env bash
# Sets up everything and runs every test: native cargo tests, the wasm-bindgen-test suite in
# headless Chromium (WebGPU on SwiftShader and the CPU path) and headless Firefox (whatever
# backend it offers), and the page and widget tests (Playwright + Chromium, WebDriver + Firefox).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"
export WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-60}"

echo "== native tests (cargo test)"
CARGO_TARGET_DIR="$NATIVE_TARGET_DIR" cargo test --workspace

echo "== browser tests in headless Chromium (wasm-bindgen-test: the JS API, and WebGPU on SwiftShader)"
# The `web` profile (Cargo.toml) is the shipped module's: the tests run what ships, and one wasm
# build of burn serves both the tests and pkg/. webgpu.rs fails without an adapter: Chromium must
# run it on WebGPU, nothing is skipped.
with_wasm wasm-pack test --headless --chrome crate --profile web --test web --test webgpu

echo "== browser tests in headless Chromium, the relaxed-SIMD build (fused multiply-adds in the CPU kernels)"
# The CPU-only module's twin that the page loads where relaxed SIMD validates (Chromium has it).
with_wasm wasm-pack test --headless --chrome crate --profile web --no-default-features --features relaxed-simd --test relaxed

echo "== browser tests in headless Firefox (wasm-bindgen-test: the JS API on the CPU; no WebGPU there)"
# Firefox headless has no WebGPU adapter, so webgpu.rs is not run there; firefox.rs checks that
# it still has none (it fails the day Firefox gains one, to run webgpu.rs there too).
with_wasm wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" crate --profile web --test web --test firefox

echo "== page and widget tests (Chromium via playwright-core, Firefox via geckodriver)"
scripts/build-web.sh
# The photo suite's JPEGs (EXIF orientations, a 48-megapixel photo), the same bytes every run.
CARGO_TARGET_DIR="$NATIVE_TARGET_DIR" cargo run --quiet --example photo-fixtures -- tests/fixtures/photos
(cd tests && npm test)
