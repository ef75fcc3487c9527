#!/usr/bin/env bash
# What spinning costs and buys: loadgen with its defaults (no spin) against -busy-poll, in the two
# places it matters.
#  1. Shared: client and target on the same 2 CPUs, not pinned, as on a laptop or in a pod next to
#     its sidecar: `load -c 2 -qps 0 -t 3s` against Fortio's server (shared/tools/fortio, or
#     loadgen's own when it is missing), with Fortio's own client in the alternation when present.
#  2. Pinned: nginx on CPU 0, the client on CPU 1, `-c 1 -qps 0 -t 3s`: the wake-up-bound case
#     that -busy-poll is for.
# Each prints every run and the medians of calls/s and client CPU seconds (user+sys, /usr/bin/time);
# runs alternate between the variants (A B C A B C ...), RUNS each, because this machine is noisy.
# The paced side (-busy-wait) is bench/paced.sh.
#   bash bench/considerate.sh          RUNS=5 SECONDS_PER_RUN=3 bash bench/considerate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SECS=${SECONDS_PER_RUN:-3}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
FORTIO=${FORTIO:-../shared/tools/fortio}
if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# run NAME ARGS...: one run; appends "calls_per_s cpu_s" to $work/NAME.
run() {
  local name=$1
  shift
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || true
  local qps cpu
  qps=$(sed -n 's/.* \([0-9.]*\) qps$/\1/p' "$work/out" | tail -1)
  cpu=$(awk '{printf "%.2f", $1 + $2}' "$work/time")
  printf '  %-22s %10s calls/s  %5s s CPU\n' "$name" "${qps:-?}" "$cpu"
  echo "${qps:-0} $cpu" >>"$work/$name"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

summary() {
  printf '%-24s %12s %10s\n' variant "calls/s" "CPU s"
  for name in "$@"; do
    [[ -f $work/$name ]] || continue
    printf '%-24s %12s %10s\n' "$name" "$(awk '{print $1}' "$work/$name" | median)" "$(awk '{print $2}' "$work/$name" | median)"
  done
}

echo "# $(date -u +%Y-%m-%d) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs"
echo "## 1. shared CPUs: load -c 2 -qps 0 -t ${SECS}s, client and server not pinned"
port=18461
if [[ -x $FORTIO ]]; then
  "$FORTIO" server -http-port "127.0.0.1:$port" -grpc-port disabled -redirect-port disabled -tcp-port disabled -udp-port disabled >"$work/server.log" 2>&1 &
  target="Fortio's server"
else
  "$BIN" server -http-port "127.0.0.1:$port" -grpc-port disabled -redirect-port disabled -tcp-port disabled -udp-port disabled >"$work/server.log" 2>&1 &
  target="loadgen's server"
fi
pids+=($!)
wait_port "$port"
echo "target: $target"
url="http://127.0.0.1:$port/echo"
for _ in $(seq "$RUNS"); do
  run loadgen "$BIN" load -c 2 -qps 0 -t "${SECS}s" "$url"
  run loadgen-busy-poll "$BIN" load -busy-poll -c 2 -qps 0 -t "${SECS}s" "$url"
  [[ -x $FORTIO ]] && run fortio "$FORTIO" load -c 2 -qps 0 -t "${SECS}s" "$url"
done
summary loadgen loadgen-busy-poll fortio
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
pids=()
rm -f "$work"/loadgen* "$work"/fortio

echo "## 2. pinned: nginx on CPU 0, client on CPU 1, load -c 1 -qps 0 -t ${SECS}s"
port=18462
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log crit;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000000;
  server { listen 127.0.0.1:$port; location / { return 200 "ok"; } } }
CONF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" 2>/dev/null
wait_port "$port"
for _ in $(seq "$RUNS"); do
  run loadgen taskset -c 1 "$BIN" load -c 1 -qps 0 -t "${SECS}s" "http://127.0.0.1:$port/"
  run loadgen-busy-poll taskset -c 1 "$BIN" load -busy-poll -c 1 -qps 0 -t "${SECS}s" "http://127.0.0.1:$port/"
done
summary loadgen loadgen-busy-poll
