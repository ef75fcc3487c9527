#include "loadgen/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "loadgen/core/civil_time.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/echo.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/core/go_format.hpp"
#include "loadgen/core/outcome.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "html_markup.hpp"
#include "html_series.hpp"
#include "svg_chart.hpp"

namespace loadgen {
namespace {

using namespace html;  // the building blocks (html_markup.hpp) and the time series (html_series.hpp)

// ---- Numbers as the page shows them ------------------------------------------------------------

std::string shown_url(const run_options& o) { return o.target.scheme.empty() ? o.url_text : o.target.to_string(); }

std::string labels_of(const run_options& o, const run_result& r) {
  return o.labels.empty() ? default_labels(o, r.hostname) : o.labels;
}

// The start in the run's local time: "2026-11-22 08:40:06.521 UTC" or "... +02:00".
std::string start_time(const run_result& r) {
  const auto floor_div = [](std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
  const std::int64_t local_ms = floor_div(r.start_unix_ns, ns_per_ms) + std::int64_t{r.utc_offset_seconds} * 1000;
  const std::int64_t secs = floor_div(local_ms, 1000);
  const civil_time d = civil_from_seconds(secs);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}.{:03d}", d.year, d.month, d.day, d.hour,
                                d.minute, d.second, local_ms - secs * 1000);
  const int off = r.utc_offset_seconds, a = off < 0 ? -off : off;
  return out + (off == 0 ? " UTC" : fmt::format(" {}{:02d}:{:02d}", off < 0 ? '-' : '+', a / 3600, a / 60 % 60));
}

// ---- Latency curves (histograms in ns, charts in seconds) --------------------------------------

// The histogram's values on a time axis: bins between lo and hi seconds, equal in width on a
// linear or a log scale. Each fine bucket counts in the bin holding its midpoint; values outside
// [lo, hi] count in the first or the last bin.
struct bins {
  std::vector<double> edges;         // seconds, one more than counts
  std::vector<std::int64_t> counts;  // calls per bin
};

bins bin_histogram(const histogram& h, double lo, double hi, int n, bool log) {
  bins b;
  const auto pos = [&](double v) { return log ? std::log10(std::max(v, lo)) : v; };
  const double p0 = pos(lo), width = (pos(hi) - p0) / n;
  for (int i = 0; i <= n; ++i) b.edges.push_back(log ? std::pow(10.0, p0 + i * width) : p0 + i * width);
  b.counts.assign(static_cast<std::size_t>(n), 0);
  h.for_each_bucket([&](std::int64_t low, std::int64_t high, std::uint64_t count) {
    const double mid = (static_cast<double>(low) + static_cast<double>(high)) / 2e9;
    const double at = width > 0 ? std::floor((pos(mid) - p0) / width) : 0;
    const auto i = static_cast<std::size_t>(std::clamp(at, 0.0, static_cast<double>(n - 1)));
    b.counts[i] += static_cast<std::int64_t>(count);
  });
  return b;
}

// The time range in seconds that one or more histograms cover, for binning: linear from 0 to the
// largest max; log from the smallest min (at least 1 µs: a log axis cannot show 0) to the largest
// max. The chart's axis then rounds it out to values it can label.
struct time_range {
  double lo = 0, hi = 0;
  bool log = false;
};

time_range range_of(const std::vector<const histogram*>& hs, bool log) {
  double min = 0, max = 0;
  bool first = true;
  for (const histogram* h : hs) {
    if (h->count() == 0) continue;
    const double lo = static_cast<double>(h->min()) / 1e9, hi = static_cast<double>(h->max()) / 1e9;
    min = first ? lo : std::min(min, lo);
    max = first ? hi : std::max(max, hi);
    first = false;
  }
  if (!log) return {0, max > 0 ? max : 1e-3, false};
  const double lo = std::max(min, 1e-6);
  return {lo, std::max(max, lo * 1.01), true};
}

// How many bins: finer for curves than for bars; on a log axis, in proportion to the decades.
int bin_count(const time_range& t, bool curve) {
  if (!t.log) return curve ? 200 : 50;
  const double decades = std::log10(t.hi / t.lo);
  const int per_decade = curve ? 60 : 12, most = curve ? 300 : 80;
  return std::clamp(static_cast<int>(std::ceil(decades * per_decade)), per_decade, most);
}

// The cumulative percent of calls at or below each bin edge.
std::vector<svg::point> cumulative_curve(const histogram& h, const time_range& t) {
  const bins b = bin_histogram(h, t.lo, t.hi, bin_count(t, true), t.log);
  std::vector<svg::point> out{{b.edges[0], 0}};
  const double total = static_cast<double>(h.count());
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < b.counts.size(); ++i) {
    sum += b.counts[i];
    out.push_back({b.edges[i + 1], total > 0 ? 100 * static_cast<double>(sum) / total : 0});
  }
  return out;
}

