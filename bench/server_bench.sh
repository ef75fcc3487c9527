#!/usr/bin/env bash
# Server benchmark: wrk from Debian drives `loadgen server` and nginx in turn, each server pinned to
# CPU 0 (one thread / one worker) and wrk pinned to CPU 1, GET of an empty echo, -c 64. Runs
# alternate (A B A B ...), RUNS each, and the medians and the ratio loadgen/nginx are printed.
#   bash bench/server_bench.sh          RUNS=5 SECONDS_PER_RUN=5 bash bench/server_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNS=${CONNS:-64}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
LG_PORT=${LG_PORT:-18281}
NGX_PORT=${NGX_PORT:-18282}
if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
work=$(mktemp -d)
cleanup() {
  kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  if [[ -n ${lg:-} ]]; then kill "$lg" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log crit;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  server { listen 127.0.0.1:$NGX_PORT; location / { return 200 ""; } }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" 2>/dev/null
taskset -c 0 "$BIN" server -http-port "127.0.0.1:$LG_PORT" -tcp-port disabled -udp-port disabled -redirect-port disabled -grpc-port disabled -threads 1 -loglevel Error &
lg=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$LG_PORT/echo" >/dev/null && curl -fs "http://127.0.0.1:$NGX_PORT/" >/dev/null && break
  sleep 0.1
done

rps() { taskset -c 1 wrk -t 1 -c "$CONNS" -d "${SECONDS_PER_RUN}s" "$1" | awk '/^Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
lg_runs="" ngx_runs=""
for ((i = 0; i < RUNS; i++)); do
  lg_runs+="$(rps "http://127.0.0.1:$LG_PORT/echo") "
  ngx_runs+="$(rps "http://127.0.0.1:$NGX_PORT/") "
done
lgm=$(tr ' ' '\n' <<<"$lg_runs" | grep . | median)
ngm=$(tr ' ' '\n' <<<"$ngx_runs" | grep . | median)
echo "# server benchmark $(date -u +%Y-%m-%d), wrk -t1 -c$CONNS ${SECONDS_PER_RUN}s, servers on CPU 0, wrk on CPU 1, median of $RUNS"
printf '%-16s %12s   runs: %s\n' "loadgen server" "$lgm" "$lg_runs"
printf '%-16s %12s   runs: %s\n' "nginx" "$ngm" "$ngx_runs"
printf 'ratio loadgen/nginx: %.2f\n' "$(awk -v a="$lgm" -v b="$ngm" 'BEGIN{print a/b}')"
