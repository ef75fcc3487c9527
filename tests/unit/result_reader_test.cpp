// A saved JSON result read back (report/result_reader) gives the same report as the run itself,
// and merging results (report/result_merge) is exact.
#include "loadgen/report/result_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string_view>

#include "loadgen/core/echo.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "loadgen/report/result_merge.hpp"
#include "report_fixtures.hpp"

namespace loadgen {
namespace {

saved_result round_trip(const run_options& o, const run_result& r) { return read_result(format_json(o, r), "x.json"); }

void expect_same_report(run_options o, const run_result& r) {
  for (const log_level level : {log_level::verbose, log_level::info, log_level::warning, log_level::error}) {
    o.level = level;
    saved_result back = round_trip(o, r);
    EXPECT_TRUE(back.exact);
    back.options.level = level;
    EXPECT_EQ(format_report(back.options, back.result), format_report(o, r)) << "level " << static_cast<int>(level);
  }
}

TEST(result_reader, c3_n30_gives_the_same_text_report) {
  const run_options o = testing::c3_n30_options();
  expect_same_report(o, testing::c3_n30_result(o));
}

TEST(result_reader, qps_run_gives_the_same_text_report) {
  const run_options o = testing::qps_info_options();
  expect_same_report(o, testing::qps_info_result(o));
}

TEST(result_reader, envoy_run_gives_the_same_text_report) {
  const run_options o = testing::envoy_behind_options();
  expect_same_report(o, testing::envoy_behind_result(o));
}

TEST(result_reader, refused_run_gives_the_same_text_report) {
  const run_options o = testing::refused_options();
  expect_same_report(o, testing::refused_result(o));
}

TEST(result_reader, the_json_written_again_keeps_the_results_fields) {
  const run_options o = testing::c3_n30_options();
  const run_result r = testing::c3_n30_result(o);
  const saved_result back = round_trip(o, r);
  EXPECT_EQ(back.id, run_id(o, r));
  EXPECT_EQ(back.result.start_unix_ns, r.start_unix_ns);
  EXPECT_EQ(back.result.elapsed, r.elapsed);
  EXPECT_EQ(back.result.stats.codes(), r.stats.codes());
  // The Exact block written again is the same block.
  const std::string again = format_json(back.options, back.result);
  const std::string first = format_json(o, r);
  EXPECT_EQ(again.substr(again.find("\"Exact\"")), first.substr(first.find("\"Exact\"")));
}

// A gRPC run's time series keys its codes by gRPC name ("SERVING", "UNAVAILABLE", "ERROR"), as its
// report does; they read back to the same codes (a fuzz input found the reader refusing them).
TEST(result_reader, grpc_series_codes_read_back_from_their_names) {
  run_options o = testing::c3_n30_options();
  o.target.grpc = true;
  o.h2 = true;
  run_result r = testing::c3_n30_result(o);
  time_slice t;
  t.start = 0;
  t.duration = 1;
  t.calls = 10;
  t.ok = 7;
  t.qps = 10;
  t.codes = {{status_grpc_serving, 7}, {grpc_error_base + 14, 2}, {status_transport_error, 1}};
  r.series.push_back(t);
  const std::string json = format_json(o, r);
  ASSERT_NE(json.find("\"SERVING\": 7"), std::string::npos) << json;
  ASSERT_NE(json.find("\"UNAVAILABLE\": 2"), std::string::npos) << json;
  const saved_result back = read_result(json, "grpc.json");
  ASSERT_EQ(back.result.series.size(), 1u);
  EXPECT_EQ(back.result.series[0].codes, t.codes);
}

TEST(result_reader, bad_input_is_one_line_naming_the_file) {
  const auto message = [](const std::string& text) {
    try {
      read_result(text, "bad.json");
    } catch (const error& e) {
      EXPECT_EQ(e.exit_code(), exit_run_failed);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("{"), "bad.json: not JSON (incomplete JSON)");
  EXPECT_EQ(message("[1]"), "bad.json: not a result (a JSON object is expected)");
  EXPECT_EQ(message("{\"a\":1}"), "bad.json: not a Fortio or loadgen result (no RunType)");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"NumThreads\":\"x\"}"), "bad.json: field NumThreads is not an integer");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"Exact\":{\"Format\":\"LGH1\",\"Histograms\":{\"Duration\":\"LGH1:x\"}}}"),
            "bad.json: field Exact.Histograms.Duration is not an LGH1 histogram");
  // A socket count no run can hold (the report adds them up).
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"Sockets\":[1,9000000000000000000]}"), "bad.json: field Sockets is not an array of counts");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"Sockets\":[-1]}"), "bad.json: field Sockets is not an array of counts");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"Sockets\":[1000000000000000,1]}"), "bad.json: field Sockets is not an array of counts");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"Exact\":{\"Format\":\"LGH1\",\"Slots\":[{\"Sockets\":1000000000000000},{\"Sockets\":1}]}}"),
            "bad.json: field Exact.Slots.Sockets is not a count (the slots' add up past 1000000000000000)");
  EXPECT_EQ(message("{\"RunType\":\"HTTP\",\"RetCodes\":{\"200\":1000000000000000,\"503\":1}}"),
            "bad.json: field RetCodes.503 is not a count (the counts add up past 1000000000000000)");
}

