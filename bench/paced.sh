#!/usr/bin/env bash
# Paced accuracy: loadgen at -qps 20000 -c 64 for 10 s against nginx on loopback (nginx pinned to
# CPU 0, loadgen to CPU 1). Prints the achieved rate as a share of the target and the dispatch
# lag (how late calls left against their schedule) p50/p99/max, from loadgen's own JSON.
#   bash bench/paced.sh            QPS=20000 CONNS=64 DURATION=10s RUNS=3 bash bench/paced.sh
set -euo pipefail
cd "$(dirname "$0")/.."
QPS=${QPS:-20000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
PORT=${PORT:-18381}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
EXTRA=${EXTRA:-}  # e.g. EXTRA=-uniform to stagger the connections (Fortio default: all due at once)
if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
work=$(mktemp -d)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log crit;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000000;
  server { listen 127.0.0.1:$PORT; location / { return 200 "ok"; } } }
CONF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" 2>/dev/null
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
echo "# paced accuracy $(date -u +%Y-%m-%d): -qps $QPS -c $CONNS -t $DURATION $EXTRA, nginx on CPU 0, loadgen on CPU 1"
for ((i = 1; i <= RUNS; i++)); do
  out=$(taskset -c 1 "$BIN" load -qps "$QPS" -c "$CONNS" -t "$DURATION" $EXTRA -loglevel Warning "http://127.0.0.1:$PORT/" 2>&1)
  achieved=$(sed -n 's/^Requested qps .*, achieved \([0-9.]*\) .*/\1/p' <<<"$out")
  lag=$(grep '^Dispatch lag (due to send)' <<<"$out" | sed 's/^Dispatch lag (due to send) : //')
  calls=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out")
  awk -v a="$achieved" -v q="$QPS" -v c="$calls" -v l="$lag" \
    'BEGIN { printf "achieved %.1f qps = %.3f%% of %g (%d calls); dispatch lag (s): %s\n", a, 100 * a / q, q, c, l }'
done
