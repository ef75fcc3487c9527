#!/usr/bin/env bash
# Regenerates cmake/hot-functions.txt: the functions a loadgen run executes, hottest first, which
# the self-contained build (cmake/LoadgenLayout.cmake) places at the front of the binary's code so
# that they share few pages. Run it after large changes to the client's hot path; a stale list
# costs only resident memory, never correctness (a symbol not in the binary is skipped, a function
# not in the list goes after the listed ones).
#   bash scripts/hot-functions.sh [path/to/loadgen]    default: build/image/apps/loadgen/loadgen
# The binary must be a self-contained build with its symbol table (the image preset's is).
# Each scenario below runs under valgrind's callgrind against loadgen's own server on loopback;
# the list is the union of every function with at least one executed instruction, in tiers:
# first every function that a plain max-speed keep-alive run executes (the first two scenarios,
# what users and the benchmarks run most; the second has more connections than one thread
# connects at once, so the connect queue is in it), then what such a run executes of
# protobuf-lite (its set-up, which every process runs), then the rest, then the remaining names
# that Boost.JSON's and protobuf's archives define. Within a tier, functions go by the
# instructions executed in them over all scenarios (the per-call path first, then what runs once:
# flag parsing, the report).
# The tiers matter for memory: the kernel maps code in 64 KB windows around each page first
# touched. A plain run that also touched code used only by -json, curl or ^C, interleaved with
# its own, kept more windows resident. Debian's static Boost.JSON and protobuf-lite are not built
# with a section per function, so placing one of their functions places its whole object file
# (83 KB for Boost.JSON's): kept out of the first tier, what a plain run needs of them costs a
# window or two, not 128 KB in the middle of it.
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

# What users run most: max-speed loads by count and by time (responses with and without a body;
# these two are the first tier), without keep-alive, with a mix of codes, paced with JSON to a
# file, curl, and HTTP/2 (h2c: its hot path, nghttp2's allocator included, sorts early in tier 2).
tier1=2
scenarios=(
  "load -qps 0 -c 64 -n 20000 -quiet $url"
  "load -qps 0 -c 300 -t 2s -quiet ${url}?size=100"
  "load -qps 0 -c 8 -n 5000 -keepalive=false $url"
  "load -c 3 -qps 0 -n 30 -loglevel Warning ${url}?status=503:50"
  "load -qps 200 -c 4 -t 1s -json $work/result.json $url"
  "curl -quiet $url"
  "load -h2 -qps 0 -c 8 -streams 8 -n 20000 -quiet $url"
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

# The last tier: every name that the archives without a section per function define (a
# template instance such as a std::string constructor, or a local clone, has the same name in
# our objects and in theirs, and the ordering places every section that holds the name). Their
# static initialisers have sections of their own and stay where they are. Protobuf's set-up runs
# in every process (the generated messages' static initialisers call it), so what a plain run
# executes of protobuf-lite goes right after the first tier instead (a tier "1.5"), and a name
# that Boost.JSON's object defines too stays last.
for lib in libboost_json.a libprotobuf-lite.a; do
  path=$(${CXX:-c++} -print-file-name="$lib")
  if [[ -f $path ]]; then
    nm --defined-only "$path" 2>/dev/null | awk -v lib="$lib" 'NF == 3 && $2 ~ /[tTwW]/ { print lib, $3 }'
  fi
done > "$work/unsplit"
[[ -s $work/unsplit ]] || { echo "hot-functions: libboost_json.a and libprotobuf-lite.a not found" >&2; exit 1; }

# callgrind_annotate prints "Ir (pct) file:function [object]" per function. Keep the binary's own
# functions (not libc's), strip the file part, drop valgrind's "(below main)" and unnamed
# addresses; a function's tier is 1 when a first-tier scenario ran it, else 2; sort by tier, then
# by the instructions summed over the scenarios.
for f in "$work"/cg.*; do
  n=${f##*.}
  tier=2
  [[ $n =~ ^[0-9]+$ ]] && ((n <= tier1)) && tier=1
  callgrind_annotate --threshold=100 "$f" 2>/dev/null |
    awk -v bin="[$(readlink -f "$BIN")]" -v tier="$tier" \
      '$NF == bin { fn = $(NF - 1); sub(/^[^:]*:/, "", fn); gsub(",", "", $1); print tier, $1, fn }'
done | grep -v -e ' (below' -e ' 0x' |
  # Every run executes _start, crtbegin's frame_dummy and __do_global_dtors_aux (from .init_array
  # and .fini_array) and the static initialisers, which callgrind names "(below main)" or misses
  # (protobuf's, with their init priority in the name): first tier, whatever it saw. Unlisted,
  # crtbegin's few bytes sat past the list and kept a 64 KB window of cold code resident.
  cat - <(nm "$BIN" | awk '$3 ~ /^(_start|frame_dummy|__do_global_dtors_aux|register_tm_clones|deregister_tm_clones)$/ ||
                           $3 ~ /^_GLOBAL__sub_I/ { print 1, 0, $3 }') |
  awk -v unsplit="$work/unsplit" '
    BEGIN { while ((getline line < unsplit) > 0) { split(line, w, " "); if (!(w[2] in lib) || w[1] ~ /json/) lib[w[2]] = w[1] } }
    { ir[$3] += $2; if (!($3 in tier) || $1 < tier[$3]) tier[$3] = $1 }
    END {
      for (f in ir) {
        t = tier[f]
        if ((f in lib) && f !~ /^_GLOBAL__sub_I/) t = (lib[f] ~ /protobuf/ && t == 1) ? 1.5 : 3
        print t, ir[f], f
      }
    }' |
  sort -k1,1g -k2,2nr -k3 | awk '{ print $3 }' > "$OUT.tmp"
n=$(wc -l < "$OUT.tmp")
((n > 100)) || { echo "hot-functions: only $n functions found: is $BIN built with symbols?" >&2; exit 1; }
mv "$OUT.tmp" "$OUT"
echo "hot-functions: $n functions in $OUT"
