#!/usr/bin/env bash
# Installs everything loadgen needs to build, test and benchmark, from Debian 12 packages only.
# Runs as root (or through sudo), without questions. Skips apt entirely when all is present.
#   bash scripts/setup.sh              what building, the demo and the benchmarks need
#   bash scripts/setup.sh --image      and what scripts/image.sh uses: podman with runc, mmdebstrap
#                                      (a debian:12 base made offline), dnsmasq (DNS in the image
#                                      test), dpkg-dev (the .deb's dependencies)
#   bash scripts/setup.sh --tests      all of that, and what only the tests use: Chromium, for the
#                                      headless check of the HTML report, and Node.js with npm for the
#                                      Kubernetes manifests' schema check (scripts/check.sh asks for it)
set -euo pipefail

packages=(
  g++ clang libfuzzer-14-dev cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libcli11-dev libfmt-dev libspdlog-dev
  libgtest-dev libgmock-dev libssl-dev zlib1g-dev libnghttp2-dev libprotobuf-dev protobuf-compiler openssl
  curl ca-certificates wrk nghttp2-client nginx-light tinyproxy strace time procps util-linux
  lld-16 valgrind liburing-dev
)
image_packages=(podman runc mmdebstrap dnsmasq-base dpkg-dev python3 groff-base)
case ${1:-} in
  --image) packages+=("${image_packages[@]}") ;;
  --tests) packages+=("${image_packages[@]}" chromium nodejs shellcheck) ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: run as root (apt-get needs it): missing ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts nginx when it is installed; our tests and benchmarks run their own instances.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  $sudo systemctl stop nginx || true
fi
echo "setup: done"
