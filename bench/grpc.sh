#!/usr/bin/env bash
# gRPC benchmark (Fortio's ping, -grpc -ping -qps 0): the server pinned to CPU 0 (one thread),
# the client to CPU 1, SECONDS_PER_RUN each, runs alternating (A B A B ...), RUNS each, medians.
#   1. Clients: loadgen's `load -grpc -ping` vs Fortio's, both against `loadgen server`.
#   2. Servers: `loadgen server` vs `fortio server` (GOMAXPROCS=1), both driven by loadgen's client.
# Columns: calls/s (calls / requested seconds), client CPU µs per call (user+sys from
# /usr/bin/time), server CPU µs per call (from /proc/<pid>/stat around the run), and ratios.
# Fortio is the anchor (ghz, the usual gRPC load tool, is not packaged by Debian 12).
#   bash bench/grpc.sh                    RUNS=5 CONNS=16 SECONDS_PER_RUN=5 bash bench/grpc.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNS=${CONNS:-16}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
FORTIO=${FORTIO:-../shared/tools/fortio}
LG_PORT=${LG_PORT:-18381}
FO_PORT=${FO_PORT:-18382}
if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
[[ -x $FORTIO ]] || { echo "bench: no Fortio at $FORTIO (FORTIO=path): it is the anchor here" >&2; exit 1; }

pids=()
stop_servers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_servers EXIT
taskset -c 0 "$BIN" server -http-port disabled -tcp-port disabled -udp-port disabled -redirect-port disabled \
  -grpc-port "127.0.0.1:$LG_PORT" -threads 1 -loglevel Error &
lg_server=$!
pids+=("$lg_server")
GOMAXPROCS=1 taskset -c 0 "$FORTIO" server -http-port disabled -tcp-port disabled -udp-port disabled \
  -redirect-port disabled -grpc-port "127.0.0.1:$FO_PORT" -loglevel Error >/dev/null 2>&1 &
fo_server=$!
pids+=("$fo_server")
for _ in $(seq 50); do
  "$BIN" load -grpc -n 1 -qps 0 -quiet "127.0.0.1:$LG_PORT" >/dev/null 2>&1 &&
    "$BIN" load -grpc -n 1 -qps 0 -quiet "127.0.0.1:$FO_PORT" >/dev/null 2>&1 && break
  sleep 0.2
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)

# run CLIENT SERVER_PID PORT -> "calls client_cpu_s server_cpu_s"
run() {
  local client=$1 server=$2 port=$3 cmd out before after calls
  case $client in
    loadgen) cmd=("$BIN" load -grpc -ping -qps 0 -c "$CONNS" -t "${SECONDS_PER_RUN}s" -quiet "127.0.0.1:$port") ;;
    fortio) cmd=("$FORTIO" load -grpc -ping -qps 0 -c "$CONNS" -t "${SECONDS_PER_RUN}s" -loglevel Error "127.0.0.1:$port") ;;
  esac
  before=$(ticks "$server")
  out=$(/usr/bin/time -f 'TIME %U %S' taskset -c 1 "${cmd[@]}" 2>&1)
  after=$(ticks "$server")
  calls=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out")
  grep -q "Ping SERVING : $calls$" <<<"$out" || { echo "bench: $client: not every call was SERVING" >&2; echo "$out" | tail -5 >&2; }
  echo "$calls $(awk '/^TIME/ {print $2 + $3}' <<<"$out") $(awk -v a="$after" -v b="$before" -v hz="$hz" 'BEGIN {print (a - b) / hz}')"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A rate ccpu scpu
record() {  # key calls client_cpu server_cpu
  rate[$1]+="$(awk -v c="$2" -v s="$SECONDS_PER_RUN" 'BEGIN {printf "%.0f", c / s}') "
  ccpu[$1]+="$(awk -v t="$3" -v c="$2" 'BEGIN {printf "%.2f", t * 1e6 / c}') "
  scpu[$1]+="$(awk -v t="$4" -v c="$2" 'BEGIN {printf "%.2f", t * 1e6 / c}') "
}
for ((i = 0; i < RUNS; i++)); do
  # shellcheck disable=SC2046
  record "client loadgen" $(run loadgen "$lg_server" "$LG_PORT")
  # shellcheck disable=SC2046
  record "client fortio" $(run fortio "$lg_server" "$LG_PORT")
  # shellcheck disable=SC2046
  record "server loadgen" $(run loadgen "$lg_server" "$LG_PORT")
  # shellcheck disable=SC2046
  record "server fortio" $(run loadgen "$fo_server" "$FO_PORT")
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo "# loadgen gRPC benchmark, $(date -u +%Y-%m-%d) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# -grpc -ping -qps 0 -c $CONNS, ${SECONDS_PER_RUN}s runs; server on CPU 0 (1 thread), client on CPU 1; median of $RUNS"
for part in client server; do
  echo
  if [[ $part == client ]]; then echo "## clients, against loadgen server"; else echo "## servers, driven by loadgen's client"; fi
  printf '%-16s %10s %16s %16s\n' "" "calls/s" "client µs/call" "server µs/call"
  for who in loadgen fortio; do
    k="$part $who"
    printf '%-16s %10s %16s %16s\n' "$who" "$(med "${rate[$k]}")" "$(med "${ccpu[$k]}")" "$(med "${scpu[$k]}")"
  done
  r=$(awk -v a="$(med "${rate[$part loadgen]}")" -v b="$(med "${rate[$part fortio]}")" 'BEGIN {printf "%.2f", a / b}')
  if [[ $part == client ]]; then
    c=$(awk -v a="$(med "${ccpu[$part loadgen]}")" -v b="$(med "${ccpu[$part fortio]}")" 'BEGIN {printf "%.2f", a / b}')
    echo "loadgen/Fortio: ${r}x calls/s, ${c}x client CPU per call"
  else
    c=$(awk -v a="$(med "${scpu[$part loadgen]}")" -v b="$(med "${scpu[$part fortio]}")" 'BEGIN {printf "%.2f", a / b}')
    echo "loadgen/Fortio: ${r}x calls/s, ${c}x server CPU per call"
  fi
done
