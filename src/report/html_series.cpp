#include "html_series.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "html_markup.hpp"

namespace loadgen::html {
namespace {

// The calls the schedule asks for by t seconds (the ramp: the rate rises linearly over it).
double scheduled_calls(const run_options& o, double t) {
  const double ramp = to_seconds(o.ramp);
  if (ramp <= 0) return o.qps * t;
  return t < ramp ? o.qps * t * t / (2 * ramp) : o.qps * ramp / 2 + o.qps * (t - ramp);
}

double slice_end(const time_slice& s) { return s.start + s.duration; }

constexpr double gap = std::numeric_limits<double>::quiet_NaN();

// One value per slice as a step line, flat over each slice; a value of `gap` leaves a gap. A
// slice that continues the previous one at the same value only stretches its flat segment (long
// runs at a steady rate stay small).
template <class Value>
std::vector<svg::point> steps(const std::vector<time_slice>& series, Value value) {
  std::vector<svg::point> out;
  for (const time_slice& s : series) {
    const double v = value(s);
    if (out.size() >= 2 && out.back().y == v && out[out.size() - 2].y == v && out.back().x == s.start) {
      out.back().x = slice_end(s);
      continue;
    }
    out.push_back({s.start, v});
    out.push_back({slice_end(s), v});
  }
  return out;
}

svg::chart qps_chart(const run_options& o, const std::vector<time_slice>& series) {
  svg::chart c{"qps-series", "Achieved vs requested qps", time_since_start(), {"calls/s"}, {}, {}};
  c.data.push_back({"achieved qps", steps(series, [](const time_slice& s) { return s.qps; }), {}, svg::stroke::solid,
                    0, false});
  const auto requested = [&o](const time_slice& s) {
    return s.duration > 0 ? (scheduled_calls(o, slice_end(s)) - scheduled_calls(o, s.start)) / s.duration : gap;
  };
  if (!o.max_speed()) c.data.push_back({"requested qps", steps(series, requested), {}, svg::stroke::dashed, 7, false});
  return c;
}

// p50, p99 and max of the calls that completed in each slice; a gap where none did.
svg::chart latency_series_chart(const std::vector<time_slice>& series) {
  svg::chart c{"latency-series", "Latency per interval", time_since_start(), {"latency", svg::value_format::seconds},
               {}, {}};
  const auto line = [&series](double time_slice::*field) {
    return steps(series, [field](const time_slice& s) { return s.calls > 0 ? s.*field : gap; });
  };
  c.data.push_back({"p50", line(&time_slice::p50), {}, svg::stroke::solid, 0, false});
  c.data.push_back({"p99", line(&time_slice::p99), {}, svg::stroke::solid, 3, false});
  c.data.push_back({"max", line(&time_slice::max), {}, svg::stroke::dashed, 7, false});
  return c;
}

svg::chart codes_chart(const run_options& o, const std::vector<time_slice>& series) {
  svg::chart c{"codes-series", "Calls per interval, by status code", time_since_start(), calls_axis("calls"), {}, {}};
  std::map<int, bool> codes;
  for (const time_slice& s : series)
    for (const auto& entry : s.codes) codes[entry.first] = true;
  c.data.push_back({"all calls", steps(series, [](const time_slice& s) { return static_cast<double>(s.calls); }), {},
                    svg::stroke::solid, 0, false});
  int colour = 1;
  for (const auto& entry : codes) {
    const int code = entry.first;
    const auto calls = [code](const time_slice& s) {
      const auto it = s.codes.find(code);
      return it == s.codes.end() ? 0.0 : static_cast<double>(it->second);
    };
    if (colour == 7) ++colour;  // grey is the waited line's
    c.data.push_back({code_name(o, code), steps(series, calls), {}, svg::stroke::solid, colour++, false});
  }
  if (!o.max_speed())
    c.data.push_back({"waited for a busy connection",
                      steps(series, [](const time_slice& s) { return static_cast<double>(s.waited); }), {},
                      svg::stroke::dashed, 7, false});
  return c;
}

// The values of each slice, up to max_table_slices of them (the JSON has every one).
constexpr std::size_t max_table_slices = 1000;

std::string series_table(const std::vector<time_slice>& series) {
  std::string rows;
  for (std::size_t i = 0; i < std::min(series.size(), max_table_slices); ++i) {
    const time_slice& s = series[i];
    std::string codes;
    for (const auto& [code, n] : s.codes) codes += fmt::format("{}{}: {}", codes.empty() ? "" : ", ", code, n);
    rows += row({fmt::format("{:.3f}", s.start), fmt::format("{:.3f}", s.duration), std::to_string(s.calls),
                 fmt::format("{:.1f}", s.qps), ms(s.p50), ms(s.p99), ms(s.max), escape(codes),
                 std::to_string(s.waited)});
  }
  return "<details><summary>Values per interval</summary>\n" +
         table("series", {"start (s)", "duration (s)", "calls", "qps", "p50 (ms)", "p99 (ms)", "max (ms)", "codes",
                          "waited"},
               rows) +
         (series.size() > max_table_slices
              ? fmt::format("<p>The first {} intervals of {}.</p>\n", max_table_slices, series.size())
              : std::string()) +
         "</details>\n";
}

}  // namespace

std::string time_series(const run_options& o, const run_result& r) {
  if (r.series.empty()) return "<h3>Time series</h3>\n<p class=\"nodata\">No time series recorded.</p>\n";
  return "<h3>Time series</h3>\n" + figure(qps_chart(o, r.series)) + figure(latency_series_chart(r.series)) +
         figure(codes_chart(o, r.series)) + series_table(r.series);
}

// One curve per run with a time series: achieved qps, or p99 latency, per interval.
svg::chart compare_series_chart(const std::vector<html_run>& runs, bool latency) {
  svg::chart c{latency ? "compare-p99-series" : "compare-qps-series",
               latency ? "p99 latency per interval" : "Achieved qps per interval", time_since_start(),
               latency ? svg::axis{"latency", svg::value_format::seconds} : svg::axis{"calls/s"}, {}, {}};
  const auto value = [latency](const time_slice& s) { return !latency ? s.qps : s.calls > 0 ? s.p99 : gap; };
  for (std::size_t i = 0; i < runs.size(); ++i)
    c.data.push_back({runs[i].name, steps(runs[i].result->series, value), {}, svg::stroke::solid, static_cast<int>(i),
                      false});
  return c;
}

}  // namespace loadgen::html
