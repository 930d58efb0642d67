#!/usr/bin/env bash
# Developer check: runs each line of explain.txt through a real kubectl 1.35 reading
# Kubarium's OpenAPI documents (through proxy.py) and through the built-in kubectl, and
# shows differences. Usage: scripts/kubectl-diff/explain.sh PATH-TO-KUBECTL-1.35
set -euo pipefail
cd "$(dirname "$0")/../.."
real=${1:?path to a kubectl 1.35 binary (see DESIGN.md for where to get one)}
port=18083
cargo build -q -p kubarium-cli
python3 scripts/kubectl-diff/proxy.py ./target/debug/kubarium /dev/null $port & server=$!
trap 'kill $server' EXIT
sleep 1
tmp=$(mktemp -d)
status=0
while read -r line; do
  [ -z "$line" ] && continue
  eval "$real -s http://127.0.0.1:$port $line" > "$tmp/real" 2>&1 || true
  printf 'kubectl %s\n' "$line" | ./target/debug/kubarium run - > "$tmp/ours" 2>&1
  if ! diff -u "$tmp/real" "$tmp/ours" > "$tmp/diff"; then
    echo "=== kubectl $line"; cat "$tmp/diff"; status=1
  fi
done < scripts/kubectl-diff/explain.txt
[ $status -eq 0 ] && echo "all $(grep -c . scripts/kubectl-diff/explain.txt) commands match"
exit $status
