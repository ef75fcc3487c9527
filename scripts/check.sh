#!/usr/bin/env bash
# Installs what is needed, builds, and passes the whole test suite: the dev build, then the
# AddressSanitizer+UBSan build and the ThreadSanitizer build, each with every unit and
# integration test, then a short libFuzzer run of every fuzz target (FUZZ_SECONDS each, default
# 15; 0 skips it). This is exactly what CI runs (.ci/run).
#   bash scripts/check.sh             # all three, then the fuzz stage
#   PRESETS="dev" FUZZ_SECONDS=0 bash scripts/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
presets=${PRESETS:-"dev asan-ubsan tsan"}
for preset in $presets; do
  echo "=== $preset: configure, build, test"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  # Tests in parallel, one per CPU: each takes its own free ports and temporary directories.
  ctest --preset "$preset" -j "$(nproc)"
  echo "=== $preset: passed in $((SECONDS - start))s"
done
fuzz_seconds=${FUZZ_SECONDS:-15}
if ((fuzz_seconds > 0)); then
  echo "=== fuzz: every target for ${fuzz_seconds}s"
  start=$SECONDS
  bash bench/fuzz.sh "$fuzz_seconds"
  echo "=== fuzz: passed in $((SECONDS - start))s"
fi
