// `loadgen load -access-log-file`: the real binary against `loadgen server`, with exact line counts.
// Every line must parse and carry its call: per connection ("thread"), the "iter" values are
// exactly 0..calls-1, so a lost, doubled or torn line fails the test.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "process.hpp"

namespace loadgen::test {
namespace {

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One JSON access-log line, checked field by field (Fortio's keys, in Fortio's order).
struct json_line {
  double latency = 0;
  std::int64_t timestamp = 0;
  int thread = 0;
  std::int64_t iter = 0;
  bool ok = false;
  std::string details;
};

json_line parse_json_line(const std::string& line) {
  static const std::regex shape(
      R"(^\{"latency":\d+\.\d{6},"timestamp":\d{19},"thread":\d+,"iter":\d+,"ok":(true|false),"details":"-?\d+"\}$)");
  EXPECT_TRUE(std::regex_match(line, shape)) << line;
  const auto o = boost::json::parse(line).as_object();
  json_line out;
  out.latency = o.at("latency").to_number<double>();
  out.timestamp = o.at("timestamp").to_number<std::int64_t>();
  out.thread = static_cast<int>(o.at("thread").to_number<std::int64_t>());
  out.iter = o.at("iter").to_number<std::int64_t>();
  out.ok = o.at("ok").as_bool();
  out.details = std::string(o.at("details").as_string());
  return out;
}

// Per connection, the iters seen must be exactly 0..n-1; returns connection -> n.
std::map<int, std::int64_t> calls_per_thread(const std::vector<json_line>& lines) {
  std::map<int, std::set<std::int64_t>> iters;
  for (const auto& l : lines) EXPECT_TRUE(iters[l.thread].insert(l.iter).second) << "doubled iter " << l.iter;
  std::map<int, std::int64_t> out;
  for (const auto& [thread, set] : iters) {
    EXPECT_EQ(*set.begin(), 0);
    EXPECT_EQ(*set.rbegin(), static_cast<std::int64_t>(set.size()) - 1) << "thread " << thread << " lost a line";
    out[thread] = static_cast<std::int64_t>(set.size());
  }
  return out;
}

class access_log_test : public with_shared_server<access_log_test> {
protected:
  void SetUp() override { dir_ = make_temp_dir("access"); }
  void TearDown() override { remove_tree(dir_); }
  static process_result load(std::vector<std::string> args) {
    args.insert(args.begin(), {loadgen_binary(), "load"});
    return run(args, std::chrono::seconds(100));
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // -n calls on -c connections with -threads workers into a JSON log; checks every line.
  void json_run(int connections, int threads, int calls) {
    const std::string file = path("a.json");
    const std::int64_t before = unix_now_ns();
    const auto r = load({"-c", std::to_string(connections), "-threads", std::to_string(threads), "-qps", "0", "-n",
                         std::to_string(calls), "-loglevel", "Warning", "-access-log-file", file, url("/echo")});
    const std::int64_t after = unix_now_ns();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(" with access logger mode json to " + file + "\n"), std::string::npos) << r.err;
    const auto text = read_file(file);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    std::vector<json_line> lines;
    for (const auto& l : split_lines(text)) lines.push_back(parse_json_line(l));
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(calls));
    for (const auto& l : lines) {
      EXPECT_TRUE(l.ok);
      EXPECT_EQ(l.details, "200");
      EXPECT_GE(l.timestamp, before);
      EXPECT_LE(l.timestamp + static_cast<std::int64_t>(l.latency * 1e9), after);
      EXPECT_LT(l.latency, 5.0);
    }
    const auto per = calls_per_thread(lines);
    ASSERT_EQ(per.size(), static_cast<std::size_t>(connections));
    // -n splits as Fortio: calls / c each, connection 0 also gets the remainder.
    for (const auto& [thread, n] : per)
      EXPECT_EQ(n, calls / connections + (thread == 0 ? calls % connections : 0)) << "thread " << thread;
  }

