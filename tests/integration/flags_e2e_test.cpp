// End-to-end runs of `loadgen load` for flags that change how calls are made: -nocatchup,
// -unix-socket, -resolve, -http1.0, -X HEAD, -payload-size, -arrival poisson, -ramp, and the
// connect timeout. The real binary against real loopback peers (nginx from Debian, our own
// `loadgen server`, and a listener in the test whose accept queue is full), with exact counts.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "process.hpp"

namespace loadgen::test {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

std::string code_line(int code, std::int64_t n) {
  return "Code " + std::string(code < 0 ? " " : "") + std::to_string(code) + " : " + std::to_string(n) + " (100.0 %)";
}

boost::json::object parse_json(const process_result& r) {
  try {
    return boost::json::parse(r.out).as_object();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "no JSON on stdout (" << e.what() << "): " << r.out << "\n" << r.err;
    return {};
  }
}

double sum_of(const boost::json::object& doc, const char* histogram) {
  return doc.at(histogram).at("Sum").to_number<double>();
}

std::int64_t ret_code_total(const boost::json::object& doc) {
  std::int64_t sum = 0;
  for (const auto& [code, n] : doc.at("RetCodes").as_object()) sum += n.as_int64();
  return sum;
}

process_result load(std::vector<std::string> args, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  args.insert(args.begin(), {loadgen_binary(), "load"});
  return run(args, limit);
}

process_result curl(std::vector<std::string> args) {
  args.insert(args.begin(), {loadgen_binary(), "curl", "-quiet"});
  return run(args, std::chrono::seconds(10));
}

// --- against nginx -------------------------------------------------------------------------

// One nginx for the suite: a TCP port on 127.0.0.1 and a Unix socket on the same default server,
// plus a second server on the port that answers only to the name loadgen-test.invalid.
class nginx_flags : public ::testing::Test {
protected:
  static constexpr const char* named_host = "loadgen-test.invalid";

  static void SetUpTestSuite() {
    dir_ = make_temp_dir("flags");
    port_ = free_port();
    socket_ = dir_ + "/s.sock";
    const std::string p = std::to_string(port_);
    const std::string http =
        "  server {\n"
        "    listen 127.0.0.1:" + p + " default_server;\n"
        "    listen unix:" + socket_ + ";\n"
        "    location = / { return 200 \"ok\\n\"; }\n"
        "    location = /protocol { return 200 \"$server_protocol\\n\"; }\n"
        // 203 only for an HTTP/1.0 request line: counts of 203 prove both the protocol sent and
        // that the status was parsed (Fortio's -http1.0 counts every response as 200).
        "    location = /only-http10 { if ($server_protocol != \"HTTP/1.0\") { return 409; } return 203 \"1.0\\n\"; }\n"
        "    location = /length { return 200 \"$request_method $content_length\\n\"; }\n"
        // Reached only when the Host header is not loadgen-test.invalid.
        "    location = /named { return 421 \"wrong host $http_host\\n\"; }\n"
        "  }\n"
        "  server {\n"
        "    listen 127.0.0.1:" + p + ";\n"
        "    server_name " + named_host + ";\n"
        "    location = /named { return 200 \"$http_host\\n\"; }\n"
        "  }\n";
    nginx_ = start_nginx(dir_, http, {port_}, {socket_}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    remove_tree(dir_);
  }
  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  static inline std::string dir_;
  static inline std::string socket_;
  static inline int port_ = 0;
  static inline background_process* nginx_ = nullptr;
};

TEST_F(nginx_flags, unix_socket_makes_every_call_through_it) {
  // The URL's host and port are not used for the connection: nothing listens on port 1.
  const auto r = load({"-unix-socket", socket_, "-c", "2", "-qps", "0", "-n", "20", "-loglevel", "Warning", "-json", "-",
                       "http://localhost:1/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, code_line(200, 20))) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 2 (for perfect keepalive, would be 2)")) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 20);
  EXPECT_EQ(ret_code_total(doc), 20);
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 20);
  EXPECT_EQ(doc.at("UnixDomainSocket").as_string(), socket_);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 2);
  // The body "ok\n" in each of the 20 responses, after its headers.
  EXPECT_EQ(sum_of(doc, "Sizes") - sum_of(doc, "HeaderSizes"), 60.0);
}

