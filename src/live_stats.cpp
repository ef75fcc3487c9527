#include "loadgen/live_stats.hpp"

#include <fmt/format.h>

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

namespace {

std::string codes_text(const std::map<int, std::int64_t>& codes, const char* sep, const char* kv) {
  std::string out;
  for (const auto& [code, n] : codes) {
    if (!out.empty()) out += sep;
    out += fmt::format("{}{}{}", code, kv, n);
  }
  return out;
}

std::string short_duration(double seconds) {
  if (seconds < 1e-3) return fmt::format("{:.0f}us", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.2f}ms", seconds * 1e3);
  return fmt::format("{:.2f}s", seconds);
}

}  // namespace

std::string format_progress(const run_options& o, const live_snapshot& now, nanos run_start, const time_slice& recent) {
  const double elapsed = to_seconds(now.at - run_start);
  std::string out = fmt::format("loadgen {:.1f}s", elapsed);
  if (o.count_mode()) out += fmt::format(" {}/{} calls", now.calls, o.calls);
  else {
    if (!o.until_interrupted()) out += fmt::format("/{:.0f}s", to_seconds(o.duration));
    out += fmt::format(" {} calls", now.calls);
  }
  out += fmt::format(" {:.1f} qps", recent.qps);
  if (!now.codes.empty()) out += " " + codes_text(now.codes, " ", ":");
  if (recent.calls) out += " p99 " + short_duration(recent.p99);
  return out;
}

std::string format_interval(const time_slice& s) {
  std::string out = fmt::format("Interval {:.1f}s-{:.1f}s : {} calls, {:.1f} qps", s.start, s.start + s.duration, s.calls, s.qps);
  if (!s.codes.empty()) out += ", " + codes_text(s.codes, ", ", ": ");
  if (s.calls) out += fmt::format(", p50 {:.6g} p99 {:.6g} max {:.6g}", s.p50, s.p99, s.max);
  if (s.waited) out += fmt::format(", {} waited for a busy connection", s.waited);
  return out;
}

}  // namespace loadgen
