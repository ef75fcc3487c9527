// Fortio's TCP and UDP echo end to end: `loadgen load tcp://` and `udp://` against `loadgen
// server -tcp-port/-udp-port`, `loadgen tcp-echo`/`udp-echo`, tiny in-test servers that answer
// wrongly, and (when ../shared/tools/fortio is there) the real Fortio on either side.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "process.hpp"

namespace loadgen::test {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

process_result load(std::vector<std::string> args) {
  args.insert(args.begin(), {loadgen_binary(), "load"});
  return run(args);
}

std::string tcp_url(int port) { return "tcp://127.0.0.1:" + std::to_string(port); }
std::string udp_url(int port) { return "udp://127.0.0.1:" + std::to_string(port); }

// A UDP socket bound on 127.0.0.1 (port chosen by the kernel, returned through *port).
int bind_udp(int* port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// A TCP server on a thread that answers every read wrongly: `flip` sends the bytes back with the
// first one changed, `close` closes the connection without a byte. One connection at a time.
class bad_echo_server {
public:
  enum class mode { flip, close };
  explicit bad_echo_server(mode m) : mode_(m) {
    fd_ = listen_loopback(16, &port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~bad_echo_server() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      char buf[4096];
      for (;;) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 2000) <= 0) break;
        const ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0 || mode_ == mode::close) break;
        buf[0] = static_cast<char>(buf[0] ^ 1);
        if (write(c, buf, static_cast<size_t>(n)) != n) break;
      }
      close(c);
    }
  }
  mode mode_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// `loadgen tcp-echo`/`udp-echo <port>` in the background, once it says it listens.
std::unique_ptr<background_process> start_echo(const std::string& command, int port) {
  auto p = std::make_unique<background_process>(
      std::vector<std::string>{loadgen_binary(), command, "127.0.0.1:" + std::to_string(port)});
  if (!p->wait_for_output(command + " server listening on"))
    throw std::runtime_error(command + " did not start: " + p->err_so_far());
  return p;
}

// The real Fortio next to the project (../shared/tools/fortio), or "" when this clone has none.
std::string fortio_binary() {
  const std::string path = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  return std::filesystem::exists(path) ? path : std::string();
}

TEST(tcp_udp, load_tcp_against_loadgen_server_exact_counts) {
  const int echo = free_port();
  int http = 0;
  auto server = start_server(&http, {"-tcp-port", "127.0.0.1:" + std::to_string(echo), "-udp-port", "disabled"});
  ASSERT_TRUE(wait_for_port(echo));
  const auto r = load({"-c", "2", "-qps", "0", "-n", "50", tcp_url(echo)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("for 50 calls: " + tcp_url(echo) + "\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for exactly 50 calls (25 per thread + 0)\n"), std::string::npos) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 2 (for perfect no error run, would be 2)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 1200, received: 1200")) << r.err;  // 50 x 24 bytes
  EXPECT_TRUE(has_line(r.err, "tcp OK : 50 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Error cases : no data")) << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "Code "), 0) << r.err;
  EXPECT_NE(r.err.find("All done 50 calls (plus 0 warmup)"), std::string::npos) << r.err;
}