  std::string dir_;
};

TEST_F(access_log_test, json_one_worker_thread) { json_run(3, 1, 301); }

// 20000 lines (2 MB): every worker flushes its 64 KB buffer many times while the others write.
TEST_F(access_log_test, json_four_worker_threads_no_line_lost_or_torn) { json_run(8, 4, 20000); }

TEST_F(access_log_test, influx_counts_match_the_report) {
  for (const char* threads : {"1", "4"}) {
    const std::string file = path(std::string("a") + threads + ".influx");
    const auto r = load({"-c", "8", "-threads", threads, "-qps", "0", "-n", "400", "-loglevel", "Warning",
                         "-access-log-format", "influx", "-access-log-file", file, url("/echo?status=503:50")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(" with access logger mode influx to " + file + "\n"), std::string::npos) << r.err;
    static const std::regex shape(R"re(^latency,thread=(\d+),ok=(true|false) value=\d+\.\d{6},details="(\d+)" \d{19}$)re");
    std::map<std::string, int> codes;
    std::map<int, int> per_thread;
    const auto lines = split_lines(read_file(file));
    ASSERT_EQ(lines.size(), 400u);
    for (const auto& l : lines) {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(l, m, shape)) << l;
      EXPECT_EQ(m[2] == "true", m[3] == "200") << l;
      ++codes[m[3]];
      ++per_thread[std::stoi(m[1])];
    }
    EXPECT_EQ(per_thread.size(), 8u);
    for (const auto& [t, n] : per_thread) EXPECT_EQ(n, 50) << "thread " << t;
    for (const auto& [code, n] : codes)
      EXPECT_NE(r.err.find("Code " + code + " : " + std::to_string(n) + " ("), std::string::npos) << code << r.err;
  }
}

TEST_F(access_log_test, hundred_thousand_calls_hundred_thousand_lines) {
  const std::string file = path("big.json");
  const auto r = load({"-c", "16", "-qps", "0", "-n", "100000", "-loglevel", "Warning", "-access-log-file", file,
                       url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto text = read_file(file);
  std::vector<json_line> lines;
  lines.reserve(100000);
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    const auto line = text.substr(start, nl - start);
    // The full regex for 100k lines is slow; the JSON parse and the iter check catch torn lines.
    ASSERT_TRUE(line.starts_with("{\"latency\":") && line.ends_with("\"}")) << line;
    const auto o = boost::json::parse(line).as_object();
    json_line l;
    l.thread = static_cast<int>(o.at("thread").to_number<std::int64_t>());
    l.iter = o.at("iter").to_number<std::int64_t>();
    lines.push_back(l);
    start = nl + 1;
  }
  EXPECT_EQ(start, text.size());  // ends with a newline
  ASSERT_EQ(lines.size(), 100000u);
  const auto per = calls_per_thread(lines);
  EXPECT_EQ(per.size(), 16u);
  for (const auto& [thread, n] : per) EXPECT_EQ(n, 6250) << "thread " << thread;
}

TEST_F(access_log_test, dash_writes_the_lines_to_stdout_and_the_report_to_stderr) {
  const auto r = load({"-c", "2", "-threads", "2", "-qps", "0", "-n", "25", "-access-log-file", "-", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 25u) << r.out;
  std::vector<json_line> parsed;
  for (const auto& l : lines) parsed.push_back(parse_json_line(l));
  EXPECT_EQ(calls_per_thread(parsed).size(), 2u);
  EXPECT_EQ(r.err.find("\"latency\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" with access logger mode json to stdout\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("All done 25 calls"), std::string::npos) << r.err;
  EXPECT_NE(access("-", F_OK), 0);  // unlike Fortio, no file named "-"
}

TEST_F(access_log_test, siege_lines_for_a_503_mix) {
  const std::string file = path("siege.log");
  const auto r = load({"-c", "2", "-qps", "0", "-n", "40", "-loglevel", "Warning", "-access-log-format", "siege",
                       "-access-log-file", file, url("/echo?status=503:50&size=81")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // siege -v: "%s %d%s %5.2f secs: %7lu bytes ==> %-4s %s" (not cached: "   "), body bytes.
  static const std::regex shape(R"re(^HTTP/1\.1 (200|503)     0\.\d\d secs:      81 bytes ==> GET  /echo\?status=503:50&size=81$)re");
  std::map<std::string, int> codes;
  const auto lines = split_lines(read_file(file));
  ASSERT_EQ(lines.size(), 40u);
  for (const auto& l : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, shape)) << "[" << l << "]";
    ++codes[m[1]];
  }
  for (const auto& [code, n] : codes)
    EXPECT_NE(r.err.find("Code " + code + " : " + std::to_string(n) + " ("), std::string::npos) << r.err;
}

TEST_F(access_log_test, refused_port_logs_details_minus_one) {
  const int closed = free_port();
  const std::string file = path("refused.json");
  const auto r = load({"-c", "1", "-qps", "0", "-n", "3", "-loglevel", "Warning", "-access-log-file", file,
                       "http://127.0.0.1:" + std::to_string(closed) + "/"});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // as Fortio: a run of errors still completes
  const auto lines = split_lines(read_file(file));
  ASSERT_EQ(lines.size(), 3u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto l = parse_json_line(lines[i]);
    EXPECT_FALSE(l.ok);
    EXPECT_EQ(l.details, "-1");
    EXPECT_GT(l.latency, 0);  // the failed connect's time, as Fortio (not 0)
    EXPECT_EQ(l.thread, 0);
    EXPECT_EQ(l.iter, static_cast<std::int64_t>(i));  // one connection: its lines in call order
  }
}

TEST_F(access_log_test, duration_mode_logs_the_measured_calls_not_the_warmup) {
  const std::string file = path("t.json");
  const auto r = load({"-c", "2", "-qps", "40", "-t", "1s", "-loglevel", "Warning", "-access-log-file", file,
                       url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("All done 40 calls (plus 2 warmup)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for 1s : 20 calls each (total 40) with access logger mode json to " + file + "\n"),
            std::string::npos)
      << r.err;
  std::vector<json_line> lines;
  for (const auto& l : split_lines(read_file(file))) lines.push_back(parse_json_line(l));
  ASSERT_EQ(lines.size(), 40u);
  const auto per = calls_per_thread(lines);
  for (const auto& [thread, n] : per) EXPECT_EQ(n, 20);
}

TEST_F(access_log_test, appends_to_an_existing_file) {
  const std::string file = path("old.influx");
  { std::ofstream(file) << "kept line\n"; }
  for (int round = 1; round <= 2; ++round) {
    const auto r = load({"-c", "1", "-qps", "0", "-n", "5", "-loglevel", "Warning", "-access-log-format", "influx",
                         "-access-log-file", file, url("/echo")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto lines = split_lines(read_file(file));
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0], "kept line");
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_TRUE(lines[i].starts_with("latency,thread=0,ok=true ")) << lines[i];
}

TEST_F(access_log_test, write_error_is_one_line_and_the_report_still_comes) {
  const auto r = load({"-c", "4", "-threads", "2", "-qps", "0", "-n", "200", "-loglevel", "Warning",
                       "-access-log-file", "/dev/full", url("/echo")});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // Fortio's: a log that cannot be written does not fail the run
  int mentions = 0;
  for (const auto& l : split_lines(r.err))
    if (l.find("access log /dev/full: write failed: No space left on device; the rest of the access log is dropped") !=
        std::string::npos)
      ++mentions;
  EXPECT_EQ(mentions, 1) << r.err;
  EXPECT_NE(r.err.find("All done 200 calls"), std::string::npos) << r.err;
}

// `-access-log-file - | head`: the reader goes away mid-run. That is a write error like any other,
// not SIGPIPE ending the run before its report (here through a FIFO the test reads a little of).
TEST_F(access_log_test, reader_gone_is_a_write_error_not_the_end_of_the_run) {
  const std::string fifo = path("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread reader([&] {
    const int fd = open(fifo.c_str(), O_RDONLY);  // returns once loadgen opens it for writing
    char buf[100];
    if (fd >= 0) {
      [[maybe_unused]] const auto n = ::read(fd, buf, sizeof buf);
      close(fd);
    }
  });
  const auto r = load({"-c", "2", "-qps", "0", "-n", "20000", "-loglevel", "Warning", "-access-log-file", fifo,
                       url("/echo")});
  reader.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("access log " + fifo + ": write failed: Broken pipe; the rest of the access log is dropped\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("All done 20000 calls"), std::string::npos) << r.err;
}

TEST_F(access_log_test, unwritable_path_fails_at_start) {
  const auto r = load({"-qps", "0", "-n", "5", "-access-log-file", path("no/such/dir.json"), url("/echo")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("loadgen load: Unable to open access log " + path("no/such/dir.json") +
                       ": No such file or directory\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("All done"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Starting at"), std::string::npos) << r.err;
}

TEST_F(access_log_test, bad_format_is_a_bad_flag) {
  const auto r = load({"-qps", "0", "-n", "5", "-access-log-format", "csv", "-access-log-file", path("x"), url("/echo")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("invalid -access-log-format \"csv\" (want json, influx or siege)"), std::string::npos) << r.err;
}

TEST_F(access_log_test, json_result_names_the_access_log) {
  const std::string file = path("j.influx");
  const auto r = load({"-qps", "0", "-n", "3", "-loglevel", "Warning", "-json", "-", "-access-log-format", "influx",
                       "-access-log-file", file, url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("AccessLoggerInfo").as_string(), "mode influx to " + file);
}

// Side by side with the real Fortio (when ../shared/tools/fortio exists): its lines and ours
// against the same server have the same shape once the numbers are masked.
TEST_F(access_log_test, same_shape_as_fortios_lines) {
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  if (access(fortio.c_str(), X_OK) != 0) GTEST_SKIP() << "no Fortio binary at " << fortio;
  const auto mask = [](const std::string& line) {
    static const std::regex number(R"re(-?\d+(\.\d+)?)re");
    return std::regex_replace(line, number, "N");
  };
  for (const char* format : {"json", "influx"}) {
    std::set<std::string> shapes[2];
    for (int tool = 0; tool < 2; ++tool) {
      const std::string file = path(std::string(format) + std::to_string(tool));
      std::vector<std::string> args{tool == 0 ? fortio : loadgen_binary(), "load", "-c", "2", "-qps", "0", "-n", "20",
                                    "-access-log-format", format, "-access-log-file", file,
                                    url("/echo?status=503:50")};
      const auto r = run(args, std::chrono::seconds(30));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const auto lines = split_lines(read_file(file));
      EXPECT_EQ(lines.size(), 20u) << (tool == 0 ? "fortio" : "loadgen");
      for (const auto& l : lines) shapes[tool].insert(mask(l));
    }
    EXPECT_EQ(shapes[0], shapes[1]) << format;
  }
}

}  // namespace
}  // namespace loadgen::test
