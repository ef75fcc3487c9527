#include "loadgen/report/html_report.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "loadgen/report/histogram_export.hpp"
#include "report_fixtures.hpp"

// The HTML report's structure, from runs recorded by hand. With LOADGEN_HTML_OUT=DIR set, the
// tests also write their pages there (one-run.html, compare.html, empty.html, envoy.html,
// hour.html) for a look in a browser or for scripts/check_html.sh.
namespace loadgen {
namespace {

using testing::make_call;
using testing::options_for;
using testing::result_for;

constexpr std::string_view evil_label = R"(<script>&"label)";

run_options sample_options() {
  run_options o = options_for("http://127.0.0.1:8080/api?x=1&y=2");
  o.connections = 4;
  o.qps = 50;
  o.duration = 2 * ns_per_s;
  o.labels = std::string(evil_label);
  return o;
}

// 100 calls, service time (i+1) * 100 µs, 50 µs late: 89 x 200, 10 x 503 (5 of them with
// x-envoy-overloaded), one reset; 4 calls waited for a busy connection. `scale` stretches the
// service times (a slower run to compare). Two 1-second slices.
run_result sample_result(const run_options& o, std::int64_t scale = 1) {
  run_result r = result_for(o, 4, 2);
  r.elapsed = 2 * ns_per_s;
  r.warmup_calls = 4;
  for (int i = 0; i < 100; ++i) {
    const nanos due = i * 20 * ns_per_ms;
    const nanos service = (i + 1) * 100'000 * scale;
    call_record c = i == 42 ? make_call(status_transport_error, due, 50'000, service, 0, 0, transport_error::reset)
                    : i % 10 == 9 ? make_call(503, due, 50'000, service, 100, 120)
                                  : make_call(200, due, 50'000, service, 100, 300);
    c.envoy_overloaded = i % 20 == 19;
    c.connection_busy = i % 25 == 0;
    r.stats.record(c);
  }
  r.stats.note_failure("certificate <expired>");
  for (int k = 0; k < 2; ++k) {
    time_slice s;
    s.start = k;
    s.duration = 1;
    s.calls = 50;
    s.ok = 44 + k;
    s.codes = {{200, 44 + k}, {503, 5}};
    if (k == 0) s.codes[-1] = 1;
    s.waited = 2;
    s.qps = 50;
    s.p50 = 0.005 * static_cast<double>(k + 1);
    s.p99 = 0.0099 * static_cast<double>(k + 1);
    s.max = 0.01 * static_cast<double>(k + 1);
    r.series.push_back(s);
  }
  return r;
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// data-chart name -> the whole <svg>...</svg> of each chart in the page.
std::multimap<std::string, std::string> charts_of(const std::string& html) {
  std::multimap<std::string, std::string> out;
  const std::string open = R"(<svg class="chart" data-chart=")";
  for (std::size_t at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    const std::size_t name_end = html.find('"', at + open.size());
    const std::size_t end = html.find("</svg>", at);
    out.emplace(html.substr(at + open.size(), name_end - at - open.size()), html.substr(at, end + 6 - at));
  }
  return out;
}

// The d attribute of every data path of a chart.
std::vector<std::string> path_data(const std::string& svg) {
  std::vector<std::string> out;
  const std::string open = R"(<path class="series" d=")";
  for (std::size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const std::size_t end = svg.find('"', at + open.size());
    out.push_back(svg.substr(at + open.size(), end - at - open.size()));
  }
  return out;
}

// Every chart has at least one data path, and every path is made of commands and finite numbers.
void expect_charts_drawn(const std::string& html) {
  for (const auto& [name, svg] : charts_of(html)) {
    const auto paths = path_data(svg);
    EXPECT_FALSE(paths.empty()) << name;
    for (const auto& d : paths) {
      EXPECT_FALSE(d.empty()) << name;
      EXPECT_EQ(d.find_first_not_of("MLHVZh0123456789. -"), std::string::npos) << name << ": " << d.substr(0, 80);
    }
    EXPECT_NE(svg.find("viewBox=\"0 0 900 "), std::string::npos) << name;
  }
}

// Nothing is fetched from elsewhere: no script, stylesheet link, image, font or CSS url(), and
// the only "http://" in the page is the run's own URL, as text.
void expect_self_contained(std::string html, const std::vector<std::string>& urls) {
  for (const std::string_view bad : {"<script", "<link", "<img", "<iframe", "url(", "@import", "src=", "@font-face"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  for (const auto& u : urls)
    for (std::size_t at = html.find(u); at != std::string::npos; at = html.find(u)) html.erase(at, u.size());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

void expect_one_document(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(count_of(html, "<html"), 1u);
  EXPECT_EQ(count_of(html, "</html>"), 1u);
  EXPECT_EQ(count_of(html, "<body>"), 1u);
  EXPECT_EQ(count_of(html, "<style>"), 1u);
}

std::string ms(double seconds) { return fmt::format("{:.3f}", seconds * 1e3); }

// Writes the page into $LOADGEN_HTML_OUT/name when that variable is set.
void maybe_save(const std::string& name, const std::string& html) {
  const char* dir = std::getenv("LOADGEN_HTML_OUT");
  if (dir == nullptr || *dir == '\0') return;
  std::ofstream(std::string(dir) + "/" + name) << html;
}

class HtmlReport : public ::testing::Test {
protected:
  run_options o = sample_options();
  run_result r = sample_result(o);
  std::string html = format_html({{&o, &r, "baseline <run>", "recorded by hand"}}, "Load <report>");
};

TEST_F(HtmlReport, OneDocumentWithEveryChartDrawn) {
  maybe_save("one-run.html", html);
  expect_one_document(html);
  const auto charts = charts_of(html);
  for (const char* name : {"latency-histogram-linear", "latency-histogram-log", "latency-vs-service-linear",
                           "latency-vs-service-log", "qps-series", "latency-series", "codes-series"})
    EXPECT_EQ(charts.count(name), 1u) << name;
  EXPECT_EQ(charts.size(), 7u);
  expect_charts_drawn(html);
  // The histogram: bars and the cumulative curve; latency from due next to service time and lag.
  EXPECT_EQ(path_data(charts.find("latency-histogram-linear")->second).size(), 2u);
  EXPECT_EQ(path_data(charts.find("latency-vs-service-log")->second).size(), 3u);
  // Achieved and requested qps.
  EXPECT_EQ(path_data(charts.find("qps-series")->second).size(), 2u);
  // All calls, 200, 503, -1, waited.
  EXPECT_EQ(path_data(charts.find("codes-series")->second).size(), 5u);
  // The CSS-only linear/log toggle.
  EXPECT_EQ(count_of(html, R"(<input type="radio")"), 4u);
}

TEST_F(HtmlReport, TitlesNamesAndLabelsAreEscaped) {
  EXPECT_NE(html.find("<title>Load &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<h2>baseline &lt;run&gt;</h2>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>Labels</td><td>&lt;script&gt;&amp;&#34;label</td></tr>"), std::string::npos);
  EXPECT_EQ(html.find(evil_label), std::string::npos);
  EXPECT_EQ(html.find("<run>"), std::string::npos);
  EXPECT_NE(html.find("First failure: certificate &lt;expired&gt;"), std::string::npos);
  expect_self_contained(html, {"http://127.0.0.1:8080/api?x=1&amp;y=2"});
}

TEST_F(HtmlReport, ParameterTable) {
  for (const char* expected :
       {"<tr><td>URL</td><td>http://127.0.0.1:8080/api?x=1&amp;y=2</td></tr>", "<tr><td>Requested qps</td><td>50</td></tr>",
        "<tr><td>Achieved qps</td><td>50.0 (100.0 % of requested)</td></tr>",
        "<tr><td>Connections</td><td>4</td></tr>", "<tr><td>Threads</td><td>2 (2 CPUs usable)</td></tr>",
        "<tr><td>Requested duration</td><td>2s</td></tr>", "<tr><td>Actual duration</td><td>2s</td></tr>",
        "<tr><td>Percentiles asked</td><td>50, 75, 90, 99, 99.9</td></tr>",
        "<tr><td>Latency measured from</td><td>due time (open loop)</td></tr>",
        "<tr><td>Start time</td><td>2026-11-22 08:40:06.521 UTC</td></tr>",
        "<tr><td>Calls</td><td>100 (89 OK, 11 errors; plus 4 warmup)</td></tr>"})
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
}

TEST_F(HtmlReport, PercentilesAsTheTextReportComputesThem) {
  const fortio_histogram latency = export_fortio(r.stats.latency, 1e-9, o.resolution, o.offset, o.percentiles);
  const fortio_histogram service = export_fortio(r.stats.service, 1e-9, o.resolution, o.offset, o.percentiles);
  ASSERT_EQ(latency.percentiles.size(), 5u);
  const std::vector<std::string> labels{"50%", "75%", "90%", "99%", "99.9%"};
  for (std::size_t i = 0; i < latency.percentiles.size(); ++i) {
    const std::string expected = fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", labels[i],
                                             ms(latency.percentiles[i].value), ms(service.percentiles[i].value));
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
  }
  // The known values, within the histogram's 0.1%: p50 is the 50th call, 5 ms of service + 50 µs late.
  EXPECT_NEAR(latency.percentiles[0].value, 0.00505, 0.00505 * 1e-3);
  EXPECT_NEAR(service.percentiles[0].value, 0.005, 0.005 * 1e-3);
}

TEST_F(HtmlReport, CodesWithCountsPercentsAndLatency) {
  const auto max_of = [this](int code) {
    for (const auto& [c, h] : r.stats.latency_by_status)
      if (c == code) return ms(static_cast<double>(h.max()) / 1e9);
    return std::string("?");
  };
  EXPECT_NE(html.find("<tr><td>200</td><td>89</td><td>89.0 %</td><td>0</td>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>503</td><td>10</td><td>10.0 %</td><td>5</td>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>-1 (transport error)</td><td>1</td><td>1.0 %</td><td>0</td>"), std::string::npos);
  // The 503s are calls 10, 20, ... 100: the slowest is 10 ms of service, 50 µs late.
  EXPECT_EQ(max_of(503), "10.050");
  EXPECT_NE(html.find("<td>" + max_of(503) + "</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>reset</td><td>1</td><td>1.0 %</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("5 responses carried x-envoy-overloaded"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>503</td><td>5</td><td>10</td><td>50.0 %</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("Waited for a busy connection: 4 of 100 calls (4.0 %)"), std::string::npos);
}

TEST(HtmlReportCompare, SeveralRunsOverlaidAndSideBySide) {
  const run_options o = sample_options();
  const run_result fast = sample_result(o), slow = sample_result(o, 3);
  run_options empty_options = sample_options();
  run_result empty = result_for(empty_options, 4, 2);
  const std::string html = format_html(
      {{&o, &fast, "fast.json", ""}, {&o, &slow, "slow <3x>.json", ""}, {&empty_options, &empty, "empty", ""}},
      "Compare");
  maybe_save("compare.html", html);
  expect_one_document(html);
  expect_charts_drawn(html);
  expect_self_contained(html, {"http://127.0.0.1:8080/api?x=1&amp;y=2"});
  const auto charts = charts_of(html);
  for (const char* name : {"compare-latency-linear", "compare-latency-log", "compare-qps-series", "compare-p99-series"})
    ASSERT_EQ(charts.count(name), 1u) << name;
  // One curve per run with data, and a legend naming every run (the empty one says so).
  const std::string& overlay = charts.find("compare-latency-log")->second;
  EXPECT_EQ(path_data(overlay).size(), 2u);
  for (const char* name : {">fast.json</text>", ">slow &lt;3x&gt;.json</text>", ">empty (no calls)</text>"})
    EXPECT_NE(overlay.find(name), std::string::npos) << name;
  // Each run's detail follows, the empty one included.
  EXPECT_EQ(charts.count("latency-histogram-linear"), 2u);
  for (const char* id : {R"(id="run-0")", R"(id="run-1")", R"(id="run-2")"})
    EXPECT_EQ(count_of(html, id), 1u) << id;
  // The side-by-side table: a row per run, in order, linking to its section.
  const std::size_t table = html.find(R"(<table class="compare">)");
  ASSERT_NE(table, std::string::npos);
  const std::size_t a = html.find(R"(<tr><td><a href="#run-0">fast.json</a></td><td>100</td><td>50.0</td>)", table);
  const std::size_t b = html.find(R"(<tr><td><a href="#run-1">slow &lt;3x&gt;.json</a></td><td>100</td>)", table);
  const std::size_t c = html.find(
      R"(<tr><td><a href="#run-2">empty</a></td><td>0</td><td>0.0</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td></td></tr>)",
      table);
  EXPECT_TRUE(a != std::string::npos && b != std::string::npos && c != std::string::npos);
  EXPECT_TRUE(a < b && b < c);
  const fortio_histogram slow_latency = export_fortio(slow.stats.latency, 1e-9, o.resolution, o.offset, {99});
  EXPECT_NE(html.find("<td>" + ms(slow_latency.percentiles[0].value) + "</td>", b), std::string::npos);
  EXPECT_NE(html.find("<td>11.0 %</td><td>-1: 1, 200: 89, 503: 10</td>", a), std::string::npos);
}

TEST(HtmlReportEmpty, NoCallsGivesAPageThatSaysSo) {
  const run_options o = sample_options();
  run_result r = result_for(o, 4, 2);  // no call, no time, no slice
  const std::string html = format_html({{&o, &r, "nothing", ""}}, "Empty");
  maybe_save("empty.html", html);
  expect_one_document(html);
  EXPECT_NE(html.find("No data: this run made no calls."), std::string::npos);
  EXPECT_NE(html.find("<tr><td>Achieved qps</td><td>0.0 (0.0 % of requested)</td></tr>"), std::string::npos);
  EXPECT_TRUE(charts_of(html).empty());
  for (const std::string_view bad : {"nan", "inf"}) EXPECT_EQ(html.find(bad), std::string::npos) << bad;

  const std::string none = format_html({}, "Nothing");
  expect_one_document(none);
  EXPECT_NE(none.find("No data: no run to show."), std::string::npos);
}

TEST(HtmlReportEmpty, OneCallAndNoSeriesStillDrawPaths) {
  const run_options o = sample_options();
  run_result r = result_for(o, 1, 1);
  r.elapsed = ns_per_s;
  r.stats.record(make_call(200, 0, 0, 0, 10, 10));  // one call of 0 ns: a log axis cannot show 0
  const std::string html = format_html({{&o, &r, "one", ""}}, "One call");
  expect_one_document(html);
  expect_charts_drawn(html);
  EXPECT_EQ(charts_of(html).size(), 4u);  // the distribution and timing charts; no series
  EXPECT_NE(html.find("No time series recorded."), std::string::npos);
}

// The text report's Envoy fixture (QPS mode far behind, 503s with x-envoy-overloaded, timeouts
// and resets, a URL with "<2>" in its query): escaped, and every chart drawn.
TEST(HtmlReportFixture, EnvoyBehind) {
  const run_options o = testing::envoy_behind_options();
  const run_result r = testing::envoy_behind_result(o);
  const std::string html = format_html({{&o, &r, "envoy", ""}}, "Envoy");
  maybe_save("envoy.html", html);
  expect_one_document(html);
  expect_charts_drawn(html);
  expect_self_contained(html, {"http://svc.default:8080/api?x=1&amp;y=&lt;2&gt;"});
  EXPECT_NE(html.find("<tr><td>URL</td><td>http://svc.default:8080/api?x=1&amp;y=&lt;2&gt;</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>Skipped calls (-nocatchup)</td><td>7</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>timeout</td><td>2</td><td>1.0 %</td></tr>"), std::string::npos);
  EXPECT_EQ(html.find("<2>"), std::string::npos);
}

// An hour of 1-second slices at a noisy rate: every chart drawn, and the page stays a few
// hundred KB (steady series collapse, coordinates have one decimal).
TEST(HtmlReportLong, AnHourOfSlices) {
  const run_options o = sample_options();
  run_result r = sample_result(o);
  r.series.clear();
  for (int k = 0; k < 3600; ++k) {
    time_slice s;
    s.start = k;
    s.duration = 1;
    s.calls = 1000 + (k * 7919) % 50;
    s.codes = {{200, s.calls - (k % 100 == 0 ? 3 : 0)}};
    if (k % 100 == 0) s.codes[503] = 3;
    s.ok = s.codes[200];
    s.qps = static_cast<double>(s.calls);
    s.p50 = 0.002 + 1e-6 * ((k * 31) % 500);
    s.p99 = 0.02 + 1e-5 * ((k * 17) % 700);
    s.max = s.p99 * 1.5;
    r.series.push_back(s);
  }
  const std::string html = format_html({{&o, &r, "hour", ""}}, "An hour");
  maybe_save("hour.html", html);
  expect_one_document(html);
  expect_charts_drawn(html);
  EXPECT_EQ(charts_of(html).size(), 7u);
  EXPECT_LT(html.size(), 500'000u);
}

}  // namespace
}  // namespace loadgen
