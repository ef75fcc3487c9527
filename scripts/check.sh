#!/usr/bin/env bash
# Installs what is needed, builds, and passes the whole test suite: the AddressSanitizer+UBSan
# build and the ThreadSanitizer build, each with every unit and integration test (the plain dev
# build runs the same tests with fewer checks, so CI leaves it out to stay under 25 minutes;
# PRESETS="dev" runs it); the image stage (the container image and the .deb built and tested with
# podman, scripts/image.sh, and the Kubernetes manifests checked against the API's schemas;
# IMAGE=0 skips it); then a short libFuzzer run of every fuzz target (FUZZ_SECONDS each,
# default 15; 0 skips it). First of all, shellcheck over the project's shell scripts and a compile
# of the benchmarks' C++ clients (the benchmarks are re-run by others on other machines). This is
# exactly what CI runs (.ci/run).
#   bash scripts/check.sh             # both sanitizer builds, the image stage, then the fuzz stage
#   PRESETS="dev" IMAGE=0 FUZZ_SECONDS=0 bash scripts/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
echo "=== shellcheck: scripts/, bench/, .ci/run"
shellcheck -x scripts/*.sh bench/*.sh .ci/run
# The benchmarks' own C++ clients (compare.sh builds them when it runs): compiled here, warnings as
# errors, so that they still build where the figures are re-run.
echo "=== bench clients: compile"
for client in bench/floor_client.cpp bench/floor_uring.cpp; do
  c++ -std=c++20 -O2 -Wall -Wextra -Werror -o /dev/null "$client" -luring
done
presets=${PRESETS:-"asan-ubsan tsan"}
for preset in $presets; do
  echo "=== $preset: configure, build, test"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  # Tests in parallel, one per CPU: each takes its own free ports and temporary directories.
  ctest --preset "$preset" -j "$(nproc)"
  echo "=== $preset: passed in $((SECONDS - start))s"
done
if [[ ${IMAGE:-1} != 0 ]]; then
  echo "=== image: build and test the image and the .deb, check the Kubernetes manifests"
  start=$SECONDS
  bash scripts/image.sh
  bash scripts/image.sh test
  (cd tools/k8s-validate && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  node tools/k8s-validate/validate.mjs deploy/k8s/*.yaml
  echo "=== image: passed in $((SECONDS - start))s"
fi
fuzz_seconds=${FUZZ_SECONDS:-15}
if ((fuzz_seconds > 0)); then
  echo "=== fuzz: every target for ${fuzz_seconds}s"
  start=$SECONDS
  bash bench/fuzz.sh "$fuzz_seconds"
  echo "=== fuzz: passed in $((SECONDS - start))s"
fi
