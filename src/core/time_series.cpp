#include "loadgen/core/time_series.hpp"

#include <algorithm>

namespace loadgen {

live_snapshot live_snapshot::of(const run_stats& stats, nanos at) {
  live_snapshot s;
  s.at = at;
  s.waited = stats.waited_for_connection;
  // Every call is in exactly one per-status histogram, so their counts are the code counts.
  s.codes.reserve(stats.latency_by_status.size());
  for (const auto& [code, h] : stats.latency_by_status) {
    const auto n = static_cast<std::int64_t>(h.count());
    if (n == 0) continue;
    s.codes.emplace_back(code, n);
    s.calls += n;
    if (is_ok_status(code)) s.ok += n;
  }
  std::sort(s.codes.begin(), s.codes.end());
  return s;
}

void live_snapshot::merge(const live_snapshot& other) {
  at = std::max(at, other.at);
  calls += other.calls;
  ok += other.ok;
  waited += other.waited;
  for (const auto& [code, n] : other.codes) {
    const auto it = std::lower_bound(codes.begin(), codes.end(), std::pair<int, std::int64_t>(code, 0),
                                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (it != codes.end() && it->first == code) it->second += n;
    else codes.insert(it, {code, n});
  }
}

void drain(histogram& from, histogram& into) noexcept {
  into.merge(from);
  from.reset();
}

time_slice slice_between(const live_snapshot& earlier, const live_snapshot& later, const histogram& latency,
                         nanos run_start) {
  time_slice t;
  t.start = to_seconds(earlier.at - run_start);
  t.duration = to_seconds(later.at - earlier.at);
  t.calls = later.calls - earlier.calls;
  t.ok = later.ok - earlier.ok;
  t.waited = later.waited - earlier.waited;
  for (const auto& [code, n] : later.codes) {
    const auto it = std::find_if(earlier.codes.begin(), earlier.codes.end(), [c = code](const auto& e) { return e.first == c; });
    const std::int64_t d = n - (it == earlier.codes.end() ? 0 : it->second);
    if (d) t.codes[code] = d;
  }
  t.qps = t.duration > 0 ? static_cast<double>(t.calls) / t.duration : 0;
  if (latency.count()) {
    t.p50 = to_seconds(latency.value_at_percentile(50));
    t.p99 = to_seconds(latency.value_at_percentile(99));
    t.max = to_seconds(latency.value_at_percentile(100));
  }
  return t;
}

}  // namespace loadgen