// Three runs at once, merged, against one run of the same calls: the same percentiles, exactly.
TEST(result_merge, three_runs_merge_to_the_run_of_all_calls) {
  run_options o = testing::options_for("http://127.0.0.1:8080/echo");
  o.qps = 30;
  o.calls = 300;
  run_result all = testing::result_for(o, 3, 1);
  std::vector<run_result> parts;
  for (int i = 0; i < 3; ++i) {
    run_options part = o;
    part.qps = 10;
    part.calls = 100;
    parts.push_back(testing::result_for(part, 1, 1));
  }
  for (int i = 0; i < 300; ++i) {
    const int status = i % 10 == 0 ? 503 : 200;
    const nanos service = 200'000 + static_cast<nanos>(i) * 9'973 % 40'000'000;  // 0.2 to 40 ms, scattered
    const call_record c = testing::make_call(status, i * 1'000'000LL, 30'000, service, 100, 200);
    all.stats.record(c);
    parts[static_cast<std::size_t>(i % 3)].stats.record(c);
  }
  std::vector<saved_result> saved;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    run_options part = o;
    part.qps = 10;
    part.calls = 100;
    parts[i].start_unix_ns = all.start_unix_ns + static_cast<nanos>(i) * 1'000'000;
    saved.push_back(round_trip(part, parts[i]));
  }
  const saved_result merged = merge_results(saved);
  EXPECT_TRUE(merged.exact);
  EXPECT_EQ(merged.result.stats.calls(), 300);
  EXPECT_EQ(merged.result.stats.codes(), all.stats.codes());
  EXPECT_EQ(merged.result.connections, 3);
  EXPECT_EQ(merged.options.calls, 300);
  EXPECT_DOUBLE_EQ(merged.options.qps, 30);
  for (const double p : {50.0, 75.0, 90.0, 99.0, 99.9})
    EXPECT_EQ(merged.result.stats.latency.value_at_percentile(p), all.stats.latency.value_at_percentile(p)) << p;
  EXPECT_EQ(merged.result.stats.latency.sum(), all.stats.latency.sum());
  EXPECT_EQ(merged.result.stats.latency.max(), all.stats.latency.max());
  EXPECT_DOUBLE_EQ(merged.result.stats.latency.stddev(), all.stats.latency.stddev());
}

