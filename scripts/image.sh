#!/usr/bin/env bash
# loadgen's container image and Debian package, built and tested offline with podman.
#   bash scripts/image.sh          build: the image preset (optimised loadgen and its man page),
#                                  the image localhost/loadgen:latest FROM scratch (checked
#                                  <= 25 MB), the .deb (build/image/loadgen_<version>_amd64.deb),
#                                  and a debian:12 base image when none is present (mmdebstrap)
#   bash scripts/image.sh test     run the image and the package against a loadgen server on the
#                                  host network (see test_image below)
# Facts of this machine that the commands below follow: podman 4.3 needs runc (crun fails on
# hybrid cgroups), a containers.conf without default ulimits (deploy/podman/containers.conf), and
# explicit ulimits within the host's hard limits (nproc above 4096 is refused here).
# The image is the one deploy/Dockerfile builds from source; here loadgen is built on the host
# (no network inside a build container, no second compile) and copied in by
# scripts/image_rootfs.sh, which both use.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}
image=${LOADGEN_IMAGE:-localhost/loadgen:latest}
max_bytes=$((25 * 1000 * 1000))
out=build/image

bash scripts/setup.sh --image

export CONTAINERS_CONF=$PWD/deploy/podman/containers.conf
pm() { podman --runtime runc "$@"; }
nofile=$(ulimit -Hn)
[[ $nofile == unlimited ]] || ((nofile > 65536)) && nofile=65536
run_flags=(--network host --ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096)

say() { printf '=== image: %s\n' "$*"; }
fail() {
  printf 'image: FAILED: %s\n' "$*" >&2
  exit 1
}

# A debian:12 image for the .deb test (and for deploy/Dockerfile's build stage), made offline
# from this machine's apt sources with mmdebstrap when the image store has none.
ensure_debian_base() {
  pm image exists debian:12 && return 0
  say "no debian:12 image: making one with mmdebstrap (minbase) from this machine's apt sources"
  local sources=/etc/apt/sources.list.d/debian.sources
  [[ -f $sources ]] || sources=/etc/apt/sources.list
  mmdebstrap --quiet --variant=minbase bookworm - "$sources" | pm import --quiet - debian:12 >/dev/null
}

# The self-contained layout (cmake/LoadgenLayout.cmake) took effect: only C libraries are loaded,
# relative relocations are packed, and the code starts with the first of cmake/hot-functions.txt.
check_layout() {
  local bin=$1 needed first
  needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | xargs)
  say "loads: $needed"
  # Not OpenSSL: the binary opens it when a run first needs TLS (LOADGEN_LAZY_OPENSSL).
  [[ $needed == "ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libnghttp2.so.14 libz.so.1" ]] ||
    fail "the image binary loads more than the C libraries it needs at every start: $needed"
  # (No early exits in these pipelines: with pipefail, a reader that stops early fails the writer.)
  [[ $(readelf -S -W "$bin" | grep -c '\.relr\.dyn') == 1 ]] || fail "the image binary has no packed relocations (.relr.dyn)"
  first=$(nm -n --defined-only "$bin" | awk -v start="$(readelf -S -W "$bin" | awk '{for (i = 1; i < NF; i++) if ($i == ".text") print $(i + 2)}')" \
    '$1 == start && $2 ~ /^[tTwW]$/ && !found {found = 1; print $3}')
  [[ -n $first && $first == "$(head -1 cmake/hot-functions.txt)" ]] ||
    fail "the image binary's code does not start with cmake/hot-functions.txt's first function (got '${first}')"
  say "layout: self-contained, DT_RELR, hot functions first ($first)"
}

