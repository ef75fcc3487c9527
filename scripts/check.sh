#!/usr/bin/env bash
# Installs what is needed, builds, and passes the whole test suite: the dev build, then the
# AddressSanitizer+UBSan build and the ThreadSanitizer build, each with every unit and
# integration test. This is exactly what CI runs (.ci/run).
#   bash scripts/check.sh             # all three
#   PRESETS="dev" bash scripts/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
presets=${PRESETS:-"dev asan-ubsan tsan"}
for preset in $presets; do
  echo "=== $preset: configure, build, test"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  ctest --preset "$preset"
  echo "=== $preset: passed in $((SECONDS - start))s"
done
