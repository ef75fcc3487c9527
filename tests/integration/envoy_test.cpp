// Envoy in the loop, end to end: `loadgen server` in breaker mode plays the sidecar (its admin
// /stats, and every Envoy reply on demand), and `loadgen load -envoy-admin` reads the counters
// around each run, names every 5xx by Envoy's reason, and says when the admin port is absent,
// slow or not Envoy's.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "loadgen/core/envoy_reply.hpp"
#include "process.hpp"

namespace loadgen::test {
namespace {

std::int64_t first_number(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return -1;
  return std::stoll(m[1]);
}

// The breaker in front of a 20 ms echo: 1 served, 1 waiting, the rest shed.
class envoy_breaker : public ::testing::Test {
protected:
  void SetUp() override { server_ = start_server(&port_, {"-max-active", "1", "-max-pending", "1"}); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  process_result load(const std::vector<std::string>& flags) {
    std::vector<std::string> argv{loadgen_binary(), "load", "-loglevel", "Warning", "-envoy-admin", base()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(base() + "/echo?delay=20ms");
    return run(argv);
  }
  int port_ = 0;
  std::unique_ptr<background_process> server_;
};

// The Istio task's runs, and the siege tutorial's: the sidecar's overflow delta is the number of
// x-envoy-overloaded 503s, run after run; and the sum is what the server says it shed.
TEST_F(envoy_breaker, overflow_delta_equals_the_shed_503s_run_after_run) {
  const std::string cluster = "outbound|" + std::to_string(port_) + "||loadgen.local";
  std::int64_t total = 0;
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"-c", "3", "-qps", "0", "-n", "30"}, {"-c", "20", "-qps", "0", "-n", "40"}, {"-c", "8", "-qps", "200", "-n", "400"}}) {
    const auto r = load(flags);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::int64_t shed_503 = first_number(r.err, R"(Envoy overflow : (\d+) of \d+ 503 responses)");
    const std::int64_t delta = first_number(r.err, R"(Envoy cluster [^ ]+ : upstream_rq_pending_overflow \+(\d+))");
    EXPECT_GT(shed_503, 0) << r.err;
    EXPECT_EQ(delta, shed_503) << r.err;
    EXPECT_NE(r.err.find("Envoy cluster " + cluster + " : upstream_rq_pending_overflow +"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Envoy check : the cluster's overflows (+" + std::to_string(delta) + ") and the 503s with "
                         "x-envoy-overloaded (" + std::to_string(shed_503) + ") agree\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Envoy reasons : overflow " + std::to_string(shed_503) + "; application 0\n"), std::string::npos)
        << r.err;
    // upstream_rq_total: the calls that were served (the 200s).
    EXPECT_EQ(first_number(r.err, R"(upstream_rq_total \+(\d+))"), first_number(r.err, R"(Code 200 : (\d+) )")) << r.err;
    total += delta;
  }
  server_->signal(SIGTERM);
  const auto s = server_->wait();
  EXPECT_EQ(first_number(s.err, R"(Circuit breaker: shed (\d+) of)"), total) << s.err;
}

TEST_F(envoy_breaker, json_has_the_stats_before_after_and_delta) {
  const auto r = load({"-c", "3", "-qps", "0", "-n", "30", "-json", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"("EnvoyStats": \{\n\s+"Admin": "http://127\.0\.0\.1:\d+",\n\s+"Cluster": "outbound\|\d+\|\|loadgen\.local",\n\s+"Notice": "",)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"("Delta": \{\n\s+"upstream_rq_pending_overflow": \d+)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"("EnvoyReasons": \{\n\s+"overflow": \d+)"))) << r.out;
}

TEST_F(envoy_breaker, the_admin_stats_page_as_envoys) {
  const auto text = run({"/usr/bin/curl", "-s", base() + "/stats"});
  EXPECT_NE(text.out.find("cluster.outbound|" + std::to_string(port_) + "||loadgen.local.upstream_rq_pending_overflow: 0\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(".circuit_breakers.default.remaining_pending: 1\n"), std::string::npos) << text.out;
  const auto json = run({"/usr/bin/curl", "-s", base() + "/stats?format=json&filter=overflow"});
  EXPECT_EQ(json.out.rfind("{\"stats\":[{\"name\":\"cluster.outbound|", 0), 0u) << json.out;
  EXPECT_EQ(json.out.find("upstream_rq_total"), std::string::npos) << json.out;  // filtered out
  const auto bad = run({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base() + "/stats?filter=%5B"});
  EXPECT_EQ(bad.out, "400");
}

// Every reason of the table, answered by the server and named by the client.
TEST(envoy_reasons, every_envoy_reply_is_named) {
  int port = 0;
  const auto server = start_server(&port);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  for (const envoy_reply& e : envoy_replies()) {
    const auto r = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "4", base + "/echo?envoy=" + std::string(e.name)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("Code " + std::to_string(e.status) + " : 4 (100.0 %)\n"), std::string::npos) << e.name << r.err;
    EXPECT_NE(r.err.find("Envoy reasons : " + std::string(e.label) + " 4; application 0\n"), std::string::npos) << e.name << r.err;
  }
  const auto app = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "4", base + "/echo?status=503"});
  EXPECT_NE(app.err.find("Envoy reasons : none; application 4\n"), std::string::npos) << app.err;
  const auto h2 = run({loadgen_binary(), "load", "-quiet", "-h2", "-qps", "0", "-n", "4", base + "/echo?envoy=no_healthy_upstream"});
  EXPECT_NE(h2.err.find("Envoy reasons : no healthy upstream 4; application 0\n"), std::string::npos) << h2.err;
  const auto ok = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "4", base + "/echo"});
  EXPECT_EQ(ok.err.find("Envoy reasons"), std::string::npos) << ok.err;
}

