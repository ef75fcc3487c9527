#include "loadgen/report/report_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "golden.hpp"
#include "loadgen/core/version.hpp"
#include "report_fixtures.hpp"

namespace loadgen {
namespace {

using testing::expect_golden;

// What a run prints on stderr, apart from logs: banner, "Starting at" line, report.
std::string whole_output(const run_options& o, const run_result& r) {
  return format_banner(o, r.cpus, r.threads) + format_starting(o, r) + format_report(o, r);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

bool has_line_starting(const std::string& text, std::string_view prefix) {
  for (const auto& l : lines_of(text))
    if (l.rfind(prefix, 0) == 0) return true;
  return false;
}

// ---- golden files ------------------------------------------------------------------------------

TEST(report_text, golden_c3_n30_warning) {
  const run_options o = testing::c3_n30_options();
  expect_golden("report_c3_n30_warning.txt", whole_output(o, testing::c3_n30_result(o)));
}

TEST(report_text, golden_quiet) {
  const run_options o = testing::quiet_options();
  expect_golden("report_quiet.txt", whole_output(o, testing::quiet_result(o)));
}

TEST(report_text, golden_refused) {
  const run_options o = testing::refused_options();
  expect_golden("report_refused.txt", whole_output(o, testing::refused_result(o)));
}

TEST(report_text, golden_qps_info) {
  const run_options o = testing::qps_info_options();
  expect_golden("report_qps_info.txt", whole_output(o, testing::qps_info_result(o)));
}

TEST(report_text, golden_envoy_behind_warning) {
  const run_options o = testing::envoy_behind_options();
  expect_golden("report_envoy_behind_warning.txt", whole_output(o, testing::envoy_behind_result(o)));
}

TEST(report_text, golden_envoy_behind_quiet) {
  run_options o = testing::envoy_behind_options();
  o.level = log_level::error;
  expect_golden("report_envoy_behind_quiet.txt", whole_output(o, testing::envoy_behind_result(o)));
}

TEST(report_text, golden_c3_n30_verbose) {
  run_options o = testing::c3_n30_options();
  o.level = log_level::verbose;
  expect_golden("report_c3_n30_verbose.txt", whole_output(o, testing::c3_n30_result(o)));
}

// ---- banner (H1) -------------------------------------------------------------------------------

TEST(report_text, banner_forms) {
  run_options o = testing::options_for("http://127.0.0.1:18080/echo?status=503:25");
  const std::string v(version);
  o.qps = 0;
  o.calls = 20;
  EXPECT_EQ(format_banner(o, 2, 2),
            "loadgen " + v + " running at 0 queries per second, 2->2 procs, for 20 calls: "
            "http://127.0.0.1:18080/echo?status=503:25\n");
  o.calls = 0;
  o.qps = 60;
  o.duration = 2 * ns_per_s;
  EXPECT_EQ(format_banner(o, 4, 3),
            "loadgen " + v + " running at 60 queries per second, 4->3 procs, for 2s: "
            "http://127.0.0.1:18080/echo?status=503:25\n");
  o.duration = 24 * 3600 * ns_per_s;
  o.qps = 12.5;
  EXPECT_EQ(format_banner(o, 2, 2), "loadgen " + v + " running at 12.5 queries per second, 2->2 procs, for 24h0m0s: "
                                    "http://127.0.0.1:18080/echo?status=503:25\n");
  o.duration = 0;
  o.qps = -1;  // printed as given
  EXPECT_EQ(format_banner(o, 2, 2), "loadgen " + v + " running at -1 queries per second, 2->2 procs, until interrupted: "
                                    "http://127.0.0.1:18080/echo?status=503:25\n");
}

TEST(report_text, banner_shows_the_normalised_url_without_credentials) {
  run_options o = testing::options_for("user:secret@example.com/x");
  o.calls = 5;
  const std::string banner = format_banner(o, 1, 1);
  EXPECT_NE(banner.find(": http://example.com/x\n"), std::string::npos) << banner;
  EXPECT_EQ(banner.find("secret"), std::string::npos);
}

// ---- starting line (H2) ------------------------------------------------------------------------

TEST(report_text, starting_forms) {
  run_options o = testing::options_for("http://h/");
  run_result r = testing::result_for(o, 2, 2);
  o.level = log_level::warning;

  o.qps = 0;
  o.calls = 21;
  EXPECT_EQ(format_starting(o, r), "Starting at max qps with 2 thread(s) [gomax 2] for exactly 21 calls (10 per thread + 1)\n");

  o.calls = 0;
  o.duration = 5 * ns_per_s;
  EXPECT_EQ(format_starting(o, r), "Starting at max qps with 2 thread(s) [gomax 2] for 5s\n");

  o.qps = 60;
  o.duration = 2 * ns_per_s;
  r = testing::result_for(o, 3, 2);
  r.planned_per_connection = 40;
  EXPECT_EQ(format_starting(o, r), "Starting at 60 qps with 3 thread(s) [gomax 2] for 2s : 40 calls each (total 120)\n");

  o.qps = 100;
  o.calls = 20;
  r = testing::result_for(o, 2, 2);
  EXPECT_EQ(format_starting(o, r), "Starting at 100 qps with 2 thread(s) [gomax 2] : exactly 20, 10 calls each (total 20 + 0)\n");

  o.calls = 0;
  o.duration = 0;
  o.qps = 2.5;
  EXPECT_EQ(format_starting(o, r), "Starting at 2.5 qps with 2 thread(s) [gomax 2] until interrupted\n");
  o.qps = 0;
  EXPECT_EQ(format_starting(o, r), "Starting at max qps with 2 thread(s) [gomax 2] until interrupted\n");
}

TEST(report_text, starting_line_names_the_access_log_as_fortio) {
  run_options o = testing::options_for("http://h/");
  o.qps = 0;
  o.calls = 6;
  const run_result r = testing::result_for(o, 2, 2);
  o.access_log_path = "a.json";
  EXPECT_EQ(format_starting(o, r),
            "Starting at max qps with 2 thread(s) [gomax 2] for exactly 6 calls (3 per thread + 0) with access logger "
            "mode json to a.json\n");
  o.access_log = access_log_format::influx;
  o.access_log_path = "-";
  EXPECT_EQ(format_starting(o, r),
            "Starting at max qps with 2 thread(s) [gomax 2] for exactly 6 calls (3 per thread + 0) with access logger "
            "mode influx to stdout\n");
}

TEST(report_text, starting_line_follows_the_level) {
  run_options o = testing::options_for("http://h/");
  const run_result r = testing::result_for(o, 2, 2);
  o.calls = 10;
  o.qps = 0;
  o.level = log_level::info;
  EXPECT_FALSE(format_starting(o, r).empty());
  o.level = log_level::error;
  EXPECT_EQ(format_starting(o, r), "");
  o.calls = 0;
  o.duration = 0;  // until interrupted: always printed
  EXPECT_EQ(format_starting(o, r), "Starting at max qps with 2 thread(s) [gomax 2] until interrupted\n");
}

// ---- report details ----------------------------------------------------------------------------

TEST(report_text, code_lines_and_percentages) {
  const run_options o = testing::c3_n30_options();
  const std::string text = format_report(o, testing::c3_n30_result(o));
  EXPECT_TRUE(has_line(text, "Code 200 : 22 (73.3 %)"));
  EXPECT_TRUE(has_line(text, "Code 503 : 8 (26.7 %)"));
  EXPECT_TRUE(has_line(text, "Ended after 5.372237ms : 30 calls. qps=5584.3"));
  EXPECT_TRUE(has_line(text, "Sockets used: 11 (for perfect keepalive, would be 3)"));
  EXPECT_TRUE(has_line(text, "IP addresses distribution:"));
  EXPECT_TRUE(has_line(text, "127.0.0.1:18080: 11"));
  EXPECT_TRUE(has_line(text, "Uniform: false, Jitter: false, Catchup allowed: true"));
  EXPECT_TRUE(has_line_starting(text, "All done 30 calls (plus 0 warmup) "));
  EXPECT_TRUE(has_line_starting(text, "[1]   5 socket used, resolved to 127.0.0.1:18080, connection timing : count 5 avg "));
}

TEST(report_text, transport_errors_are_code_minus_one_first) {
  const run_options o = testing::envoy_behind_options();
  const std::string text = format_report(o, testing::envoy_behind_result(o));
  const auto lines = lines_of(text);
  std::vector<std::string> codes;
  for (const auto& l : lines)
    if (l.rfind("Code ", 0) == 0) codes.push_back(l);
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(codes[0], "Code  -1 : 6 (3.0 %)");
  EXPECT_EQ(codes[1].rfind("Code 200 : ", 0), 0u);
  EXPECT_EQ(codes[2].rfind("Code 503 : ", 0), 0u);
  EXPECT_TRUE(has_line(text, "Transport errors : reset 4, timeout 2"));
  EXPECT_TRUE(has_line(text, "Skipped calls (-nocatchup) : 7"));
  EXPECT_TRUE(has_line_starting(text, "WARNING: loadgen fell behind schedule: "));
  EXPECT_TRUE(has_line_starting(text, "Envoy overflow : 34 of 65 503 responses carried x-envoy-overloaded"));
  EXPECT_TRUE(has_line_starting(text, "Envoy upstream service time : count 129 "));
  EXPECT_TRUE(has_line_starting(text, "Latency for -1 : count 6 "));
  EXPECT_TRUE(has_line_starting(text, "[0]   3 socket used, resolved to [10.0.0.7:8080 (2), 10.0.0.8:8080 (1)], "));
}

// x-envoy-overloaded is counted per status: the 503 line counts only 503s, and other statuses
// that carried it get their own line (they are not circuit-breaker overflows).
TEST(report_text, envoy_overflow_is_counted_per_status) {
  run_options o = testing::options_for("http://h/");
  o.qps = 0;
  o.calls = 20;
  run_result r = testing::result_for(o, 1, 1);
  r.elapsed = ns_per_s;
  const auto add = [&r](int status, int n, int overloaded) {
    for (int i = 0; i < n; ++i) {
      call_record c = testing::make_call(status, 0, 0, ns_per_ms, 100, 100);
      c.envoy_overloaded = i < overloaded;
      r.stats.record(c);
    }
  };
  add(503, 5, 3);
  add(429, 7, 2);
  add(200, 8, 1);
  for (const log_level level : {log_level::warning, log_level::error}) {
    o.level = level;
    const std::string text = format_report(o, r);
    EXPECT_TRUE(has_line(text,
                         "Envoy overflow : 3 of 5 503 responses carried x-envoy-overloaded (shed by an Envoy circuit "
                         "breaker, not by the service)"))
        << text;
    EXPECT_TRUE(has_line_starting(text, "Envoy overflow : 2 of 7 429 responses carried x-envoy-overloaded ")) << text;
    EXPECT_TRUE(has_line_starting(text, "Envoy overflow : 1 of 8 200 responses carried x-envoy-overloaded ")) << text;
    // The 503 line first, then the other statuses in order.
    EXPECT_LT(text.find("Envoy overflow : 3 of 5 503"), text.find("Envoy overflow : 1 of 8 200"));
    EXPECT_LT(text.find("Envoy overflow : 1 of 8 200"), text.find("Envoy overflow : 2 of 7 429"));
  }

  // Only other statuses carried it: no 503 line at all.
  run_result no_503 = testing::result_for(o, 1, 1);
  r = no_503;
  add(429, 4, 4);
  const std::string text = format_report(o, r);
  EXPECT_EQ(text.find(" 503 responses"), std::string::npos) << text;
  EXPECT_TRUE(has_line_starting(text, "Envoy overflow : 4 of 4 429 responses carried x-envoy-overloaded ")) << text;
}

TEST(report_text, own_lines_never_use_a_fortio_prefix) {
  // Lines that are loadgen's own (not in Fortio's report) must not start like Fortio's.
  const run_options o = testing::envoy_behind_options();
  const std::string text = format_report(o, testing::envoy_behind_result(o));
  for (const std::string_view prefix : {"Service time", "Dispatch lag", "Requested qps", "WARNING:", "Skipped calls",
                                   "Waited for a busy connection",
                                   "Latency measured from", "Latency for", "Transport errors", "Envoy overflow",
                                   "Envoy upstream"}) {
    EXPECT_TRUE(has_line_starting(text, prefix)) << prefix;
    for (const std::string_view fortio : {"Code ", "# target", "# range", ">"}) EXPECT_NE(prefix.rfind(fortio, 0), 0u);
  }
}

TEST(report_text, calls_held_up_by_a_stalled_server_do_not_blame_the_generator) {
  // One connection at 10 qps; the first call stalls 1 s, so the 9 calls due during the stall
  // find the connection busy and leave up to 0.9 s late. That is the server's doing: no warning.
  run_options o = testing::options_for("http://h/");
  o.qps = 10;
  o.duration = ns_per_s;
  o.level = log_level::warning;
  run_result r = testing::result_for(o, 1, 1);
  r.elapsed = ns_per_s;
  nanos free_at = 0;
  for (int i = 0; i < 10; ++i) {
    const nanos due = i * 100 * ns_per_ms;
    const nanos sent = std::max(due, free_at);
    const nanos service = i == 0 ? ns_per_s : ns_per_ms;
    call_record c = testing::make_call(200, due, sent - due, service, 75, 75);
    c.connection_busy = free_at > due;
    free_at = c.done;
    r.stats.record(c);
  }
  const std::string text = format_report(o, r);
  EXPECT_FALSE(has_line_starting(text, "WARNING")) << text;
  EXPECT_TRUE(has_line(text, "Waited for a busy connection : 9 of 10 calls (90.0 %) fell due while the previous call "
                             "on their connection was still running (server latency; more connections, -c, would "
                             "send them on time)"))
      << text;
  EXPECT_EQ(r.stats.generator_lag.count(), 1);
  EXPECT_TRUE(has_line(text, "Requested qps 10, achieved 10.0 (100.0 %)"));
  EXPECT_TRUE(has_line(text, "Latency measured from: due time (open loop; -measure-from sent gives Fortio's figures)"));
}

TEST(report_text, achieved_rate_is_over_the_requested_window) {
  // 1000 connections at 10 qps each for 3 s: the last burst is due at 2.9 s and done by 2.918 s.
  // All 30,000 planned calls were made in the 3 s window: 100%, not Fortio's 30000/2.918.
  run_options o = testing::options_for("http://h/");
  o.qps = 10000;
  o.duration = 3 * ns_per_s;
  o.level = log_level::warning;
  run_result r = testing::result_for(o, 1, 1);
  r.elapsed = 2'918'000'000;
  for (int i = 0; i < 30000; ++i) r.stats.record(testing::make_call(200, 0, 0, ns_per_ms, 75, 75));
  EXPECT_TRUE(has_line(format_report(o, r), "Requested qps 10000, achieved 10000.0 (100.0 %)"));
  r.interrupted = true;  // stopped early by a signal: over the time it ran
  EXPECT_TRUE(has_line(format_report(o, r), "Requested qps 10000, achieved 10281.0 (102.8 %)"));
  r.interrupted = false;
  r.elapsed = 6 * ns_per_s;  // ran late: over the time it took
  EXPECT_TRUE(has_line(format_report(o, r), "Requested qps 10000, achieved 5000.0 (50.0 %)"));
  o.calls = 30000;  // -n 30000: the window is n/qps = 3 s as well
  r.elapsed = 2'918'000'000;
  EXPECT_TRUE(has_line(format_report(o, r), "Requested qps 10000, achieved 10000.0 (100.0 %)"));
}

TEST(report_text, calls_late_on_free_connections_blame_the_generator) {
  // The connection is free at every due time, yet calls leave 2 ms late: loadgen's own doing.
  run_options o = testing::options_for("http://h/");
  o.qps = 10;
  o.level = log_level::warning;
  run_result r = testing::result_for(o, 1, 1);
  r.elapsed = ns_per_s;
  for (int i = 0; i < 10; ++i) r.stats.record(testing::make_call(200, i * 100 * ns_per_ms, 2 * ns_per_ms, 50 * ns_per_ms, 75, 75));
  const std::string text = format_report(o, r);
  EXPECT_TRUE(has_line(text, "WARNING: loadgen fell behind schedule: calls whose connection was free left 0.002 s "
                             "late at p99; the generator, not the server, is the bottleneck (raise -threads, give it "
                             "more CPU, use -uniform, or lower -qps)"))
      << text;
  EXPECT_FALSE(has_line_starting(text, "Waited for a busy connection"));
  EXPECT_TRUE(has_line(text, "Dispatch lag (due to send) : count 10 avg 0.002 p50 0.002 p99 0.002 max 0.002"));
  o.uniform = true;  // already staggered: not suggested again
  EXPECT_NE(format_report(o, r).find("give it more CPU, or lower -qps)"), std::string::npos);
}

TEST(report_text, measure_from_sent_is_said) {
  run_options o = testing::c3_n30_options();
  o.latency_from = measure_from::sent;
  const std::string text = format_report(o, testing::c3_n30_result(o));
  EXPECT_TRUE(has_line(text, "Latency measured from: send time (as Fortio)"));
  o.latency_from = measure_from::due;  // max speed: due == free connection, nothing to say
  EXPECT_FALSE(has_line_starting(format_report(o, testing::c3_n30_result(o)), "Latency measured from"));
}

TEST(report_text, max_speed_has_no_qps_lines) {
  const run_options o = testing::c3_n30_options();
  const std::string text = format_report(o, testing::c3_n30_result(o));
  EXPECT_FALSE(has_line_starting(text, "Dispatch lag"));
  EXPECT_FALSE(has_line_starting(text, "Requested qps"));
  EXPECT_FALSE(has_line_starting(text, "Sleep times"));
  EXPECT_TRUE(has_line_starting(text, "Service time (from send) : count 30 avg "));
}

TEST(report_text, empty_run) {
  run_options o = testing::options_for("http://h/");
  o.qps = 0;
  o.calls = 10;
  o.level = log_level::warning;
  run_result r = testing::result_for(o, 2, 2);
  r.elapsed = 0;
  const std::string text = format_report(o, r);
  EXPECT_TRUE(has_line(text, "Aggregated Function Time : no data"));
  EXPECT_TRUE(has_line(text, "Error cases : no data"));
  EXPECT_TRUE(has_line(text, "[0]   0 socket used, resolved to [], connection timing : count 0 avg 0 +/- 0 min 0 max 0 sum 0"));
  EXPECT_TRUE(has_line(text, "Connection time (s) : count 0 avg 0 +/- 0 min 0 max 0 sum 0"));
  EXPECT_TRUE(has_line(text, "All done 0 calls (plus 0 warmup) 0.000 ms avg, 0.0 qps"));
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Inf"), std::string::npos);

  o.level = log_level::error;
  const std::string quiet = format_report(o, r);
  EXPECT_TRUE(has_line(quiet, "Aggregated Function Time : count 0 avg 0 +/- 0 min 0 max 0 sum 0"));
  EXPECT_TRUE(has_line(quiet, "Error cases : count 0 avg 0 +/- 0 min 0 max 0 sum 0"));
}

TEST(report_text, quiet_keeps_fortio_quiet_lines_only) {
  const run_options o = testing::quiet_options();
  const std::string text = format_report(o, testing::quiet_result(o));
  EXPECT_FALSE(has_line_starting(text, "Ended after"));
  EXPECT_FALSE(has_line_starting(text, "# range"));
  EXPECT_FALSE(has_line_starting(text, "Connection time"));
  EXPECT_FALSE(has_line_starting(text, "Response "));
  EXPECT_FALSE(has_line_starting(text, "Service time"));
  EXPECT_TRUE(has_line_starting(text, "# target 99.9% "));
  EXPECT_TRUE(has_line(text, "Error cases : count 0 avg 0 +/- 0 min 0 max 0 sum 0"));
}

}  // namespace
}  // namespace loadgen
