// The client engine end to end, for the defects the engine rework fixed (each of these failed
// against the binary before it): the connect queue bounded by -timeout and by a stop, Fortio's
// connection lowering and rate lines in paced runs, and credentials never following a redirect
// to another origin.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "process.hpp"

namespace loadgen::test {
namespace {

boost::json::object json_of(const process_result& r) { return boost::json::parse(r.out).as_object(); }

std::int64_t count_of(const boost::json::object& doc) {
  return doc.at("DurationHistogram").as_object().at("Count").as_int64();
}

// --- the connect queue ------------------------------------------------------------------------
// 1000 connections on one thread: 256 connects in flight, 744 queued behind them, against a
// listener that never answers a SYN. Before: each queued connect got a full -timeout of its own
// once it left the queue (about 4 x timeout in all), and the queue wait counted as service time.

// `load` with 1000 connections on one thread (HTTP/1.1, or -h2) against the listener.
std::vector<std::string> black_hole_load(bool h2, const full_backlog_listener& listener, const std::string& timeout,
                                         const std::string& loglevel) {
  std::vector<std::string> argv{loadgen_binary(), "load"};
  if (h2) argv.push_back("-h2");
  for (const std::string& a : {std::string("-c"), std::string("1000"), std::string("-threads"), std::string("1"),
                               std::string("-n"), std::string("1000"), std::string("-qps"), std::string("0"),
                               std::string("-timeout"), timeout, std::string("-loglevel"), loglevel, std::string("-json"),
                               std::string("-"), "http://127.0.0.1:" + std::to_string(listener.port()) + "/"})
    argv.push_back(a);
  return argv;
}

void queued_connects_share_the_calls_timeout(bool h2) {
  full_backlog_listener listener;
  const auto r = run(black_hole_load(h2, listener, "1s", "Error"), std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code  -1 : 1000 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Transport errors : connect timeout 1000"), std::string::npos) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(count_of(doc), 1000);
  // Service time never includes a queue wait past the deadline (timeout 1 s + the watchdog
  // tick at the most).
  EXPECT_LT(doc.at("ServiceTimeHistogram").as_object().at("Max").to_number<double>(), 1.2);
  // Queued connects with a -timeout of their own would make the run last 4 x 1 s or more (four
  // batches of 256); the shared deadline ends them all after about 1 s. The run's own duration,
  // not the process's wall time: a loaded machine under the sanitizers took about 2.5 s more than
  // the run to start the process and write the report.
  const double run_seconds = doc.at("ActualDuration").to_number<double>() / 1e9;
  EXPECT_LT(run_seconds, 3.0) << "queued connects waited longer than the calls' -timeout";
}

void a_stop_ends_the_queue_wait_at_once(bool h2) {
  full_backlog_listener listener;
  background_process load(black_hole_load(h2, listener, "2s", "Warning"));
  ASSERT_TRUE(load.wait_for_output("Starting at")) << load.err_so_far();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  load.signal(SIGTERM);
  const auto r = load.wait(std::chrono::seconds(20));
  const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The 256 connects in flight are bounded by their -timeout; the 744 queued ones never started.
  EXPECT_NE(r.err.find("Code  -1 : 256 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Transport errors : connect timeout 256"), std::string::npos) << r.err;
  // The connects in flight end 2 s after they began, 1.7 s after the signal; waiting for the
  // queued ones would add three more rounds of 2 s. Loose: the process exits slowly under the
  // sanitizers on a busy machine.
  EXPECT_LT(after, 5.5) << "the stop waited for queued connects";
}

TEST(engine_connect_queue, queued_connects_share_the_calls_timeout) { queued_connects_share_the_calls_timeout(false); }

TEST(engine_connect_queue, a_stop_ends_the_queue_wait_at_once) { a_stop_ends_the_queue_wait_at_once(false); }

// A queue that moves: one connect in flight (LOADGEN_CONNECTS_IN_FLIGHT=1, a test hook) and 500
// TLS connections on one thread, so the last connects wait behind the handshakes of all the
// others while every one of them is answered. That wait is loadgen's own, not the server's: with
// a -timeout shorter than the queue, every call is still a 200, as with Fortio's dials (before:
// "connect timeout" for every call whose turn came after the -timeout).
//
// How long the queue takes depends on the build (about 1 ms per handshake, 7 ms under TSan) and
// the machine, so a first run with a long -timeout measures it, and the run under test uses a
// third of it: the last two thirds of the calls wait longer than their -timeout, and the first
// connect (slow while the thread sets up 500 connections under a sanitizer) still fits in it.
class moving_queue : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("connect-queue");
    const auto certs = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir_});
    ASSERT_EQ(certs.exit_code, 0) << certs.err;
  }
  static void TearDownTestSuite() { remove_tree(dir_); }

  // Runs 500 calls on 500 connections; returns its output.
  static process_result queued_run(bool h2, const std::string& timeout, int port) {
    std::vector<std::string> argv{loadgen_binary(), "load"};
    if (h2) argv.push_back("-h2");
    for (const char* a : {"-c", "500", "-threads", "1", "-n", "500", "-qps", "0", "-loglevel", "Warning", "-json", "-"})
      argv.emplace_back(a);
    for (const std::string& a : {std::string("-timeout"), timeout, std::string("-cacert"), dir_ + "/ca.pem",
                                 "https://localhost:" + std::to_string(port) + "/echo"})
      argv.push_back(a);
    background_process load(argv, {{"LOADGEN_CONNECTS_IN_FLIGHT", "1"}});
    return load.wait(std::chrono::seconds(120));
  }

  static void check(bool h2) {
    int port = 0;
    auto server = start_server(&port, {"-cert", dir_ + "/good.pem", "-key", dir_ + "/good.key"});
    const auto calibration = queued_run(h2, "60s", port);
    ASSERT_EQ(calibration.exit_code, 0) << calibration.err;
    ASSERT_NE(calibration.err.find("Code 200 : 500 (100.0 %)"), std::string::npos) << calibration.err;
    const double queue = json_of(calibration).at("DurationHistogram").as_object().at("Max").to_number<double>();
    const auto timeout_ms = static_cast<long>(queue * 1000 / 3);
    ASSERT_GE(timeout_ms, 20) << "the queue took " << queue << " s: too short to test";
    const auto r = queued_run(h2, std::to_string(timeout_ms) + "ms", port);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("Code 200 : 500 (100.0 %)"), std::string::npos) << "-timeout " << timeout_ms << "ms\n" << r.err;
    EXPECT_EQ(r.err.find("Transport errors"), std::string::npos) << r.err;
    if (h2) {
      EXPECT_NE(r.err.find("Protocol : h2 500 connections"), std::string::npos) << r.err;
    }
    const auto doc = json_of(r);
    EXPECT_EQ(count_of(doc), 500);
    // Calls did wait longer than their -timeout (latency counts from the due time: the start).
    EXPECT_GT(doc.at("DurationHistogram").as_object().at("Max").to_number<double>() * 1000, static_cast<double>(timeout_ms))
        << r.err;
  }

  static inline std::string dir_;
};

