#!/usr/bin/env bash
# Screenshots of the HTML summary, the track ledger and the Datasette view, taken in headless
# Chromium on the fictional fixtures (never a real document's text), into docs/.
# Needs Debian's chromium and fonts-noto-cjk (apt-get install -y chromium fonts-noto-cjk);
# the Datasette one needs the `datasette` extra.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill "${ds_pid:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
shot() {  # shot URL PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$3,$4" --screenshot="$2" "$1" >/dev/null 2>&1
  echo "wrote $2"
}
plansum summarize tests/fixtures/corpus/qinglan_annual_2024.txt -o "$tmp/summary.html" 2>/dev/null
plansum track tests/fixtures/corpus -o "$tmp/ledger.html" 2>/dev/null
shot "file://$tmp/summary.html" docs/summary.png 1400 900
shot "file://$tmp/ledger.html" docs/ledger.png 1200 1400
if command -v datasette >/dev/null 2>&1; then
  plansum batch tests/fixtures/corpus -o "$tmp/out" --runner inline --no-progress 2>/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  datasette serve "$tmp/out/plansum.sqlite" --metadata "$tmp/out/datasette.json" --port "$port" >/dev/null 2>&1 &
  ds_pid=$!
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.5; done
  shot "http://127.0.0.1:$port/plansum/gdp_growth" docs/datasette.png 1300 900
fi