TEST_F(nginx_flags, resolve_connects_to_the_ip_and_sends_the_urls_host) {
  // loadgen-test.invalid does not resolve (.invalid is reserved): -resolve alone makes the run
  // possible (the name is never looked up, so no DNS query leaves the machine), and nginx's
  // second server answers 200 only when the Host header names it.
  const std::string target = "http://" + std::string(named_host) + ":" + std::to_string(port_) + "/named";
  const auto r = load({"-resolve", "127.0.0.1", "-c", "2", "-qps", "0", "-n", "12", "-loglevel", "Warning", "-json", "-",
                       target});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, code_line(200, 12))) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 12);
  EXPECT_EQ(ret_code_total(doc), 12);
  EXPECT_EQ(doc.at("Resolve").as_string(), "127.0.0.1");
  // The Host header itself, with the URL's port, as nginx received it.
  const auto c = curl({"-resolve", "127.0.0.1", target});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, std::string(named_host) + ":" + std::to_string(port_) + "\n");
}

TEST_F(nginx_flags, http10_request_line_and_parsed_status) {
  const auto r = load({"-http1.0", "-c", "2", "-qps", "0", "-n", "10", "-loglevel", "Warning", "-json", "-",
                       url("/only-http10")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, code_line(203, 10))) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("203").as_int64(), 10);
  EXPECT_EQ(ret_code_total(doc), 10);
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 10);
  EXPECT_TRUE(doc.at("HTTP10").as_bool());
  // Without the flag the same location refuses: the 203s above came from HTTP/1.0 request lines.
  const auto v11 = load({"-c", "1", "-qps", "0", "-n", "3", "-loglevel", "Warning", url("/only-http10")});
  EXPECT_TRUE(has_line(v11.err, code_line(409, 3))) << v11.err;
  const auto c = curl({"-http1.0", url("/protocol")});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "HTTP/1.0\n");
}

TEST_F(nginx_flags, head_reads_no_body_and_keeps_the_connection) {
  // nginx answers HEAD / with Content-Length: 3 and no body: a client waiting for those 3 bytes
  // would time out (Code -1) instead of counting 200s on 2 sockets.
  const auto r = load({"-X", "HEAD", "-c", "2", "-qps", "0", "-n", "20", "-timeout", "2s", "-loglevel", "Warning", "-json",
                       "-", url("/")},
                      std::chrono::seconds(20));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, code_line(200, 20))) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 2 (for perfect keepalive, would be 2)")) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 20);
  EXPECT_EQ(ret_code_total(doc), 20);
  EXPECT_EQ(doc.at("MethodOverride").as_string(), "HEAD");
  EXPECT_EQ(doc.at("Sizes").at("Count").as_int64(), 20);
  EXPECT_GT(sum_of(doc, "HeaderSizes"), 0.0);
  EXPECT_EQ(sum_of(doc, "Sizes"), sum_of(doc, "HeaderSizes"));  // headers only
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 2);
  const auto& sockets = doc.at("Sockets").as_array();
  ASSERT_EQ(sockets.size(), 2u);
  for (const auto& s : sockets) EXPECT_EQ(s.as_int64(), 1);
}

TEST_F(nginx_flags, payload_size_sends_that_many_bytes) {
  const auto c = curl({"-payload-size", "1000", url("/length")});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "POST 1000\n");
}

// --- against our own server ----------------------------------------------------------------

class paced_flags : public with_shared_server<paced_flags> {};

TEST_F(paced_flags, payload_size_body_is_echoed) {
  const auto r = load({"-payload-size", "1000", "-c", "2", "-qps", "0", "-n", "6", "-loglevel", "Warning", "-json", "-",
                       url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, code_line(200, 6))) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 6);
  // The server echoes the body: 1000 bytes after the headers of each response.
  EXPECT_EQ(sum_of(doc, "Sizes") - sum_of(doc, "HeaderSizes"), 6000.0);
  EXPECT_EQ(doc.at("Payload").as_string().size(), 1336u);  // base64 of 1000 bytes
  EXPECT_EQ(doc.at("MethodOverride").as_string(), "");
}

TEST_F(paced_flags, nocatchup_with_n_makes_n_calls_and_reports_skipped_slots_apart) {
  // 100 qps on one connection, 20% of the calls stall 50 ms: each stall passes about 4 slots,
  // which -nocatchup skips instead of sending late. -n counts calls made, not slots.
  const auto r = load({"-nocatchup", "-c", "1", "-qps", "100", "-n", "100", "-loglevel", "Warning", "-json", "-",
                       url("/echo?delay=50ms:20")},
                      std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = parse_json(r);
  const std::int64_t skipped = doc.at("Skipped").as_int64();
  EXPECT_GT(skipped, 0) << r.err;
  EXPECT_TRUE(doc.at("NoCatchUp").as_bool());
  EXPECT_EQ(doc.at("Exactly").as_int64(), 100);
  EXPECT_NE(r.err.find("Skipped calls (-nocatchup) : " + std::to_string(skipped) + "\n"), std::string::npos) << r.err;
  // Exactly N calls made (before the fix a skipped slot used up one of the -n calls: 56 of 100).
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 100) << "skipped " << skipped;
  EXPECT_EQ(ret_code_total(doc), 100);
  EXPECT_TRUE(has_line(r.err, code_line(200, 100))) << r.err;
}

