#!/usr/bin/env bash
# The main job, end to end on one machine: install what is needed, build, start `loadgen server`
# in circuit-breaker mode on loopback (at most 1 request served and 1 waiting, like an Envoy
# DestinationRule with maxRequests 1 / http1MaxPendingRequests 1), then run the Istio
# circuit-breaking task's command against it and show the 503s it sheds. Then a paced run through
# the same breaker writes the HTML report (build/demo/report.html); with SCREENSHOT=FILE.png and
# Chromium installed, a screenshot of it is taken too (the README's picture).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
echo "demo: building (release preset)..."
cmake --preset release >/dev/null
cmake --build --preset release --target loadgen -j "$(nproc)" >/dev/null
bin=build/release/apps/loadgen/loadgen
port=${PORT:-18080}
url="http://127.0.0.1:${port}/echo?delay=20ms"

"$bin" server -http-port "127.0.0.1:${port}" -tcp-port disabled -udp-port disabled -redirect-port disabled -grpc-port disabled -max-active 1 -max-pending 1 -loglevel Warning &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do "$bin" curl -quiet -timeout 100ms "http://127.0.0.1:${port}/echo" >/dev/null 2>&1 && break; sleep 0.05; done

echo
echo "\$ loadgen curl -quiet $url"
"$bin" curl -quiet "$url"
echo
# The Istio task's command, plus -envoy-admin: the server plays the sidecar's admin port too, so
# the breaker's own counters are read around the run and checked against the 503s.
echo "\$ loadgen load -c 3 -qps 0 -n 30 -loglevel Warning -envoy-admin http://127.0.0.1:${port} $url"
"$bin" load -c 3 -qps 0 -n 30 -loglevel Warning -envoy-admin "http://127.0.0.1:${port}" "$url"
echo
mkdir -p build/demo
echo "\$ loadgen load -c 3 -qps 60 -t 3s -allow-initial-errors -quiet -html build/demo/report.html -assert 'code503<=20%' $url"
"$bin" load -c 3 -qps 60 -t 3s -allow-initial-errors -quiet -labels "demo: circuit breaker max-active 1, max-pending 1" \
  -html build/demo/report.html -json build/demo/report.json -assert 'code503<=20%' "$url" || echo "demo: (exit $?: an -assert failed)"
echo "demo: open build/demo/report.html in a browser (one self-contained file)"
if [[ -n ${SCREENSHOT:-} ]]; then bash scripts/check_html.sh build/demo/report.html "$SCREENSHOT" || true; fi
echo
echo "demo: stopping the server; it reports what its breaker shed:"
kill -INT "$server"
wait "$server" || true
trap - EXIT