std::vector<svg::bar> histogram_bars(const histogram& h, const time_range& t) {
  const bins b = bin_histogram(h, t.lo, t.hi, bin_count(t, false), t.log);
  std::vector<svg::bar> out;
  for (std::size_t i = 0; i < b.counts.size(); ++i)
    out.push_back({b.edges[i], b.edges[i + 1], static_cast<double>(b.counts[i])});
  return out;
}

svg::axis time_axis(std::string title, const time_range& t) {
  return {std::move(title), svg::value_format::seconds, t.log};
}

svg::axis percent_axis(std::string title) { return {std::move(title), svg::value_format::percent, false, 0, 100}; }
// A cumulative latency chart: one curve per (name, histogram), on a linear or log time axis.
svg::chart cumulative_chart(std::string id, std::string title,
                            const std::vector<std::pair<std::string, const histogram*>>& curves, bool log) {
  std::vector<const histogram*> hs;
  for (const auto& c : curves) hs.push_back(c.second);
  const time_range t = range_of(hs, log);
  svg::chart c{std::move(id), std::move(title), time_axis("latency", t), percent_axis("calls at or below (%)"), {}, {}};
  int colour = 0;
  for (const auto& [name, h] : curves) {
    if (h->count() > 0) c.data.push_back({name, cumulative_curve(*h, t), {}, svg::stroke::solid, colour, false});
    else c.data.push_back({name + " (no calls)", {}, {}, svg::stroke::solid, colour, false});  // legend only
    ++colour;
  }
  return c;
}

// ---- One run's sections ------------------------------------------------------------------------

std::string latency_title(const run_options& o) {
  return o.latency_from == measure_from::sent ? "latency (from send)" : "latency (from due)";
}

std::string requested_duration(const run_options& o) {
  if (o.count_mode()) return fmt::format("exactly {} calls", o.calls);
  if (o.until_interrupted()) return "until interrupted";
  return format_go_duration(o.duration);
}

std::string protocol_of(const run_options& o) {
  if (o.target.is_echo()) return o.target.scheme == "tcp" ? "TCP echo" : "UDP echo";
  if (o.target.grpc) return o.grpc_ping ? "gRPC ping" : "gRPC health check";
  if (o.h2) return fmt::format("HTTP/2 (-h2), {} stream(s) per connection", o.streams);
  return o.http10 ? "HTTP/1.0" : "HTTP/1.1";
}

std::string arrival_of(const run_options& o) {
  std::string out = o.arrival == arrival_kind::poisson ? "poisson" : "constant";
  if (o.ramp > 0) out += ", ramp " + format_go_duration(o.ramp);
  if (o.uniform) out += ", uniform";
  if (o.jitter) out += ", jitter";
  if (o.nocatchup) out += ", no catch-up";
  return out;
}

