#!/usr/bin/env bash
# Installs what the build needs, skipping whatever is already present at the right version:
# the wasm32 target, trunk 0.21.x, wasm-bindgen-cli equal to Cargo.lock's wasm-bindgen,
# and wasm-opt (npm binaryen) plus playwright-core from package-lock.json.
# With the argument `browser`, also Debian's chromium and chromium-driver for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# trunk 0.22 needs a newer rustc than this toolchain; 0.21 works offline with our tools.
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (takes several minutes)"
  cargo install trunk --version '~0.21' --locked
fi

want_bindgen=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" != "$want_bindgen" ]; then
  # Not --locked: its lock file pins a dependency version the registry no longer serves.
  say "installing wasm-bindgen-cli $want_bindgen"
  cargo install wasm-bindgen-cli --version "$want_bindgen" --force
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tools (binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = browser ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Debian's chromium and chromium-driver"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
fi
