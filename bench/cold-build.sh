#!/usr/bin/env bash
# Measure a cold `make test` (fresh clone, empty CARGO_TARGET_DIR, no .venv, no node_modules) and record it
# in bench/cold-build.json, which `make bench` reports (it does not re-run this: it takes many minutes).
# Usage: bench/cold-build.sh [note]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$root" "$tmp/src"
start=$(date +%s)
(cd "$tmp/src" && CARGO_TARGET_DIR="$tmp/target" make test) > "$tmp/log" 2>&1 || { tail -40 "$tmp/log"; exit 1; }
end=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg)
printf '{"seconds": %d, "when": "%s", "note": "%s; load at end %s"}\n' "$((end - start))" \
  "$(date -u +'%Y-%m-%d %H:%M UTC')" "${1:-measured by bench/cold-build.sh, separate run}" "$load" > "$root/bench/cold-build.json"
cat "$root/bench/cold-build.json"