std::string parameters(const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  const auto kv = [](std::string_view k, const std::string& v) { return row({escape(k), escape(v)}); };
  std::string percentiles;
  for (const double p : o.percentiles) percentiles += (percentiles.empty() ? "" : ", ") + go_g(p);
  const std::string qps = o.max_speed() ? std::string("max") : go_g(o.qps);
  std::string achieved = fmt::format("{:.1f}", achieved_qps(r));
  // As the text report's "Requested qps X, achieved Y" line: over the requested window.
  if (!o.max_speed()) achieved += " (" + percent(scheduled_qps(o, r), o.qps) + " of requested)";
  std::string ended = format_go_duration(r.elapsed);
  if (r.interrupted) ended += " (interrupted)";
  if (r.aborted) ended += " (aborted by -abort-on)";

  std::string rows = kv("URL", shown_url(o)) + kv("Labels", labels_of(o, r)) + kv("Start time", start_time(r)) +
                     kv("Protocol", protocol_of(o)) + kv("Requested qps", qps) + kv("Achieved qps", achieved) +
                     kv("Requested duration", requested_duration(o)) + kv("Actual duration", ended) +
                     kv("Connections", std::to_string(r.connections)) +
                     kv("Threads", fmt::format("{} ({} CPUs usable)", r.threads, r.cpus)) +
                     kv("Arrival", arrival_of(o)) + kv("Percentiles asked", percentiles) +
                     kv("Latency measured from", o.latency_from == measure_from::sent ? "send time (as Fortio)"
                                                                                      : "due time (open loop)") +
                     kv("Calls", fmt::format("{} ({} OK, {} errors; plus {} warmup)", s.calls(), s.ok_calls(),
                                             s.calls() - s.ok_calls(), r.warmup_calls));
  if (s.skipped > 0) rows += kv("Skipped calls (-nocatchup)", std::to_string(s.skipped));
  if (!r.endpoint.empty()) rows += kv("Endpoint", r.endpoint);
  if (!r.hostname.empty()) rows += kv("Host", r.hostname);
  rows += kv("Timeout", format_go_duration(o.timeout));
  return "<h3>Parameters</h3>\n" + table("params", {"parameter", "value"}, rows);
}

std::string headline(const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  const auto p = [&](double q) { return ms(latency_percentile(s.latency, q, o) / 1e9); };
  return fmt::format("<p class=\"headline\">{} calls in {} ({:.1f} qps); {} p50 {} ms, p99 {} ms, max {} ms; "
                     "errors {}</p>\n",
                     s.calls(), escape(format_go_duration(r.elapsed)), achieved_qps(r), escape(latency_title(o)), p(50),
                     p(99), ms_of_ns(s.latency.max()), percent(s.calls() - s.ok_calls(), s.calls()));
}

svg::chart distribution_chart(const std::string& id, const run_options& o, const histogram& h, bool log) {
  const time_range t = range_of({&h}, log);
  svg::chart c{id, "Latency distribution", time_axis(latency_title(o), t), calls_axis("calls"),
               percent_axis("cumulative (%)"), {}};
  c.data.push_back({"calls per bin", {}, histogram_bars(h, t), svg::stroke::solid, 0, false});
  c.data.push_back({"cumulative %", cumulative_curve(h, t), {}, svg::stroke::solid, 3, true});
  return c;
}

std::string distribution(const run_options& o, const run_result& r, const std::string& group) {
  const histogram& h = r.stats.latency;
  return "<h3>Latency distribution</h3>\n" +
         axis_toggle(group, distribution_chart("latency-histogram-linear", o, h, false),
                     distribution_chart("latency-histogram-log", o, h, true));
}

// The -p percentiles of the latency and of the service time, as the text report computes them.
std::string percentile_table(const run_options& o, const run_result& r) {
  const auto export_of = [&o](const histogram& h) {
    return export_fortio(h, 1e-9, o.resolution, o.offset, o.percentiles, o.fortio_buckets);
  };
  const fortio_histogram latency = export_of(r.stats.latency), service = export_of(r.stats.service);
  std::string rows;
  for (std::size_t i = 0; i < latency.percentiles.size(); ++i) {
    const double service_value = i < service.percentiles.size() ? service.percentiles[i].value : 0;
    rows += row({go_g(latency.percentiles[i].percentile) + "%", ms(latency.percentiles[i].value), ms(service_value)});
  }
  return "<h3>Percentiles</h3>\n" +
         table("percentiles", {"percentile", escape(latency_title(o)) + " (ms)", "service time (ms)"}, rows);
}

