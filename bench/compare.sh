#!/usr/bin/env bash
# Client benchmark: loadgen vs wrk vs h2load (--h1) against nginx from Debian.
# nginx (1 worker) is pinned to CPU 0 and each client to CPU 1, so the client's own cost is what
# is compared. Runs alternate between tools (A B C A B C ...), RUNS times each, and the table shows
# medians and ratios to wrk, because this machine is shared and noisy (+-15% run to run).
#   bash bench/compare.sh                      # -c 64, -c 1000, -c 1; 5 s runs, 3 runs each
#   CONNS="64" SECONDS_PER_RUN=3 RUNS=5 bash bench/compare.sh
#   SCHEME=https CONNS=64 bash bench/compare.sh  # over TLS (a certificate made here by openssl)
#   BEFORE=/path/to/older/loadgen bash bench/compare.sh  # adds that build as tool "before", in
#                                              # the same alternation: a regression check
#   TOOLS="loadgen before" BEFORE=... bash bench/compare.sh   # only these tools (wrk stays the ratio base if run)
#   PROTO=h2 bash bench/compare.sh             # HTTP/2 (h2c prior knowledge) vs h2load: -c 64 -streams 1
#                                              # and -c 8 -streams 32 (CONNS items are c:streams)
#   SCHEME=https PROTO=h2 bash bench/compare.sh  # h2 over TLS (ALPN), the same two shapes
#   RATE=60000 PROTO=h2 bash bench/compare.sh  # every tool held to 60,000 requests/s in all
#                                              # (loadgen -qps, h2load --rps per connection, Fortio
#                                              # -qps; wrk and the floor clients cannot be paced and
#                                              # are left out): the CPU per request each tool
#                                              # spends at the same load, below what saturates it
# Plain HTTP/1.1 runs add "floor" (bench/floor_client.cpp, built here with c++): one send() and one
# recv() per call and nothing else, the kernel's share that every client pays; how far a tool
# sits above it is what the tool itself costs. TOOLS="... uring" adds bench/floor_uring.cpp (liburing,
# built here too): the same least client on io_uring (FLOOR_URING_MODE=multishot, the default, or
# linked), to see whether io_uring lowers that floor.
# Columns: req/s (completed requests / wall seconds), CPU us/req (client user+sys CPU seconds per
# request, from /usr/bin/time) and its user and sys parts, nginx us/req (the nginx worker's CPU per
# request over the same run, from /proc: what serving this client cost the server; a client that
# sleeps between responses makes it pay a wake-up per sleep), RSS MB (peak), and the ratio of
# each to wrk's.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/nginx.sh
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
PROTO=${PROTO:-h1}
if [[ $PROTO == h2 ]]; then
  CONNS=${CONNS:-"64:1 8:32"}  # connections:streams per connection
else
  CONNS=${CONNS:-"64 1000 1"}
fi
PORT=${PORT:-18181}
BIN=${LOADGEN:-build/release/apps/loadgen/loadgen}
BEFORE=${BEFORE:-}
# The real Fortio, when it is next to the project (or FORTIO=path): in the h2 runs with one
# stream per connection (Fortio's -h2 has no streams option; each of its -c connections is one).
FORTIO=${FORTIO:-}
if [[ -z $FORTIO && -x ../shared/tools/fortio ]]; then FORTIO=../shared/tools/fortio; fi
if [[ $PROTO == h2 ]]; then
  TOOLS=${TOOLS:-"loadgen ${BEFORE:+before }${FORTIO:+fortio }h2load"}  # wrk has no HTTP/2: ratios are to h2load
else
  floor=""
  [[ ${SCHEME:-http} != http ]] || floor=" floor"  # bench/floor_client.cpp: plain HTTP/1.1 only
  TOOLS=${TOOLS:-"loadgen ${BEFORE:+before }wrk h2load$floor"}
