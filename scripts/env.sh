# Sourced by the other scripts: where builds go and which toolchain targets wasm32.
# Builds live outside the clone by default (BAYES_RULER_CACHE), so fresh clones and CI reuse them.
BAYES_RULER_CACHE="${BAYES_RULER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bayes-ruler}"
NATIVE_TARGET_DIR="$BAYES_RULER_CACHE/target"
WASM_TARGET_DIR="$BAYES_RULER_CACHE/target-wasm"
WASM_TOOLCHAIN="$(cat scripts/.wasm-toolchain 2>/dev/null || echo stable)"
export PATH="$HOME/.cargo/bin:$PATH"

# Runs a command with the wasm toolchain and the wasm build directory.
with_wasm() {
  RUSTUP_TOOLCHAIN="$WASM_TOOLCHAIN" CARGO_TARGET_DIR="$WASM_TARGET_DIR" "$@"
}