build_image() {
  say "building loadgen (preset image)"
  cmake --preset image >/dev/null
  cmake --build --preset image
  local bin=$out/apps/loadgen/loadgen
  say "root file system: $bin and what ldd lists"
  bash scripts/image_rootfs.sh "$bin" "$out/context/rootfs"
  cp deploy/Containerfile.rootfs "$out/context/Containerfile"
  pm build -q -t "$image" "$out/context" >/dev/null
  local size
  size=$(pm image inspect --format '{{.Size}}' "$image")
  say "$image: $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}') MB; limit 25 MB)"
  ((size <= max_bytes)) || fail "the image is $size bytes, over 25 MB"
  say "ldd of /usr/bin/loadgen (all of it is in the image):"
  ldd "$bin" | sed 's/ (0x[0-9a-f]*)//'
  check_layout "$bin"

  say "Debian package"
  (cd "$out" && rm -f ./*.deb && cpack -G DEB >/dev/null)
  local deb
  deb=$(ls "$out"/loadgen_*.deb)
  dpkg-deb --info "$deb" | sed -n '/Architecture:/,$p'
  dpkg-deb --contents "$deb" | awk '{print $6}'
  ensure_debian_base
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# expect NAME TEXT FILE: FILE must contain TEXT.
expect() {
  grep -qF -- "$2" "$3" || {
    cat "$3" >&2
    fail "$1: no \"$2\""
  }
  say "ok: $1"
}

test_image() {
  pm image exists "$image" || fail "no image $image: run scripts/image.sh first"
  local bin=$out/apps/loadgen/loadgen
  # Global: the EXIT trap runs after this function has returned.
  tmp=$(mktemp -d /tmp/loadgen-image-XXXXXX)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pm rm -f lg-sigterm lg-default >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  local port breaker tls_port
  port=$(free_port)
  breaker=$(free_port)
  local quiet=(-grpc-port disabled -tcp-port disabled -udp-port disabled -redirect-port disabled)
  "$bin" server -http-port "127.0.0.1:$port" "${quiet[@]}" >"$tmp/server.log" 2>&1 &
  pids+=($!)
  "$bin" server -http-port "127.0.0.1:$breaker" "${quiet[@]}" -max-active 1 -max-pending 1 >"$tmp/breaker.log" 2>&1 &
  pids+=($!)
  if ! wait_port "$port" || ! wait_port "$breaker"; then fail "the host servers did not start"; fi

  [[ $(pm image inspect --format '{{.Config.User}}' "$image") == 1000:1000 ]] || fail "the image does not run as user 1000"
  say "ok: runs as user 1000:1000, working directory $(pm image inspect --format '{{.Config.WorkingDir}}' "$image")"

  pm run --rm "${run_flags[@]}" "$image" load -c 2 -qps 0 -n 20 "http://localhost:$port/echo" >"$tmp/load.out" 2>&1
  expect "load in the image" "Code 200 : 20 (100.0 %)" "$tmp/load.out"

  pm run --rm "${run_flags[@]}" "$image" curl -quiet "http://localhost:$port/echo?header=x-from:image" >"$tmp/curl.out" 2>&1
  expect "curl in the image" "x-from: image" "$tmp/curl.out"

  # HTTPS: OpenSSL, which the binary opens on first use, is in the image (a certificate made here).
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
  tls_port=$(free_port)
  "$bin" server -http-port "127.0.0.1:$tls_port" "${quiet[@]}" -cert "$tmp/cert.pem" -key "$tmp/key.pem" >"$tmp/tls-server.log" 2>&1 &
  pids+=($!)
  wait_port "$tls_port" || fail "the host's TLS server did not start"
  pm run --rm "${run_flags[@]}" "$image" load -k -c 2 -qps 0 -n 20 "https://localhost:$tls_port/echo" >"$tmp/tls.out" 2>&1
  expect "https load in the image" "Code 200 : 20 (100.0 %)" "$tmp/tls.out"

  # The Istio circuit-breaking task's command line, with the binary called by Fortio's name.
  pm run --rm "${run_flags[@]}" --entrypoint /usr/bin/fortio "$image" \
    load -c 3 -qps 0 -n 30 -loglevel Warning "http://localhost:$breaker/echo?delay=20ms" >"$tmp/fortio.out" 2>&1
  local ok shed
  ok=$(sed -n 's/^Code 200 : \([0-9]*\) .*/\1/p' "$tmp/fortio.out")
  shed=$(sed -n 's/^Code 503 : \([0-9]*\) .*/\1/p' "$tmp/fortio.out")
  ((${ok:-0} + ${shed:-0} == 30 && ${shed:-0} > 0)) || {
    cat "$tmp/fortio.out" >&2
    fail "/usr/bin/fortio load against the breaker: want 30 calls with some 503s"
  }
  say "ok: /usr/bin/fortio load -c 3 -qps 0 -n 30: Code 200 : $ok, Code 503 : $shed"

  # DNS inside the scratch image: a name only a local dnsmasq knows, through glibc's resolver.
  if command -v dnsmasq >/dev/null; then
    dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.77 --port=53 \
      --address=/httpbin.loadgen.test/127.0.0.1 --user=root --pid-file="$tmp/dnsmasq.pid" --log-facility="$tmp/dnsmasq.log" &
    pids+=($!)
    sleep 0.3
    echo "nameserver 127.0.0.77" >"$tmp/resolv.conf"
    pm run --rm "${run_flags[@]}" -v "$tmp/resolv.conf:/etc/resolv.conf:ro" "$image" \
      load -c 1 -qps 0 -n 3 "http://httpbin.loadgen.test:$port/echo" >"$tmp/dns.out" 2>&1
    expect "a DNS name resolved in the image (dnsmasq on 127.0.0.77)" "Code 200 : 3 (100.0 %)" "$tmp/dns.out"
  else
    say "skipped: DNS in the image (no dnsmasq)"
  fi

  # The default command: the echo server on 8080.
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
    say "skipped: the default command (port 8080 is taken on this host)"
  else
    pm run -d --name lg-default "${run_flags[@]}" "$image" >/dev/null
    wait_port 8080 || fail "the default command does not listen on 8080"
    "$bin" curl "http://127.0.0.1:8080/echo?status=202" >"$tmp/default.out" 2>&1 || true
    expect "default command: the echo server on 8080" "HTTP/1.1 202" "$tmp/default.out"
    pm rm -f lg-default >/dev/null
  fi

  # podman stop during an endless run: SIGTERM, then the full report and exit 0.
  pm run -d --name lg-sigterm "${run_flags[@]}" "$image" load -t 0 -qps 50 "http://localhost:$port/echo" >/dev/null
  sleep 2
  pm stop -t 10 lg-sigterm >/dev/null
  local code
  code=$(pm wait lg-sigterm)
  pm logs lg-sigterm >"$tmp/sigterm.out" 2>&1
  pm rm -f lg-sigterm >/dev/null
  [[ $code == 0 ]] || {
    cat "$tmp/sigterm.out" >&2
    fail "podman stop: exit $code, want 0"
  }
  expect "podman stop during -t 0: full report" "All done" "$tmp/sigterm.out"
  expect "podman stop during -t 0: SIGTERM seen" "SIGTERM received" "$tmp/sigterm.out"

  # A distributed run: 3 containers as an Indexed Job's pods (deploy/k8s/distributed-load.yaml),
  # one start time, each one's log (report then JSON on stderr, as `kubectl logs` gives it)
  # merged on the host.
  local start_at
  start_at=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%S.%3NZ)
  local shard_pids=()
  for i in 0 1 2; do
    pm run --rm "${run_flags[@]}" -e "JOB_COMPLETION_INDEX=$i" "$image" load -shards 3 -start-at "$start_at" \
      -c 3 -qps 300 -n 300 -json /dev/stderr "http://localhost:$port/echo" >"$tmp/shard$i.log" 2>&1 &
    shard_pids+=($!)
  done
  for p in "${shard_pids[@]}"; do wait "$p" || fail "a shard container failed: $(cat "$tmp"/shard*.log)"; done
  "$bin" merge "$tmp"/shard{0,1,2}.log >"$tmp/merge.out" 2>&1
  expect "3 shard containers merged: all calls" "Code 200 : 300 (100.0 %)" "$tmp/merge.out"
  expect "3 shard containers merged: every shard" "Shards : 3 of 3;" "$tmp/merge.out"
  local spread
  spread=$(sed -n 's/.*start times within \([0-9.]*\) ms.*/\1/p' "$tmp/merge.out")
  awk -v s="$spread" 'BEGIN{exit !(s < 10)}' || fail "the shard containers started $spread ms apart (limit 10)"
  say "ok: the 3 shard containers started within $spread ms"

  # The .deb in a minimal Debian: its Depends installed from apt, then dpkg -i, then a run.
  local deb
  deb=$(basename "$(ls "$out"/loadgen_*.deb)")
  local depends
  depends=$(dpkg-deb -f "$out/$deb" Depends | sed -e 's/([^)]*)//g' -e 's/|[^,]*//g' -e 's/,/ /g')
  pm run --rm "${run_flags[@]}" -v "$PWD/$out:/pkg:ro" debian:12 bash -ec "
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends $depends >/dev/null
    dpkg -i /pkg/$deb >/dev/null
    loadgen version
    loadgen buildinfo | head -3
    loadgen load -c 1 -qps 0 -n 5 http://127.0.0.1:$port/echo 2>&1 | grep '^Code'
    loadgen load -k -c 1 -qps 0 -n 4 https://127.0.0.1:$tls_port/echo 2>&1 | grep '^Code'
    for f in /usr/share/man/man1/loadgen.1.gz /usr/share/bash-completion/completions/loadgen \
             /usr/share/zsh/vendor-completions/_loadgen /usr/share/doc/loadgen/copyright; do
      test -s \$f || { echo missing \$f; exit 1; }
    done
    echo package files present
  " >"$tmp/deb.out" 2>&1 || {
    cat "$tmp/deb.out" >&2
    fail "the .deb in debian:12"
  }
  cat "$tmp/deb.out"
  expect "the .deb installs with dpkg -i and runs" "Code 200 : 5 (100.0 %)" "$tmp/deb.out"
  expect "the .deb's https (libssl3 among its Depends)" "Code 200 : 4 (100.0 %)" "$tmp/deb.out"
  expect "the .deb's man page and completions" "package files present" "$tmp/deb.out"
  say "all image and package checks passed"
}

case $mode in
  build) build_image ;;
  test) test_image ;;
  *)
    echo "usage: scripts/image.sh [build|test]" >&2
    exit 2
    ;;
esac
