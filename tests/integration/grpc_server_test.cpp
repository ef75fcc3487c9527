// loadgen server's gRPC port driven by the real Fortio's gRPC client (when ../shared/tools/fortio
// is there; skipped otherwise, saying so): ping, health by name, NOT_FOUND, NOT_SERVING, the
// ping's delay and payload, -s streams, the circuit breaker, TLS, and grpcping. Exact counts on
// both sides: Fortio's own report lines and the server's "served N requests".
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <regex>

#include "process.hpp"

namespace loadgen::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string fortio_binary() {
  const std::string path = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

// A loadgen server whose gRPC port is a free one; returns it through *grpc_port.
std::unique_ptr<background_process> start_grpc_server(int* grpc_port, std::vector<std::string> extra = {}) {
  *grpc_port = free_port();
  extra.insert(extra.begin(), {"-grpc-port", "127.0.0.1:" + std::to_string(*grpc_port)});
  int http_port = 0;
  auto server = start_server(&http_port, extra);
  EXPECT_TRUE(wait_for_port(*grpc_port));
  return server;
}

int stop_and_count_served(background_process& server, std::string* err = nullptr) {
  server.signal(SIGTERM);
  const auto r = server.wait();
  if (err) *err = r.err;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.err, m, std::regex("served ([0-9]+) requests"))) << r.err;
  return m.empty() ? -1 : std::stoi(m[1]);
}

class fortio_grpc : public ::testing::Test {
protected:
  void SetUp() override {
    fortio_ = fortio_binary();
    if (fortio_.empty()) GTEST_SKIP() << "no Fortio binary next to the project (a clone on its own has none)";
  }
  process_result fortio(std::vector<std::string> args) {
    args.insert(args.begin(), fortio_);
    auto r = run(args, std::chrono::seconds(60));
    r.err = r.out + r.err;  // Fortio prints its report on stdout for load, histograms on stdout for grpcping
    return r;
  }
  std::string fortio_;
};

TEST_F(fortio_grpc, ping_and_health_with_exact_counts) {
  int port = 0;
  auto server = start_grpc_server(&port);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  const auto ping = fortio({"load", "-grpc", "-ping", "-c", "2", "-qps", "0", "-n", "20", "-loglevel", "Warning", target});
  ASSERT_EQ(ping.exit_code, 0) << ping.err;
  EXPECT_TRUE(has(ping.err, "\nPing SERVING : 20\n")) << ping.err;
  const auto health = fortio({"load", "-grpc", "-healthservice", "ping", "-c", "2", "-qps", "0", "-n", "10", "-loglevel",
                              "Warning", target});
  EXPECT_TRUE(has(health.err, "\nHealth SERVING : 10\n")) << health.err;
  const auto empty = fortio({"load", "-grpc", "-c", "1", "-qps", "0", "-n", "4", "-loglevel", "Warning", target});
  EXPECT_TRUE(has(empty.err, "\nHealth SERVING : 4\n")) << empty.err;
  const auto down = fortio({"load", "-grpc", "-healthservice", "ping_down", "-c", "1", "-qps", "0", "-n", "3", "-loglevel",
                            "Warning", target});
  EXPECT_TRUE(has(down.err, "\nHealth NOT_SERVING : 3\n")) << down.err;
  // NOT_FOUND is a gRPC error: Fortio counts those as ERROR.
  const auto unknown = fortio({"load", "-grpc", "-healthservice", "nope", "-c", "1", "-qps", "0", "-n", "3", "-loglevel",
                               "Warning", target});
  EXPECT_TRUE(has(unknown.err, "\nHealth ERROR : 3\n")) << unknown.err;
  EXPECT_EQ(stop_and_count_served(*server), 20 + 10 + 4 + 3 + 3);
}

