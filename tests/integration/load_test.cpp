// End-to-end runs of `loadgen load` against a real `loadgen server` on loopback, with exact counts.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <unistd.h>

#include "process.hpp"

namespace loadgen::test {
namespace {

class load_test : public with_shared_server<load_test> {
protected:
  static process_result load(std::vector<std::string> args) {
    args.insert(args.begin(), {loadgen_binary(), "load"});
    return run(args);
  }
};

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST_F(load_test, seed_command_c2_n20) {
  const auto r = load({"-c", "2", "-qps", "0", "-n", "20", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());  // everything goes to stderr, as Fortio
  EXPECT_NE(r.err.find("for exactly 20 calls (10 per thread + 0)"), std::string::npos) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 20 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 2 (for perfect keepalive, would be 2)")) << r.err;
  EXPECT_NE(r.err.find("All done 20 calls (plus 0 warmup)"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "# target "), 5);
}

TEST_F(load_test, non_2xx_keeps_the_connection) {
  // Fortio drops the socket after every non-2xx; loadgen reads the 503 to its end and keeps it.
  const auto r = load({"-c", "3", "-qps", "0", "-n", "30", "-loglevel", "Warning", url("/echo?status=503")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 503 : 30 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 3 (for perfect keepalive, would be 3)")) << r.err;
  EXPECT_NE(r.err.find("Error cases : count 30 "), std::string::npos) << r.err;
}

TEST_F(load_test, more_connections_than_calls_makes_exactly_n_calls) {
  const auto r = load({"-c", "10", "-qps", "0", "-n", "3", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 3 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("All done 3 calls"), std::string::npos);
}

TEST_F(load_test, json_to_stdout_adds_up) {
  const auto r = load({"-c", "3", "-qps", "0", "-n", "31", "-loglevel", "Warning", "-json", "-", url("/echo?status=503:50")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  std::int64_t sum = 0;
  for (const auto& [code, n] : doc.at("RetCodes").as_object()) sum += n.as_int64();
  EXPECT_EQ(sum, 31);
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 31);
  EXPECT_EQ(doc.at("Exactly").as_int64(), 31);
  EXPECT_EQ(doc.at("NumThreads").as_int64(), 3);
  EXPECT_EQ(doc.at("RequestedQPS").as_string(), "max");
  EXPECT_EQ(doc.at("URL").as_string(), url("/echo?status=503:50"));
  EXPECT_NE(r.err.find("Successfully wrote "), std::string::npos);
  EXPECT_NE(r.err.find(" bytes of Json data to stdout"), std::string::npos);
}

TEST_F(load_test, qps_and_duration_make_the_planned_calls_after_warmup) {
  const auto r = load({"-c", "2", "-qps", "40", "-t", "1s", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Starting at 40 qps with 2 thread(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for 1s : 20 calls each (total 40)"), std::string::npos) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 40 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("All done 40 calls (plus 2 warmup)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Dispatch lag (due to send) : count 40 "), std::string::npos) << r.err;
}

TEST_F(load_test, busy_wait_off_and_longer_than_the_interval_keep_the_schedule) {
  // 0: every wait is a timer sleep. 1s: longer than the 50 ms interval, so no call ever sleeps on
  // the timer and the connections busy-wait through the whole run; it must still end on time.
  for (const char* busy : {"0", "1s"}) {
    const auto r = load({"-c", "2", "-qps", "40", "-t", "1s", "-busy-wait", busy, "-loglevel", "Warning", url("/echo")});
    ASSERT_EQ(r.exit_code, 0) << busy << r.err;
    EXPECT_FALSE(r.timed_out) << busy;
    EXPECT_TRUE(has_line(r.err, "Code 200 : 40 (100.0 %)")) << busy << r.err;
    EXPECT_NE(r.err.find("Dispatch lag (due to send) : count 40 "), std::string::npos) << busy << r.err;
  }
}

TEST_F(load_test, failed_warmup_aborts_unless_allowed) {
  const auto r = load({"-c", "2", "-qps", "20", "-t", "1s", "-loglevel", "Warning", url("/echo?status=503")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Aborting because of error 503 for " + url("/echo?status=503")), std::string::npos) << r.err;
  const auto ok = load({"-c", "2", "-qps", "20", "-t", "500ms", "-allow-initial-errors", "-loglevel", "Warning",
                        url("/echo?status=503")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(has_line(ok.err, "Code 503 : 10 (100.0 %)")) << ok.err;
}

TEST_F(load_test, abort_on_status_stops_the_run) {
  const auto r = load({"-c", "1", "-qps", "0", "-n", "100", "-abort-on", "503", "-loglevel", "Warning", url("/echo?status=503")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 503 : 1 (100.0 %)")) << r.err;
}

TEST_F(load_test, keepalive_false_opens_a_socket_per_call) {
  const auto r = load({"-c", "2", "-qps", "0", "-n", "10", "-keepalive=false", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 10 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 10 (for perfect keepalive, would be 2)")) << r.err;
}

TEST_F(load_test, connection_reuse_limit) {
  const auto r = load({"-c", "1", "-qps", "0", "-n", "10", "-connection-reuse", "2:2", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 5 (for perfect keepalive, would be 1)")) << r.err;
}

TEST_F(load_test, server_close_is_honoured) {
  const auto r = load({"-c", "1", "-qps", "0", "-n", "6", "-loglevel", "Warning", url("/echo?close=true")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 6 (100.0 %)")) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 6 (for perfect keepalive, would be 1)")) << r.err;
}

TEST_F(load_test, timeouts_are_counted_as_such) {
  const auto r = load({"-c", "1", "-qps", "0", "-n", "2", "-timeout", "200ms", "-loglevel", "Warning", url("/echo?delay=1s")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code  -1 : 2 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("Transport errors : timeout 2"), std::string::npos) << r.err;
}

TEST_F(load_test, every_call_refused_still_reports) {
  const auto r = load({"-c", "2", "-qps", "0", "-n", "10", "-loglevel", "Warning", "http://127.0.0.1:1/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code  -1 : 10 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("Transport errors : refused 10"), std::string::npos) << r.err;
  EXPECT_TRUE(has_line(r.err, "Sockets used: 10 (for perfect keepalive, would be 2)")) << r.err;
}

TEST_F(load_test, post_payload_is_echoed) {
  const auto r = load({"-c", "1", "-qps", "0", "-n", "4", "-payload", "0123456789", "-loglevel", "Warning", "-json", "-",
                       url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("Payload").as_string(), "MDEyMzQ1Njc4OQ==");
  // Every response carried the 10 echoed bytes after its headers.
  const auto& sizes = doc.at("Sizes").as_object();
  const auto& headers = doc.at("HeaderSizes").as_object();
  EXPECT_EQ(sizes.at("Sum").to_number<double>() - headers.at("Sum").to_number<double>(), 40.0);
}

TEST_F(load_test, quiet_prints_fortio_quiet_lines) {
  const auto r = load({"-quiet", "-c", "2", "-qps", "0", "-n", "10", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("Starting at"), std::string::npos);
  EXPECT_EQ(r.err.find("# range"), std::string::npos);
  EXPECT_TRUE(has_line(r.err, "Code 200 : 10 (100.0 %)")) << r.err;
  EXPECT_NE(r.err.find("All done 10 calls (plus 0 warmup)"), std::string::npos);
}

TEST_F(load_test, flags_after_the_url_and_equals_forms) {
  const auto r = load({url("/echo"), "-qps=0", "--n", "5", "-c=1", "-loglevel=warning"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has_line(r.err, "Code 200 : 5 (100.0 %)")) << r.err;
}

}  // namespace
}  // namespace loadgen::test

namespace loadgen::test {
namespace {

TEST_F(load_test, a_thousand_connections_across_threads_add_up) {
  const auto r = load({"-c", "1000", "-qps", "0", "-n", "5000", "-threads", "2", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 3000);
  EXPECT_TRUE(has_line(r.err, "Code 200 : 5000 (100.0 %)")) << r.err.substr(r.err.size() - 2000);
  EXPECT_TRUE(has_line(r.err, "Sockets used: 1000 (for perfect keepalive, would be 1000)"));
}

TEST_F(load_test, interval_lines_and_no_progress_line_off_a_terminal) {
  const auto r = load({"-c", "2", "-qps", "100", "-t", "1200ms", "-interval", "500ms", "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(count_lines_starting(r.err, "Interval "), 2) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no progress line when stderr is not a terminal
}

TEST_F(load_test, progress_line_on_a_terminal) {
  // script(1) gives the run a terminal; the progress line rewrites itself with \r.
  const std::string cmd = loadgen_binary() + " load -c 2 -qps 100 -t 1s -loglevel Warning " + url("/echo");
  const auto r = run({"/usr/bin/script", "-qec", cmd, "/dev/null"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\rloadgen "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" calls "), std::string::npos);
  EXPECT_NE(r.out.find("All done"), std::string::npos);
}

TEST_F(load_test, time_series_in_the_json) {
  // Staggered, each connection due every 20 ms, each call 15 ms: connection 1's last call is due at
  // 1.99 s and ends at 2.005 s, after the end of -t.
  const auto r = load({"-c", "2", "-qps", "100", "-uniform", "-t", "2s", "-quiet", "-json", "-", url("/echo?delay=15ms")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  const auto& series = doc.at("TimeSeries").as_array();
  ASSERT_GE(series.size(), 2u);
  std::int64_t calls = 0, waited = 0;
  for (const auto& s : series) {
    calls += s.at("Calls").as_int64();
    waited += s.at("WaitedForConnection").as_int64();
    // Each slice's latency is its own calls' (15 ms of delay and a little more here), never zero.
    // The upper bound is loose: sanitizer builds are slow, and latency counts from the due time.
    if (s.at("Calls").as_int64() > 0) {
      EXPECT_GE(s.at("P50").to_number<double>(), 0.014) << s;
      EXPECT_LT(s.at("P50").to_number<double>(), 0.1) << s;
      EXPECT_GE(s.at("Max").to_number<double>(), s.at("P50").to_number<double>()) << s;
    }
  }
  EXPECT_EQ(calls, doc.at("DurationHistogram").at("Count").as_int64());  // every call is in one slice
  EXPECT_EQ(waited, doc.at("WaitedForConnection").as_int64());
  // The calls in flight at the end of -t belong to the last slice, not to a few-ms slice of their own.
  EXPECT_GT(series.back().at("Duration").to_number<double>(), 0.25) << r.out;
}

TEST_F(load_test, per_call_uuid_and_payload_lines) {
  char path[] = "/tmp/loadgen-lines-XXXXXX";
  const int fd = mkstemp(path);
  const std::string lines = "a\nbb\nccc\n";
  ASSERT_EQ(write(fd, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
  close(fd);
  const auto r = load({"-c", "1", "-qps", "0", "-n", "6", "-payload-file", path, "-payload-lines", "-quiet", "-json", "-",
                       url("/echo")});
  unlink(path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  // Echoed bodies of 1, 2 and 3 bytes, twice each: the sizes differ by exactly those bytes.
  const auto& sizes = doc.at("Sizes").as_object();
  const auto& heads = doc.at("HeaderSizes").as_object();
  EXPECT_EQ(sizes.at("Sum").to_number<double>() - heads.at("Sum").to_number<double>(), 12.0);
  const auto a = run({loadgen_binary(), "curl", "-quiet", "-payload", "{uuid}", url("/echo")});
  const auto b = run({loadgen_binary(), "curl", "-quiet", "-payload", "{uuid}", url("/echo")});
  EXPECT_EQ(a.out.size(), 36u);
  EXPECT_NE(a.out, b.out);
}

}  // namespace
}  // namespace loadgen::test
