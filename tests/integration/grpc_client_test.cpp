// loadgen's gRPC client (load -grpc) against real servers: loadgen's own gRPC port (always), a
// loadgen echo port that is not gRPC (answers without trailers, with a 503, with a grpc-status
// header, with a cut message: each named), and the real Fortio server when it is next to the
// project. Counts are exact on both sides.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cstdio>
#include <regex>

#include "process.hpp"

namespace loadgen::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct grpc_server {
  std::unique_ptr<background_process> process;
  int grpc = 0, http = 0;
  std::string target() const { return "127.0.0.1:" + std::to_string(grpc); }
  int stop_and_count_served(std::string* err = nullptr) {
    process->signal(SIGTERM);
    const auto r = process->wait();
    if (err) *err = r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.err, m, std::regex("served ([0-9]+) requests"))) << r.err;
    return m.empty() ? -1 : std::stoi(m[1]);
  }
};

grpc_server start_grpc(std::vector<std::string> extra = {}) {
  grpc_server s;
  s.grpc = free_port();
  extra.insert(extra.begin(), {"-grpc-port", "127.0.0.1:" + std::to_string(s.grpc)});
  s.process = start_server(&s.http, extra);
  EXPECT_TRUE(wait_for_port(s.grpc));
  return s;
}

process_result load(std::vector<std::string> args) {
  args.insert(args.begin(), {loadgen_binary(), "load", "-grpc", "-loglevel", "Warning"});
  return run(args, std::chrono::seconds(60));
}

TEST(grpc_client, ping_payload_sizes_and_exact_counts) {
  auto s = start_grpc();
  for (const char* size : {"0", "1024", "1048576"}) {
    const auto r = load({"-ping", "-payload-size", size, "-maxpayloadsizekb", "2048", "-c", "2", "-s", "2", "-qps", "0", "-n",
                         "20", s.target()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.err, "\nJitter: false\nPing SERVING : 20\n")) << size << "\n" << r.err;
    EXPECT_TRUE(has(r.err, "Protocol : h2 2 connections, 2 streams max\n")) << r.err;
    EXPECT_FALSE(has(r.err, "Code ")) << r.err;  // Fortio's gRPC report has no HTTP code lines
  }
  EXPECT_EQ(s.stop_and_count_served(), 60);
}

TEST(grpc_client, health_statuses_by_name) {
  auto s = start_grpc();
  const auto empty = load({"-c", "1", "-qps", "0", "-n", "4", s.target()});
  EXPECT_TRUE(has(empty.err, "\nHealth SERVING : 4\n")) << empty.err;
  const auto down = load({"-healthservice", "ping_down", "-c", "1", "-qps", "0", "-n", "3", s.target()});
  EXPECT_TRUE(has(down.err, "\nHealth NOT_SERVING : 3\n")) << down.err;
  // Fortio prints "Health ERROR : 3" here; loadgen names the gRPC status.
  const auto unknown = load({"-healthservice", "nope", "-c", "1", "-qps", "0", "-n", "3", s.target()});
  EXPECT_TRUE(has(unknown.err, "\nHealth NOT_FOUND : 3\n")) << unknown.err;
  EXPECT_TRUE(has(unknown.err, "Error cases : count 3 ")) << unknown.err;
  EXPECT_EQ(s.stop_and_count_served(), 10);
}

TEST(grpc_client, delay_json_and_the_breaker) {
  auto s = start_grpc({"-max-active", "1", "-max-pending", "1"});
  const auto r = load({"-ping", "-grpc-ping-delay", "300ms", "-c", "1", "-s", "8", "-qps", "0", "-n", "8", "-json", "-",
                       "http://" + s.target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "\nPing SERVING : 2\nPing UNAVAILABLE : 6\n")) << r.err;
  EXPECT_TRUE(has(r.err, "Envoy overflow : 6 of 6 UNAVAILABLE calls carried x-envoy-overloaded")) << r.err;
  const auto json = boost::json::parse(r.out).as_object();
  EXPECT_EQ(json.at("RunType").as_string(), "GRPC Ping Delay=300ms");
  EXPECT_EQ(json.at("RetCodes").at("SERVING").as_int64(), 2);
  EXPECT_EQ(json.at("RetCodes").at("UNAVAILABLE").as_int64(), 6);
  EXPECT_EQ(json.at("Destination").as_string(), s.target());
  EXPECT_EQ(json.at("Streams").as_int64(), 8);
  EXPECT_TRUE(json.at("Ping").as_bool());
  EXPECT_GE(json.at("DurationHistogram").at("Max").to_number<double>(), 0.3);
  std::string err;
  EXPECT_EQ(s.stop_and_count_served(&err), 8);
  EXPECT_TRUE(has(err, "Circuit breaker: shed 6 of 8 requests")) << err;
}

