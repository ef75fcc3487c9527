// `loadgen server` driven by independent clients (curl(1) and wrk from Debian) and by
// `loadgen load`: every echo parameter, the 400s, the limits, and the circuit breaker.
#include <gtest/gtest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <regex>
#include <thread>

#include "process.hpp"

namespace loadgen::test {
namespace {

class server_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() { server_ = start_server(&port_, {"-maxpayloadsizekb", "64"}).release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  static process_result curl(std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/curl", "-s", "-S", "--max-time", "10"});
    return run(args);
  }
  static int code_count(const std::string& report, int code) {
    std::smatch m;
    const std::regex re("Code " + std::string(code < 100 ? " " : "") + std::to_string(code) + " : ([0-9]+) ");
    return std::regex_search(report, m, re) ? std::stoi(m[1]) : 0;
  }
  static background_process* server_;
  static int port_;
};
background_process* server_test::server_ = nullptr;
int server_test::port_ = 0;

TEST_F(server_test, status_and_headers) {
  const auto r = curl({"-i", url("/echo?status=418&header=X-Test:abc&header=X-Other:two%20words")});
  EXPECT_EQ(r.out.rfind("HTTP/1.1 418 ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("X-Test: abc\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("X-Other: two words\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Date: "), std::string::npos);
}

TEST_F(server_test, post_body_and_content_type_are_echoed) {
  const auto r = curl({"-i", "-H", "Content-Type: application/json", "--data-binary", "{\"a\":1}", url("/any/path")});
  EXPECT_NE(r.out.find("Content-Type: application/json\r\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 7), "{\"a\":1}");
}

TEST_F(server_test, size_gives_that_many_bytes_capped) {
  EXPECT_EQ(curl({url("/echo?size=1000")}).out.size(), 1000u);
  EXPECT_EQ(curl({url("/echo?size=1000000")}).out.size(), 64u * 1024);  // -maxpayloadsizekb 64
  const auto head = curl({"-i", url("/echo?size=10")});
  EXPECT_NE(head.out.find("Content-Type: application/octet-stream"), std::string::npos);
}

TEST_F(server_test, delay_holds_the_answer) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = curl({"-o", "/dev/null", "-w", "%{http_code}", url("/echo?delay=250ms")});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.out, "200");
  EXPECT_GE(took, std::chrono::milliseconds(250));
}

TEST_F(server_test, close_and_gzip) {
  EXPECT_NE(curl({"-i", url("/echo?close=true")}).out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(curl({"-i", url("/echo?close=0")}).out.find("Connection: close"), std::string::npos);
  const auto gz = curl({"-i", "--compressed", "--data-binary", "hello hello hello hello", url("/echo?gzip=true")});
  EXPECT_NE(gz.out.find("Content-Encoding: gzip\r\n"), std::string::npos) << gz.out;
  EXPECT_EQ(gz.out.substr(gz.out.size() - 23), "hello hello hello hello");  // curl decompressed it
  const auto plain = curl({"-i", "--data-binary", "x", url("/echo?gzip=true")});  // no Accept-Encoding
  EXPECT_EQ(plain.out.find("Content-Encoding"), std::string::npos);
}

TEST_F(server_test, bad_parameters_are_400_with_a_message) {
  for (const char* q : {"status=abc", "status=503:60,429:50", "delay=soon", "size=-1", "header=nocolon", "close=maybe"}) {
    const auto r = curl({"-i", url(std::string("/echo?") + q)});
    EXPECT_EQ(r.out.rfind("HTTP/1.1 400 ", 0), 0u) << q << r.out;
    EXPECT_NE(r.out.find("bad "), std::string::npos) << q;
  }
}

TEST_F(server_test, oversized_request_is_refused) {
  const std::string big(70 * 1024, 'x');
  const auto r = curl({"-i", "--data-binary", big, url("/echo")});
  EXPECT_EQ(r.out.rfind("HTTP/1.1 413 ", 0), 0u) << r.out.substr(0, 200);
}

TEST_F(server_test, debug_page_describes_the_request) {
  const auto r = curl({"-H", "X-Hello: there", url("/debug?x=1")});
  EXPECT_NE(r.out.find("echo debug server up for"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GET /debug?x=1 HTTP/1.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Host: 127.0.0.1:" + std::to_string(port_)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("X-Hello: there"), std::string::npos) << r.out;
}

TEST_F(server_test, status_distribution_within_tolerance) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "8", "-n", "4000", "-loglevel", "Warning",
                      url("/echo?status=503:25,429:10")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int c503 = code_count(r.err, 503), c429 = code_count(r.err, 429), c200 = code_count(r.err, 200);
  EXPECT_EQ(c503 + c429 + c200, 4000) << r.err;
  EXPECT_NEAR(c503 / 4000.0, 0.25, 0.03) << r.err;  // binomial sd ~0.7%
  EXPECT_NEAR(c429 / 4000.0, 0.10, 0.03) << r.err;
  // Keep-alive is kept on non-2xx: 8 sockets for 4000 calls.
  EXPECT_NE(r.err.find("Sockets used: 8 (for perfect keepalive, would be 8)"), std::string::npos) << r.err;
}

TEST_F(server_test, delay_distribution_within_tolerance) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "50", "-n", "500", "-quiet", "-json", "-",
                      url("/echo?delay=40ms:20")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  // Calls of 40 ms and more: about 20% of 500.
  std::int64_t slow = 0;
  for (const auto& b : doc.at("DurationHistogram").at("Data").as_array())
    if (b.at("Start").to_number<double>() >= 0.035) slow += b.at("Count").as_int64();
  EXPECT_NEAR(static_cast<double>(slow) / 500, 0.20, 0.07) << r.out.substr(0, 2000);
}

TEST_F(server_test, wrk_drives_it_without_errors) {
  const auto r = run({"/usr/bin/wrk", "-t", "1", "-c", "16", "-d", "1s", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("Socket errors"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Non-2xx"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("([0-9]+) requests in"))) << r.out;
  EXPECT_GT(std::stoi(m[1]), 100);
}

TEST(server, port_in_use_is_one_line_exit_1) {
  int port = 0;
  auto first = start_server(&port);
  const auto r = run({loadgen_binary(), "server", "-http-port", "127.0.0.1:" + std::to_string(port), "-redirect-port",
                      "disabled", "-grpc-port", "disabled"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "loadgen server: -http-port 127.0.0.1:" + std::to_string(port) + ": address already in use\n");
  const auto bad = run({loadgen_binary(), "server", "-http-port", "nope", "-redirect-port", "disabled"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST(server, sigterm_stops_gracefully_with_a_count) {
  int port = 0;
  auto server = start_server(&port);
  run({loadgen_binary(), "load", "-qps", "0", "-n", "7", "-c", "1", "-quiet", "http://127.0.0.1:" + std::to_string(port) + "/"});
  server->signal(SIGTERM);
  const auto r = server->wait(std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("served 7 requests"), std::string::npos) << r.err;
}

// The circuit breaker: at most 1 request served and 1 waiting.
class breaker_test : public ::testing::Test {
protected:
  void SetUp() override { server_ = start_server(&port_, {"-max-active", "1", "-max-pending", "1"}); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Stops the server and returns its shed count.
  int stop_and_count_shed() {
    server_->signal(SIGINT);
    const auto r = server_->wait(std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.err, m, std::regex("Circuit breaker: shed ([0-9]+) of ([0-9]+) requests"))) << r.err;
    return m.empty() ? -1 : std::stoi(m[1]);
  }
  std::unique_ptr<background_process> server_;
  int port_ = 0;
};

TEST_F(breaker_test, one_connection_is_never_shed) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "1", "-n", "20", "-loglevel", "Warning",
                      url("/echo?delay=5ms")});
  EXPECT_NE(r.err.find("Code 200 : 20 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_EQ(stop_and_count_shed(), 0);
}

TEST_F(breaker_test, over_the_limits_sheds_like_envoy_and_counts_match) {
  // The Istio circuit-breaking task's command: 3 connections against 1 active + 1 pending.
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "3", "-n", "30", "-loglevel", "Warning",
                      "-json", "-", url("/echo?delay=20ms")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  const auto& codes = doc.at("RetCodes").as_object();
  const std::int64_t shed_seen = codes.contains("503") ? codes.at("503").as_int64() : 0;
  const std::int64_t ok = codes.contains("200") ? codes.at("200").as_int64() : 0;
  EXPECT_EQ(shed_seen + ok, 30);
  EXPECT_GT(shed_seen, 0) << r.err;
  EXPECT_EQ(doc.at("EnvoyOverloaded").as_int64(), shed_seen);  // every 503 carried x-envoy-overloaded
  EXPECT_NE(r.err.find("carried x-envoy-overloaded"), std::string::npos) << r.err;
  EXPECT_EQ(stop_and_count_shed(), shed_seen);
}

TEST_F(breaker_test, shed_answer_is_envoys) {
  // Hold the one active slot and the one pending slot, then ask a third time.
  background_process a({"/usr/bin/curl", "-s", url("/echo?delay=1s")});
  background_process b({"/usr/bin/curl", "-s", url("/echo?delay=1s")});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto r = run({"/usr/bin/curl", "-s", "-i", url("/echo")});
  EXPECT_EQ(r.out.rfind("HTTP/1.1 503 ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("x-envoy-overloaded: true\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("upstream connect error or disconnect/reset before headers. reset reason: overflow"),
            std::string::npos);
  EXPECT_EQ(a.wait().out, "");
  EXPECT_EQ(b.wait().out, "");
  EXPECT_EQ(stop_and_count_shed(), 1);
}

}  // namespace
}  // namespace loadgen::test