TEST_F(fortio_grpc, compressed_calls) {
  int port = 0;
  auto server = start_grpc_server(&port);
  const std::string target = "127.0.0.1:" + std::to_string(port);
  const auto ping = fortio({"load", "-grpc", "-ping", "-grpc-compression", "-payload-size", "2000", "-c", "2", "-qps", "0",
                            "-n", "20", "-loglevel", "Warning", target});
  EXPECT_TRUE(has(ping.err, "\nPing SERVING : 20\n")) << ping.err;
  const auto health = fortio({"load", "-grpc", "-grpc-compression", "-c", "1", "-qps", "0", "-n", "5", "-loglevel", "Warning", target});
  EXPECT_TRUE(has(health.err, "\nHealth SERVING : 5\n")) << health.err;
  EXPECT_EQ(stop_and_count_served(*server), 25);
}

TEST_F(fortio_grpc, delay_payload_and_streams) {
  int port = 0;
  auto server = start_grpc_server(&port);
  const auto r = fortio({"load", "-grpc", "-ping", "-grpc-ping-delay", "100ms", "-payload-size", "1000", "-s", "4", "-c",
                         "2", "-qps", "0", "-n", "16", "-loglevel", "Warning", "127.0.0.1:" + std::to_string(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "\nPing SERVING : 16\n")) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Aggregated Function Time : count 16 avg [0-9.]+ \\+/- [0-9.e-]+ min ([0-9.]+)")))
      << r.err;
  EXPECT_GE(std::stod(m[1]), 0.1);  // every ping waited its 100 ms on the server
  EXPECT_EQ(stop_and_count_served(*server), 16);
}

// Envoy's answer to gRPC overflow: 8 concurrent calls, 1 active + 1 pending allowed, 6 shed.
TEST_F(fortio_grpc, breaker_sheds_six_of_eight_calls) {
  int port = 0;
  auto server = start_grpc_server(&port, {"-max-active", "1", "-max-pending", "1"});
  const auto r = fortio({"load", "-grpc", "-ping", "-grpc-ping-delay", "300ms", "-c", "8", "-qps", "0", "-n", "8",
                         "-loglevel", "Warning", "127.0.0.1:" + std::to_string(port)});
  EXPECT_TRUE(has(r.err, "\nPing SERVING : 2\n")) << r.err;
  EXPECT_TRUE(has(r.err, "\nPing ERROR : 6\n")) << r.err;
  std::string err;
  EXPECT_EQ(stop_and_count_served(*server, &err), 8);
  EXPECT_TRUE(has(err, "Circuit breaker: shed 6 of 8 requests")) << err;
}

TEST_F(fortio_grpc, tls_with_the_test_ca) {
  const std::string dir = make_temp_dir("grpc-tls");
  const auto certs = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir});
  ASSERT_EQ(certs.exit_code, 0) << certs.err;
  int port = 0;
  auto server = start_grpc_server(&port, {"-cert", dir + "/good.pem", "-key", dir + "/good.key"});
  const auto r = fortio({"load", "-grpc", "-ping", "-cacert", dir + "/ca.pem", "-c", "2", "-qps", "0", "-n", "10",
                         "-loglevel", "Warning", "localhost:" + std::to_string(port)});
  EXPECT_TRUE(has(r.err, "\nPing SERVING : 10\n")) << r.err;
  EXPECT_EQ(stop_and_count_served(*server), 10);
  remove_tree(dir);
}

TEST_F(fortio_grpc, grpcping_measures_rtt_and_skew) {
  int port = 0;
  auto server = start_grpc_server(&port);
  const auto r = fortio({"grpcping", "-n", "3", "127.0.0.1:" + std::to_string(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Clock skew histogram usec : count 3 ")) << r.err;
  EXPECT_TRUE(has(r.err, "RTT histogram usec : count 9 ")) << r.err;
  EXPECT_EQ(stop_and_count_served(*server), 1 + 3 * 2);  // a warm-up ping, then two per round
}

}  // namespace
}  // namespace loadgen::test
