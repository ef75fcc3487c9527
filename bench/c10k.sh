#!/usr/bin/env bash
# The Istio how-to's big run: `load -c 10000 -qps 0 -n 500000` against nginx from Debian, with
# the default -timeout (3 s). nginx (1 worker, as many connections as the open-files limit) is pinned to CPU 0 and
# the client to CPU 1. Runs alternate between tools (loadgen, then Fortio when it is next to the
# project), RUNS times each. Per run: calls that were not a 200 (and which transport errors),
# peak RSS, user and sys CPU seconds and CPU us per call.
#   bash bench/c10k.sh
#   CONNS=20000 CALLS=1000000 RUNS=3 bash bench/c10k.sh
#   TIMEOUT=10s bash bench/c10k.sh      # the same with a longer -timeout
#   BEFORE=/path/to/older/loadgen bash bench/c10k.sh   # adds that build, alternated
# The listen backlog is capped by net.core.somaxconn (printed): connects beyond it wait for a SYN
# retry, which is part of what this run measures.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx.sh
RUNS=${RUNS:-2}
CONNS=${CONNS:-10000}
CALLS=${CALLS:-500000}
TIMEOUT=${TIMEOUT:-3s}
PORT=${PORT:-18182}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
FORTIO=${FORTIO:-}
if [[ -z $FORTIO && -x ../shared/tools/fortio ]]; then FORTIO=../shared/tools/fortio; fi
BEFORE=${BEFORE:-}  # an older loadgen build, run as tool "before" in the same alternation
TOOLS=${TOOLS:-"loadgen ${BEFORE:+before }${FORTIO:+fortio}"}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
for tool in nginx /usr/bin/time taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < CONNS + 100 )); then
  echo "bench: the open-files limit ($(ulimit -n)) is below -c $CONNS + 100" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
start_nginx "$work" "$PORT" "$SERVER_CPU"
url="http://127.0.0.1:$PORT/"
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); somaxconn $(cat /proc/sys/net/core/somaxconn)"
echo "# load -c $CONNS -qps 0 -n $CALLS -timeout $TIMEOUT, nginx on CPU $SERVER_CPU, client on CPU $CLIENT_CPU"
printf '%-8s %4s %9s %-40s %7s %7s %7s %8s\n' tool run non-200 errors RSS_MB user_s sys_s us/call
for run in $(seq "$RUNS"); do
  for tool in $TOOLS; do
    case $tool in
      loadgen) bin=$BIN ;;
      before) bin=$BEFORE ;;
      fortio) bin=$FORTIO ;;
      *) echo "bench: unknown tool $tool" >&2; exit 1 ;;
    esac
    cmd=("$bin" load -c "$CONNS" -qps 0 -n "$CALLS" -timeout "$TIMEOUT" -json "$work/out.json" "$url")
    out=$(/usr/bin/time -f 'TIME %U %S %M' taskset -c "$CLIENT_CPU" "${cmd[@]}" 2>&1 || true)
    read -r _ user sys rss_kb <<<"$(grep '^TIME ' <<<"$out" | tail -1)"
    ok=$(grep -E '^Code 200 : ' <<<"$out" | awk '{print $4}')
    total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["DurationHistogram"]["Count"])' "$work/out.json")
    errors=$(grep -E '^Transport errors : ' <<<"$out" | cut -d: -f2- | xargs || true)
    non_ok=$(( total - ${ok:-0} ))
    us=$(python3 -c "print(f'{($user+$sys)*1e6/$total:.2f}')")
    printf '%-8s %4s %9s %-40s %7.1f %7s %7s %8s\n' "$tool" "$run" "$non_ok" "${errors:--}" "$(python3 -c "print($rss_kb/1024)")" "$user" "$sys" "$us"
  done
done
