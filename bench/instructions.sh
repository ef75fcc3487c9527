#!/usr/bin/env bash
# User-space instructions per call, under callgrind: the one measure of the client's own work
# that this shared, noisy machine does not move (the user/system split of /usr/bin/time moves by
# +-15% from run to run). Each build runs `load -c C -qps 0 -n 20000` and `-n 60000` against nginx
# under valgrind; (Ir(60000) - Ir(20000)) / 40000 cancels start-up, connects and the report.
# Instructions are not cycles (at -c 1000 cache misses cost as much): quote this next to
# compare.sh's CPU figures, not instead of them.
#   bash bench/instructions.sh                                   # -c 1000 and -c 64
#   LOADGEN=build/image/apps/loadgen/loadgen BEFORE=/tmp/old CONNS="1000" bash bench/instructions.sh
#   PROTO=h2 [SCHEME=https] bash bench/instructions.sh          # -h2: CONNS items are c:streams
#                                                               # (default "64:1 8:32", as compare.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/nginx.sh
source bench/nginx.sh
PROTO=${PROTO:-h1}
SCHEME=${SCHEME:-http}
if [[ $PROTO == h2 ]]; then CONNS=${CONNS:-64:1 8:32}; else CONNS=${CONNS:-1000 64}; fi
PORT=${PORT:-18391}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
command -v valgrind >/dev/null || { echo "instructions: valgrind is needed (bash scripts/setup.sh installs it)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
listen=""
[[ $PROTO == h2 ]] && listen="http2"  # h2 by ALPN with ssl, h2c with prior knowledge without
if [[ $SCHEME == https ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  listen+=" ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem"
fi
start_nginx "$work" "$PORT" 0 "$listen" "http2_max_concurrent_streams 1000;"
builds=("loadgen=$BIN")
[[ -n ${BEFORE:-} ]] && builds+=("before=$BEFORE")

# Instructions the whole run executed (every thread), from callgrind's summary line. CONNS is
# c:streams with PROTO=h2.
instructions() {
  local bin=$1 conns=$2 calls=$3
  local shape=(-c "${conns%%:*}")
  [[ $PROTO == h2 ]] && shape+=(-h2 -streams "${conns#*:}")
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" load "${shape[@]}" -qps 0 -n "$calls" \
    -k -loglevel Warning "$SCHEME://127.0.0.1:$PORT/" > /dev/null 2> "$work/cg.err"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg.err"
}

echo "# user-space instructions per call $(date -u +%Y-%m-%d), $PROTO over $SCHEME, nginx on CPU 0 (callgrind runs unpinned)"
printf '%-10s %6s %12s\n' build conns Ir/call
for c in $CONNS; do
  for b in "${builds[@]}"; do
    name=${b%%=*}
    bin=${b#*=}
    low=$(instructions "$bin" "$c" 20000)
    high=$(instructions "$bin" "$c" 60000)
    printf '%-10s %6s %12d\n' "$name" "$c" $(((high - low) / 40000))
  done
done
