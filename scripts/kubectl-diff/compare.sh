#!/usr/bin/env bash
# Developer check: runs each line of commands.txt through a real kubectl (client-side
# only, against a stub discovery server) and through Kubarium, and shows differences.
# Usage: scripts/kubectl-diff/compare.sh [path-to-kubectl]   (default: kubectl.1.33 on PATH
# or in the Google Cloud SDK)
set -euo pipefail
cd "$(dirname "$0")/../.."
real=${1:-$(command -v kubectl.1.33 || echo /usr/lib/google-cloud-sdk/bin/kubectl.1.33)}
port=18080
python3 scripts/kubectl-diff/discovery.py & server=$!
trap 'kill $server' EXIT
sleep 1
cargo build -q -p kubarium-cli
tmp=$(mktemp -d)
status=0
while read -r line; do
  [ -z "$line" ] && continue
  eval "$real -s http://127.0.0.1:$port $line" > "$tmp/real" 2>&1 || true
  printf 'kubectl %s\n' "$line" | ./target/debug/kubarium run - > "$tmp/ours"
  if ! diff -u "$tmp/real" "$tmp/ours" > "$tmp/diff"; then
    echo "=== kubectl $line"; cat "$tmp/diff"; status=1
  fi
done < scripts/kubectl-diff/commands.txt
[ $status -eq 0 ] && echo "all $(grep -c . scripts/kubectl-diff/commands.txt) commands match"
exit $status