fi
RATE=${RATE:-}
if [[ -n $RATE ]]; then
  [[ $RATE =~ ^[1-9][0-9]*$ ]] || { echo "bench: RATE must be requests per second (a whole number)" >&2; exit 2; }
  TOOLS=$(tr ' ' '\n' <<<"$TOOLS" | grep -vxE 'wrk|floor|uring' | xargs)  # no way to pace them
fi
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

if [[ ! -x $BIN ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target loadgen >/dev/null
fi
for tool in wrk h2load nginx strace /usr/bin/time taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
SCHEME=${SCHEME:-http}
TLS_LISTEN=""
if [[ $SCHEME == https ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  TLS_LISTEN="ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem"
fi
H2_LISTEN=""
CURL_H2=()
if [[ $PROTO == h2 ]]; then
  H2_LISTEN="http2"  # h2 by ALPN with ssl, h2c with prior knowledge without
  [[ $SCHEME == https ]] || CURL_H2=(--http2-prior-knowledge)
fi
ulimit -n "$(ulimit -Hn)"
if [[ " $TOOLS " == *" floor "* ]]; then
  c++ -std=c++20 -O2 -o "$work/floor_client" bench/floor_client.cpp
fi
if [[ " $TOOLS " == *" uring "* ]]; then
  [[ -f /usr/include/liburing.h ]] || { echo "bench: uring needs liburing-dev: run scripts/setup.sh" >&2; exit 1; }
  c++ -std=c++20 -O2 -o "$work/floor_uring" bench/floor_uring.cpp -luring
fi
start_nginx "$work" "$PORT" "$SERVER_CPU" "${H2_LISTEN} ${TLS_LISTEN:-}" "http2_max_concurrent_streams 1000;"
for _ in $(seq 50); do curl -kfs "${CURL_H2[@]}" "$SCHEME://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
URL="$SCHEME://127.0.0.1:$PORT/"
NGINX_WORKER=$(pgrep -P "$(cat "$work/nginx.pid")" | head -1)
TICKS=$(getconf CLK_TCK)

# The nginx worker's user + system CPU so far, in clock ticks (/proc/PID/stat fields 14 and 15).
server_ticks() { awk '{print $14 + $15}' "/proc/$NGINX_WORKER/stat"; }

# run_tool TOOL CONNS -> prints "requests wall_seconds cpu_seconds rss_kb user_seconds sys_seconds
# server_seconds". CONNS is c:streams
# with PROTO=h2 (loadgen -h2 -c c -streams s; h2load -c c -m s).
run_tool() {
  local tool=$1 c=${2%%:*} out
  local streams=${2#*:}
  local threads=1
  # The pace: -qps for loadgen and Fortio (in all), --rps for h2load (per connection).
  local qps=0 h2rps=()
  if [[ -n $RATE ]]; then
    qps=$RATE
    h2rps=(--rps "$(awk -v r="$RATE" -v c="$c" 'BEGIN{printf "%.6g", r / c}')")
  fi
  if [[ $PROTO == h2 ]]; then
    case $tool in
      loadgen) cmd=("$BIN" load -h2 -qps "$qps" -c "$c" -streams "$streams" -t "${SECONDS_PER_RUN}s" -quiet -k "$URL") ;;
      before) cmd=("$BEFORE" load -h2 -qps "$qps" -c "$c" -streams "$streams" -t "${SECONDS_PER_RUN}s" -quiet -k "$URL") ;;
      h2load) cmd=(h2load -t "$threads" -c "$c" -m "$streams" "${h2rps[@]}" -D "$SECONDS_PER_RUN" "$URL") ;;
      fortio)
        ((streams == 1)) || { echo "0 1 0 0 0 0 0"; return; }
        cmd=("$FORTIO" load -h2 -qps "$qps" -c "$c" -t "${SECONDS_PER_RUN}s" -loglevel Error -k "$URL") ;;
      *) echo "bench: $tool has no HTTP/2" >&2; echo "0 1 0 0 0 0 0"; return ;;
    esac
  else
    case $tool in
    loadgen) cmd=("$BIN" load -qps "$qps" -c "$c" -t "${SECONDS_PER_RUN}s" -quiet -k "$URL") ;;
    before) cmd=("$BEFORE" load -qps "$qps" -c "$c" -t "${SECONDS_PER_RUN}s" -quiet -k "$URL") ;;
    wrk) cmd=(wrk -t "$threads" -c "$c" -d "${SECONDS_PER_RUN}s" "$URL") ;;
    h2load) cmd=(h2load --h1 -t "$threads" -c "$c" "${h2rps[@]}" -D "$SECONDS_PER_RUN" "$URL") ;;
    floor)
      [[ $SCHEME == http ]] || { echo "bench: floor is plain HTTP only" >&2; echo "0 1 0 0 0 0 0"; return; }
      cmd=("$work/floor_client" "$PORT" "$c" "$SECONDS_PER_RUN") ;;
    uring)
      [[ $SCHEME == http ]] || { echo "bench: uring is plain HTTP only" >&2; echo "0 1 0 0 0 0 0"; return; }
      cmd=("$work/floor_uring" "$PORT" "$c" "$SECONDS_PER_RUN" "${FLOOR_URING_MODE:-multishot}") ;;
    esac
  fi
  local before_ticks after_ticks
  before_ticks=$(server_ticks)
  out=$(/usr/bin/time -f 'TIME %U %S %M' taskset -c "$CLIENT_CPU" "${cmd[@]}" 2>&1)
  after_ticks=$(server_ticks)
  local req
  case $tool in
    loadgen | before | fortio) req=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out") ;;
    wrk) req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out") ;;
    h2load) req=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out") ;;
    floor) req=$(sed -n 's/^floor: \([0-9]*\) calls.*/\1/p' <<<"$out") ;;
    uring) req=$(sed -n 's/^uring: \([0-9]*\) calls.*/\1/p' <<<"$out") ;;
  esac
  local t
  t=$(grep '^TIME' <<<"$out")
  # Wall time: the tool's own run time is what requests were made in; use the requested duration.
  echo "${req:-0} $SECONDS_PER_RUN $(awk '{print $2 + $3, $4, $2, $3}' <<<"$t")" \
    "$(awk -v t=$((after_ticks - before_ticks)) -v hz="$TICKS" 'BEGIN{print t / hz}')"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "# loadgen client benchmark, $(date -u +%Y-%m-%d) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo "# nginx 1 worker on CPU $SERVER_CPU; clients on CPU $CLIENT_CPU; ${SECONDS_PER_RUN}s runs; median of $RUNS${RATE:+; every tool paced to $RATE requests/s}"
