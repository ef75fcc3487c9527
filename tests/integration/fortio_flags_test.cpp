// Fortio `load` flags seen in real scripts: -curl (Istio how-tos run `fortio load -curl URL`),
// -calc-qps and -gomaxprocs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "process.hpp"

namespace loadgen::test {
namespace {

class fortio_flags : public with_shared_server<fortio_flags> {};

TEST_F(fortio_flags, load_curl_makes_one_request_as_curl_does) {
  const auto r = run({loadgen_binary(), "load", "-curl", "-qps", "5", "-c", "3", url("/echo?size=5")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), 5u) << r.out;  // the body on stdout, as `loadgen curl`
  EXPECT_EQ(r.err.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find("All done"), std::string::npos) << r.err;  // no load run
  const auto failed = run({loadgen_binary(), "load", "-curl", url("/echo?status=503")});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("error status 503"), std::string::npos) << failed.err;
}

TEST_F(fortio_flags, curl_stdout_headers_puts_the_head_before_the_body) {
  const auto r = run({loadgen_binary(), "curl", "-curl-stdout-headers", url("/echo?size=5")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.out;
  EXPECT_EQ(r.out.size() - r.out.find("\r\n\r\n") - 4, 5u) << r.out;  // then the 5-byte body
  EXPECT_EQ(r.err.find("HTTP/1.1"), std::string::npos) << r.err;
  const auto load = run({loadgen_binary(), "load", "-curl", "-curl-stdout-headers", url("/echo?size=3")});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(load.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << load.out;
}

TEST_F(fortio_flags, logger_flags_shape_the_log_lines) {
  // -http-port is a server flag: load ignores it with a warning, a log line to look at.
  const auto json = run({loadgen_binary(), "load", "-logger-json", "-http-port", "1", "-qps", "0", "-n", "1", url("/echo")});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const std::string first = json.err.substr(0, json.err.find('\n'));
  ASSERT_EQ(first.rfind("{\"ts\":", 0), 0u) << json.err;
  const auto line = boost::json::parse(first).as_object();
  EXPECT_EQ(line.at("level").as_string(), "warning");
  EXPECT_EQ(line.at("msg").as_string(), "-http-port is not used by `loadgen load` (Fortio's flag for `loadgen server`): ignored");
  const auto bare = run({loadgen_binary(), "load", "-logger-timestamp=false", "-logger-no-color", "-http-port", "1", "-qps",
                         "0", "-n", "1", url("/echo")});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_EQ(bare.err.rfind("W -http-port is not used", 0), 0u) << bare.err;
  const auto forced = run({loadgen_binary(), "load", "-logger-force-color", "-http-port", "1", "-qps", "0", "-n", "1", url("/echo")});
  EXPECT_NE(forced.err.find("\x1b["), std::string::npos) << forced.err;  // colour although stderr is a pipe
}

TEST_F(fortio_flags, calc_qps_spreads_n_calls_over_t) {
  const auto r = run({loadgen_binary(), "load", "-calc-qps", "-n", "6", "-t", "3s", "-c", "1", "-loglevel", "Warning",
                      "-json", "-", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("RequestedQPS").as_string(), "2");
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 6);
  EXPECT_NEAR(doc.at("ActualQPS").to_number<double>(), 2.0, 0.05);  // 6 calls due over 3 s
  EXPECT_NE(r.err.find("running at 2 queries per second"), std::string::npos) << r.err;
}

TEST_F(fortio_flags, gomaxprocs_sets_the_threads) {
  const auto r = run({loadgen_binary(), "load", "-gomaxprocs", "1", "-c", "4", "-qps", "0", "-n", "8", "-loglevel",
                      "Warning", "-json", "-", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("->1 procs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("with 4 thread(s) [gomax 1]"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loadgen::test
