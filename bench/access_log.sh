#!/usr/bin/env bash
# What -access-log-file costs: the same loadgen with and without it, against nginx from Debian.
# The method is bench/compare.sh's: nginx (1 worker) pinned to CPU 0, the client to CPU 1, runs
# alternating (off on off on ...), RUNS times each, medians, because this machine is shared and
# noisy (+-15% run to run). The log goes to a file in a fresh temporary directory, removed after
# each run; every run with the log must have exactly one line per call, or the script says so.
#   bash bench/access_log.sh                          # -c 64 and -c 1, 5 s runs, 3 runs each, json
#   RUNS=1 SECONDS_PER_RUN=2 CONNS=64 bash bench/access_log.sh   # a quick smoke try
#   FORMAT=influx bash bench/access_log.sh            # or siege
#   LOG_DIR=/dev/shm bash bench/access_log.sh         # the log on tmpfs: the CPU cost without the disk
# Columns: req/s (completed calls / requested seconds), CPU us/req (client user+sys CPU seconds per
# call, from /usr/bin/time), RSS MB (peak), and "with log" over "off" for each; then the write(2)
# calls per call with the log (strace -c, 2 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx.sh
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNS=${CONNS:-"64 1"}
FORMAT=${FORMAT:-json}
PORT=${PORT:-18182}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
for tool in nginx strace /usr/bin/time taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done

work=$(mktemp -d)
logdir=$(mktemp -d "${LOG_DIR:-$work}/access.XXXXXX")
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$logdir" "$work"' EXIT
ulimit -n "$(ulimit -Hn)"
start_nginx "$work" "$PORT" "$SERVER_CPU"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/"

# run_mode MODE CONNS -> prints "requests cpu_seconds rss_kb"; MODE is off or log.
run_mode() {
  local mode=$1 c=$2 out log="$logdir/access.$FORMAT"
  local cmd=("$BIN" load -qps 0 -c "$c" -t "${SECONDS_PER_RUN}s" -quiet "$URL")
  [[ $mode == log ]] && cmd+=(-access-log-file "$log" -access-log-format "$FORMAT")
  rm -f "$log"
  out=$(/usr/bin/time -f 'TIME %U %S %M' taskset -c "$CLIENT_CPU" "${cmd[@]}" 2>&1)
  local req t
  req=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out")
  t=$(grep '^TIME' <<<"$out")
  if [[ $mode == log ]]; then
    local lines
    lines=$(wc -l <"$log")
    ((lines == req)) || echo "bench: -c $c: $lines log lines for $req calls" >&2
    rm -f "$log"
  fi
  echo "${req:-0} $(awk '{print $2 + $3, $4}' <<<"$t")"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "# loadgen -access-log-file cost, $(date -u +%Y-%m-%d) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# nginx 1 worker on CPU $SERVER_CPU; loadgen on CPU $CLIENT_CPU; ${SECONDS_PER_RUN}s runs; median of $RUNS; format $FORMAT; log in ${LOG_DIR:-$work}"
for c in $CONNS; do
  declare -A rps cpu rss
  for mode in off log; do rps[$mode]=""; cpu[$mode]=""; rss[$mode]=""; done
  for ((i = 0; i < RUNS; i++)); do
    for mode in off log; do
      read -r req cpus kb < <(run_mode "$mode" "$c")
      if ((req > 0)); then
        rps[$mode]+="$(awk -v r="$req" -v s="$SECONDS_PER_RUN" 'BEGIN{printf "%.0f", r/s}') "
        cpu[$mode]+="$(awk -v c="$cpus" -v r="$req" 'BEGIN{printf "%.3f", c*1e6/r}') "
        rss[$mode]+="$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') "
      fi
    done
  done
  echo
  echo "## -c $c"
  printf '%-8s %10s %12s %8s\n' mode req/s "CPU us/req" "RSS MB"
  declare -A r u m
  for mode in off log; do
    r[$mode]=$(tr ' ' '\n' <<<"${rps[$mode]}" | grep . | median)
    u[$mode]=$(tr ' ' '\n' <<<"${cpu[$mode]}" | grep . | median)
    m[$mode]=$(tr ' ' '\n' <<<"${rss[$mode]}" | grep . | median)
    printf '%-8s %10.0f %12.2f %8.1f\n' "$mode" "${r[$mode]}" "${u[$mode]}" "${m[$mode]}"
  done
  printf '%-8s %10.3f %12.3f %8.2f\n' "log/off" "$(awk -v a="${r[log]}" -v b="${r[off]}" 'BEGIN{print a/b}')" \
    "$(awk -v a="${u[log]}" -v b="${u[off]}" 'BEGIN{print a/b}')" "$(awk -v a="${m[log]}" -v b="${m[off]}" 'BEGIN{print a/b}')"
  unset rps cpu rss r u m
done

# write(2) calls per call with the log: a 64 KB buffer per worker makes it about 1/600 (json).
echo
echo "## write(2) per call with the log, -c 64, 2 s under strace -c -f"
log="$logdir/access.$FORMAT"
out=$(strace -c -f -e trace=write -o "$work/strace.log" taskset -c "$CLIENT_CPU" \
  "$BIN" load -qps 0 -c 64 -t 2s -quiet -access-log-file "$log" -access-log-format "$FORMAT" "$URL" 2>&1)
req=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out")
writes=$(awk '$NF == "write" {print $4}' "$work/strace.log")
printf 'write(2): %s for %s calls = %.5f per call (the report'"'"'s own writes included)\n' "${writes:-0}" "$req" \
  "$(awk -v w="${writes:-0}" -v r="$req" 'BEGIN{print w/r}')"
