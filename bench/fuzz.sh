#!/usr/bin/env bash
# Fuzzing: builds the fuzz preset (clang, libFuzzer, ASan+UBSan) and runs every target in fuzz/
# for SECONDS_PER_TARGET (default 60) with a copy of its seed corpus (fuzz/corpus/<target>/, so
# the repository gains no files), then prints target, executions, crashes. Exits 1 on any crash
# or invariant failure; the inputs that crashed are kept in build/fuzz/crashes/. Targets run
# FUZZ_PARALLEL at a time (default: one per CPU).
#   bash bench/fuzz.sh          bash bench/fuzz.sh 300          FUZZ_BUILD_JOBS=1 bash bench/fuzz.sh 15
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
jobs=${FUZZ_BUILD_JOBS:-$(nproc)}
targets=(response_parser url duration go_flags echo_params proxy server_request grpc result envoy_stats)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
crashes_dir=build/fuzz/crashes
mkdir -p "$crashes_dir"

# One target per CPU at a time (each libFuzzer process is single-threaded); results read after.
run_target() {
  local t=$1
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp fuzz/corpus/"$t"/* "$work/$t/corpus/"
  local rc=0
  build/fuzz/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" >"$work/$t/log" 2>&1 || rc=$?
  echo "$rc" >"$work/$t/rc"
}
parallel=${FUZZ_PARALLEL:-$(nproc)}
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if ((running >= parallel)); then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
total=0
rows=()
for t in "${targets[@]}"; do
  rc=$(cat "$work/$t/rc")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
  execs=${execs:-0}
  found=$(find "$work/$t/artifacts" -type f | wc -l)
  if ((rc != 0 && found == 0)); then found=1; fi  # died without an artifact: still a failure
  if ((found > 0)); then
    failed=1
    cp "$work/$t/artifacts/"* "$crashes_dir/" 2>/dev/null || true
    cp "$work/$t/log" "$crashes_dir/$t.log"
    echo "fuzz: $t crashed (exit $rc); log and inputs in $crashes_dir/" >&2
    grep -m3 -E "ERROR|invariant|runtime error" "$work/$t/log" >&2 || true
  fi
  total=$((total + execs))
  rows+=("$(printf '%-16s %14s %8s' "$t" "$execs" "$found")")
done

printf '%-16s %14s %8s\n' target executions crashes
printf '%s\n' "${rows[@]}"
printf '%-16s %14s\n' total "$total"
exit "$failed"