// A gRPC result file reads back: `merge` of it twice has every call twice, by gRPC name (its
// TimeSeries keys codes by name, which the reader once refused).
TEST(grpc_client, saved_results_merge_by_grpc_name) {
  auto s = start_grpc({"-max-active", "1", "-max-pending", "1"});
  const std::string dir = make_temp_dir("grpc_merge");
  const auto r = load({"-ping", "-grpc-ping-delay", "100ms", "-c", "1", "-s", "4", "-qps", "0", "-n", "4", "-json",
                       dir + "/g.json", s.target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(has(r.err, "\nPing SERVING : 2\nPing UNAVAILABLE : 2\n")) << r.err;
  const auto m = run({loadgen_binary(), "merge", "-loglevel", "Warning", dir + "/g.json", dir + "/g.json"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(has(m.err, "\nPing SERVING : 4\nPing UNAVAILABLE : 4\n")) << m.err;
  EXPECT_TRUE(has(m.err, "All done 8 calls")) << m.err;
  EXPECT_EQ(s.stop_and_count_served(), 4);
  remove_tree(dir);
}

TEST(grpc_client, compression_both_ways) {
  auto s = start_grpc();
  const auto ping = load({"-ping", "-grpc-compression", "-payload-size", "2000", "-c", "2", "-qps", "0", "-n", "20", s.target()});
  EXPECT_TRUE(has(ping.err, "\nPing SERVING : 20\n")) << ping.err;
  const auto health = load({"-grpc-compression", "-c", "1", "-qps", "0", "-n", "5", s.target()});
  EXPECT_TRUE(has(health.err, "\nHealth SERVING : 5\n")) << health.err;
  EXPECT_EQ(s.stop_and_count_served(), 25);
}

// -timeout bounds a gRPC call (RST_STREAM CANCEL at the deadline) and goes to the server as
// grpc-timeout; whichever side ends the call first, every call is counted once.
TEST(grpc_client, timeout_ends_the_call_and_every_call_is_counted) {
  auto s = start_grpc();
  const auto r = load({"-ping", "-grpc-ping-delay", "2s", "-timeout", "200ms", "-allow-initial-errors", "-c", "1", "-qps",
                       "0", "-n", "2", s.target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::int64_t counted = 0;
  const std::regex line(R"(Ping (ERROR|DEADLINE_EXCEEDED) : (\d+)\n)");  // both lines when each side ended one
  for (std::sregex_iterator it(r.err.begin(), r.err.end(), line), end; it != end; ++it) counted += std::stoll((*it)[2]);
  EXPECT_EQ(counted, 2) << r.err;
  EXPECT_FALSE(has(r.err, "SERVING")) << r.err;
  EXPECT_EQ(s.stop_and_count_served(), 2);
}

// The server's side of grpc-timeout, from a client that waits longer than its own deadline
// (curl(1), with a hand-framed PingMessage asking for a 1 s delay): DEADLINE_EXCEEDED, not the echo.
TEST(grpc_client, server_answers_deadline_exceeded_at_the_grpc_timeout) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no curl(1)";
  auto s = start_grpc();
  const std::string dir = make_temp_dir("grpc-deadline");
  {
    // Prefix (flag 0, length 6), then field 4 (delayNanos, varint) = 1000000000.
    const unsigned char frame[] = {0, 0, 0, 0, 6, 0x20, 0x80, 0x94, 0xeb, 0xdc, 0x03};
    FILE* f = std::fopen((dir + "/ping.bin").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(frame, 1, sizeof frame, f);
    std::fclose(f);
  }
  const auto r = run({"/usr/bin/curl", "-sS", "--http2-prior-knowledge", "-H", "content-type: application/grpc", "-H",
                      "te: trailers", "-H", "grpc-timeout: 100m", "--data-binary", "@" + dir + "/ping.bin", "-D", "-", "-o",
                      "/dev/null", "http://" + s.target() + "/fgrpc.PingServer/Ping"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "grpc-status: 4\r\n")) << r.out;
  EXPECT_TRUE(has(r.out, "grpc-message: deadline exceeded\r\n")) << r.out;
  EXPECT_EQ(s.stop_and_count_served(), 1);
  remove_tree(dir);
}

TEST(grpc_client, duration_mode_warms_each_connection_up) {
  auto s = start_grpc();
  const auto r = load({"-ping", "-c", "2", "-qps", "50", "-t", "1s", s.target()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "\nPing SERVING : 50\n")) << r.err;
  EXPECT_TRUE(has(r.err, "All done 50 calls (plus 2 warmup)")) << r.err;
  EXPECT_EQ(s.stop_and_count_served(), 52);
}

TEST(grpc_client, tls_with_the_test_ca) {
  const std::string dir = make_temp_dir("grpc-client-tls");
  ASSERT_EQ(run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir}).exit_code, 0);
  auto s = start_grpc({"-cert", dir + "/good.pem", "-key", dir + "/good.key"});
  const std::string host = "localhost:" + std::to_string(s.grpc);
  const auto by_cacert = load({"-ping", "-cacert", dir + "/ca.pem", "-c", "2", "-qps", "0", "-n", "10", host});
  EXPECT_TRUE(has(by_cacert.err, "\nPing SERVING : 10\n")) << by_cacert.err;
  EXPECT_TRUE(has(by_cacert.err, "TLS handshakes : count 2 ")) << by_cacert.err;
  const auto by_scheme = load({"-k", "-c", "1", "-qps", "0", "-n", "5", "https://" + host});
  EXPECT_TRUE(has(by_scheme.err, "\nHealth SERVING : 5\n")) << by_scheme.err;
  EXPECT_EQ(s.stop_and_count_served(), 15);
  remove_tree(dir);
}

// A server that is not gRPC (loadgen's echo port, h2c): every way its answers fall short is named.
TEST(grpc_client, answers_that_are_not_grpc_are_named) {
  struct cse {
    std::string params;  // the echo server's default parameters
    std::string line;
  };
  const std::vector<cse> cases{
      {"", "Ping INTERNAL : 5"},                                    // 200, the request echoed, no grpc-status
      {"status=503", "Ping UNAVAILABLE : 5"},                       // HTTP 503 without grpc-status
      {"header=grpc-status:13", "Ping INTERNAL : 5"},               // an error status in the headers
      {"header=grpc-status:7", "Ping PERMISSION_DENIED : 5"},
      {"size=3&header=grpc-status:0", "Ping INTERNAL : 5"},         // OK, but a 3-byte body: a cut prefix
  };
  for (const auto& c : cases) {
    int port = 0;
    auto server = start_server(&port, {"-echo-server-default-params", c.params});
    const auto r = load({"-ping", "-c", "1", "-qps", "0", "-n", "5", "127.0.0.1:" + std::to_string(port)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.err, "\n" + c.line + "\n")) << c.params << "\n" << r.err;
    EXPECT_TRUE(has(r.err, "All done 5 calls")) << r.err;
  }
  // And a port where nothing listens: transport errors, Fortio's ERROR.
  const auto refused = load({"-ping", "-c", "1", "-qps", "0", "-n", "3", "-allow-initial-errors",
                             "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_TRUE(has(refused.err, "\nPing ERROR : 3\n")) << refused.err;
  EXPECT_TRUE(has(refused.err, "Transport errors : refused 3")) << refused.err;
}

TEST(grpc_client, grpcping_rounds_and_histograms) {
  auto s = start_grpc();
  const auto r = run({loadgen_binary(), "grpcping", "-n", "3", s.target()}, std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Clock skew histogram usec : count 3 ", 0), 0u) << r.out;
  EXPECT_TRUE(has(r.out, "\nRTT histogram usec : count 9 ")) << r.out;
  EXPECT_EQ(count_lines_starting(r.out, "# target 50% "), 2) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;  // one "Ping RTT" line per round
  EXPECT_TRUE(std::regex_search(r.err, std::regex("I Ping RTT [0-9]+ \\(avg of [0-9]+, [0-9]+, [0-9]+ ns\\) clock skew -?[0-9]+\n")))
      << r.err;
  EXPECT_EQ(s.stop_and_count_served(), 1 + 3 * 2);  // the warm-up ping, then two per round
  const auto refused = run({loadgen_binary(), "grpcping", "127.0.0.1:" + std::to_string(free_port())});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err.rfind("loadgen grpcping: grpc error from the warm-up ping: ERROR: cannot connect to 127.0.0.1:", 0), 0u)
      << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  const auto bad = run({loadgen_binary(), "grpcping", "-n", "0", "localhost"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

// grpcping -health: Fortio's GrpcHealthCheck. The RTT histogram and one "Health STATUS : n" line
// on stdout; a status that is not a health answer (NOT_FOUND for an unknown service) ends it.
TEST(grpc_client, grpcping_health_checks) {
  auto s = start_grpc();
  const auto ok = run({loadgen_binary(), "grpcping", "-health", "-n", "4", "-healthservice", "ping", s.target()},
                      std::chrono::seconds(30));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("RTT histogram usec : count 4 ", 0), 0u) << ok.out;
  EXPECT_EQ(count_lines_starting(ok.out, "# target 50% "), 1) << ok.out;
  EXPECT_TRUE(has(ok.out, "\nHealth SERVING : 4\n")) << ok.out;
  EXPECT_TRUE(has(ok.err, "GrpcHealthCheck for " + s.target() + " svc 'ping', 4 iterations\n")) << ok.err;
  const auto down = run({loadgen_binary(), "grpcping", "-health", "-n", "2", "-healthservice", "ping_down", s.target()});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_TRUE(has(down.out, "\nHealth NOT_SERVING : 2\n")) << down.out;
  const auto unknown = run({loadgen_binary(), "grpcping", "-health", "-n", "2", "-healthservice", "nope", s.target()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err.substr(unknown.err.find("loadgen grpcping")), "loadgen grpcping: grpc error from Check 1: NOT_FOUND\n")
      << unknown.err;
  EXPECT_EQ(s.stop_and_count_served(), 4 + 2 + 1);
}

TEST(grpc_client, against_fortios_server) {
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  if (access(fortio.c_str(), X_OK) != 0) GTEST_SKIP() << "no Fortio binary next to the project (a clone on its own has none)";
  const int http = free_port(), grpc = free_port();
  background_process server({fortio, "server", "-http-port", "127.0.0.1:" + std::to_string(http), "-grpc-port",
                             "127.0.0.1:" + std::to_string(grpc), "-redirect-port", "disabled", "-tcp-port", "disabled",
                             "-udp-port", "disabled"});
  ASSERT_TRUE(wait_for_port(grpc));
  const std::string target = "127.0.0.1:" + std::to_string(grpc);
  const auto ping = load({"-ping", "-payload-size", "100", "-c", "2", "-s", "2", "-qps", "0", "-n", "40", target});
  EXPECT_TRUE(has(ping.err, "\nPing SERVING : 40\n")) << ping.err;
  const auto health = load({"-healthservice", "ping", "-c", "2", "-qps", "0", "-n", "10", target});
  EXPECT_TRUE(has(health.err, "\nHealth SERVING : 10\n")) << health.err;
  const auto unknown = load({"-healthservice", "nope", "-c", "1", "-qps", "0", "-n", "3", target});
  EXPECT_TRUE(has(unknown.err, "\nHealth NOT_FOUND : 3\n")) << unknown.err;
  const auto zipped = load({"-ping", "-grpc-compression", "-payload-size", "2000", "-c", "2", "-qps", "0", "-n", "20", target});
  EXPECT_TRUE(has(zipped.err, "\nPing SERVING : 20\n")) << zipped.err;
  const auto grpcping = run({loadgen_binary(), "grpcping", "-n", "2", target}, std::chrono::seconds(30));
  EXPECT_EQ(grpcping.exit_code, 0) << grpcping.err;
  EXPECT_TRUE(has(grpcping.out, "\nRTT histogram usec : count 6 ")) << grpcping.out;
  // -health against Fortio's server, and Fortio's own grpcping -health against it: the same lines.
  const auto health_checks = run({loadgen_binary(), "grpcping", "-health", "-n", "3", "-healthservice", "ping", target},
                                 std::chrono::seconds(30));
  EXPECT_TRUE(has(health_checks.out, "\nHealth SERVING : 3\n")) << health_checks.out;
  const auto theirs = run({fortio, "grpcping", "-health", "-n", "3", "-healthservice", "ping", target}, std::chrono::seconds(30));
  EXPECT_TRUE(has(theirs.out, "\nHealth SERVING : 3\n")) << theirs.out;
  EXPECT_EQ(theirs.out.rfind("RTT histogram usec : count 3 ", 0), 0u) << theirs.out;
  EXPECT_EQ(health_checks.out.rfind("RTT histogram usec : count 3 ", 0), 0u) << health_checks.out;
}

}  // namespace
}  // namespace loadgen::test