// ---- the admin port absent, slow, not Envoy's --------------------------------------------------

class envoy_admin_trouble : public with_shared_server<envoy_admin_trouble> {};

TEST_F(envoy_admin_trouble, absent_is_one_line_and_auto_says_nothing) {
  const int nobody = free_port();
  const auto r = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "5", "-envoy-admin",
                      "http://127.0.0.1:" + std::to_string(nobody), url("/echo")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Envoy admin : cannot read http://127.0.0.1:" + std::to_string(nobody) + "/stats: "), std::string::npos)
      << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "Envoy admin : "), 1);
  EXPECT_NE(r.err.find("Code 200 : 5 (100.0 %)"), std::string::npos);
  const auto quiet = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "5", "-envoy-admin", "auto", url("/echo")});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("Envoy"), std::string::npos) << quiet.err;  // nothing listens on 15000 here
}

TEST_F(envoy_admin_trouble, a_hanging_admin_port_costs_its_timeout_once) {
  int port = 0;
  const int fd = listen_loopback(16, &port);  // accepts (the kernel's backlog) and never answers
  const auto start = std::chrono::steady_clock::now();
  const auto r = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "5", "-envoy-admin",
                      "http://127.0.0.1:" + std::to_string(port), url("/echo")});
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Envoy admin : cannot read http://127.0.0.1:" + std::to_string(port) + "/stats: "), std::string::npos)
      << r.err;
  // One 1 s read (the second is skipped when the first failed); generous for a loaded CI machine.
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST_F(envoy_admin_trouble, an_admin_port_that_is_not_envoys) {
  // Our server without a breaker: /stats is an echo (200, empty body), not Envoy's stats.
  const auto r = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "5", "-envoy-admin", url(""), url("/echo")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Envoy admin : " + url("") + "/stats answered something that is not Envoy's stats\n"), std::string::npos)
      << r.err;
}

// An answer past the 16 MB cap (or one too slow to come in the 1 s limit, on a slow sanitizer
// build) is one line, and the run goes on.
TEST_F(envoy_admin_trouble, a_huge_answer_is_one_line) {
  int port = 0;
  const int fd = listen_loopback(4, &port);
  std::thread admin([fd] {
    const int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) return;
    char request[4096];
    (void)::recv(c, request, sizeof request, 0);
    const std::size_t size = std::size_t{20} << 20;
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n";
    (void)::send(c, head.data(), head.size(), MSG_NOSIGNAL);
    const std::string chunk(std::size_t{1} << 20, 'x');
    for (std::size_t sent = 0; sent < size; sent += chunk.size())
      if (::send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
    ::close(c);
  });
  const std::string admin_url = "http://127.0.0.1:" + std::to_string(port);
  const auto r = run({loadgen_binary(), "load", "-quiet", "-qps", "0", "-n", "5", "-envoy-admin", admin_url, url("/echo")});
  admin.join();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Envoy admin : (" + admin_url + "/stats answered more than 16 MB: not read|cannot read " +
                                                  admin_url + "/stats: .*timeout.*)\n")))
      << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "Envoy"), 1) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 5 (100.0 %)"), std::string::npos) << r.err;
}

TEST(envoy_admin_flags, bad_values_are_bad_flags) {
  const auto bad = run({loadgen_binary(), "load", "-n", "1", "-envoy-admin", "https://x:1", "http://127.0.0.1:1/"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "loadgen load: -envoy-admin \"https://x:1\": want http://host:port (Envoy's admin port, e.g. http://127.0.0.1:15000)\n");
  const auto lone = run({loadgen_binary(), "load", "-n", "1", "-envoy-cluster", "c", "http://127.0.0.1:1/"});
  EXPECT_EQ(lone.exit_code, 2);
  EXPECT_EQ(lone.err, "loadgen load: -envoy-cluster needs -envoy-admin\n");
}

}  // namespace
}  // namespace loadgen::test