TEST_F(moving_queue, does_not_eat_the_calls_timeout) { check(false); }

// The same queue for HTTP/2 connections (-h2: each connection takes a connect slot).
TEST_F(moving_queue, does_not_eat_the_timeout_of_h2_calls) { check(true); }

TEST(engine_connect_queue, h2_queued_connects_share_the_calls_timeout_against_a_black_hole) {
  queued_connects_share_the_calls_timeout(true);
}

TEST(engine_connect_queue, h2_a_stop_ends_the_queue_wait_at_once) { a_stop_ends_the_queue_wait_at_once(true); }

// --- reads ------------------------------------------------------------------------------------
// Plain-TCP responses land in a 512-byte buffer per connection; one that fills it is read on
// through the worker's shared 64 KB buffer. Sizes around both edges, on kept-alive connections:
// every byte counted, every call a 200, no response mixed with the next.
TEST(engine_reads, responses_across_the_small_and_the_shared_buffer_are_whole) {
  int port = 0;
  auto server = start_server(&port, {"-maxpayloadsizekb", "512"});
  for (const int size : {0, 400, 511, 512, 513, 1500, 65536, 65537, 300000}) {
    const auto r = run({loadgen_binary(), "load", "-c", "3", "-threads", "1", "-n", "30", "-qps", "0", "-loglevel",
                        "Warning", "-json", "-",
                        "http://127.0.0.1:" + std::to_string(port) + "/echo?size=" + std::to_string(size)});
    ASSERT_EQ(r.exit_code, 0) << size << ": " << r.err;
    EXPECT_NE(r.err.find("Code 200 : 30 (100.0 %)"), std::string::npos) << size << ": " << r.err;
    const auto doc = json_of(r);
    const auto& total = doc.at("Sizes").as_object();
    const auto& head = doc.at("HeaderSizes").as_object();
    EXPECT_EQ(total.at("Count").as_int64(), 30) << size;
    EXPECT_EQ(total.at("Min").to_number<double>(), total.at("Max").to_number<double>()) << size;
    EXPECT_EQ(total.at("Min").to_number<double>() - head.at("Min").to_number<double>(), size) << size;
    EXPECT_EQ(doc.at("SocketCount").as_int64(), 3) << size << ": the connections were kept";
  }
}

