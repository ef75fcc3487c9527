// HTTP/2 (-h2) against real peers: Debian's nginx (h2 over TLS by ALPN, h2c with prior
// knowledge, GOAWAY every 100 streams, a 4-stream cap, an https server without h2), with every
// call counted on both sides (nginx's own access log, $server_protocol HTTP/2.0); and three broken
// servers on loopback (one that never sends SETTINGS, one that answers garbage, one whose
// response header is over HPACK's field limit).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "process.hpp"

namespace loadgen::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The nginx access log's lines, split on spaces:
// port protocol status method uri x-test content-length body-bytes-sent connection
std::vector<std::vector<std::string>> log_lines(const std::string& path) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    out.push_back(std::move(w));
  }
  return out;
}

// "Protocol : h2 N connections, ..." -> N (-1 when absent).
int h2_connections(const std::string& report) {
  std::smatch m;
  static const std::regex re("Protocol : h2 ([0-9]+) connections");
  return std::regex_search(report, m, re) ? std::stoi(m[1]) : -1;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class h2_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("h2");
    const auto certs = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir_});
    ASSERT_EQ(certs.exit_code, 0) << certs.err;
    {
      std::ofstream big(dir_ + "/big.bin", std::ios::binary);
      for (int i = 0; i < 1024 * 1024; ++i) big.put(static_cast<char>(i * 7 % 251));
    }
    std::ofstream(dir_ + "/text.txt") << std::string(10000, 'a');
    for (int& p : ports_) p = free_port();
    const std::string d = dir_;
    const auto port = [](int p) { return "127.0.0.1:" + std::to_string(p); };
    const std::string locations =
        "    root " + d + ";\n"
        "    location = /ok { return 200 \"ok\\n\"; }\n"
        "    location = /post { return 200 \"posted\\n\"; }\n"
        "    location = /hop { return 302 /ok; }\n"
        "    location = /loop { return 302 /loop; }\n"
        "    location = /slow { limit_rate 1k; alias " + d + "/big.bin; }\n"
        "    location = /text.txt { gzip on; gzip_types text/plain; gzip_min_length 0; }\n"
        "    location = /shed { add_header x-envoy-overloaded true always;\n"
        "      add_header x-envoy-upstream-service-time 7 always; return 503 \"overflow\\n\"; }\n";
    const std::string tls = "    ssl_certificate " + d + "/good.pem;\n    ssl_certificate_key " + d + "/good.key;\n";
    const std::string http =
        "  log_format calls '$server_port $server_protocol $status $request_method $request_uri $http_x_test "
        "$content_length $body_bytes_sent $connection';\n"
        "  server {\n    listen " + port(ports_[tls_h2]) + " ssl http2;\n    listen " + port(ports_[h2c]) + " http2;\n" +
        tls + "    keepalive_requests 100000;\n    access_log " + d + "/access.log calls;\n" + locations + "  }\n" +
        "  server {\n    listen " + port(ports_[goaway]) + " http2;\n    keepalive_requests 100;\n    access_log " + d +
        "/access.log calls;\n" + locations + "  }\n" +
        "  server {\n    listen " + port(ports_[capped]) + " http2;\n    http2_max_concurrent_streams 4;\n" +
        "    keepalive_requests 100000;\n    access_log " + d + "/access.log calls;\n" + locations + "  }\n" +
        "  server {\n    listen " + port(ports_[tls_h1]) + " ssl;\n" + tls + "    access_log " + d + "/access.log calls;\n" +
        locations + "  }\n" +
        "  server {\n    listen " + port(ports_[tls_goaway]) + " ssl http2;\n" + tls + "    keepalive_requests 100;\n" +
        "    access_log " + d + "/access.log calls;\n" + locations + "  }\n";
    nginx_ = start_nginx(dir_, http, {ports_[0], ports_[1], ports_[2], ports_[3], ports_[4], ports_[5]}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    remove_tree(dir_);
  }
  enum which { tls_h2, h2c, goaway, capped, tls_h1, tls_goaway };
  static std::string url(which w, const std::string& path) {
    const bool https = w == tls_h2 || w == tls_h1 || w == tls_goaway;
    return std::string(https ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(ports_[w]) + path;
  }
  static process_result load(std::vector<std::string> flags) {
    std::vector<std::string> argv{loadgen_binary(), "load", "-h2", "-cacert", dir_ + "/ca.pem"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run(argv, std::chrono::seconds(90));
  }
  // Access log lines of one port with this protocol and status.
  static int logged(which w, const std::string& protocol, const std::string& status = "200") {
    int n = 0;
    for (const auto& l : log_lines(dir_ + "/access.log"))
      if (l.size() >= 3 && l[0] == std::to_string(ports_[w]) && l[1] == protocol && l[2] == status) ++n;
    return n;
  }
  static std::set<std::string> connections_logged(which w) {
    std::set<std::string> out;
    for (const auto& l : log_lines(dir_ + "/access.log"))
      if (l.size() >= 9 && l[0] == std::to_string(ports_[w])) out.insert(l[8]);
    return out;
  }

  static inline std::string dir_;
  static inline int ports_[6] = {};
  static inline background_process* nginx_ = nullptr;
};

TEST_F(h2_test, h2c_prior_knowledge_counts_match_nginx) {
  const auto r = load({"-qps", "0", "-n", "500", "-c", "4", "-streams", "8", url(h2c, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 500 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 4 connections, 8 streams max\n")) << r.err;
  EXPECT_TRUE(has(r.err, "Sockets used: 4 (for perfect keepalive, would be 4)")) << r.err;
  EXPECT_FALSE(has(r.err, "Transport errors")) << r.err;
  EXPECT_EQ(logged(h2c, "HTTP/2.0"), 500);
  EXPECT_EQ(connections_logged(h2c).size(), 4u);
  // HPACK-decoded sizes: ":status: 200", server, date, content-type, content-length lines.
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Response Header Sizes : count 500 avg [0-9]+ \\+/- 0 min [0-9]+ max")))
      << r.err;
}

TEST_F(h2_test, tls_alpn_h2_with_the_test_ca) {
  const auto r = load({"-qps", "0", "-n", "200", "-c", "2", "-streams", "4", url(tls_h2, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 200 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 2 connections, 4 streams max\n")) << r.err;
  EXPECT_EQ(logged(tls_h2, "HTTP/2.0"), 200);
  EXPECT_EQ(connections_logged(tls_h2).size(), 2u);
}

TEST_F(h2_test, goaway_every_100_streams_loses_and_doubles_no_call) {
  const auto r = load({"-qps", "0", "-n", "1000", "-c", "2", "-streams", "8", url(goaway, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 1000 (100.0 %)")) << r.err;
  EXPECT_FALSE(has(r.err, "Transport errors")) << r.err;
  EXPECT_EQ(logged(goaway, "HTTP/2.0"), 1000);
  // nginx answers at most 100 streams per connection: at least 10 connections, each counted once.
  const auto conns = connections_logged(goaway);
  EXPECT_GE(conns.size(), 10u);
  EXPECT_EQ(h2_connections(r.err), static_cast<int>(conns.size())) << r.err;
}

// Paced calls sleep on the fast path (connection_slot::pace_fast_call) while other streams of
// their connection run: a GOAWAY that comes meanwhile can leave one due while no connection takes
// new streams (the next is being made), and call() makes it there (fast_end::due; 47 of 2000 calls
// took that way in a run by hand), each call once.
TEST_F(h2_test, paced_calls_across_goaways_are_each_made_once) {
  const auto r = load({"-qps", "20000", "-n", "2000", "-c", "2", "-streams", "8", url(goaway, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 2000 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "All done 2000 calls")) << r.err;
  EXPECT_FALSE(has(r.err, "Transport errors")) << r.err;
  EXPECT_EQ(logged(goaway, "HTTP/2.0"), 2000);
  const auto conns = connections_logged(goaway);
  EXPECT_GE(conns.size(), 20u);  // at most 100 streams each
  EXPECT_EQ(h2_connections(r.err), static_cast<int>(conns.size())) << r.err;
}

// https through a CONNECT tunnel (tinyproxy), then TLS with ALPN h2 on the tunnelled socket.
TEST_F(h2_test, tls_through_a_connect_proxy) {
  tinyproxy proxy(dir_, false);
  const auto r = load({"-qps", "0", "-n", "120", "-c", "2", "-streams", "4", "-proxy", proxy.url(), url(tls_h2, "/ok?proxied")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 120 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 2 connections, 4 streams max\n")) << r.err;
  int proxied = 0;
  for (const auto& l : log_lines(dir_ + "/access.log"))
    if (l.size() >= 5 && l[0] == std::to_string(ports_[tls_h2]) && l[1] == "HTTP/2.0" && l[4] == "/ok?proxied") ++proxied;
  EXPECT_EQ(proxied, 120);
}

// After each GOAWAY (every 100 streams) the next connection resumes the TLS session of the last.
TEST_F(h2_test, reconnects_after_goaway_resume_the_tls_session) {
  const auto r = load({"-qps", "0", "-n", "500", "-c", "1", url(tls_goaway, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 500 (100.0 %)")) << r.err;
  EXPECT_EQ(logged(tls_goaway, "HTTP/2.0"), 500);
  EXPECT_EQ(connections_logged(tls_goaway).size(), 5u);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("TLS handshakes : count 5 .*\\(resumed 4\\)"))) << r.err;
}

TEST_F(h2_test, server_stream_cap_is_never_exceeded_and_said_once) {
  const auto r = load({"-qps", "0", "-n", "400", "-c", "2", "-streams", "16", url(capped, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 400 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err,
                  "Protocol : h2 2 connections, 4 streams max (-streams 16 capped by the server's "
                  "SETTINGS_MAX_CONCURRENT_STREAMS 4)\n"))
      << r.err;
  EXPECT_FALSE(has(r.err, "REFUSED_STREAM")) << r.err;  // nginx refuses streams above its cap
  EXPECT_EQ(logged(capped, "HTTP/2.0"), 400);
}

TEST_F(h2_test, one_megabyte_responses_flow_control) {
  for (which w : {h2c, tls_h2}) {
    const auto r = load({"-qps", "0", "-n", "12", "-c", "1", "-streams", "4", url(w, "/big.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has(r.err, "Code 200 : 12 (100.0 %)")) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Response Header Sizes : count 12 avg ([0-9]+) ")));
    const long head = std::stol(m[1]);
    const std::string total = std::to_string(head + 1024 * 1024);
    const std::string sum = std::to_string(12 * (head + 1024 * 1024));
    EXPECT_TRUE(has(r.err, "Response Body/Total Sizes : count 12 avg " + total + " +/- 0 min ")) << r.err;
    EXPECT_TRUE(has(r.err, " sum " + sum + "\n")) << r.err;
    int full = 0;
    for (const auto& l : log_lines(dir_ + "/access.log"))
      if (l.size() >= 8 && l[0] == std::to_string(ports_[w]) && l[4] == "/big.bin" && l[7] == "1048576") ++full;
    EXPECT_EQ(full, 12);
  }
}

TEST_F(h2_test, https_without_h2_falls_back_to_http11_and_says_so) {
  const auto r = load({"-qps", "0", "-n", "20", "-c", "2", url(tls_h1, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 20 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : http/1.1 2 connections (the server did not offer h2 in ALPN)\n")) << r.err;
  EXPECT_EQ(logged(tls_h1, "HTTP/1.1"), 20);
}

TEST_F(h2_test, headers_payload_and_uuid_reach_the_server) {
  const auto r = load({"-qps", "0", "-n", "10", "-c", "1", "-streams", "2", "-H", "X-Test: hello", "-payload-size", "1000",
                       url(h2c, "/post?id={uuid}")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 10 (100.0 %)")) << r.err;
  std::set<std::string> ids;
  int posts = 0;
  for (const auto& l : log_lines(dir_ + "/access.log")) {
    if (l.size() < 7 || l[0] != std::to_string(ports_[h2c])) continue;
    EXPECT_EQ(l[1], "HTTP/2.0");
    EXPECT_EQ(l[3], "POST");
    EXPECT_EQ(l[5], "hello");
    EXPECT_EQ(l[6], "1000");
    ASSERT_EQ(l[4].rfind("/post?id=", 0), 0u);
    EXPECT_EQ(l[4].size(), std::string("/post?id=").size() + 36);
    ids.insert(l[4]);
    ++posts;
  }
  EXPECT_EQ(posts, 10);
  EXPECT_EQ(ids.size(), 10u);  // a fresh UUID per call
}

TEST_F(h2_test, timeout_per_stream_cancels_it) {
  const auto r = load({"-qps", "0", "-n", "4", "-c", "1", "-streams", "4", "-timeout", "300ms", url(h2c, "/slow")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code  -1 : 4 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Transport errors : timeout 4\n")) << r.err;
  // nginx saw each stream end early (RST_STREAM CANCEL): less than the whole file was sent.
  int cut = 0;
  for (int tries = 0; tries < 50 && cut < 4; ++tries) {
    cut = 0;
    for (const auto& l : log_lines(dir_ + "/access.log"))
      if (l.size() >= 8 && l[4] == "/slow" && std::stol(l[7]) < 1024 * 1024) ++cut;
    if (cut < 4) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(cut, 4);
}

TEST_F(h2_test, paced_run_access_log_and_json) {
  const std::string log = dir_ + "/calls.jsonl";
  const auto r = load({"-qps", "100", "-t", "1s", "-c", "2", "-streams", "2", "-access-log-file", log, "-json", "-",
                       url(h2c, "/ok")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 100 (100.0 %)")) << r.err;
  EXPECT_EQ(logged(h2c, "HTTP/2.0"), 104);  // 100 calls and one warmup call per slot
  EXPECT_EQ(count_lines_starting(read_file(log), "{"), 100);
  const auto json = boost::json::parse(r.out.substr(r.out.find('{'))).as_object();
  EXPECT_EQ(json.at("H2").as_bool(), true);
  const auto& protocol = json.at("Protocol").as_object();
  EXPECT_EQ(protocol.at("Name").as_string(), "h2");
  EXPECT_EQ(protocol.at("Connections").as_int64(), 2);
  EXPECT_EQ(protocol.at("StreamsMax").as_int64(), 2);
}

TEST_F(h2_test, curl_prints_http2_status_and_lower_case_headers) {
  for (which w : {h2c, tls_h2}) {
    const auto r = run({loadgen_binary(), "curl", "-h2", "-cacert", dir_ + "/ca.pem", url(w, "/ok")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
    EXPECT_EQ(r.err.rfind("HTTP/2 200\r\n", 0), 0u) << r.err;
    EXPECT_TRUE(has(r.err, "\r\ncontent-length: 3\r\n")) << r.err;
    EXPECT_TRUE(has(r.err, "\r\nserver: nginx")) << r.err;
  }
}

// -L on HTTP/2: a same-origin redirect is the next stream on the same connection, and the call
// is the last hop's answer (as on HTTP/1.1); 10 hops at most.
TEST_F(h2_test, redirects_are_followed_on_the_same_connection_with_L) {
  const auto r = load({"-qps", "0", "-n", "30", "-c", "2", "-L", url(h2c, "/hop")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 30 (100.0 %)")) << r.err;
  EXPECT_EQ(logged(h2c, "HTTP/2.0", "302"), 30);
  EXPECT_EQ(logged(h2c, "HTTP/2.0", "200"), 30);
  EXPECT_EQ(connections_logged(h2c).size(), 2u) << "each hop on its call's connection";
  const auto unfollowed = load({"-qps", "0", "-n", "5", "-c", "1", url(h2c, "/hop")});
  EXPECT_TRUE(has(unfollowed.err, "Code 302 : 5 (100.0 %)")) << unfollowed.err;
  const auto loop = load({"-qps", "0", "-n", "2", "-c", "1", "-L", url(h2c, "/loop")});
  EXPECT_TRUE(has(loop.err, "Code 302 : 2 (100.0 %)")) << loop.err;
  EXPECT_EQ(logged(h2c, "HTTP/2.0", "302"), 30 + 5 + 2 * 11) << "a first request and 10 hops per call";
  const auto c = run({loadgen_binary(), "curl", "-h2", "-L", url(h2c, "/hop")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "ok\n");
  EXPECT_EQ(c.err.rfind("HTTP/2 302\r\n", 0), 0u) << c.err;
  EXPECT_TRUE(has(c.err, "\r\n\r\nHTTP/2 200\r\n")) << c.err;
}

TEST_F(h2_test, compression_counts_and_prints_the_inflated_body) {
  const auto r = load({"-qps", "0", "-n", "4", "-c", "1", "-streams", "2", "-compression", url(h2c, "/text.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Response Header Sizes : count 4 avg ([0-9]+) "))) << r.err;
  const std::string total = std::to_string(std::stol(m[1]) + 10000);
  EXPECT_TRUE(has(r.err, "Response Body/Total Sizes : count 4 avg " + total + " +/- 0")) << r.err;
  for (const auto& l : log_lines(dir_ + "/access.log"))
    if (l.size() >= 8 && l[4] == "/text.txt") {
      EXPECT_LT(std::stol(l[7]), 1000);  // sent gzipped
    }
  const auto c = run({loadgen_binary(), "curl", "-h2", "-compression", url(h2c, "/text.txt")});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, std::string(10000, 'a'));
  EXPECT_TRUE(has(c.err, "\r\ncontent-encoding: gzip\r\n")) << c.err;
}

TEST_F(h2_test, envoy_headers_and_abort_on) {
  const auto r = load({"-qps", "0", "-n", "8", "-c", "1", "-streams", "2", url(h2c, "/shed")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 503 : 8 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Envoy overflow : 8 of 8 503 responses carried x-envoy-overloaded")) << r.err;
  EXPECT_TRUE(has(r.err, "Envoy upstream service time : count 8 avg 0.007 ")) << r.err;
  // -abort-on: the first 503 stops the run; only the other slot's call in flight still ends.
  const auto a = load({"-qps", "0", "-n", "1000", "-c", "1", "-streams", "2", "-abort-on", "503", url(h2c, "/shed")});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(a.err, m, std::regex("All done ([0-9]+) calls"))) << a.err;
  EXPECT_GE(std::stoi(m[1]), 1);
  EXPECT_LE(std::stoi(m[1]), 2);
}

// Appends one HTTP/2 frame (RFC 9113 section 4.1) to out.
void frame(std::string& out, std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  const char head[9] = {static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n),
                        static_cast<char>(type), static_cast<char>(flags), static_cast<char>(stream >> 24),
                        static_cast<char>(stream >> 16), static_cast<char>(stream >> 8), static_cast<char>(stream)};
  out.append(head, sizeof head).append(payload);
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A loopback server that accepts, reads the client's preface, and then says nothing (never
// SETTINGS), answers in HTTP/1.1 (garbage for an HTTP/2 client), or sends valid SETTINGS and a
// response on stream 1 whose one header is 70,000 bytes, over the 64 KB that nghttp2's HPACK
// decoder takes for a header field (a HEADERS frame and CONTINUATION frames, library-encoded).
class bad_server {
public:
  enum mode { silent, garbage, huge_header };
  explicit bad_server(mode m) : fd_(listen_loopback(64, &port_)), mode_(m), thread_([this] { serve(); }) {}
  ~bad_server() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    for (int c : clients_) close(c);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
  static std::string huge_response() {
    nghttp2_hd_deflater* deflater = nullptr;
    if (nghttp2_hd_deflate_new(&deflater, 4096) != 0) return {};
    std::string big(70000, 'a');
    const std::string status = "200";
    nghttp2_nv nv[] = {{(uint8_t*)":status", (uint8_t*)status.data(), 7, status.size(), NGHTTP2_NV_FLAG_NONE},
                       {(uint8_t*)"x-big", (uint8_t*)big.data(), 5, big.size(), NGHTTP2_NV_FLAG_NONE}};
    std::string block(nghttp2_hd_deflate_bound(deflater, nv, 2), '\0');
    const auto n = nghttp2_hd_deflate_hd(deflater, (uint8_t*)block.data(), block.size(), nv, 2);
    nghttp2_hd_deflate_del(deflater);
    if (n < 0) return {};
    block.resize(static_cast<std::size_t>(n));
    std::string out;
    frame(out, 0x4, 0, 0, {});    // SETTINGS (none)
    frame(out, 0x4, 0x1, 0, {});  // ACK of the client's
    constexpr std::size_t max_frame = 16384;
    for (std::size_t at = 0; at < block.size(); at += max_frame) {
      const bool first = at == 0, last = at + max_frame >= block.size();
      frame(out, first ? 0x1 : 0x9, static_cast<std::uint8_t>((last ? 0x4 : 0) | (first ? 0x1 : 0)), 1,
            std::string_view(block).substr(at, max_frame));  // HEADERS (END_STREAM), CONTINUATION...
    }
    return out;
  }
  void serve() {
    const std::string huge = mode_ == huge_header ? huge_response() : std::string();
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      clients_.push_back(c);
      char buf[4096];
      if (read(c, buf, sizeof buf) <= 0) continue;
      if (mode_ == garbage) {
        const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        (void)!write(c, reply, sizeof reply - 1);
      } else if (mode_ == huge_header) {
        (void)!write(c, huge.data(), huge.size());
      }
    }
  }
  int port_ = 0;
  int fd_;
  mode mode_;
  std::atomic<bool> stop_{false};
  std::vector<int> clients_;
  std::thread thread_;
};

TEST(h2_bad_servers, never_sends_settings_is_a_named_error_and_the_run_completes) {
  bad_server silent(bad_server::silent);
  const auto r = run({loadgen_binary(), "load", "-h2", "-qps", "0", "-n", "6", "-c", "2", "-streams", "2", "-timeout", "300ms",
                      silent.url()},
                     std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code  -1 : 6 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Transport errors : h2 no SETTINGS 6\n")) << r.err;
  EXPECT_TRUE(has(r.err, "Protocol : h2 0 connections")) << r.err;
}

TEST(h2_bad_servers, garbage_after_the_preface_is_a_protocol_error) {
  bad_server garbage(bad_server::garbage);
  const auto r = run({loadgen_binary(), "load", "-h2", "-qps", "0", "-n", "6", "-c", "2", "-streams", "2", "-timeout", "2s",
                      garbage.url()},
                     std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code  -1 : 6 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Transport errors : h2 protocol error 6\n")) << r.err;
  const auto c = run({loadgen_binary(), "curl", "-h2", garbage.url()}, std::chrono::seconds(30));
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_TRUE(has(c.err, "bad HTTP/2 from 127.0.0.1:")) << c.err;
}

TEST(h2_bad_servers, a_header_over_the_hpack_field_limit_is_a_protocol_error) {
  bad_server huge(bad_server::huge_header);
  const auto r = run({loadgen_binary(), "load", "-h2", "-qps", "0", "-n", "4", "-c", "2", "-timeout", "2s", huge.url()},
                     std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code  -1 : 4 (100.0 %)")) << r.err;
  EXPECT_TRUE(has(r.err, "Transport errors : h2 protocol error 4\n")) << r.err;
  const auto c = run({loadgen_binary(), "curl", "-h2", huge.url()}, std::chrono::seconds(30));
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_TRUE(has(c.err, "bad HTTP/2 from 127.0.0.1:")) << c.err;
}

// h2c with a request body far larger than the socket takes at once: the client's non-blocking
// send comes back short or would block, and the rest must still go out whole, once. The server
// grants a 2 GB window, reads nothing for 300 ms (the kernel's buffers fill: under strace the
// client's send came back EAGAIN), then reads every frame and answers 200 when the body's last
// DATA frame has come.
// (Not a shrunk SO_RCVBUF: below loopback's 64 KB segments, TCP stalls on its own.)
TEST(h2_bad_servers, a_request_body_larger_than_the_socket_takes_is_written_whole) {
  constexpr std::size_t body = 16'000'000;  // under -maxpayloadsizekb 16000 (the default cap is 256 KB)
  std::atomic<std::size_t> data_bytes{0};
  loopback_server slow([&](int fd) {
    std::string out;
    frame(out, 0x4, 0, 0, std::string("\x00\x04", 2) + be32(0x7fffffff));  // SETTINGS_INITIAL_WINDOW_SIZE
    frame(out, 0x8, 0, 0, be32(0x7fffffff - 65535));                        // WINDOW_UPDATE, connection
    if (write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string in;
    bool preface = false;
    char buf[65536];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<std::size_t>(n));
      if (!preface) {
        if (in.size() < 24) continue;
        in.erase(0, 24);
        preface = true;
      }
      std::size_t at = 0;
      while (in.size() - at >= 9) {
        const auto* h = reinterpret_cast<const unsigned char*>(in.data() + at);
        const std::size_t len = (std::size_t{h[0]} << 16) | (std::size_t{h[1]} << 8) | h[2];
        if (in.size() - at < 9 + len) break;
        const std::uint32_t stream = ((h[5] & 0x7fu) << 24) | (h[6] << 16) | (h[7] << 8) | h[8];
        std::string reply;
        if (h[3] == 0x4 && (h[4] & 0x1) == 0) frame(reply, 0x4, 0x1, 0, {});  // ACK the client's SETTINGS
        if (h[3] == 0x0) {
          data_bytes += len;
          if (h[4] & 0x1) frame(reply, 0x1, 0x5, stream, "\x88");  // HEADERS ":status 200", END_STREAM
        }
        if (!reply.empty() && write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) return;
        at += 9 + len;
      }
      in.erase(0, at);
    }
  });
  const auto r = run({loadgen_binary(), "load", "-h2", "-qps", "0", "-n", "1", "-c", "1", "-payload-size", std::to_string(body),
                      "-maxpayloadsizekb", "16000", "-timeout", "20s", "http://127.0.0.1:" + std::to_string(slow.port()) + "/"},
                     std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "Code 200 : 1 (100.0 %)")) << r.err;
  EXPECT_EQ(data_bytes.load(), body);
}

}  // namespace
}  // namespace loadgen::test
