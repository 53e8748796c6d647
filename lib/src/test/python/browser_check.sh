#!/usr/bin/env bash
# The served-notebook check, as a person would do it: Debian's jupyter-notebook serves a copy of a notebook, headless
# Chromium opens it, Run All executes it through the "mask3d" kernel, and a screenshot is taken (look at it).
#   lib/src/test/python/browser_check.sh [NOTEBOOK] [OUT.png]    (default notebooks/00-quickstart.ipynb, lib/target/browser-check.png)
# Needs: apt-get install jupyter-notebook chromium; ./mask3d setup. Not part of ./mask3d test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
NB="$(realpath "${1:-$ROOT/notebooks/00-quickstart.ipynb}")"
OUT="$(realpath -m "${2:-$ROOT/lib/target/browser-check.png}")"
export MASK3D_ROOT="$ROOT"
work="$(mktemp -d)"; mkdir -p "$work/nb" "$(dirname "$OUT")"
cp "$NB" "$work/nb/"   # the copy is what the browser autosaves
jupyter-notebook --no-browser --port 8899 --ip 127.0.0.1 --allow-root --NotebookApp.token='' --NotebookApp.password='' \
  --notebook-dir="$work/nb" >"$work/server.log" 2>&1 &
server=$!
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --remote-debugging-port=9222 about:blank \
  >"$work/chromium.log" 2>&1 &
browser=$!
trap 'kill $browser $server 2>/dev/null; wait $browser $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8899/api >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 100); do curl -sf http://127.0.0.1:9222/json >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf -X PUT "http://127.0.0.1:9222/json/new?http://127.0.0.1:8899/notebooks/$(basename "$NB")" >/dev/null
/usr/bin/python3 -u "$ROOT/lib/src/test/python/browser_check.py" "$OUT"
