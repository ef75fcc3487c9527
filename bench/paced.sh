#!/usr/bin/env bash
# Paced accuracy: loadgen at -qps 20000 -c 64 for 10 s against nginx on loopback (nginx pinned to
# CPU 0, loadgen to CPU 1). For each mode it prints every run and then the medians: achieved rate
# as a share of the target, dispatch lag (how late calls left against their schedule) p50/p99/max
# from loadgen's own report, and the CPU seconds loadgen used (the busy-wait costs CPU).
# The modes alternate run by run (A B C A B C ...) because this machine is shared and noisy.
#
# Modes (MODES, separated by '|'):
#   default               Fortio's schedule: every connection is due at the same instant, so the
#                         c-th send of a burst waits for the c-1 before it (a floor of c x the cost
#                         of one send on one core)
#   -uniform              connections staggered evenly (Fortio's -uniform): one call every 1/qps,
#                         each connection sleeping on its timer until the call is due (the default)
#   -uniform -busy-wait 100us  the same, spinning the last 100 us before each due time (a core)
#
#   bash bench/paced.sh          QPS=20000 CONNS=64 DURATION=10s RUNS=3 bash bench/paced.sh
set -euo pipefail
cd "$(dirname "$0")/.."
QPS=${QPS:-20000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
PORT=${PORT:-18381}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
MODES=${MODES:-default|-uniform|-uniform -busy-wait 100us}
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
echo "# paced accuracy $(date -u +%Y-%m-%d): -qps $QPS -c $CONNS -t $DURATION, nginx on CPU 0, loadgen on CPU 1"
IFS='|' read -r -a modes <<<"$MODES"
for ((i = 1; i <= RUNS; i++)); do
  for m in "${!modes[@]}"; do
    mode=${modes[$m]}
    flags=${mode/#default/}
    # shellcheck disable=SC2086  # flags are words on purpose
    out=$({ /usr/bin/time -f 'cpu %U %S' taskset -c 1 "$BIN" load -qps "$QPS" -c "$CONNS" -t "$DURATION" $flags \
      -loglevel Warning "http://127.0.0.1:$PORT/"; } 2>&1)
    achieved=$(sed -n 's/^Requested qps .*, achieved \([0-9.]*\) .*/\1/p' <<<"$out")
    calls=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out")
    lag=$(sed -n 's/^Dispatch lag (due to send) : //p' <<<"$out")
    cpu=$(awk '/^cpu /{print $2 + $3}' <<<"$out")
    awk -v m="$mode" -v a="$achieved" -v q="$QPS" -v c="$calls" -v l="$lag" -v cpu="$cpu" 'BEGIN {
      split(l, f, " "); for (k = 1; k < length(f); k += 2) v[f[k]] = f[k + 1];
      printf "%-26s achieved %8.1f qps = %7.3f%%  (%d calls)  lag p50 %6.1f us  p99 %6.1f us  max %7.1f us  cpu %.2f s\n",
        m, a, 100 * a / q, c, v["p50"] * 1e6, v["p99"] * 1e6, v["max"] * 1e6, cpu }' | tee -a "$work/runs"
  done
done
echo "# medians over $RUNS runs"
for mode in "${modes[@]}"; do
  awk -v m="$mode" 'function med(a, n,   i, j, t) {  # insertion sort: mawk has no asort
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    substr($0, 1, 26) == sprintf("%-26s", m) {
      for (k = 1; k <= NF; k++) {
        if ($k == "=") pct[++n] = $(k + 1) + 0
        if ($k == "p50") p50[n] = $(k + 1); if ($k == "p99") p99[n] = $(k + 1)
        if ($k == "max") mx[n] = $(k + 1); if ($k == "cpu") cpu[n] = $(k + 1)
      } }
    END { printf "%-26s achieved %.3f%%  lag p50 %.1f us  p99 %.1f us  max %.1f us  cpu %.2f s\n",
            m, med(pct, n), med(p50, n), med(p99, n), med(mx, n), med(cpu, n) }' "$work/runs"
done
