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

echo "== browser tests in headless Chromium (wasm-bindgen-test; WebGPU required)"
# The `web` profile (Cargo.toml) is the shipped module's: the tests run what ships, and one wasm
# build of burn serves both the tests and pkg/.
BAYES_RULER_REQUIRE_WEBGPU=1 with_wasm wasm-pack test --headless --chrome crate --profile web

echo "== browser tests in headless Firefox (wasm-bindgen-test; the backend Firefox offers)"
with_wasm wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" crate --profile web

echo "== page and widget tests (Chromium via playwright-core, Firefox via geckodriver)"
scripts/build-web.sh
(cd tests && npm test)
