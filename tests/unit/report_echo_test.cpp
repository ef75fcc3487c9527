// The reports of a TCP/UDP echo run: Fortio's tcprunner/udprunner lines and JSON result in place
// of the HTTP ones.
#include <gtest/gtest.h>

#include <string>

#include "loadgen/core/echo.hpp"
#include "loadgen/report/live_stats.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "report_fixtures.hpp"

namespace loadgen {
namespace {

// -c 2 -qps 0 -n 10 tcp://127.0.0.1:8078: 7 echoes, 2 short reads (one closed, one reset), one
// refused connect; 2 + 2 sockets; 24-byte payloads.
run_result echo_result(const run_options& o) {
  run_result r = testing::result_for(o, 2, 2);
  r.elapsed = 2 * ns_per_ms;
  r.endpoint = "127.0.0.1:8078";
  nanos t = 0;
  for (int i = 0; i < 7; ++i) r.stats.record(testing::make_call(status_echo_ok, t += 10'000, 0, 50'000, 0, 24));
  r.stats.record(testing::make_call(status_transport_error, t += 10'000, 0, 60'000, 0, 0, transport_error::closed));
  r.stats.record(testing::make_call(status_transport_error, t += 10'000, 0, 60'000, 0, 12, transport_error::reset));
  r.stats.record(testing::make_call(status_transport_error, t += 10'000, 0, 30'000, 0, 0, transport_error::refused));
  for (int i = 0; i < 4; ++i) r.stats.record_connect(i % 2, "127.0.0.1:8078", 20'000);
  r.stats.record_bytes(9 * 24, 7 * 24 + 12);
  return r;
}

run_options echo_options(const std::string& url) {
  run_options o = testing::options_for(url);
  o.connections = 2;
  o.qps = 0;
  o.calls = 10;
  o.level = log_level::warning;
  return o;
}

TEST(report_echo, fortios_tcp_lines_in_place_of_the_http_ones) {
  const run_options o = echo_options("tcp://127.0.0.1:8078");
  const std::string text = format_report(o, echo_result(o));
  const std::string expected =
      "Sockets used: 4 (for perfect no error run, would be 2)\n"
      "Total Bytes sent: 216, received: 180\n"
      "tcp OK : 7 (70.0 %)\n"
      "tcp dial tcp 127.0.0.1:8078: connect: connection refused : 1 (10.0 %)\n"
      "tcp short read : 2 (20.0 %)\n";
  EXPECT_NE(text.find("Error cases : count 3 "), std::string::npos) << text;
  EXPECT_NE(text.find(expected), std::string::npos) << text;
  EXPECT_EQ(text.find("Code "), std::string::npos) << text;
  EXPECT_EQ(text.find("Response Header Sizes"), std::string::npos) << text;
  EXPECT_EQ(text.find("Transport errors"), std::string::npos) << text;  // the tcp lines name them
  EXPECT_NE(text.find("Latency for OK : count 7 "), std::string::npos) << text;
  EXPECT_NE(text.find("All done 10 calls (plus 0 warmup)"), std::string::npos) << text;
  EXPECT_EQ(format_banner(o, 2, 2).substr(format_banner(o, 2, 2).find("for 10 calls")),
            "for 10 calls: tcp://127.0.0.1:8078\n");
}

TEST(report_echo, udp_lines_say_udp) {
  const run_options o = echo_options("udp://127.0.0.1:8078");
  const std::string text = format_report(o, echo_result(o));
  EXPECT_NE(text.find("\nudp OK : 7 (70.0 %)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nudp short read : 2 (20.0 %)\n"), std::string::npos) << text;
}

TEST(report_echo, json_has_fortios_tcp_fields_in_order) {
  const run_options o = echo_options("tcp://127.0.0.1:8078");
  const std::string json = format_json(o, echo_result(o));
  EXPECT_NE(json.find("\"RunType\": \"TCP\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"Labels\": \"tcp://127.0.0.1:8078 , vm\""), std::string::npos) << json;
  const std::string tail =
      "  \"Destination\": \"tcp://127.0.0.1:8078\",\n"
      "  \"Payload\": null,\n"
      "  \"UnixDomainSocket\": \"\",\n"
      "  \"ReqTimeout\": 0,\n"
      "  \"RetCodes\": {\n"
      "    \"OK\": 7,\n"
      "    \"dial tcp 127.0.0.1:8078: connect: connection refused\": 1,\n"
      "    \"short read\": 2\n"
      "  },\n"
      "  \"SocketCount\": 4,\n"
      "  \"BytesSent\": 216,\n"
      "  \"BytesReceived\": 180,\n";
  EXPECT_NE(json.find(tail), std::string::npos) << json;
  EXPECT_LT(json.find("\"ID\": "), json.find("\"Destination\""));
  EXPECT_EQ(json.find("\"URL\""), std::string::npos);  // no HTTP options in a TCP result
  EXPECT_NE(json.find("\"LatencyByCode\": {\n    \"OK\": {"), std::string::npos) << json;
}

TEST(report_echo, udp_json_has_no_unix_socket) {
  const run_options o = echo_options("udp://127.0.0.1:8078");
  const std::string json = format_json(o, echo_result(o));
  EXPECT_NE(json.find("\"RunType\": \"UDP\""), std::string::npos);
  EXPECT_EQ(json.find("UnixDomainSocket"), std::string::npos);
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

// loadgen's own per-status names follow the target: numbers for HTTP, OK / errors for an echo.
TEST(report_echo, live_lines_and_labels_name_outcomes) {
  EXPECT_EQ(status_label(parse_url("tcp://h:1"), status_echo_ok), "OK");
  EXPECT_EQ(status_label(parse_url("udp://h:1"), status_transport_error), "errors");
  EXPECT_EQ(status_label(parse_url("http://h/"), 200), "200");
  time_slice t;
  t.start = 2;
  t.duration = 1;
  t.calls = 10;
  t.qps = 10;
  t.codes = {{status_transport_error, 3}, {status_echo_ok, 7}};
  EXPECT_EQ(format_interval(t, parse_url("tcp://h:1")), "Interval 2.0s-3.0s : 10 calls, 10.0 qps, errors: 3, OK: 7, p50 0 p99 0 max 0");
  EXPECT_EQ(format_interval(t), "Interval 2.0s-3.0s : 10 calls, 10.0 qps, -1: 3, 200: 7, p50 0 p99 0 max 0");
}

}  // namespace
}  // namespace loadgen
