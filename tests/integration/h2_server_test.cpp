// HTTP/2 on loadgen's own echo server, driven by real clients: loadgen's -h2, curl(1) (prior
// knowledge, the Upgrade: h2c dance, h2 over TLS by ALPN), and the real Fortio's -h2 when it is
// next to the project. Counts are exact on both sides: the client's Code lines and the server's
// own "served N requests" and "shed N of M" lines.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <regex>
#include <thread>

#include "process.hpp"

namespace loadgen::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The server's own count, from the line it prints when stopped.
int served(process_result&& r) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.err, m, std::regex("served ([0-9]+) requests"))) << r.err;
  return m.empty() ? -1 : std::stoi(m[1]);
}

int stop_and_count_served(background_process& server) {
  server.signal(SIGTERM);
  return served(server.wait());
}

std::string url(int port, const std::string& path, const std::string& scheme = "http") {
  return scheme + "://127.0.0.1:" + std::to_string(port) + path;
}

process_result load(const std::vector<std::string>& args) {
  std::vector<std::string> argv{loadgen_binary(), "load", "-h2", "-loglevel", "Warning"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, std::chrono::seconds(60));
}

bool have_curl() { return access("/usr/bin/curl", X_OK) == 0; }

std::string fortio_binary() {
  const std::string path = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  return access(path.c_str(), X_OK) == 0 ? path : "";
}

