#include "loadgen/report/report_json.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "golden.hpp"
#include "report_fixtures.hpp"

namespace loadgen {
namespace {

using testing::expect_golden;

// The text of one top-level field's value, e.g. field_text(json, "RetCodes") -> "{\n    \"200\": 22, ...}".
std::string field_text(const std::string& json, const std::string& key) {
  const std::string marker = "\n  \"" + key + "\": ";
  const std::size_t at = json.find(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  std::size_t end = json.find("\n  \"", start);
  if (end == std::string::npos) end = json.rfind("\n}");
  std::string value = json.substr(start, end - start);
  if (!value.empty() && value.back() == ',') value.pop_back();
  return value;
}

// The top-level keys, in order.
std::vector<std::string> top_level_keys(const std::string& json) {
  std::vector<std::string> out;
  const std::regex key_re("\n  \"([A-Za-z0-9]+)\": ");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), key_re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// ---- golden files ------------------------------------------------------------------------------

TEST(report_json, golden_c3_n30) {
  const run_options o = testing::c3_n30_options();
  expect_golden("report_c3_n30.json", format_json(o, testing::c3_n30_result(o)));
}

TEST(report_json, golden_qps_info) {
  const run_options o = testing::qps_info_options();
  expect_golden("report_qps_info.json", format_json(o, testing::qps_info_result(o)));
}

TEST(report_json, golden_envoy_behind) {
  const run_options o = testing::envoy_behind_options();
  expect_golden("report_envoy_behind.json", format_json(o, testing::envoy_behind_result(o)));
}

TEST(report_json, golden_refused) {
  const run_options o = testing::refused_options();
  expect_golden("report_refused.json", format_json(o, testing::refused_result(o)));
}

// ---- schema --------------------------------------------------------------------------------------

TEST(report_json, fortio_fields_in_fortio_order_then_ours) {
  const run_options o = testing::c3_n30_options();
  const std::vector<std::string> expected{
      "RunType", "Labels", "StartTime", "RequestedQPS", "RequestedDuration", "ActualQPS", "ActualDuration",
      "NumThreads", "Version", "DurationHistogram", "ErrorsDurationHistogram", "Exactly", "Jitter", "Uniform",
      "NoCatchUp", "RunID", "AccessLoggerInfo", "ID", "RetCodes", "IPCountMap", "Insecure", "MTLS", "CACert", "Cert",
      "Key", "UnixDomainSocket", "URL", "NumConnections", "Compression", "DisableFastClient", "HTTP10", "H2",
      "DisableKeepAlive", "AllowHalfClose", "FollowRedirects", "Resolve", "HTTPReqTimeOut", "UserCredentials",
      "ContentType", "Payload", "MethodOverride", "LogErrors", "SequentialWarmup", "ConnReuseRange",
      "NoResolveEachConn", "Offset", "Resolution", "Sizes", "HeaderSizes", "Sockets", "SocketCount",
      "ConnectionStats", "AbortOn",
      // loadgen's own
      "LatencyFrom", "ServiceTimeHistogram", "DispatchLagHistogram", "GeneratorLagHistogram",
      "WaitedForConnection", "TransportErrors", "EnvoyOverloaded", "EnvoyReasons",
      "UpstreamServiceTimeHistogram", "LatencyByCode", "Skipped", "Interrupted", "Aborted",
      "TLSHandshakeHistogram", "TLSResumed", "FailureDetail", "TimeSeries", "Exact"};
  EXPECT_EQ(top_level_keys(format_json(o, testing::c3_n30_result(o))), expected);
}

TEST(report_json, fortio_values_of_the_c3_n30_sample) {
  const run_options o = testing::c3_n30_options();
  const std::string json = format_json(o, testing::c3_n30_result(o));
  EXPECT_EQ(field_text(json, "RunType"), "\"HTTP\"");
  EXPECT_EQ(field_text(json, "Labels"), "\"127.0.0.1:18080/echo?status=503:25 , vm\"");
  EXPECT_EQ(field_text(json, "StartTime"), "\"2026-11-22T08:40:06.521184739Z\"");
  EXPECT_EQ(field_text(json, "RequestedQPS"), "\"max\"");
  EXPECT_EQ(field_text(json, "RequestedDuration"), "\"exactly 30 calls\"");
  EXPECT_EQ(field_text(json, "ActualQPS"), "5584.265921254032");  // Fortio's figure for the same duration
  EXPECT_EQ(field_text(json, "ActualDuration"), "5372237");
  EXPECT_EQ(field_text(json, "ID"), "\"2026-11-22-084006_127_0_0_1_18080_echo_status_503_25_vm\"");
  EXPECT_EQ(field_text(json, "RetCodes"), "{\n    \"200\": 22,\n    \"503\": 8\n  }");
  EXPECT_EQ(field_text(json, "IPCountMap"), "{\n    \"127.0.0.1:18080\": 11\n  }");
  EXPECT_EQ(field_text(json, "URL"), "\"http://127.0.0.1:18080/echo?status=503:25\"");
  EXPECT_EQ(field_text(json, "HTTPReqTimeOut"), "3000000000");
  EXPECT_EQ(field_text(json, "Payload"), "\"\"");
  EXPECT_EQ(field_text(json, "ConnReuseRange"), "[\n    0,\n    0\n  ]");
  EXPECT_EQ(field_text(json, "Resolution"), "0.001");
  EXPECT_EQ(field_text(json, "Sockets"), "[\n    2,\n    5,\n    4\n  ]");
  EXPECT_EQ(field_text(json, "SocketCount"), "11");
  EXPECT_EQ(field_text(json, "LatencyFrom"), "\"due\"");
  EXPECT_EQ(field_text(json, "TransportErrors"), "{}");
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(json.substr(json.size() - 3), "\n}\n");
}

TEST(report_json, sizes_have_no_percentiles_latencies_do) {
  const run_options o = testing::c3_n30_options();
  const std::string json = format_json(o, testing::c3_n30_result(o));
  EXPECT_EQ(field_text(json, "Sizes").find("Percentiles"), std::string::npos);
  EXPECT_EQ(field_text(json, "HeaderSizes").find("Percentiles"), std::string::npos);
  EXPECT_NE(field_text(json, "DurationHistogram").find("\"Percentiles\": ["), std::string::npos);
  EXPECT_NE(field_text(json, "ErrorsDurationHistogram").find("\"Percentiles\": ["), std::string::npos);
  EXPECT_NE(field_text(json, "ConnectionStats").find("\"Percentiles\": ["), std::string::npos);
}

TEST(report_json, empty_histogram_as_fortio_prints_it) {
  const run_options o = testing::qps_info_options();
  const std::string json = format_json(o, testing::qps_info_result(o));
  EXPECT_EQ(field_text(json, "ErrorsDurationHistogram"),
            "{\n    \"Count\": 0,\n    \"Min\": 0,\n    \"Max\": 0,\n    \"Sum\": 0,\n    \"Avg\": 0,\n"
            "    \"StdDev\": 0,\n    \"Data\": null\n  }");
}

TEST(report_json, ret_codes_add_up_to_the_calls) {
  const run_options o = testing::envoy_behind_options();
  const run_result r = testing::envoy_behind_result(o);
  const std::string codes = field_text(format_json(o, r), "RetCodes");
  EXPECT_EQ(codes, "{\n    \"-1\": 6,\n    \"200\": 129,\n    \"503\": 65\n  }");
  std::int64_t sum = 0;
  const std::regex count_re(": ([0-9]+)");
  for (auto it = std::sregex_iterator(codes.begin(), codes.end(), count_re); it != std::sregex_iterator(); ++it)
    sum += std::stoll((*it)[1]);
  EXPECT_EQ(sum, r.stats.calls());
}

TEST(report_json, options_and_loadgen_fields) {
  const run_options o = testing::envoy_behind_options();
  const std::string json = format_json(o, testing::envoy_behind_result(o));
  EXPECT_EQ(field_text(json, "URL"), "\"http://svc.default:8080/api?x=1\\u0026y=\\u003c2\\u003e\"");
  EXPECT_EQ(field_text(json, "RequestedQPS"), "\"1000\"");
  EXPECT_EQ(field_text(json, "RequestedDuration"), "\"5s\"");
  EXPECT_EQ(field_text(json, "Exactly"), "0");
  EXPECT_EQ(field_text(json, "NoCatchUp"), "true");
  EXPECT_EQ(field_text(json, "Payload"), "\"Zm9v\"");
  EXPECT_EQ(field_text(json, "ContentType"), "\"application/json\"");
  EXPECT_EQ(field_text(json, "HTTPReqTimeOut"), "1500000000");
  EXPECT_EQ(field_text(json, "ConnReuseRange"), "[\n    10,\n    20\n  ]");
  EXPECT_EQ(field_text(json, "IPCountMap"), "{\n    \"10.0.0.7:8080\": 2,\n    \"10.0.0.8:8080\": 3\n  }");
  EXPECT_EQ(field_text(json, "TransportErrors"), "{\n    \"reset\": 4,\n    \"timeout\": 2\n  }");
  EXPECT_EQ(field_text(json, "EnvoyOverloaded"), "34");
  EXPECT_EQ(field_text(json, "Skipped"), "7");
  EXPECT_EQ(field_text(json, "WaitedForConnection"), "20");  // every 10th call of 200
  EXPECT_EQ(field_text(json, "Interrupted"), "false");
  EXPECT_EQ(field_text(json, "Aborted"), "false");
  const std::string by_code = field_text(json, "LatencyByCode");
  const std::size_t m1 = by_code.find("\n    \"-1\": {");
  const std::size_t c200 = by_code.find("\n    \"200\": {");
  const std::size_t c503 = by_code.find("\n    \"503\": {");
  ASSERT_NE(m1, std::string::npos);
  ASSERT_NE(c200, std::string::npos);
  ASSERT_NE(c503, std::string::npos);
  EXPECT_LT(m1, c200);
  EXPECT_LT(c200, c503);
}

TEST(report_json, user_credentials_are_never_written) {
  run_options o = testing::options_for("http://user:s3cret@example.com:8080/x");
  o.calls = 1;
  o.qps = 0;
  run_result r = testing::result_for(o, 1, 1);
  const std::string json = format_json(o, r);
  EXPECT_EQ(field_text(json, "UserCredentials"), "\"\"");
  EXPECT_EQ(json.find("s3cret"), std::string::npos);
  EXPECT_EQ(field_text(json, "URL"), "\"http://example.com:8080/x\"");
  EXPECT_EQ(field_text(json, "Labels"), "\"example.com:8080/x , vm\"");
}

// What the run used, not constants: -runid, -k, -cacert, -cert/-key (mutual TLS), -L.
TEST(report_json, tls_redirect_and_run_id_fields_follow_the_flags) {
  run_options o = testing::options_for("https://svc.example:8443/x");
  const run_result r = testing::result_for(o, 1, 1);
  std::string json = format_json(o, r);
  EXPECT_EQ(field_text(json, "RunID"), "0");
  EXPECT_EQ(field_text(json, "Insecure"), "false");
  EXPECT_EQ(field_text(json, "MTLS"), "false");
  EXPECT_EQ(field_text(json, "CACert"), "\"\"");
  EXPECT_EQ(field_text(json, "Cert"), "\"\"");
  EXPECT_EQ(field_text(json, "Key"), "\"\"");
  EXPECT_EQ(field_text(json, "FollowRedirects"), "false");
  EXPECT_EQ(field_text(json, "ID"), "\"2026-11-22-084006_svc_example_8443_x_vm\"");

  o.run_id = 9'000'000'000;  // an int64, as Fortio's -runid
  o.insecure = true;
  o.ca_cert = "/etc/certs/ca.pem";
  o.cert = "/etc/certs/client.pem";
  o.key = "/etc/certs/client-key.pem";
  o.follow_redirects = true;
  json = format_json(o, r);
  EXPECT_EQ(field_text(json, "RunID"), "9000000000");
  EXPECT_EQ(field_text(json, "Insecure"), "true");
  EXPECT_EQ(field_text(json, "MTLS"), "true");  // a client certificate and key: mutual TLS
  EXPECT_EQ(field_text(json, "CACert"), "\"/etc/certs/ca.pem\"");
  EXPECT_EQ(field_text(json, "Cert"), "\"/etc/certs/client.pem\"");
  EXPECT_EQ(field_text(json, "Key"), "\"/etc/certs/client-key.pem\"");
  EXPECT_EQ(field_text(json, "FollowRedirects"), "true");
  EXPECT_EQ(field_text(json, "UserCredentials"), "\"\"");  // deliberately, whatever the flags
  // Fortio puts a non-zero run id into the ID, after the date.
  EXPECT_EQ(field_text(json, "ID"), "\"2026-11-22-084006_9000000000_svc_example_8443_x_vm\"");
  EXPECT_EQ(run_id(o, r), "2026-11-22-084006_9000000000_svc_example_8443_x_vm");

  // A certificate without a key (or the reverse) is not mutual TLS.
  o.key.clear();
  EXPECT_EQ(field_text(format_json(o, r), "MTLS"), "false");
  o.labels = "!!!";  // labels that collapse to nothing: the ID is the date and the run id
  EXPECT_EQ(run_id(o, r), "2026-11-22-084006_9000000000");
}

TEST(report_json, access_logger_info_as_fortio) {
  run_options o = testing::options_for("http://h/");
  const run_result r = testing::result_for(o, 1, 1);
  EXPECT_EQ(field_text(format_json(o, r), "AccessLoggerInfo"), "\"\"");
  o.access_log_path = "access.json";
  EXPECT_EQ(field_text(format_json(o, r), "AccessLoggerInfo"), "\"mode json to access.json\"");
  o.access_log = access_log_format::influx;
  EXPECT_EQ(field_text(format_json(o, r), "AccessLoggerInfo"), "\"mode influx to access.json\"");
}

TEST(report_json, requested_qps_and_duration_forms) {
  run_options o = testing::options_for("https://h/");
  run_result r = testing::result_for(o, 1, 1);
  o.qps = 1.0 / 3;
  o.duration = 90 * ns_per_s;
  std::string json = format_json(o, r);
  EXPECT_EQ(field_text(json, "RequestedQPS"), "\"0.333333333\"");
  EXPECT_EQ(field_text(json, "RequestedDuration"), "\"1m30s\"");
  EXPECT_EQ(field_text(json, "Labels"), "\"h/ , vm\"");

  o.duration = 0;
  EXPECT_EQ(field_text(format_json(o, r), "RequestedDuration"), "\"until stop\"");
  o.qps = 0;
  json = format_json(o, r);
  EXPECT_EQ(field_text(json, "RequestedQPS"), "\"max\"");
  EXPECT_EQ(field_text(json, "RequestedDuration"), "\"until stop\"");

  o.calls = 100;
  for (int i = 0; i < 42; ++i) r.stats.record(testing::make_call(200, 0, 0, 1000, 10, 10));
  r.interrupted = true;
  json = format_json(o, r);
  EXPECT_EQ(field_text(json, "RequestedDuration"), "\"exactly 100 calls, interrupted after 42\"");
  EXPECT_EQ(field_text(json, "Interrupted"), "true");
  EXPECT_EQ(field_text(json, "Exactly"), "100");
}

TEST(report_json, start_time_rfc3339_nano_with_local_offset) {
  run_options o = testing::options_for("http://h/");
  run_result r = testing::result_for(o, 1, 1);
  r.start_unix_ns = 1647729263'279389000;  // 2022-03-19T22:34:23.279389Z
  r.utc_offset_seconds = -7 * 3600;
  std::string json = format_json(o, r);
  EXPECT_EQ(field_text(json, "StartTime"), "\"2022-03-19T15:34:23.279389-07:00\"");
  EXPECT_EQ(run_id(o, r), "2022-03-19-153423_h_vm");

  r.utc_offset_seconds = 5 * 3600 + 30 * 60;
  r.start_unix_ns = 1647729263'000000000;  // whole second: no fraction
  EXPECT_EQ(field_text(format_json(o, r), "StartTime"), "\"2022-03-20T04:04:23+05:30\"");

  r.utc_offset_seconds = 0;
  r.start_unix_ns = 951'782'400'100000000;  // 2000-02-29T00:00:00.1Z (leap day)
  EXPECT_EQ(field_text(format_json(o, r), "StartTime"), "\"2000-02-29T00:00:00.1Z\"");
  EXPECT_EQ(run_id(o, r), "2000-02-29-000000_h_vm");

  r.start_unix_ns = -1;  // 1969-12-31T23:59:59.999999999Z
  EXPECT_EQ(field_text(format_json(o, r), "StartTime"), "\"1969-12-31T23:59:59.999999999Z\"");
}

TEST(report_json, run_id_collapses_and_cuts) {
  run_options o = testing::options_for("http://h/");
  const run_result r = testing::result_for(o, 1, 1);
  o.labels = "--a  b!!c__";
  EXPECT_EQ(run_id(o, r), "2026-11-22-084006_a_b_c");
  o.labels = "Φορτίο x";
  EXPECT_EQ(run_id(o, r), "2026-11-22-084006_x");
  o.labels = "!!!";
  EXPECT_EQ(run_id(o, r), "2026-11-22-084006");
  o.labels = std::string(100, 'z');
  const std::string id = run_id(o, r);
  EXPECT_EQ(id.size(), 96u);
  EXPECT_EQ(id, "2026-11-22-084006_" + std::string(96 - 18, 'z'));
  EXPECT_EQ(field_text(format_json(o, r), "Labels"), "\"" + o.labels + "\"");
}

TEST(report_json, auto_save_path_joins_as_go_does) {
  EXPECT_EQ(auto_save_path(".", "2026-11-29-095942_7_ci_run_1_A"), "2026-11-29-095942_7_ci_run_1_A.json");
  EXPECT_EQ(auto_save_path("", "x"), "x.json");
  EXPECT_EQ(auto_save_path("dd", "x"), "dd/x.json");
  EXPECT_EQ(auto_save_path("/var/lib/fortio/", "x"), "/var/lib/fortio/x.json");
  EXPECT_EQ(auto_save_path("/", "x"), "/x.json");
}

TEST(report_json, default_labels) {
  run_options o = testing::options_for("example.com:8080/p?q=1");
  EXPECT_EQ(default_labels(o, "host-1"), "example.com:8080/p?q=1 , host-1");
  o = testing::options_for("https://example.com/");
  EXPECT_EQ(default_labels(o, "vm"), "example.com/ , vm");
}

}  // namespace
}  // namespace loadgen