TEST(result_merge, series_merge_by_wall_clock_second) {
  run_options o = testing::options_for("http://127.0.0.1:8080/echo");
  std::vector<saved_result> saved;
  for (int i = 0; i < 2; ++i) {
    run_result r = testing::result_for(o, 1, 1);
    r.start_unix_ns = 1'000'000'000'000'000'000LL + i * 1'000'000'000LL;  // the second starts a second later
    r.elapsed = 2'000'000'000;
    for (int s = 0; s < 2; ++s) {
      time_slice t;
      t.start = s;
      t.duration = 1;
      t.calls = 10 + i;
      t.ok = 10 + i;
      t.codes[200] = 10 + i;
      t.qps = 10 + i;
      t.p50 = 0.001 * (i + 1);
      t.p99 = 0.002 * (i + 1);
      t.max = 0.003 * (i + 1);
      r.series.push_back(t);
    }
    saved.push_back(round_trip(o, r));
  }
  const saved_result merged = merge_results(saved);
  ASSERT_EQ(merged.result.series.size(), 3u);
  EXPECT_EQ(merged.result.elapsed, 3'000'000'000);
  EXPECT_EQ(merged.result.series[0].calls, 10);
  EXPECT_EQ(merged.result.series[1].calls, 21);  // second 1: the first run's second slice and the second's first
  EXPECT_EQ(merged.result.series[1].codes.at(200), 21);
  EXPECT_DOUBLE_EQ(merged.result.series[1].p99, 0.004);  // the highest of the two
  EXPECT_EQ(merged.result.series[2].calls, 11);
}

// Fortio's JSON (no Exact block): read from Fortio's fields and buckets, marked not exact.
TEST(result_merge, runs_of_different_kinds_are_refused) {
  const run_options o = testing::c3_n30_options();
  saved_result http = round_trip(o, testing::c3_n30_result(o));
  http.name = "http.json";
  saved_result grpc = http;
  grpc.name = "grpc.json";
  grpc.options.target.grpc = true;
  EXPECT_EQ(run_kind(http), "HTTP");
  EXPECT_EQ(run_kind(grpc), "gRPC");
  EXPECT_EQ(merge_refusal({http, http}), "");
  EXPECT_EQ(merge_refusal({http, grpc}), "http.json holds HTTP calls and grpc.json gRPC calls: only results of one kind merge");
  try {
    merge_results({http, grpc});
    ADD_FAILURE() << "merged an HTTP and a gRPC run";
  } catch (const error& e) {
    EXPECT_EQ(std::string(e.what()), merge_refusal({http, grpc}));
    EXPECT_EQ(e.exit_code(), 1);
  }
}

TEST(result_reader, fortio_json_falls_back_to_its_buckets) {
  const std::string fortio = R"({
  "RunType": "HTTP", "Labels": "l", "StartTime": "2026-11-29T09:59:42.5+01:00", "RequestedQPS": "max",
  "RequestedDuration": "exactly 30 calls", "ActualQPS": 100, "ActualDuration": 300000000, "NumThreads": 3,
  "DurationHistogram": {"Count": 30, "Min": 0.001, "Max": 0.004, "Sum": 0.075, "Avg": 0.0025, "StdDev": 0.001,
    "Data": [{"Start": 0.001, "End": 0.002, "Percent": 50, "Count": 15}, {"Start": 0.003, "End": 0.004, "Percent": 100, "Count": 15}],
    "Percentiles": [{"Percentile": 50, "Value": 0.002}, {"Percentile": 99, "Value": 0.00398}]},
  "Exactly": 30, "RetCodes": {"200": 11, "503": 19}, "URL": "http://httpbin:8000/get", "Sockets": [1, 1, 2],
  "IPCountMap": {"10.0.0.7:8000": 4}
})";
  const saved_result r = read_result(fortio, "fortio.json");
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.result.stats.calls(), 30);
  EXPECT_EQ(r.result.stats.codes().at(503), 19);
  EXPECT_EQ(r.result.stats.latency.count(), 30u);
  EXPECT_NEAR(static_cast<double>(r.result.stats.latency.value_at_percentile(50)), 2e6, 1e5);
  EXPECT_EQ(r.options.calls, 30);
  EXPECT_EQ(r.options.percentiles, (std::vector<double>{50, 99}));
  EXPECT_EQ(r.result.start_unix_ns, 1795942782500000000LL);  // 2026-11-29T08:59:42.5Z
  EXPECT_EQ(r.result.utc_offset_seconds, 3600);
  EXPECT_EQ(r.result.connections, 3);
  EXPECT_EQ(r.result.stats.connections.size(), 3u);
  // One address that counts every socket: each connection's sockets went there.
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(r.result.stats.connections[i].ips, (std::map<std::string, std::int64_t>{{"10.0.0.7:8000", i < 2 ? 1 : 2}}));
  // Its Min, Max, Sum and StdDev are exact: kept over the buckets' spread.
  EXPECT_EQ(r.result.stats.latency.min(), 1'000'000);
  EXPECT_EQ(r.result.stats.latency.max(), 4'000'000);
  EXPECT_EQ(r.result.stats.latency.sum(), 75'000'000);
  EXPECT_NEAR(r.result.stats.latency.stddev(), 1e6, 0.01);
}

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(LOADGEN_GOLDEN_DIR) + "/../data/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The lines of text, without those that start with prefix.
std::string without_lines(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size() - 1) + 1;
    if (text.compare(at, prefix.size(), prefix) != 0) out += text.substr(at, end - at);
    at = end;
  }
  return out;
}

// Fortio's own JSON of a run and Fortio's own report of that run (tests/data, from
// ../shared/reference/fortio-samples/load-c3-n30-json.*): read back, the report is Fortio's, line
// for line (counts, avg, +/-, min, max, sums, every bucket line, every percentile, the size lines,
// All done), but for the per-connection lines, whose per-socket timing and IPs Fortio's JSON
// does not hold.
TEST(result_reader, fortio_json_reports_as_fortio_printed_it) {
  saved_result r = read_result(read_data("fortio_load_c3_n30.json"), "fortio.json");
  EXPECT_TRUE(r.options.fortio_buckets);
  r.options.level = log_level::warning;
  const std::string ours = format_report(r.options, r.result);
  const std::string theirs = read_data("fortio_load_c3_n30_report.txt");
  ASSERT_NE(ours.find("Ended after"), std::string::npos) << ours;
  EXPECT_EQ(without_lines(ours.substr(ours.find("Ended after")), "["), without_lines(theirs, "["));
  // Written as JSON and read back (loadgen's JSON: exact histograms), still Fortio's percentiles.
  saved_result again = read_result(format_json(r.options, r.result), "again.json");
  EXPECT_TRUE(again.exact);
  EXPECT_TRUE(again.options.fortio_buckets);
  again.options.level = log_level::warning;
  EXPECT_EQ(format_report(again.options, again.result), ours);
}