TEST(h2_server, prior_knowledge_every_echo_parameter) {
  int port = 0;
  auto server = start_server(&port);
  const auto r = load({"-qps", "0", "-n", "40", "-c", "2", "-streams", "4", "-json", "-",
                       url(port, "/echo?status=418&size=100&delay=100ms&header=X-Foo:bar")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 418 : 40 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 2 connections, 4 streams max\n")) << r.err;
  EXPECT_TRUE(has(r.err, "Sockets used: 2 (for perfect keepalive, would be 2)")) << r.err;
  const auto json = boost::json::parse(r.out).as_object();
  EXPECT_GE(json.at("DurationHistogram").at("Min").to_number<double>(), 0.1);  // delay=100ms honoured
  // Body 100 bytes; headers: ":status: 418", date, content-type, x-foo, content-length lines.
  EXPECT_EQ(json.at("Sizes").at("Min").to_number<double>(), json.at("HeaderSizes").at("Min").to_number<double>() + 100);
  EXPECT_EQ(stop_and_count_served(*server), 40);
}

TEST(h2_server, curl_prior_knowledge_sees_status_headers_and_echoed_body) {
  if (!have_curl()) GTEST_SKIP() << "no curl(1)";
  int port = 0;
  auto server = start_server(&port);
  const auto r = run({"/usr/bin/curl", "-sS", "-i", "--http2-prior-knowledge", "-d", "hello",
                      url(port, "/echo?status=202&header=X-Foo:bar&header=Connection:keep-alive")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("HTTP/2 202 \r\n", 0), 0u) << r.out;
  EXPECT_TRUE(has(r.out, "\r\nx-foo: bar\r\n")) << r.out;
  EXPECT_FALSE(has(r.out, "connection")) << r.out;  // HTTP/2 forbids it: left out, not a broken stream
  EXPECT_TRUE(has(r.out, "\r\ncontent-type: application/x-www-form-urlencoded\r\n")) << r.out;
  EXPECT_TRUE(has(r.out, "\r\ncontent-length: 5\r\n\r\nhello")) << r.out;
  const auto gz = run({"/usr/bin/curl", "-sS", "-i", "--http2-prior-knowledge", "-H", "Accept-Encoding: gzip",
                       "-o", "/dev/null", "-w", "%{size_download}", "-D", "-", url(port, "/echo?size=5000&gzip=true")});
  ASSERT_EQ(gz.exit_code, 0) << gz.err;
  EXPECT_TRUE(has(gz.out, "content-encoding: gzip")) << gz.out;
  EXPECT_EQ(stop_and_count_served(*server), 2);
}

TEST(h2_server, curl_upgrade_h2c_answers_the_first_request_on_stream_one) {
  if (!have_curl()) GTEST_SKIP() << "no curl(1)";
  int port = 0;
  auto server = start_server(&port);
  const auto r = run({"/usr/bin/curl", "-sS", "-i", "--http2", "-H", "X-Trace: abc", url(port, "/debug")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << r.out;
  EXPECT_TRUE(has(r.out, "\r\n\r\nHTTP/2 200 \r\n")) << r.out;
  EXPECT_TRUE(has(r.out, "GET /debug HTTP/1.1\n")) << r.out;  // the request came as HTTP/1.1
  EXPECT_TRUE(has(r.out, "\nX-Trace: abc\n")) << r.out;
  // A POST upgraded: its body is echoed on stream 1.
  const auto post = run({"/usr/bin/curl", "-sS", "--http2", "-d", "payload-42", "-w", " %{http_version}", url(port, "/echo")});
  ASSERT_EQ(post.exit_code, 0) << post.err;
  EXPECT_EQ(post.out, "payload-42 2");
  EXPECT_EQ(stop_and_count_served(*server), 2);
}

class h2_tls : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("h2-server");
    const auto certs = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir_});
    ASSERT_EQ(certs.exit_code, 0) << certs.err;
  }
  static void TearDownTestSuite() { remove_tree(dir_); }
  static inline std::string dir_;
};

TEST_F(h2_tls, alpn_chooses_h2_or_http11_on_one_port) {
  int port = 0;
  auto server = start_server(&port, {"-cert", dir_ + "/good.pem", "-key", dir_ + "/good.key"});
  const auto h2 = load({"-qps", "0", "-n", "60", "-c", "2", "-streams", "3", "-cacert", dir_ + "/ca.pem",
                        url(port, "/echo?size=2000", "https")});
  ASSERT_EQ(h2.exit_code, 0) << h2.err;
  EXPECT_TRUE(has(h2.err, "Code 200 : 60 (100.0 %)")) << h2.err;
  EXPECT_TRUE(has(h2.err, "Protocol : h2 2 connections, 3 streams max\n")) << h2.err;
  const auto h1 = run({loadgen_binary(), "load", "-qps", "0", "-n", "20", "-c", "2", "-cacert", dir_ + "/ca.pem",
                       "-loglevel", "Warning", url(port, "/echo", "https")});
  ASSERT_EQ(h1.exit_code, 0) << h1.err;
  EXPECT_TRUE(has(h1.err, "Code 200 : 20 (100.0 %)")) << h1.err;
  EXPECT_FALSE(has(h1.err, "Protocol :")) << h1.err;
  int calls = 80;
  if (have_curl()) {
    const auto c2 = run({"/usr/bin/curl", "-sS", "--http2", "--cacert", dir_ + "/ca.pem", "-o", "/dev/null", "-w",
                         "%{http_version} %{http_code}", url(port, "/echo", "https")});
    EXPECT_EQ(c2.out, "2 200") << c2.err;
    const auto c1 = run({"/usr/bin/curl", "-sS", "--http1.1", "--cacert", dir_ + "/ca.pem", "-o", "/dev/null", "-w",
                         "%{http_version} %{http_code}", url(port, "/echo", "https")});
    EXPECT_EQ(c1.out, "1.1 200") << c1.err;
    calls += 2;
  }
  EXPECT_EQ(stop_and_count_served(*server), calls);
}

// Envoy's maxRequests for an HTTP/2 upstream counts streams: 8 concurrent streams on one
// connection with 1 active + 1 pending allowed leave exactly 6 shed, and the connection stays up.
TEST(h2_server, breaker_sheds_exactly_six_of_eight_streams) {
  int port = 0;
  auto server = start_server(&port, {"-max-active", "1", "-max-pending", "1"});
  const auto r = load({"-qps", "0", "-n", "8", "-c", "1", "-streams", "8", url(port, "/echo?delay=300ms")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 2 (25.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Code 503 : 6 (75.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Sockets used: 1 (for perfect keepalive, would be 1)")) << r.err;
  EXPECT_TRUE(has(r.err, "Envoy overflow : 6 of 6 503 responses carried x-envoy-overloaded")) << r.err;
  server->signal(SIGTERM);
  const auto s = server->wait();
  EXPECT_TRUE(has(s.err, "served 8 requests")) << s.err;
  EXPECT_TRUE(has(s.err, "Circuit breaker: shed 6 of 8 requests")) << s.err;
}

TEST(h2_server, h2_max_streams_caps_the_clients_streams) {
  int port = 0;
  auto server = start_server(&port, {"-h2-max-streams", "4"});
  const auto r = load({"-qps", "0", "-n", "200", "-c", "1", "-streams", "16", url(port, "/echo?delay=5ms")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 200 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 1 connections, 4 streams max (-streams 16 capped by the server's "
                         "SETTINGS_MAX_CONCURRENT_STREAMS 4)")) << r.err;
  EXPECT_EQ(stop_and_count_served(*server), 200);
  const auto bad = run({loadgen_binary(), "server", "-h2-max-streams", "0"});
  EXPECT_EQ(bad.exit_code, 2);  // a bad flag value, as Go's flag errors
  EXPECT_TRUE(has(bad.err, "loadgen server: -h2-max-streams must be at least 1")) << bad.err;
}

// close=true on HTTP/2 is a graceful GOAWAY: every call still answered once, on new connections.
TEST(h2_server, close_is_a_goaway_and_no_call_is_lost_or_doubled) {
  int port = 0;
  auto server = start_server(&port);
  const auto one = load({"-qps", "0", "-n", "30", "-c", "1", url(port, "/echo?close=true")});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_TRUE(has(one.err, "Code 200 : 30 (100.0 %)")) << one.err;
  EXPECT_TRUE(has(one.err, "Sockets used: 30 (for perfect keepalive, would be 1)")) << one.err;
  const auto many = load({"-qps", "0", "-n", "100", "-c", "2", "-streams", "4", url(port, "/echo?close=true")});
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_TRUE(has(many.err, "Code 200 : 100 (100.0 %)")) << many.err;
  EXPECT_FALSE(has(many.err, "Transport errors")) << many.err;
  EXPECT_EQ(stop_and_count_served(*server), 130);
}

TEST(h2_server, body_over_the_limit_is_413_and_the_connection_goes_on) {
  int port = 0;
  auto server = start_server(&port, {"-maxpayloadsizekb", "1"});
  const auto r = load({"-qps", "0", "-n", "10", "-c", "1", "-payload-size", "3000", url(port, "/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 413 : 10 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Sockets used: 1 (for perfect keepalive, would be 1)")) << r.err;
  EXPECT_EQ(stop_and_count_served(*server), 10);
}

// SIGTERM while streams wait for their delay: they are answered (then GOAWAY), the server exits 0,
// and the client's 200s are exactly what the server says it served.
TEST(h2_server, stop_answers_the_streams_in_flight) {
  int port = 0;
  auto server = start_server(&port);
  background_process client({loadgen_binary(), "load", "-h2", "-qps", "0", "-n", "400", "-c", "1", "-streams", "4",
                             "-loglevel", "Warning", url(port, "/echo?delay=100ms")});
  // From the client's start, not its launch: a process starts slowly under the sanitizers on a
  // busy machine, and the stop must come when streams are in flight (4 per 100 ms).
  ASSERT_TRUE(client.wait_for_output("Starting at")) << client.err_so_far();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server->signal(SIGTERM);
  const auto s = server->wait();
  EXPECT_EQ(s.exit_code, 0) << s.err;
  const auto c = client.wait(std::chrono::seconds(60));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(c.err, m, std::regex("Code 200 : ([0-9]+) "))) << c.err;
  const int ok = std::stoi(m[1]);
  EXPECT_GE(ok, 4);
  EXPECT_EQ(served(process_result(s)), ok);
  EXPECT_TRUE(std::regex_search(c.err, std::regex("Code  -1 : " + std::to_string(400 - ok) + " "))) << c.err;
}

// Bytes after the preface that are not HTTP/2 frames: the server answers its SETTINGS and a
// GOAWAY PROTOCOL_ERROR, closes, and goes on serving others.
TEST(h2_server, garbage_after_the_preface_gets_goaway_protocol_error) {
  int port = 0;
  auto server = start_server(&port);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string bad = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + "garbage, not a frame header";
  ASSERT_EQ(write(fd, bad.data(), bad.size()), static_cast<ssize_t>(bad.size()));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
  close(fd);
  // Frames: 9-byte header (length 24 bits, type, flags, stream id). Find the GOAWAY (type 7).
  bool goaway_protocol_error = false;
  for (std::size_t at = 0; at + 9 <= got.size();) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(got[i]); };
    const std::size_t len = (b(at) << 16) | (b(at + 1) << 8) | b(at + 2);
    if (b(at + 3) == 7 && at + 9 + 8 <= got.size()) goaway_protocol_error = b(at + 9 + 7) == 1;  // error code 1
    at += 9 + len;
  }
  EXPECT_TRUE(goaway_protocol_error) << got.size() << " bytes";
  const auto r = load({"-qps", "0", "-n", "5", "-c", "1", url(port, "/echo")});
  EXPECT_TRUE(has(r.err, "Code 200 : 5 (100.0 %)")) << r.err;
  EXPECT_EQ(stop_and_count_served(*server), 5);
}

TEST(h2_server, fortio_h2_client_against_it) {
  const std::string fortio = fortio_binary();
  if (fortio.empty()) GTEST_SKIP() << "no Fortio binary next to the project (a clone on its own has none)";
  int port = 0;
  auto server = start_server(&port, {"-max-active", "1", "-max-pending", "1"});
  const auto r = run({fortio, "load", "-h2", "-qps", "0", "-n", "8", "-c", "8", "-loglevel", "Warning",
                      url(port, "/echo?delay=300ms")},
                     std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Fortio's 8 connections, one stream each: the breaker counts them the same way.
  EXPECT_TRUE(has(r.out + r.err, "Code 200 : 2 (25.0 %)")) << r.out << r.err;
  EXPECT_TRUE(has(r.out + r.err, "Code 503 : 6 (75.0 %)")) << r.out << r.err;
  const auto c = run({fortio, "curl", "-h2", url(port, "/debug")}, std::chrono::seconds(30));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(has(c.out, "GET /debug HTTP/2.0\n")) << c.out;
  EXPECT_TRUE(has(c.out, "\nUser-Agent: fortio.org/fortio-")) << c.out;
  EXPECT_EQ(stop_and_count_served(*server), 9);
}

}  // namespace
}  // namespace loadgen::test