// --- kept-alive sockets the server has closed ----------------------------------------------------
// A server that answers `per_connection` requests on each connection, keep-alive and without
// saying it will close, then half-closes it (FIN) and reads on until the client closes: the next
// request on it is read and never answered. The client sees EOF before any response byte on a
// socket it reused, and must make that same call again on a new connection, counted once. On
// plain keep-alive that happens on the fast path (callbacks), so this covers its retry end to end.
class closing_server {
public:
  explicit closing_server(int per_connection) : per_connection_(per_connection) {}
  int port() const { return server_.port(); }
  int answered() const { return answered_.load(); }
  int unanswered() const { return unanswered_.load(); }

private:
  void serve(int conn) {
    std::string pending;
    char buf[4096];
    int served = 0;
    for (;;) {
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) return;
      pending.append(buf, static_cast<std::size_t>(n));
      for (std::size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
        pending.erase(0, end + 4);
        if (served == per_connection_) {  // after the FIN: read, never answered
          ++unanswered_;
          continue;
        }
        const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        if (::write(conn, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) return;
        ++answered_;
        if (++served == per_connection_) ::shutdown(conn, SHUT_WR);
      }
    }
  }
  int per_connection_;
  std::atomic<int> answered_{0};
  std::atomic<int> unanswered_{0};
  loopback_server server_{[this](int conn) { serve(conn); }};  // last: stopped first
};

TEST(engine_keepalive, a_request_on_a_socket_the_server_closed_is_made_again_on_a_new_one) {
  closing_server server(3);
  const auto r = run({loadgen_binary(), "load", "-c", "1", "-n", "20", "-qps", "0", "-loglevel", "Warning", "-json", "-",
                      "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 20 (100.0 %)"), std::string::npos) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(count_of(doc), 20);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 7);  // 3 calls per connection: ceil(20 / 3)
  EXPECT_EQ(server.answered(), 20);
  // Each of the first 6 connections got one request after its FIN (the client does not look for
  // a FIN before it sends), and that call was made again on the next connection.
  EXPECT_EQ(server.unanswered(), 6);
}

// --- requests larger than the socket takes at once ---------------------------------------------
// A server that reads slowly (a pause before each read of at most 64 KB), so that a 16 MB request
// does not fit in the sockets' buffers while it waits (the sending one grows to 4 MB by default,
// net.ipv4.tcp_wmem): the client's send() takes part of it and the rest goes out
// asynchronously, on the fast path as on the coroutine path (checked with strace: no send of
// the whole request at once). It answers each whole request with a 200 and counts the body
// bytes it read.
class slow_reading_server {
public:
  int port() const { return server_.port(); }
  int requests() const { return requests_.load(); }
  std::int64_t body_bytes() const { return body_bytes_.load(); }

private:
  void serve(int conn) {
    std::string pending;
    std::vector<char> buf(64 * 1024);
    std::int64_t body_left = -1;  // -1: reading a head
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const ssize_t n = ::read(conn, buf.data(), buf.size());
      if (n <= 0) return;
      pending.append(buf.data(), static_cast<std::size_t>(n));
      for (bool progress = true; progress;) {
        progress = false;
        if (body_left < 0) {
          const std::size_t end = pending.find("\r\n\r\n");
          if (end == std::string::npos) break;
          const std::size_t at = pending.find("Content-Length: ");
          body_left = at < end ? std::stoll(pending.substr(at + 16)) : 0;
          pending.erase(0, end + 4);
          progress = true;
        }
        const auto take = static_cast<std::int64_t>(std::min<std::size_t>(pending.size(), static_cast<std::size_t>(body_left)));
        pending.erase(0, static_cast<std::size_t>(take));
        body_left -= take;
        body_bytes_ += take;
        if (body_left == 0) {
          const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
          if (::write(conn, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) return;
          ++requests_;
          body_left = -1;
          progress = true;
        }
      }
    }
  }
  std::atomic<int> requests_{0};
  std::atomic<std::int64_t> body_bytes_{0};
  loopback_server server_{[this](int conn) { serve(conn); }};  // last: stopped first
};

