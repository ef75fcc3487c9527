#include "loadgen/report/live_stats.hpp"

#include <fmt/format.h>

#include "loadgen/core/echo.hpp"


namespace loadgen {

namespace {

template <class Codes>  // (status, count) pairs in status order
std::string codes_text(const Codes& codes, const char* sep, const char* kv, const url& target) {
  std::string out;
  for (const auto& [code, n] : codes) {
    if (!out.empty()) out += sep;
    out += fmt::format("{}{}{}", status_label(target, code), kv, n);
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
  if (!now.codes.empty()) out += " " + codes_text(now.codes, " ", ":", o.target);
  if (recent.calls) out += " p99 " + short_duration(recent.p99);
  return out;
}

std::string format_interval(const time_slice& s, const url& target) {
  std::string out = fmt::format("Interval {:.1f}s-{:.1f}s : {} calls, {:.1f} qps", s.start, s.start + s.duration, s.calls, s.qps);
  if (!s.codes.empty()) out += ", " + codes_text(s.codes, ", ", ": ", target);
  if (s.calls) out += fmt::format(", p50 {:.6g} p99 {:.6g} max {:.6g}", s.p50, s.p99, s.max);
  if (s.waited) out += fmt::format(", {} waited for a busy connection", s.waited);
  return out;
}

}  // namespace loadgen
