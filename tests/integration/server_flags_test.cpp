// Fortio's `server` flags beyond the echo port, on the real binary over loopback: every
// -http-port form, -redirect-port's exact answer, -P TCP proxies, -M multi-servers (parallel,
// serial, mirror or not), a taken port of each kind, and the -grpc-port line.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "process.hpp"

namespace loadgen::test {
namespace {

std::string port_text(int port) { return std::to_string(port); }
std::string loopback(int port) { return "127.0.0.1:" + port_text(port); }

// Sends request on a new connection to 127.0.0.1:port, half-closes (shutdown of our sending side)
// when half_close, and returns everything read until the server closes (at most 10 s).
std::string exchange_raw(int port, const std::string& request, bool half_close = false) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return "connect failed";
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  std::string out;
  char buf[16384];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const auto n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

// The response with its Date header's value replaced by "<date>".
std::string without_date(const std::string& response) {
  return std::regex_replace(response, std::regex("Date: [^\r]*\r\n"), "Date: <date>\r\n");
}

int code_count(const std::string& report, int code) {
  std::smatch m;
  const std::regex re("Code " + std::to_string(code) + " : ([0-9]+) ");
  return std::regex_search(report, m, re) ? std::stoi(m[1]) : 0;
}

bool have_ipv6_loopback() {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// `loadgen server <args> -grpc-port disabled` (and -redirect-port disabled unless given), waited
// for until its last listener is logged.
std::unique_ptr<background_process> start_raw_server(std::vector<std::string> args, const std::string& ready) {
  std::vector<std::string> argv{loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-grpc-port", "disabled"};
  if (std::find(args.begin(), args.end(), "-redirect-port") == args.end()) {
    argv.emplace_back("-redirect-port");
    argv.emplace_back("disabled");
  }
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = std::make_unique<background_process>(argv);
  EXPECT_TRUE(p->wait_for_output(ready)) << p->err_so_far();
  return p;
}

TEST(server_flags, http_port_every_form_fortio_takes) {
  struct form {
    std::string value;  // with PORT for the port
    std::string host;   // where a client reaches it
  };
  std::vector<form> forms{{"PORT", "127.0.0.1"}, {":PORT", "127.0.0.1"}, {"127.0.0.1:PORT", "127.0.0.1"},
                          {"localhost:PORT", "127.0.0.1"}};
  if (have_ipv6_loopback()) forms.push_back({"[::1]:PORT", "[::1]"});
  else std::cout << "[ SKIPPED  ] [::1]:PORT: no IPv6 loopback here\n";
  for (const auto& f : forms) {
    const int port = free_port();
    const std::string value = std::regex_replace(f.value, std::regex("PORT"), port_text(port));
    auto server = start_raw_server({"-http-port", value}, "echo server listening");
    const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "5", "-c", "1",
                        "http://" + f.host + ":" + port_text(port) + "/echo?status=202"});
    EXPECT_EQ(r.exit_code, 0) << value << "\n" << r.err;
    EXPECT_EQ(code_count(r.err, 202), 5) << value << "\n" << r.err;
  }
}

// "PORT" is every address, as Go's ":PORT": IPv6 and IPv4 both where the kernel has IPv6.
TEST(server_flags, http_port_alone_is_dual_stack) {
  if (!have_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback here";
  const int port = free_port();
  auto server = start_raw_server({"-http-port", port_text(port)}, "echo server listening");
  for (const std::string host : {"127.0.0.1", "[::1]"}) {
    const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "3", "-c", "1", "http://" + host + ":" + port_text(port) + "/"});
    EXPECT_EQ(code_count(r.err, 200), 3) << host << "\n" << r.err;
  }
}

TEST(server_flags, http_port_disabled) {
  // Alone: nothing to serve, said once, exit 0.
  const auto alone = run({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", "disabled", "-redirect-port", "disabled",
                          "-grpc-port", "disabled"});
  EXPECT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(count_lines_starting(alone.err, ""), 1) << alone.err;
  EXPECT_NE(alone.err.find("-http-port, -grpc-port, -tcp-port and -udp-port disabled, and no -redirect-port, -P or -M: nothing to serve"), std::string::npos) << alone.err;
  // With a redirector: that one serves, no echo listener is logged.
  const int rport = free_port();
  auto server = start_raw_server({"-http-port", "disabled", "-redirect-port", loopback(rport)}, "https redirector");
  const std::string got = exchange_raw(rport, "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 303 See Other\r\n", 0), 0u) << got;
  EXPECT_EQ(server->err_so_far().find("echo server listening"), std::string::npos) << server->err_so_far();
}