// count, avg, min, p50, p90, p99, p99.9, max (ms) of each non-empty histogram.
std::string summary_table(const run_options& o, const std::vector<std::pair<std::string, const histogram*>>& hs) {
  std::string rows;
  for (const auto& [name, h] : hs) {
    if (h->count() == 0) continue;
    std::vector<std::string> cells{escape(name), std::to_string(h->count()), ms(h->mean() / 1e9), ms_of_ns(h->min())};
    for (const double p : {50.0, 90.0, 99.0, 99.9}) cells.push_back(ms(latency_percentile(*h, p, o) / 1e9));
    cells.push_back(ms_of_ns(h->max()));
    rows += row(cells);
  }
  return table("summary", {"histogram", "count", "avg (ms)", "min (ms)", "p50", "p90", "p99", "p99.9", "max (ms)"},
               rows);
}

std::string timing(const run_options& o, const run_result& r, const std::string& group) {
  const run_stats& s = r.stats;
  std::vector<std::pair<std::string, const histogram*>> curves{{latency_title(o), &s.latency},
                                                               {"service time (from send)", &s.service}};
  if (!o.max_speed()) curves.emplace_back("dispatch lag (due to send)", &s.dispatch_lag);
  const std::string title = "Latency from due vs service time";
  std::string out = "<h3>" + escape(title) + "</h3>\n" +
                    axis_toggle(group, cumulative_chart("latency-vs-service-linear", title, curves, false),
                                cumulative_chart("latency-vs-service-log", title, curves, true));
  std::vector<std::pair<std::string, const histogram*>> rows = curves;
  if (o.max_speed()) rows.emplace_back("dispatch lag (due to send)", &s.dispatch_lag);
  rows.emplace_back("generator lag (free connection)", &s.generator_lag);
  rows.emplace_back("errors (" + latency_title(o) + ")", &s.errors);
  rows.emplace_back("connect", &s.connect);
  rows.emplace_back("TLS handshake", &s.tls_handshake);
  rows.emplace_back("Envoy upstream service time", &s.upstream_service_time);
  out += summary_table(o, rows);
  if (!o.max_speed()) {
    out += fmt::format("<p>Waited for a busy connection: {} of {} calls ({}) fell due while the previous call on "
                       "their connection was still running.</p>\n",
                       s.waited_for_connection, s.dispatch_lag.count(),
                       percent(s.waited_for_connection, static_cast<std::int64_t>(s.dispatch_lag.count())));
  }
  return out;
}

const histogram* latency_for_status(const run_stats& s, int code) {
  for (const auto& [c, h] : s.latency_by_status)
    if (c == code) return &h;
  return nullptr;
}

std::string codes_table(const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  std::string rows;
  for (const auto& [code, n] : s.codes()) {
    const histogram* h = latency_for_status(s, code);
    const auto at = [h, &o](double p) { return h && h->count() ? ms(latency_percentile(*h, p, o) / 1e9) : "–"; };
    rows += row({escape(code_name(o, code)), std::to_string(n), percent(n, s.calls()),
                 std::to_string(code >= 0 ? s.envoy_overloaded_for(code) : 0), at(50), at(99), at(100)});
  }
  return "<h3>Status codes</h3>\n" + table("codes", {"code", "calls", "% of calls", "x-envoy-overloaded",
                                                       "p50 (ms)", "p99 (ms)", "max (ms)"},
                                           rows);
}