TEST(tcp_udp, load_udp_against_loadgen_server_exact_counts) {
  int udp_port = 0;
  const int held = bind_udp(&udp_port);  // a port known free for UDP: released just before the server takes it
  close(held);
  int http = 0;
  auto server = start_server(&http, {"-tcp-port", "disabled", "-udp-port", "127.0.0.1:" + std::to_string(udp_port)});
  ASSERT_TRUE(server->wait_for_output("udp-echo server listening on udp 127.0.0.1:" + std::to_string(udp_port)))
      << server->err_so_far();
  const auto r = load({"-c", "2", "-qps", "0", "-n", "50", "-payload", "hello udp", udp_url(udp_port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 2 (for perfect no error run, would be 2)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 450, received: 450")) << r.err;  // 50 x 9 bytes
  EXPECT_TRUE(has_line(r.err, "udp OK : 50 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("All done 50 calls (plus 0 warmup)"), std::string::npos) << r.err;
}

TEST(tcp_udp, tcp_echo_command_and_json) {
  const int port = free_port();
  auto echo = start_echo("tcp-echo", port);
  const auto r = load({"-c", "2", "-qps", "0", "-n", "50", "-payload-size", "100", "-json", "-", tcp_url(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 5000, received: 5000")) << r.err;
  EXPECT_TRUE(has_line(r.err, "tcp OK : 50 (100.0 %)")) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("RunType").as_string(), "TCP");
  EXPECT_EQ(doc.at("Destination").as_string(), tcp_url(port));
  EXPECT_TRUE(doc.at("Payload").is_null());  // as Fortio writes it
  EXPECT_EQ(doc.at("UnixDomainSocket").as_string(), "");
  EXPECT_EQ(doc.at("ReqTimeout").as_int64(), 0);
  EXPECT_EQ(doc.at("RetCodes").as_object().size(), 1u);
  EXPECT_EQ(doc.at("RetCodes").at("OK").as_int64(), 50);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 2);
  EXPECT_EQ(doc.at("BytesSent").as_int64(), 5000);
  EXPECT_EQ(doc.at("BytesReceived").as_int64(), 5000);
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 50);
  EXPECT_EQ(doc.at("ErrorsDurationHistogram").at("Count").as_int64(), 0);
  EXPECT_FALSE(doc.contains("URL"));  // HTTP fields are not in a TCP result
  EXPECT_FALSE(doc.contains("IPCountMap"));
  // Fortio's order: the runner's fields, then the TCP ones.
  const std::string& out = r.out;
  EXPECT_LT(out.find("\"ID\""), out.find("\"Destination\""));
  EXPECT_LT(out.find("\"Destination\""), out.find("\"RetCodes\""));
  EXPECT_LT(out.find("\"RetCodes\""), out.find("\"BytesReceived\""));
}

TEST(tcp_udp, udp_echo_command_and_json) {
  int port = 0;
  close(bind_udp(&port));
  auto echo = start_echo("udp-echo", port);
  const auto r = load({"-c", "1", "-qps", "0", "-n", "20", "-json", "-", udp_url(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 480, received: 480")) << r.err;
  EXPECT_TRUE(has_line(r.err, "udp OK : 20 (100.0 %)")) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("RunType").as_string(), "UDP");
  EXPECT_FALSE(doc.contains("UnixDomainSocket"));  // Fortio's UDP options have none
  EXPECT_EQ(doc.at("RetCodes").at("OK").as_int64(), 20);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 1);
}

// Duration mode: one warmup call per connection, whose bytes Fortio counts too.
TEST(tcp_udp, warmup_bytes_are_counted_as_fortio) {
  const int port = free_port();
  auto echo = start_echo("tcp-echo", port);
  const auto r = load({"-c", "2", "-qps", "200", "-t", "300ms", tcp_url(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("All done ([0-9]+) calls \\(plus 2 warmup\\)"))) << r.err;
  const long calls = std::stol(m[1]);
  EXPECT_GT(calls, 0);
  const std::string bytes = std::to_string((calls + 2) * 24);
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: " + bytes + ", received: " + bytes)) << r.err;
  EXPECT_TRUE(has_line(r.err, "tcp OK : " + std::to_string(calls) + " (100.0 %)")) << r.err;
}

TEST(tcp_udp, refused_tcp_port_is_fortios_error_accounting) {
  const int port = free_port();  // nothing listens there
  const auto r = load({"-c", "2", "-qps", "0", "-n", "4", "-json", "-", tcp_url(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // as Fortio: the run happened, every call failed
  const std::string key = "dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused";
  EXPECT_TRUE(has_line(r.err, "tcp " + key + " : 4 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 4 (for perfect no error run, would be 2)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 0, received: 0")) << r.err;
  EXPECT_NE(r.err.find("Error cases : count 4 "), std::string::npos) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("RetCodes").at(key).as_int64(), 4);
  EXPECT_EQ(doc.at("ErrorsDurationHistogram").at("Count").as_int64(), 4);
}

TEST(tcp_udp, mismatched_echo_is_an_error) {
  bad_echo_server server(bad_echo_server::mode::flip);
  const auto r = load({"-c", "1", "-qps", "0", "-n", "5", tcp_url(server.port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "tcp read not echoing writes : 5 (100.0 %)")) << r.err;
  // Each failure drops the connection (as Fortio): 5 sockets; every byte came back, wrong.
  EXPECT_TRUE(has_line(r.err, "Sockets used: 5 (for perfect no error run, would be 1)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 120, received: 120")) << r.err;
  EXPECT_NE(r.err.find("Error cases : count 5 "), std::string::npos) << r.err;
}

TEST(tcp_udp, closed_before_the_echo_is_a_short_read) {
  bad_echo_server server(bad_echo_server::mode::close);
  const auto r = load({"-c", "1", "-qps", "0", "-n", "3", tcp_url(server.port())});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "tcp short read : 3 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 72, received: 0")) << r.err;
}

TEST(tcp_udp, silent_udp_peer_times_out_after_udp_timeout) {
  int port = 0;
  const int silent = bind_udp(&port);  // receives, never answers
  const auto r = load({"-c", "1", "-qps", "0", "-n", "2", "-udp-timeout", "100ms", udp_url(port)});
  close(silent);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "udp timeout : 2 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Total Bytes sent: 48, received: 0")) << r.err;
  // Each call lasted the timeout (the watchdog checks every 12.5 ms): between 0.1 and 0.2 s.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Aggregated Function Time : count 2 avg ([0-9.e-]+)"))) << r.err;
  EXPECT_GE(std::stod(m[1]), 0.1);
  EXPECT_LT(std::stod(m[1]), 0.2);
}

TEST(tcp_udp, port_in_use_is_one_line_exit_1) {
  int port = 0;
  const int held = listen_loopback(4, &port);
  const std::string where = "127.0.0.1:" + std::to_string(port);
  const auto server = run({loadgen_binary(), "server", "-http-port", "127.0.0.1:" + std::to_string(free_port()),
                           "-tcp-port", where, "-udp-port", "disabled"});
  EXPECT_EQ(server.exit_code, 1);
  EXPECT_EQ(server.err, "loadgen server: cannot listen on tcp " + where + " for -tcp-port: Address already in use\n");
  const auto echo = run({loadgen_binary(), "tcp-echo", where});
  EXPECT_EQ(echo.exit_code, 1);
  EXPECT_EQ(echo.err, "loadgen tcp-echo: cannot listen on tcp " + where + " for -tcp-port: Address already in use\n");
  close(held);

  int uport = 0;
  const int uheld = bind_udp(&uport);
  const std::string uwhere = "127.0.0.1:" + std::to_string(uport);
  const auto uecho = run({loadgen_binary(), "udp-echo", "-udp-port", uwhere});
  EXPECT_EQ(uecho.exit_code, 1);
  EXPECT_EQ(uecho.err, "loadgen udp-echo: cannot listen on udp " + uwhere + " for -udp-port: Address already in use\n");
  close(uheld);
}

TEST(tcp_udp, bad_inputs_are_one_line) {
  const auto no_port = load({"-n", "1", "tcp://127.0.0.1"});
  EXPECT_EQ(no_port.exit_code, 1);
  EXPECT_EQ(no_port.err, "loadgen load: a tcp URL needs a port (tcp://host:port) in URL \"tcp://127.0.0.1\"\n");
  const auto curl = run({loadgen_binary(), "curl", "tcp://127.0.0.1:1"});
  EXPECT_EQ(curl.exit_code, 1);
  EXPECT_EQ(count_lines_starting(curl.err, "loadgen curl: "), 1) << curl.err;
  const auto proxy = load({"-n", "1", "-proxy", "http://127.0.0.1:3128", "tcp://127.0.0.1:1"});
  EXPECT_EQ(proxy.exit_code, 2);
  EXPECT_EQ(proxy.err, "loadgen load: -proxy is for http and https targets, not tcp://\n");
  const auto port = run({loadgen_binary(), "tcp-echo", "-tcp-port", "1", "2"});
  EXPECT_EQ(port.exit_code, 2);
  EXPECT_EQ(port.err, "loadgen tcp-echo: give the port once: -tcp-port 1 or 2\n");
  const auto bad = run({loadgen_binary(), "server", "-tcp-port", "nope"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "loadgen server: invalid -tcp-port \"nope\" (want port, host:port or disabled)\n");
}

// Side by side with the real Fortio: each client against the other's server, same lines.
TEST(tcp_udp, same_lines_as_fortio_both_ways) {
  const std::string fortio = fortio_binary();
  if (fortio.empty()) GTEST_SKIP() << "no ../shared/tools/fortio: the Fortio comparison is skipped";
  const int port = free_port();
  background_process fortio_echo({fortio, "tcp-echo", "-tcp-port", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(wait_for_port(port)) << fortio_echo.err_so_far();
  const auto ours = load({"-c", "2", "-qps", "0", "-n", "40", tcp_url(port)});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;

  const int our_port = free_port();
  auto echo = start_echo("tcp-echo", our_port);
  const auto theirs = run({fortio, "load", "-c", "2", "-qps", "0", "-n", "40", tcp_url(our_port)});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  for (const std::string line : {"Sockets used: 2 (for perfect no error run, would be 2)",
                                 "Total Bytes sent: 960, received: 960", "tcp OK : 40 (100.0 %)"}) {
    EXPECT_TRUE(has_line(ours.err, line)) << line << "\n" << ours.err;
    EXPECT_TRUE(has_line(theirs.err, line)) << line << "\n" << theirs.err;
  }
}

// Fortio's own TCP result files read back (`loadgen merge`): the lines Fortio printed for the run,
// its error texts as keys, its socket and byte totals (the reader once refused any error key and
// dropped the totals).
TEST(tcp_udp, fortios_tcp_json_merges_to_fortios_lines) {
  const std::string fortio = fortio_binary();
  if (fortio.empty()) GTEST_SKIP() << "no ../shared/tools/fortio: the Fortio comparison is skipped";
  const std::string dir = make_temp_dir("fortio_tcp_json");
  const int our_port = free_port();
  auto echo = start_echo("tcp-echo", our_port);
  const int closed = free_port();  // nothing listens there
  const auto ok = run({fortio, "load", "-c", "2", "-qps", "0", "-n", "40", "-json", dir + "/ok.json", tcp_url(our_port)});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto refused = run({fortio, "load", "-c", "2", "-qps", "0", "-n", "6", "-json", dir + "/refused.json", tcp_url(closed)});
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  const std::string key = "dial tcp 127.0.0.1:" + std::to_string(closed) + ": connect: connection refused";
  for (const auto& [file, lines] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"ok.json",
            {"Sockets used: 2 (for perfect no error run, would be 2)", "Total Bytes sent: 960, received: 960",
             "tcp OK : 40 (100.0 %)"}},
           {"refused.json",
            {"Sockets used: 6 (for perfect no error run, would be 2)", "Total Bytes sent: 0, received: 0",
             "tcp " + key + " : 6 (100.0 %)"}}}) {
    const auto merged = run({loadgen_binary(), "merge", dir + "/" + file});
    EXPECT_EQ(merged.exit_code, 0) << merged.err;
    const auto& theirs = file == "ok.json" ? ok : refused;
    for (const auto& line : lines) {
      EXPECT_TRUE(has_line(theirs.err, line)) << line << "\n" << theirs.err;
      EXPECT_TRUE(has_line(merged.err, line)) << line << "\n" << merged.err;
    }
    EXPECT_EQ(merged.err.find("Service time"), std::string::npos) << merged.err;  // Fortio's JSON has none
    // Its average is exact in its JSON (Sum / Count): the same "All done" line.
    const std::size_t done = theirs.err.find("All done ");
    ASSERT_NE(done, std::string::npos) << theirs.err;
    const std::string all_done = theirs.err.substr(done, theirs.err.find('\n', done) - done);
    EXPECT_TRUE(has_line(merged.err, all_done)) << all_done << "\n" << merged.err;
  }
  remove_tree(dir);
}

}  // namespace
}  // namespace loadgen::test