TEST(server_flags, unix_socket_form_is_one_line_exit_1) {
  const auto r = run({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", "/tmp/loadgen-test.sock", "-redirect-port", "disabled",
                      "-grpc-port", "disabled"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "loadgen server: -http-port /tmp/loadgen-test.sock: Unix domain socket listeners are not supported "
                   "yet; use port or host:port\n");
}

// Fortio 1.65's bytes (Go's http.Redirect), checked against the real binary.
TEST(server_flags, redirect_port_answers_303_to_https) {
  int port = 0;
  const int rport = free_port();
  auto server = start_server(&port, {"-redirect-port", loopback(rport)});
  ASSERT_TRUE(wait_for_port(rport));
  EXPECT_EQ(without_date(exchange_raw(rport, "GET /foo/bar?x=1&y=<a> HTTP/1.1\r\nHost: example.com:99\r\n"
                                             "Connection: close\r\n\r\n")),
            "HTTP/1.1 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Location: https://example.com:99/foo/bar?x=1&y=<a>\r\nDate: <date>\r\nContent-Length: 77\r\n"
            "Connection: close\r\n\r\n"
            "<a href=\"https://example.com:99/foo/bar?x=1&amp;y=&lt;a&gt;\">See Other</a>.\n\n");
  // Keep-alive: two answers on one connection; POST has no body and no Content-Type; HEAD no length.
  const std::string two = without_date(exchange_raw(
      rport, "POST /p HTTP/1.1\r\nHost: h:1\r\nContent-Length: 3\r\n\r\nabcHEAD /a<b HTTP/1.1\r\nHost: h:1\r\n"
             "Connection: close\r\n\r\n"));
  EXPECT_EQ(two,
            "HTTP/1.1 303 See Other\r\nLocation: https://h:1/p\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n"
            "HTTP/1.1 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\nLocation: https://h:1/a%3Cb\r\n"
            "Date: <date>\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(exchange_raw(rport, "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n"),
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
            "400 Bad Request");
}

TEST(server_flags, redirect_matches_fortio_byte_for_byte) {
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  if (!std::filesystem::exists(fortio)) GTEST_SKIP() << "no " << fortio << " (a clone on its own has none)";
  const int fport = free_port(), fhttp = free_port();
  background_process ref({fortio, "server", "-http-port", loopback(fhttp), "-redirect-port", loopback(fport),
                          "-grpc-port", "disabled", "-tcp-port", "disabled", "-udp-port", "disabled"});
  ASSERT_TRUE(wait_for_port(fport)) << ref.err_so_far();
  int port = 0;
  const int rport = free_port();
  auto server = start_server(&port, {"-redirect-port", loopback(rport)});
  ASSERT_TRUE(wait_for_port(rport));
  for (const std::string target : {"/", "/a%20b?q=%zz", "/a'b\"c", "/%C3%A9/x#f", "//x/../y", "/a;b@c:d$e,f+g=h&i!j*k(l)m~n",
                                   "*", "/e/\xC3\xA9"}) {
    for (const std::string method : {"GET", "HEAD", "DELETE"}) {
      const std::string req = method + " " + target + " HTTP/1.1\r\nHost: h.example:8\r\nConnection: close\r\n\r\n";
      EXPECT_EQ(without_date(exchange_raw(rport, req)), without_date(exchange_raw(fport, req))) << req;
    }
  }
  for (const std::string req : {"GET /x HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /x HTTP/1.0\r\n\r\n",
                                "HEAD /x HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n"})
    EXPECT_EQ(without_date(exchange_raw(rport, req)), without_date(exchange_raw(fport, req))) << req;
}

TEST(server_flags, tcp_proxy_carries_load_both_ways) {
  int port = 0;
  auto target = start_server(&port);
  const int pport = free_port();
  auto proxy = start_raw_server({"-http-port", "disabled", "-P", port_text(pport) + " " + loopback(port)}, "TCP proxy");
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "20", "-c", "2", "-payload", "through the proxy",
                      "http://" + loopback(pport) + "/echo"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(code_count(r.err, 200), 20) << r.err;
  // The echoed body comes back through the proxy; the client's half-close reaches the server
  // (HTTP/1.0, no keep-alive: it answers, then closes, and that close comes back too).
  const std::string got = exchange_raw(pport, "POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", true);
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  EXPECT_EQ(got.substr(got.size() - 5), "hello") << got;
}

TEST(server_flags, tcp_proxy_forms_and_bad_values) {
  int port = 0;
  auto target = start_server(&port);
  const int pport = free_port();
  // Fortio's own example form: "[host]:port" to listen on, tcp:// in front of the destination.
  auto proxy = start_raw_server({"-http-port", "disabled", "-P", "127.0.0.1:" + port_text(pport) + " tcp://localhost:" +
                                                                      port_text(port)},
                                "TCP proxy");
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "4", "-c", "1", "http://" + loopback(pport) + "/"});
  EXPECT_EQ(code_count(r.err, 200), 4) << r.err;
  const auto bad = run({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", "disabled", "-grpc-port", "disabled", "-redirect-port",
                        "disabled", "-P", "8888"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "loadgen server: -P \"8888\": no destination (want \"local-port dest-host:dest-port\")\n");
}