std::string transport_errors(const run_result& r) {
  const run_stats& s = r.stats;
  std::string rows;
  for (std::size_t i = 1; i < transport_error_kinds; ++i) {
    const std::int64_t n = s.transport_counts[i];
    if (n != 0) rows += row({escape(describe(static_cast<transport_error>(i))), std::to_string(n), percent(n, s.calls())});
  }
  std::string out;
  if (!rows.empty()) out = "<h3>Transport errors</h3>\n" + table("transport", {"kind", "calls", "% of calls"}, rows);
  if (!s.failure_detail.empty())
    out += "<p class=\"failure\">First failure: " + escape(s.failure_detail) + "</p>\n";
  return out;
}

std::string envoy_overflows(const run_result& r) {
  const run_stats& s = r.stats;
  if (s.envoy_overloaded == 0) return {};
  std::string rows;
  for (const auto& [status, n] : s.envoy_overloaded_by_status) {
    const std::int64_t of = status >= 0 && status < static_cast<int>(s.status_counts.size())
                                ? s.status_counts[static_cast<std::size_t>(status)]
                                : 0;
    rows += row({std::to_string(status), std::to_string(n), std::to_string(of), percent(n, of)});
  }
  return fmt::format("<h3>Envoy overflow</h3>\n<p>{} responses carried x-envoy-overloaded. A 503 with it was shed "
                     "by an Envoy circuit breaker, not by the service.</p>\n",
                     s.envoy_overloaded) +
         table("envoy", {"status", "x-envoy-overloaded", "responses", "% of the status"}, rows);
}

// 5xx and 429 answers by Envoy's reason (core/envoy_reply), and -envoy-admin's counters.
std::string envoy_reasons_and_stats(const run_result& r) {
  const run_stats& s = r.stats;
  std::string out, rows;
  std::int64_t classified = 0;
  for (std::size_t i = 1; i < envoy_reason_kinds; ++i) classified += s.envoy_reasons[i];
  for (std::size_t i = 1; i < envoy_reason_kinds; ++i) {
    const std::int64_t n = s.envoy_reasons[i];
    if (n != 0) rows += row({escape(envoy_reason_label(static_cast<envoy_reason>(i))), std::to_string(n), percent(n, classified)});
  }
  if (!rows.empty())
    out = "<h3>5xx and 429 by Envoy's reason</h3>\n" + table("envoy-reasons", {"reason", "answers", "% of 5xx/429"}, rows);
  if (!r.envoy) return out;
  const envoy_cluster_delta& e = *r.envoy;
  if (e.cluster.empty()) return out + "<h3>Envoy admin</h3>\n<p class=\"failure\">" + escape(e.notice) + "</p>\n";
  std::string counters;
  for (std::size_t i = 0; i < e.delta.size(); ++i)
    counters += row({escape(e.delta[i].first), std::to_string(e.before[i].second), std::to_string(e.after[i].second),
                     fmt::format("{:+d}", e.delta[i].second)});
  for (const auto& [name, v] : e.gauges) counters += row({escape(name), "", std::to_string(v), ""});
  return out + "<h3>Envoy cluster " + escape(e.cluster) + "</h3>\n<p>Read from " + escape(e.admin) +
         "/stats before the first call and after the last.</p>\n" +
         table("envoy-stats", {"counter or gauge", "before", "after", "change"}, counters);
}

std::string run_section(const html_run& run, std::size_t index) {
  const run_options& o = *run.options;
  const run_result& r = *run.result;
  const std::string group = fmt::format("r{}", index);
  std::string out = fmt::format("<section class=\"run\" id=\"run-{}\">\n<h2>{}</h2>\n", index, escape(run.name));
  if (!run.note.empty()) out += "<p class=\"note\">" + escape(run.note) + "</p>\n";
  if (r.stats.calls() == 0) {
    out += "<p class=\"nodata\">No data: this run made no calls.</p>\n" + parameters(o, r) + transport_errors(r);
    return out + "</section>\n";
  }
  out += headline(o, r) + parameters(o, r) + distribution(o, r, group + "-dist") + percentile_table(o, r) +
         timing(o, r, group + "-lag") + codes_table(o, r) + transport_errors(r) + envoy_overflows(r) + envoy_reasons_and_stats(r) +
         time_series(o, r);
  return out + "</section>\n";
}

