#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently: a wasm32 Rust toolchain,
# wasm-bindgen-cli at the version Cargo.lock pins, wasm-pack, Chromium + ChromeDriver, Firefox ESR
# + geckodriver, binaryen's wasm-opt (npm) and the node packages of the browser tests. Fast when
# all is in place.
# Writes the wasm toolchain's name to scripts/.wasm-toolchain for the other scripts.
# (Inside choose_toolchain only the final echo may write to stdout: it is the function's result.)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

apt_ready=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_ready" = 0 ]; then $SUDO apt-get update -qq >&2; apt_ready=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- Browsers (Debian packages; nothing downloads its own binaries). ---
apt_install chromium chromium-driver firefox-esr

# --- A Rust toolchain that can target wasm32-unknown-unknown. ---
# Ordinary machines: rustup's own target. Machines without rustup downloads: Debian's rustc-web
# plus a wasm32 standard library built once from rust-web-src with -Z build-std, linked as a
# rustup toolchain named "bayes-web".
WASM_TOOLCHAIN_FILE=scripts/.wasm-toolchain
choose_toolchain() {
  local host_tc
  host_tc=$(rustup show active-toolchain 2>/dev/null | awk '{print $1}')
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "$host_tc"; return
  fi
  if rustup toolchain list 2>/dev/null | grep -q '^bayes-web' \
     && [ -f /usr/lib/rustlib/wasm32-unknown-unknown/lib/.bayes-ruler-sysroot ]; then
    echo bayes-web; return
  fi
  if timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    echo "$host_tc"; return
  fi
  log "rustup cannot download the wasm32 target here: building it from Debian's rust-web-src"
  apt_install rustc-web cargo-web rust-web-src lld-22
  local work sysroot
  work=$(mktemp -d)
  sysroot=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  cargo_new() {
    mkdir -p "$work/stdbuild/src"
    printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n' > "$work/stdbuild/Cargo.toml"
    echo '' > "$work/stdbuild/src/lib.rs"
  }
  cargo_new
  (cd "$work/stdbuild" && PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 RUSTUP_TOOLCHAIN= \
    /usr/bin/cargo build -q --release --target wasm32-unknown-unknown \
    -Z build-std=std,panic_abort,test) >&2
  $SUDO mkdir -p "$sysroot"
  $SUDO find "$sysroot" -name 'lib*.rlib' -delete
  for f in "$work"/stdbuild/target/wasm32-unknown-unknown/release/deps/lib*.rlib; do
    case "$(basename "$f")" in libstdbuild-*) continue ;; esac
    $SUDO cp "$f" "$sysroot/"
  done
  $SUDO touch "$sysroot/.bayes-ruler-sysroot"
  rm -rf "$work"
  rustup toolchain link bayes-web /usr >&2
  echo bayes-web
}
WASM_TOOLCHAIN=$(choose_toolchain)
echo "$WASM_TOOLCHAIN" > "$WASM_TOOLCHAIN_FILE"
log "wasm toolchain: $WASM_TOOLCHAIN ($(rustc +"$WASM_TOOLCHAIN" --version))"

# --- wasm-bindgen-cli at exactly the version in Cargo.lock, and wasm-pack. ---
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION\$"; then
  log "cargo install wasm-bindgen-cli $WB_VERSION"
  cargo install -q wasm-bindgen-cli --version "$WB_VERSION" --force
fi
if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack"
  cargo install -q wasm-pack
fi

# geckodriver drives Firefox for wasm-bindgen-test and the Firefox page test; built from source.
if ! command -v geckodriver >/dev/null; then
  log "cargo install geckodriver"
  cargo install -q geckodriver
fi

# --- Node packages: the browser tests (playwright-core drives Debian's chromium) and the build
# tools (binaryen's wasm-opt: Debian's version 108 breaks wasm-bindgen's externref table). ---
if [ ! -d tests/node_modules/playwright-core ]; then
  log "npm ci (tests/)"
  (cd tests && npm ci --no-audit --no-fund --silent)
fi
if [ ! -d tools/node_modules/binaryen ]; then
  log "npm ci (tools/)"
  (cd tools && npm ci --no-audit --no-fund --silent)
fi
log "ready"