class multi_test : public ::testing::Test {
protected:
  void SetUp() override {
    a_ = start_server(&port_a_);
    b_ = start_server(&port_b_);
  }
  std::unique_ptr<background_process> start_multi(const std::vector<std::string>& extra, const std::string& targets) {
    mport_ = free_port();
    std::vector<std::string> args{"-http-port", "disabled", "-M", port_text(mport_) + " " + targets};
    args.insert(args.end(), extra.begin(), extra.end());
    return start_raw_server(args, "multi-server");
  }
  std::string url_a() const { return "http://" + loopback(port_a_); }
  std::string url_b() const { return "http://" + loopback(port_b_); }
  int port_a_ = 0, port_b_ = 0, mport_ = 0;
  std::unique_ptr<background_process> a_, b_;
};

TEST_F(multi_test, parallel_mirror_reaches_both_with_fortio_headers) {
  auto m = start_multi({}, url_a() + "/ " + loopback(port_b_));  // the second without scheme: http:// assumed
  const std::string got = exchange_raw(mport_, "POST /debug?x=1 HTTP/1.1\r\nHost: front\r\nUser-Agent: tester\r\n"
                                               "x-b3-traceid: 7\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  const auto first = got.find("Host: " + loopback(port_a_));
  const auto second = got.find("Host: " + loopback(port_b_));
  ASSERT_NE(first, std::string::npos) << got;
  ASSERT_NE(second, std::string::npos) << got;
  EXPECT_LT(first, second) << "answers in -M order";
  for (const std::string h : {"POST /debug?x=1 HTTP/1.1", "User-Agent: tester", "X-B3-Traceid: 7", "X-On-Behalf-Of: 127.0.0.1:",
                              "X-Proxy-Agent: loadgen/", "body:\n\nbody"}) {
    const auto at = got.find(h);
    EXPECT_NE(at, std::string::npos) << h << "\n" << got;
    EXPECT_NE(got.find(h, at + 1), std::string::npos) << "twice: " << h << "\n" << got;
  }
  EXPECT_LT(got.find("X-Fortio-Multi-Id: 1"), second);
  EXPECT_GT(got.find("X-Fortio-Multi-Id: 2"), second);
  EXPECT_NE(m->err_so_far().find("Assuming http:// on missing scheme for '" + loopback(port_b_) + "'"), std::string::npos);
}

TEST_F(multi_test, parallel_status_is_the_first_not_200_and_bodies_follow_in_order) {
  const int dead = free_port();
  auto m = start_multi({}, url_a() + " " + url_b() + " http://" + loopback(dead));
  const std::string ok = exchange_raw(mport_, "POST /echo HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab");
  EXPECT_EQ(ok.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << ok;  // the dead target
  EXPECT_NE(ok.find("\r\n\r\nabab" "Error for http://" + loopback(dead) + "/echo: connect to " + loopback(dead) +
                    ": Connection refused\n"),
            std::string::npos)
      << ok;
  auto m2 = start_multi({}, url_a() + " " + url_b());
  const std::string mixed = exchange_raw(mport_, "GET /echo?status=201 HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(mixed.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << mixed;
  // A keep-alive caller: many requests on one connection, every one answered (the targets'
  // connections are reused).
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "30", "-c", "2", "-payload", "x",
                      "http://" + loopback(mport_) + "/echo"});
  EXPECT_EQ(code_count(r.err, 200), 30) << r.err;
}

TEST_F(multi_test, a_client_waiting_for_100_continue_gets_it) {
  auto m = start_multi({}, url_a());
  const std::string body(3000, 'b');
  const auto r = run({"/usr/bin/curl", "-s", "-S", "--max-time", "10", "--expect100-timeout", "5", "--data-binary",
                      body, "http://" + loopback(mport_) + "/echo"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, body);
}

TEST_F(multi_test, serial_mode_takes_the_first_status) {
  // 200 then 500: serial answers the first's status, parallel the first that is not 200.
  const std::string targets = url_a() + "/echo " + url_b() + "/echo?status=500";
  const std::string req = "POST /ignored HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  {
    auto m = start_multi({"-multi-serial-mode", "-multi-mirror-origin=false"}, targets);
    EXPECT_EQ(exchange_raw(mport_, req).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  }
  {
    auto m = start_multi({"-multi-mirror-origin=false"}, targets);
    EXPECT_EQ(exchange_raw(mport_, req).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
  }
  // A first target that fails: 503, its error line, then the next one's answer.
  const int dead = free_port();
  auto m = start_multi({"-multi-serial-mode"}, "http://" + loopback(dead) + " " + url_a());
  const std::string got = exchange_raw(mport_, "POST /echo HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  EXPECT_EQ(got.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << got;
  const std::string body = "Error for http://" + loopback(dead) + "/echo: connect to " + loopback(dead) +
                           ": Connection refused\nok";
  EXPECT_EQ(got.substr(got.size() - body.size()), body) << got;
}

TEST_F(multi_test, no_mirror_sends_the_url_as_given_with_payload_and_trace_headers_only) {
  auto m = start_multi({"-multi-mirror-origin=false"}, url_a() + "/debug " + url_b() + "/debug");
  const std::string got = exchange_raw(mport_, "GET /other/path?payload=abc HTTP/1.1\r\nUser-Agent: tester\r\n"
                                               "X-Request-Id: r1\r\nOther: o\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  for (const std::string h : {"POST /debug HTTP/1.1", "X-Request-Id: r1", "User-Agent: loadgen/", "body:\n\nabc"}) {
    const auto at = got.find(h);
    EXPECT_NE(at, std::string::npos) << h << "\n" << got;
    EXPECT_NE(got.find(h, at + 1), std::string::npos) << "twice: " << h << "\n" << got;
  }
  EXPECT_EQ(got.find("Other: o"), std::string::npos) << got;
  EXPECT_EQ(got.find("tester"), std::string::npos) << got;
  EXPECT_EQ(got.find("X-Proxy-Agent"), std::string::npos) << got;
}

TEST(server_flags, port_in_use_names_the_flag_and_exits_1) {
  int taken = 0;
  const int fd = listen_loopback(1, &taken);
  const std::string t = loopback(taken);
  const std::string http = loopback(free_port());
  struct cse {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<cse> cases{
      {{"-http-port", t}, "-http-port " + t},
      {{"-http-port", http, "-redirect-port", t}, "-redirect-port " + t},
      {{"-http-port", http, "-P", t + " " + http}, "-P " + t},
      {{"-http-port", http, "-M", t + " " + "http://" + http}, "-M " + t},
      {{"-http-port", http, "-grpc-port", t}, "-grpc-port " + t},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled"};
    if (std::find(c.args.begin(), c.args.end(), "-grpc-port") == c.args.end()) {
      argv.emplace_back("-grpc-port");
      argv.emplace_back("disabled");
    }
    if (std::find(c.args.begin(), c.args.end(), "-redirect-port") == c.args.end()) {
      argv.emplace_back("-redirect-port");
      argv.emplace_back("disabled");
    }
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run(argv, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 1) << c.message << "\n" << r.err;
    EXPECT_EQ(r.err, "loadgen server: " + c.message + ": address already in use\n");
  }
  close(fd);
}

TEST(server_flags, grpc_port_listens_and_says_so_unless_disabled) {
  const int port = free_port(), grpc = free_port();
  background_process server({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port",
                             loopback(port), "-redirect-port", "disabled", "-grpc-port", loopback(grpc)});
  ASSERT_TRUE(server.wait_for_output("echo server listening")) << server.err_so_far();
  EXPECT_TRUE(wait_for_port(grpc));
  server.signal(SIGTERM);
  const auto r = server.wait();
  EXPECT_NE(r.err.find("gRPC server (fgrpc.PingServer, grpc.health.v1.Health) listening on " + loopback(grpc) + "\n"),
            std::string::npos) << r.err;
  // Disabled: not a word about it.
  const int port2 = free_port();
  background_process quiet({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", loopback(port2), "-redirect-port", "disabled",
                            "-grpc-port", "disabled"});
  ASSERT_TRUE(quiet.wait_for_output("echo server listening")) << quiet.err_so_far();
  quiet.signal(SIGTERM);
  EXPECT_EQ(quiet.wait().err.find("gRPC"), std::string::npos);
}

TEST(server_flags, fortio_only_flags_are_accepted_with_one_warning_each) {
  const int port = free_port();
  background_process server({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", loopback(port), "-redirect-port", "disabled",
                             "-grpc-port", "disabled", "-data-dir", "/tmp", "-ui-path", "/ui/", "-config-dir", "/etc/x",
                             "-static-dir", "/s", "-gomaxprocs", "1", "-udp-timeout", "1s", "-grpc-ping-delay", "1s",
                             "-c", "8", "-keepalive=false", "-H", "A: b", "-H", "C: d"});
  ASSERT_TRUE(server.wait_for_output("echo server listening")) << server.err_so_far();
  server.signal(SIGTERM);
  const auto r = server.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string w : {"W -grpc-ping-delay: ignored, the delay of a gRPC ping is the client's to ask for (-grpc-ping-delay on load)\n",
                              "I results UI at /ui/ on the HTTP port, data directory \"/tmp\"\n",
                              "W -config-dir: ignored, loadgen has no dynamic flags: flags are read once at start\n",
                              "W -udp-timeout is not used by `loadgen server` (Fortio's flag for `loadgen load`): ignored\n",
                              "W -keepalive, -H, -c: ignored, load flags have no effect on the server (as in Fortio)\n"})
    EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << r.err;
  EXPECT_EQ(r.err.find("static-dir"), std::string::npos) << "unused in Fortio too: no warning\n" << r.err;
  EXPECT_EQ(r.err.find("-data-dir"), std::string::npos) << "the results UI serves it: no warning\n" << r.err;
  EXPECT_EQ(count_lines_starting(r.err, ""), 8) << r.err;  // the 4 warnings, listening, the UI, SIGTERM, served
}

}  // namespace
}  // namespace loadgen::test