for c in $CONNS; do
  declare -A rps cpu rss usr sys srv
  for tool in $TOOLS; do rps[$tool]=""; cpu[$tool]=""; rss[$tool]=""; usr[$tool]=""; sys[$tool]=""; srv[$tool]=""; done
  for ((i = 0; i < RUNS; i++)); do
    for tool in $TOOLS; do
      read -r req secs cpus kb user system server < <(run_tool "$tool" "$c")
      if ((req > 0)); then
        rps[$tool]+="$(awk -v r="$req" -v s="$secs" 'BEGIN{printf "%.0f", r/s}') "
        cpu[$tool]+="$(awk -v c="$cpus" -v r="$req" 'BEGIN{printf "%.3f", c*1e6/r}') "
        usr[$tool]+="$(awk -v c="$user" -v r="$req" 'BEGIN{printf "%.3f", c*1e6/r}') "
        sys[$tool]+="$(awk -v c="$system" -v r="$req" 'BEGIN{printf "%.3f", c*1e6/r}') "
        srv[$tool]+="$(awk -v c="$server" -v r="$req" 'BEGIN{printf "%.3f", c*1e6/r}') "
        rss[$tool]+="$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') "
      fi
    done
  done
  echo
  if [[ $PROTO == h2 ]]; then echo "## h2 ($SCHEME) -c ${c%%:*} -streams ${c#*:}"; else echo "## -c $c"; fi
  base=wrk
  [[ " $TOOLS " == *" wrk "* ]] || base=${TOOLS##* }  # ratios to the last tool when wrk is not run
  printf '%-8s %10s %12s %9s %9s %10s %8s %10s %10s %10s\n' tool req/s "CPU us/req" "user us" "sys us" "nginx us" "RSS MB" "req/s/$base" "CPU/$base" "RSS/$base"
  wrps=$(tr ' ' '\n' <<<"${rps[$base]}" | grep . | median)
  wcpu=$(tr ' ' '\n' <<<"${cpu[$base]}" | grep . | median)
  wrss=$(tr ' ' '\n' <<<"${rss[$base]}" | grep . | median)
  for tool in $TOOLS; do
    [[ -n ${rps[$tool]} ]] || continue  # not run in this shape (Fortio with -streams > 1)
    r=$(tr ' ' '\n' <<<"${rps[$tool]}" | grep . | median)
    u=$(tr ' ' '\n' <<<"${cpu[$tool]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${rss[$tool]}" | grep . | median)
    us=$(tr ' ' '\n' <<<"${usr[$tool]}" | grep . | median)
    sy=$(tr ' ' '\n' <<<"${sys[$tool]}" | grep . | median)
    sv=$(tr ' ' '\n' <<<"${srv[$tool]}" | grep . | median)
    printf '%-8s %10.0f %12.2f %9.2f %9.2f %10.2f %8.1f %10.2f %10.2f %10.2f\n' "$tool" "$r" "$u" "$us" "$sy" "$sv" "$m" \
      "$(awk -v a="$r" -v b="$wrps" 'BEGIN{print a/b}')" "$(awk -v a="$u" -v b="$wcpu" 'BEGIN{print a/b}')" \
      "$(awk -v a="$m" -v b="$wrss" 'BEGIN{print a/b}')"
  done
  unset rps cpu rss usr sys srv
done

# Syscalls per request (strace slows both tools alike; the count is what matters): HTTP/1.1 at
# -c 64 against wrk, h2 at -c 8 -streams 32 against h2load. With 32 streams a traced client
# finds more responses per read than an untraced one (nginx is not slowed), so the h2 counts
# compare the tools with each other, not with the untraced runs above: there `perf stat -e
# 'syscalls:sys_enter_*'` gives the counts (README, "h2c writes and memory").
echo
if [[ $PROTO == h2 ]]; then
  echo "## syscalls per request, h2 -c 8 -streams 32, 2 s under strace -c -f (traced clients batch more)"
  PEERS="loadgen h2load"
else
  echo "## syscalls per request, -c 64, 2 s under strace -c -f"
  PEERS="loadgen wrk"
fi
for tool in $PEERS; do
  case $tool-$PROTO in
    loadgen-h2) cmd=("$BIN" load -h2 -qps 0 -c 8 -streams 32 -t 2s -quiet -k "$URL") ;;
    h2load-h2) cmd=(h2load -t 1 -c 8 -m 32 -D 2 "$URL") ;;
    loadgen-*) cmd=("$BIN" load -qps 0 -c 64 -t 2s -quiet "$URL") ;;
    wrk-*) cmd=(wrk -t 1 -c 64 -d 2s "$URL") ;;
  esac
  out=$(strace -c -f -o "$work/strace.$tool" taskset -c "$CLIENT_CPU" "${cmd[@]}" 2>&1)
  case $tool in
    loadgen) req=$(sed -n 's/^All done \([0-9]*\) calls.*/\1/p' <<<"$out") ;;
    wrk) req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out") ;;
    h2load) req=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' <<<"$out") ;;
  esac
  total=$(awk '/^100.00/ {print $4}' "$work/strace.$tool")
  top=$(awk 'NR>2 && $1 ~ /^[0-9.]+$/ && $NF != "total" {printf "%s=%s ", $NF, $4}' "$work/strace.$tool" | cut -d' ' -f1-5)
  printf '%-8s %8.2f syscalls/req  (%s requests; top: %s)\n' "$tool" "$(awk -v t="$total" -v r="$req" 'BEGIN{print t/r}')" "$req" "$top"
done