// A Fortio histogram whose figures disagree with its buckets (a Count that is not theirs, a Min
// above its Max) keeps the buckets' own figures; the file is still read.
TEST(result_reader, fortio_figures_that_do_not_fit_its_buckets_are_left) {
  const std::string fortio = R"({"RunType": "HTTP", "RequestedQPS": "max", "NumThreads": 1, "RetCodes": {"200": 2},
  "DurationHistogram": {"Count": 3, "Min": 0.001, "Max": 0.002, "Sum": 0.003, "StdDev": 0,
    "Data": [{"Start": 0.001, "End": 0.002, "Percent": 100, "Count": 2}]},
  "Sizes": {"Count": 2, "Min": 500, "Max": 100, "Sum": 700, "StdDev": 0,
    "Data": [{"Start": 100, "End": 500, "Percent": 100, "Count": 2}]}})";
  const saved_result r = read_result(fortio, "odd.json");
  EXPECT_EQ(r.result.stats.latency.count(), 2u);
  EXPECT_EQ(r.result.stats.latency.sum(), 1'250'000 + 1'750'000);  // the spread: two values at 1/4 and 3/4
  EXPECT_EQ(r.result.stats.total_sizes.sum(), 200 + 400);
}

// Fortio's TCP/UDP JSON: RetCodes keyed by "OK" and Go's error texts, SocketCount and the byte
// totals at the top level, no Sockets array.
TEST(result_reader, fortio_tcp_json_keeps_its_codes_sockets_and_bytes) {
  const std::string fortio = R"({
  "RunType": "TCP", "Labels": "tcp://127.0.0.1:8078 , vm", "StartTime": "2026-12-01T05:00:08.162780654Z",
  "RequestedQPS": "max", "RequestedDuration": "exactly 40 calls", "ActualDuration": 3373313, "NumThreads": 2,
  "Exactly": 40, "Destination": "tcp://127.0.0.1:8078",
  "RetCodes": {"OK": 30, "short read": 2, "read not echoing writes": 1, "read tcp 127.0.0.1:40000->127.0.0.1:8078: i/o timeout": 3,
               "dial tcp 127.0.0.1:8078: connect: connection refused": 2, "dial tcp 127.0.0.1:8078: i/o timeout": 1,
               "something Go said": 1},
  "SocketCount": 9, "BytesSent": 960, "BytesReceived": 720
})";
  const saved_result r = read_result(fortio, "tcp.json");
  const run_stats& s = r.result.stats;
  EXPECT_EQ(s.calls(), 40);
  EXPECT_EQ(s.codes().at(status_echo_ok), 30);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::closed)], 2);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::bad_response)], 1);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::timeout)], 3);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::refused)], 2);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::connect_timeout)], 1);
  EXPECT_EQ(s.transport_counts[static_cast<std::size_t>(transport_error::none)], 1);
  EXPECT_EQ(s.bytes_sent, 960);
  EXPECT_EQ(s.bytes_received, 720);
  EXPECT_EQ(r.result.endpoint, "127.0.0.1:8078");
  run_options o = r.options;
  o.level = log_level::warning;
  const std::string text = format_report(o, r.result);
  for (const std::string line :
       {"Sockets used: 9 (for perfect no error run, would be 2)\n", "Total Bytes sent: 960, received: 720\n",
        "tcp OK : 30 (75.0 %)\n", "tcp short read : 2 (5.0 %)\n", "tcp read not echoing writes : 1 (2.5 %)\n",
        "tcp read tcp 127.0.0.1:8078: i/o timeout : 3 (7.5 %)\n",
        "tcp dial tcp 127.0.0.1:8078: connect: connection refused : 2 (5.0 %)\n",
        "tcp dial tcp 127.0.0.1:8078: i/o timeout : 1 (2.5 %)\n", "tcp error : 1 (2.5 %)\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
}

// Fortio's gRPC JSON says nothing of its connections: no "Protocol : h2 0 connections" line.
TEST(result_reader, fortio_grpc_json_has_no_protocol_line) {
  const std::string fortio = R"({"RunType": "GRPC Ping", "RequestedQPS": "max", "NumThreads": 2, "Exactly": 20,
  "ActualDuration": 2270217, "RetCodes": {"SERVING": 20}, "Destination": "127.0.0.1:8079", "Streams": 1, "Ping": true})";
  saved_result r = read_result(fortio, "grpc.json");
  r.options.level = log_level::info;
  const std::string text = format_report(r.options, r.result);
  EXPECT_NE(text.find("Ping SERVING : 20\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Protocol :"), std::string::npos) << text;
  EXPECT_EQ(text.find("Service time"), std::string::npos) << text;
}

}  // namespace
}  // namespace loadgen