// ---- Several runs ------------------------------------------------------------------------------

std::string comparison_table(const std::vector<html_run>& runs) {
  std::string rows;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const run_options& o = *runs[i].options;
    const run_stats& s = runs[i].result->stats;
    std::vector<std::string> cells{fmt::format("<a href=\"#run-{}\">{}</a>", i, escape(runs[i].name)),
                                   std::to_string(s.calls()), fmt::format("{:.1f}", achieved_qps(*runs[i].result))};
    const fortio_histogram e = export_fortio(s.latency, 1e-9, o.resolution, o.offset, {50, 90, 99, 99.9}, o.fortio_buckets);
    for (std::size_t p = 0; p < 4; ++p) cells.push_back(p < e.percentiles.size() ? ms(e.percentiles[p].value) : "–");
    cells.push_back(s.calls() > 0 ? ms(e.max) : "–");
    cells.push_back(percent(s.calls() - s.ok_calls(), s.calls()));
    std::string codes;
    for (const auto& [code, n] : s.codes()) codes += fmt::format("{}{}: {}", codes.empty() ? "" : ", ", code, n);
    cells.push_back(escape(codes));
    rows += row(cells);
  }
  return table("compare", {"run", "calls", "qps", "p50 (ms)", "p90 (ms)", "p99 (ms)", "p99.9 (ms)", "max (ms)",
                           "errors", "codes"},
               rows);
}

std::string comparison(const std::vector<html_run>& runs) {
  std::vector<std::pair<std::string, const histogram*>> curves;
  for (const html_run& run : runs) curves.emplace_back(run.name, &run.result->stats.latency);
  const std::string title = "Latency of each run (cumulative)";
  std::string out = "<section class=\"compare\">\n<h2>Comparison</h2>\n" + comparison_table(runs) +
                    axis_toggle("cmp", cumulative_chart("compare-latency-linear", title, curves, false),
                                cumulative_chart("compare-latency-log", title, curves, true));
  const svg::chart qps = compare_series_chart(runs, false);
  if (svg::has_data(qps)) out += figure(qps) + figure(compare_series_chart(runs, true));
  return out + "</section>\n";
}

constexpr std::string_view style = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1100px;margin:0 auto;padding:1em}
h1{font-size:1.6em;margin:.3em 0}
h2{font-size:1.3em;border-top:2px solid #ccc;padding-top:.6em;margin-top:1.6em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.4em 0 1em;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:2px 8px;text-align:right}
th{background:#f3f3f3}
td:first-child,th:first-child,table.params td,table.params th{text-align:left}
table.params td:first-child{font-weight:600;white-space:nowrap}
table.compare td:last-child,table.compare th:last-child{text-align:left}
p.note{color:#555;font-style:italic}
p.headline{font-size:1.05em;background:#f6f8fa;padding:.5em .8em;border-left:4px solid #1f77b4}
.nodata{color:#a33;font-style:italic}
.failure{color:#a33}
svg.chart{width:100%;height:auto;display:block;margin:.3em 0 1em}
.toggle>.view.log{display:none}
.toggle>input.log:checked~.view.log{display:block}
.toggle>input.log:checked~.view.lin{display:none}
.toggle label{margin-right:.6em}
details{margin:.4em 0 1em}
footer{color:#777;font-size:.85em;margin-top:2em}
)";

}  // namespace

std::string format_html(const std::vector<html_run>& runs, std::string_view title) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{0}</title>\n"
      "<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n",
      escape(title), style);
  std::vector<html_run> usable;
  for (const html_run& run : runs)
    if (run.options && run.result) usable.push_back(run);
  if (usable.empty()) out += "<p class=\"nodata\">No data: no run to show.</p>\n";
  if (usable.size() > 1) out += comparison(usable);
  for (std::size_t i = 0; i < usable.size(); ++i) out += run_section(usable[i], i);
  out += fmt::format("<footer>loadgen {}</footer>\n</body>\n</html>\n", escape(version));
  return out;
}

}  // namespace loadgen