TEST_F(paced_flags, nocatchup_with_t_calls_and_skipped_add_up_to_the_schedule) {
  const auto r = load({"-nocatchup", "-c", "1", "-qps", "100", "-t", "2s", "-loglevel", "Warning", "-json", "-",
                       url("/echo?delay=50ms:20")},
                      std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = parse_json(r);
  const std::int64_t skipped = doc.at("Skipped").as_int64();
  const std::int64_t calls = doc.at("DurationHistogram").at("Count").as_int64();
  EXPECT_GT(skipped, 0) << r.err;
  EXPECT_EQ(ret_code_total(doc), calls);
  EXPECT_LT(calls, 200);
  // 200 slots in 2 s at 100 qps: each one was either called or skipped.
  EXPECT_GE(calls + skipped, 190) << calls << " calls, " << skipped << " skipped";
  EXPECT_LE(calls + skipped, 200) << calls << " calls, " << skipped << " skipped";
}

// The per-second slices of the JSON time series.
std::vector<boost::json::object> slices(const boost::json::object& doc) {
  std::vector<boost::json::object> out;
  for (const auto& s : doc.at("TimeSeries").as_array()) out.push_back(s.as_object());
  return out;
}

TEST_F(paced_flags, poisson_arrivals_keep_the_mean_rate_but_vary) {
  const auto r = load({"-arrival", "poisson", "-c", "2", "-qps", "200", "-t", "3s", "-loglevel", "Warning", "-json", "-",
                       url("/echo")},
                      std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = parse_json(r);
  const auto series = slices(doc);
  ASSERT_GE(series.size(), 3u) << r.out;
  std::int64_t calls = 0;
  std::set<std::int64_t> per_slice;
  for (const auto& s : series) calls += s.at("Calls").as_int64();
  for (std::size_t i = 0; i < 3; ++i) per_slice.insert(series[i].at("Calls").as_int64());
  EXPECT_EQ(calls, doc.at("DurationHistogram").at("Count").as_int64());
  // 600 expected, standard deviation about 25.
  EXPECT_GE(calls, 450);
  EXPECT_LE(calls, 750);
  EXPECT_GT(per_slice.size(), 1u) << "three seconds of Poisson arrivals with identical counts";
}

TEST_F(paced_flags, ramp_starts_slow_and_reaches_the_rate) {
  // The rate rises linearly over 2 s: about 50 calls in the first second, 150 in the second, 200
  // in the third.
  const auto r = load({"-ramp", "2s", "-c", "2", "-qps", "200", "-t", "3s", "-loglevel", "Warning", "-json", "-",
                       url("/echo")},
                      std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = parse_json(r);
  const auto series = slices(doc);
  ASSERT_GE(series.size(), 3u) << r.out;
  const auto rate = [](const boost::json::object& s) {
    return s.at("Calls").to_number<double>() / s.at("Duration").to_number<double>();
  };
  const double first = rate(series[0]);
  const double last = rate(series[2]);
  EXPECT_LT(first, 0.6 * last) << first << " vs " << last;
  EXPECT_GT(last, 150.0);
  EXPECT_LT(last, 250.0);
  std::int64_t calls = 0;
  for (const auto& s : series) calls += s.at("Calls").as_int64();
  // 50 + 150 + 200 = 400 scheduled.
  EXPECT_GE(calls, 380);
  EXPECT_LE(calls, 402);
}

// --- connect timeout -------------------------------------------------------------------------

TEST(connect_timeout, is_counted_as_such_and_bounded_by_the_timeout) {
  full_backlog_listener listener;
  const auto started = std::chrono::steady_clock::now();
  const auto r = load({"-n", "3", "-c", "1", "-qps", "0", "-timeout", "300ms", "-loglevel", "Warning", "-json", "-",
                       "http://127.0.0.1:" + std::to_string(listener.port()) + "/"},
                      std::chrono::seconds(20));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(has_line(r.err, code_line(-1, 3))) << r.err;
  EXPECT_NE(r.err.find("Transport errors : connect timeout 3\n"), std::string::npos) << r.err;
  const auto doc = parse_json(r);
  EXPECT_EQ(doc.at("RetCodes").at("-1").as_int64(), 3);
  EXPECT_EQ(doc.at("TransportErrors").at("connect_timeout").as_int64(), 3);
  // Three connects of 300 ms each, one after the other: the run's own duration (the process's
  // start and report, slow under the sanitizers on a busy machine, only get a loose bound).
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_GE(doc.at("ActualDuration").as_int64(), 800'000'000);
  EXPECT_LT(doc.at("ActualDuration").as_int64(), 2'000'000'000);
}

}  // namespace
}  // namespace loadgen::test
