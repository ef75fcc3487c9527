#include "loadgen/core/time_series.hpp"

#include <unordered_map>

namespace loadgen {

live_snapshot live_snapshot::of(const run_stats& stats, nanos at) {
  live_snapshot s;
  s.at = at;
  s.calls = stats.calls();
  s.ok = stats.ok_calls();
  s.codes = stats.codes();
  s.waited = stats.waited_for_connection;
  s.latency = stats.latency;
  return s;
}

void live_snapshot::merge(const live_snapshot& other) {
  at = std::max(at, other.at);
  calls += other.calls;
  ok += other.ok;
  for (const auto& [code, n] : other.codes) codes[code] += n;
  waited += other.waited;
  latency.merge(other.latency);
}

time_slice slice_between(const live_snapshot& earlier, const live_snapshot& later, nanos run_start) {
  time_slice t;
  t.start = to_seconds(earlier.at - run_start);
  t.duration = to_seconds(later.at - earlier.at);
  t.calls = later.calls - earlier.calls;
  t.ok = later.ok - earlier.ok;
  t.waited = later.waited - earlier.waited;
  for (const auto& [code, n] : later.codes) {
    const auto it = earlier.codes.find(code);
    const std::int64_t d = n - (it == earlier.codes.end() ? 0 : it->second);
    if (d) t.codes[code] = d;
  }
  t.qps = t.duration > 0 ? static_cast<double>(t.calls) / t.duration : 0;
  // The latency of just this slice: bucket by bucket difference of the cumulative histograms.
  std::unordered_map<std::size_t, std::uint64_t> before;
  earlier.latency.for_each_bucket([&](std::int64_t low, std::int64_t, std::uint64_t n) {
    before[histogram::bucket_index(low)] = n;
  });
  histogram delta;
  later.latency.for_each_bucket([&](std::int64_t low, std::int64_t, std::uint64_t n) {
    const auto it = before.find(histogram::bucket_index(low));
    const std::uint64_t d = n - (it == before.end() ? 0 : it->second);
    if (d) delta.record_n(low, d);
  });
  if (delta.count()) {
    t.p50 = to_seconds(delta.value_at_percentile(50));
    t.p99 = to_seconds(delta.value_at_percentile(99));
    t.max = to_seconds(delta.value_at_percentile(100));
  }
  return t;
}

}  // namespace loadgen
