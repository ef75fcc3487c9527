#!/usr/bin/env bash
# Regenerates cmake/hot-functions.txt: the functions a loadgen run executes, hottest first, which
# the self-contained build (cmake/LoadgenLayout.cmake) places at the front of the binary's code so
# that they share few pages. Run it after large changes to the client's hot path; a stale list
# costs only resident memory, never correctness (a symbol not in the binary is skipped, a function
# not in the list goes after the listed ones).
#   bash scripts/hot-functions.sh [path/to/loadgen]    default: build/image/apps/loadgen/loadgen
# The binary must be a self-contained build with its symbol table (the image preset's is).
# Each scenario below runs under valgrind's callgrind against loadgen's own server on loopback;
# the list is the union of every function with at least one executed instruction, ordered by the
# instructions executed in it over all scenarios (so the per-call path comes first, then what
# runs once: flag parsing, the report).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/image/apps/loadgen/loadgen}
OUT=${OUT:-cmake/hot-functions.txt}
PORT=${PORT:-18299}
command -v valgrind >/dev/null || { echo "hot-functions: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
[[ -x $BIN ]] || { echo "hot-functions: $BIN missing: cmake --preset image && cmake --build --preset image" >&2; exit 1; }

work=$(mktemp -d)
"$BIN" server -http-port "127.0.0.1:$PORT" -grpc-port disabled -redirect-port disabled -loglevel Error > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$PORT/"

# What users run most: max-speed loads by count and by time (responses with and without a body),
# without keep-alive, with a mix of codes, paced with JSON to a file, and curl.
scenarios=(
  "load -qps 0 -c 64 -n 20000 -quiet $url"
  "load -qps 0 -c 16 -t 2s -quiet ${url}?size=100"
  "load -qps 0 -c 8 -n 5000 -keepalive=false $url"
  "load -c 3 -qps 0 -n 30 -loglevel Warning ${url}?status=503:50"
  "load -qps 200 -c 4 -t 1s -json $work/result.json $url"
  "curl -quiet $url"
)
i=0
for s in "${scenarios[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086  # the scenario is a word list
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.$i" "$BIN" $s > /dev/null 2>&1 ||
    { echo "hot-functions: scenario failed: loadgen $s" >&2; exit 1; }
done
# And a run stopped by ^C (another thread wakes the worker out of epoll_wait: Asio's interrupt).
timeout -s INT 8 valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.int" "$BIN" \
  load -qps 0 -c 4 -t 60s -quiet "$url" > /dev/null 2>&1 || true
[[ -s $work/cg.int ]] || { echo "hot-functions: the ^C scenario left no profile" >&2; exit 1; }

# callgrind_annotate prints "Ir (pct) file:function [object]" per function. Keep the binary's own
# functions (not libc's), strip the file part, drop valgrind's "(below main)" and unnamed
# addresses, sum the instructions over the scenarios and sort by them.
for f in "$work"/cg.*; do
  callgrind_annotate --threshold=100 "$f" 2>/dev/null |
    awk -v bin="[$(readlink -f "$BIN")]" '$NF == bin { fn = $(NF - 1); sub(/^[^:]*:/, "", fn); gsub(",", "", $1); print $1, fn }'
done | grep -v -e ' (below' -e ' 0x' |
  awk '{ ir[$2] += $1 } END { for (f in ir) print ir[f], f }' | sort -k1,1nr -k2 | awk '{ print $2 }' > "$OUT.tmp"
n=$(wc -l < "$OUT.tmp")
((n > 100)) || { echo "hot-functions: only $n functions found: is $BIN built with symbols?" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "hot-functions: $n functions in $OUT"