TEST(engine_writes, a_request_larger_than_the_socket_takes_goes_out_whole_on_a_kept_alive_connection) {
  slow_reading_server server;
  const auto r = run({loadgen_binary(), "load", "-c", "2", "-threads", "1", "-n", "8", "-qps", "0", "-payload-size",
                      "16000000", "-maxpayloadsizekb", "16384", "-loglevel", "Warning", "-json", "-",
                      "http://127.0.0.1:" + std::to_string(server.port()) + "/"},
                     std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 8 (100.0 %)"), std::string::npos) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(count_of(doc), 8);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 2);  // kept alive: every request was framed whole
  EXPECT_EQ(server.requests(), 8);
  EXPECT_EQ(server.body_bytes(), 8 * 16'000'000LL);
}

// --- Fortio's plan and rate lines in paced runs ------------------------------------------------

class engine_paced : public with_shared_server<engine_paced> {};

TEST_F(engine_paced, fewer_planned_calls_than_connections_lowers_them_as_fortio) {
  // -qps 8 (the default) for 3 s is 24 calls: Fortio lowers 50 connections to 12 (2 calls each)
  // and paces them. Before: 50 calls in about a millisecond, "qps=35525".
  const auto r = run({loadgen_binary(), "load", "-c", "50", "-t", "3s", "-loglevel", "Warning", "-json", "-", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Lowering number of threads - total call 24 -> lowering from 50 to 12 threads"), std::string::npos) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(doc.at("NumThreads").as_int64(), 12);
  EXPECT_EQ(count_of(doc), 24);
  EXPECT_NEAR(doc.at("ActualQPS").to_number<double>(), 8.0, 0.3);
}

TEST_F(engine_paced, rate_lines_use_the_schedules_window) {
  // 48 calls (3 per connection) due over 2.4 s: Fortio reads 19.99 qps. Before: 30.0 (calls over
  // the time to the last call).
  const auto r = run({loadgen_binary(), "load", "-qps", "20", "-t", "3s", "-c", "16", "-loglevel", "Warning", "-json", "-",
                      url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(count_of(doc), 48);
  EXPECT_NEAR(doc.at("ActualQPS").to_number<double>(), 20.0, 0.5);
  EXPECT_GE(doc.at("ActualDuration").to_number<std::int64_t>(), 2'400'000'000);
}

TEST_F(engine_paced, a_two_second_run_lasts_two_whole_seconds) {
  // Istio's pipeline reads ActualDuration as whole seconds: 2, not 1 (before: 1.98 s).
  const auto r = run({loadgen_binary(), "load", "-qps", "1", "-t", "2s", "-c", "2", "-loglevel", "Warning", "-json", "-",
                      url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json_of(r);
  EXPECT_EQ(doc.at("NumThreads").as_int64(), 1);
  EXPECT_EQ(count_of(doc), 2);
  EXPECT_GE(doc.at("ActualDuration").to_number<std::int64_t>() / 1'000'000'000, 2);
  EXPECT_NEAR(doc.at("ActualQPS").to_number<double>(), 1.0, 0.01);
  EXPECT_NE(r.err.find("All done 2 calls"), std::string::npos) << r.err;
}

// --- credentials and redirects to another origin ------------------------------------------------

class engine_redirect : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    echo_ = start_server(&echo_port_).release();  // another origin: its /debug echoes the headers
    port_ = free_port();
    dir_ = make_temp_dir("engine-redirect");
    const std::string http = "  server {\n    listen 127.0.0.1:" + std::to_string(port_) +
                             ";\n    absolute_redirect off;\n"
                             "    location = /away { return 302 http://127.0.0.1:" + std::to_string(echo_port_) + "/debug; }\n"
                             "    location = /here { return 302 /mine; }\n"
                             "    location = /mine { return 200 \"auth=$http_authorization cookie=$http_cookie\\n\"; }\n"
                             "  }\n";
    nginx_ = start_nginx(dir_, http, {port_}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    delete echo_;
    remove_tree(dir_);
  }
  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  static inline background_process* echo_ = nullptr;
  static inline background_process* nginx_ = nullptr;
  static inline int echo_port_ = 0, port_ = 0;
  static inline std::string dir_;
};

TEST_F(engine_redirect, credentials_stay_with_their_origin) {
  const auto away = run({loadgen_binary(), "curl", "-quiet", "-L", "-user", "u:p", "-H", "Cookie: c=1", "-H",
                         "X-Trace: t1", url("/away")});
  ASSERT_EQ(away.exit_code, 0) << away.err;
  EXPECT_NE(away.out.find("X-Trace: t1"), std::string::npos) << away.out;  // other headers follow
  EXPECT_EQ(away.out.find("Authorization"), std::string::npos) << away.out;
  EXPECT_EQ(away.out.find("Cookie"), std::string::npos) << away.out;
  const auto bearer = run({loadgen_binary(), "curl", "-quiet", "-L", "-H", "Authorization: Bearer s3cret", url("/away")});
  ASSERT_EQ(bearer.exit_code, 0) << bearer.err;
  EXPECT_EQ(bearer.out.find("s3cret"), std::string::npos) << bearer.out;
  // The same origin keeps them (Basic dTpw is u:p).
  const auto here = run({loadgen_binary(), "curl", "-quiet", "-L", "-user", "u:p", "-H", "Cookie: c=1", url("/here")});
  ASSERT_EQ(here.exit_code, 0) << here.err;
  EXPECT_EQ(here.out, "auth=Basic dTpw cookie=c=1\n");
}

}  // namespace
}  // namespace loadgen::test
