// Results people look at and combine, end to end with the real binary against our own server:
// -assert and its exit codes, -html, `loadgen merge` (exact), `loadgen report` (the UI and
// Fortio's data endpoints, also under `server -data-dir`), and the headless-browser check of a
// real run's HTML.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include <unistd.h>

#include "loadgen/core/histogram_codec.hpp"
#include "process.hpp"

namespace loadgen::test {
namespace {

namespace json = boost::json;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// GET over a raw socket (curl(1) would normalise "/../"): the status line's code and the body.
struct http_answer {
  int status = 0;
  std::string head, body;
};
http_answer get(int port, const std::string& target) {
  const auto r = run({"/usr/bin/curl", "-s", "--path-as-is", "-i", "http://127.0.0.1:" + std::to_string(port) + target});
  http_answer a;
  const std::size_t split = r.out.find("\r\n\r\n");
  a.head = r.out.substr(0, split);
  a.body = split == std::string::npos ? "" : r.out.substr(split + 4);
  std::smatch m;
  if (std::regex_search(a.head, m, std::regex(R"(^HTTP/1\.1 (\d{3}))"))) a.status = std::stoi(m[1]);
  return a;
}

// Starts a call that holds the one slot of a -max-active 1 server for 20 s and returns once the
// server's breaker says the slot is taken (its Envoy /stats page, which is not load). Polling with
// calls instead raced the slow one on a loaded machine: a poll that came first took the slot for
// an instant, the slow call arriving then was shed, and every later poll found the slot free.
// A slow call shed that way is started again.
std::unique_ptr<background_process> hold_the_slot(int port) {
  const std::string slot_taken = "circuit_breakers.default.remaining_rq: 0";
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto slow = std::make_unique<background_process>(
        std::vector<std::string>{"/usr/bin/curl", "-s", "http://127.0.0.1:" + std::to_string(port) + "/echo?delay=20s"});
    for (int i = 0; i < 500; ++i) {  // up to 5 s: the slow call may start late on a loaded machine
      if (get(port, "/stats?filter=remaining_rq").body.find(slot_taken) != std::string::npos) return slow;
      ::usleep(10'000);
    }
  }
  return nullptr;
}

class results : public with_shared_server<results> {
protected:
  void SetUp() override { dir_ = make_temp_dir("results"); }
  void TearDown() override { remove_tree(dir_); }
  // `load -n calls -c c -qps 0` to dir_/name with extra flags; stderr and the exit code.
  process_result load(const std::string& name, int calls, const std::vector<std::string>& extra = {},
                      const std::string& path = "/echo?status=503:20") {
    std::vector<std::string> argv{loadgen_binary(), "load", "-c", "2", "-qps", "0", "-n", std::to_string(calls),
                                  "-loglevel", "Warning", "-json", dir_ + "/" + name};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url(path));
    return run(argv);
  }
  std::string dir_;
};

// ---- -assert -----------------------------------------------------------------------------------

TEST_F(results, passing_assertions_exit_0_with_one_line_each) {
  const auto r = load("a.json", 40, {"-assert", "p99<10s", "-assert", "calls==40", "-assert", "errors<=100%"}, "/echo");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines_starting(r.err, "Assert "), 3) << r.err;
  EXPECT_NE(r.err.find("Assert calls==40 : PASS (calls 40 of 40 calls, 100.00 %)\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Assert errors<=100% : PASS (errors 0 of 40 calls, 0.00 %)\n"), std::string::npos) << r.err;
  // After the report.
  EXPECT_LT(r.err.find("All done 40 calls"), r.err.find("Assert p99<10s : PASS"));
}

TEST_F(results, a_failing_assertion_exits_3_after_the_whole_report_and_json) {
  const auto r = load("a.json", 40, {"-assert", "code200==40", "-assert", "code503<=0"}, "/echo?status=503");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("Code 503 : 40 (100.0 %)\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Assert code200==40 : FAIL (code200 0 of 40 calls, 0.00 %)\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Assert code503<=0 : FAIL (code503 40 of 40 calls, 100.00 %)\n"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/a.json"));
}

TEST_F(results, qps_against_the_requested_rate) {
  const auto r = run({loadgen_binary(), "load", "-c", "2", "-qps", "40", "-n", "20", "-loglevel", "Warning", "-assert",
                      "qps>=0.5*requested", "-assert", "qps>1000", url("/echo")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(Assert qps>=0\.5\*requested : PASS \(qps \d+\.\d, requested 40 \()")))
      << r.err;
  EXPECT_NE(r.err.find("Assert qps>1000 : FAIL"), std::string::npos) << r.err;
}

TEST_F(results, malformed_assertions_are_bad_flags_before_the_run) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"p99<250", "loadgen load: -assert \"p99<250\": a latency needs a unit (ns, us, ms, s, m, h), e.g. 250ms\n"},
      {"p99", "loadgen load: -assert \"p99\": want METRIC OP VALUE, e.g. p99<250ms, errors<1%, code503<=10, qps>=0.99*requested\n"},
      {"speed>1", "loadgen load: -assert \"speed>1\": unknown metric \"speed\" (want p<N>, min, avg, max, service_p<N>, qps, "
                  "calls, ok, errors, code<N>, transport or envoy_overflow)\n"},
      {"qps>=requested", "loadgen load: -assert \"qps>=requested\": there is no requested qps to compare with (-qps is 0, max speed)\n"}};
  for (const auto& [text, line] : cases) {
    const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "5", "-assert", text, url("/echo")});
    EXPECT_EQ(r.exit_code, 2) << text;
    EXPECT_EQ(r.err, line) << text;  // one line, nothing run (no banner)
  }
}

// ---- -html -------------------------------------------------------------------------------------

TEST_F(results, html_report_of_a_real_run_is_one_self_contained_page) {
  const auto r = load("h.json", 50, {"-html", dir_ + "/h.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir_ + "/h.html");
  EXPECT_NE(r.err.find("Wrote the HTML report (" + std::to_string(html.size()) + " bytes) to " + dir_ + "/h.html\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  const std::regex chart(R"(<svg[^>]*class="chart")");
  EXPECT_GE(std::distance(std::sregex_iterator(html.begin(), html.end(), chart), std::sregex_iterator()), 4);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  // The run's URL and both codes are there.
  EXPECT_NE(html.find("/echo?status=503:20"), std::string::npos);
  EXPECT_NE(html.find("503"), std::string::npos);
}

TEST_F(results, html_to_an_unwritable_path_fails_before_the_run) {
  const auto r = load("h.json", 5, {"-html", dir_ + "/no/such/dir/h.html"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "loadgen load: cannot write -html file \"" + dir_ + "/no/such/dir/h.html\": No such file or directory\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/h.json"));
}

// In a real browser: no console error, every chart drawn. Skipped without Chromium.
TEST_F(results, html_report_renders_in_headless_chromium) {
  const auto r = load("c.json", 60, {"-html", dir_ + "/c.html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto check = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/scripts/check_html.sh", dir_ + "/c.html"},
                         std::chrono::seconds(90));
  if (check.exit_code == 77) GTEST_SKIP() << check.out << check.err;
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_TRUE(std::regex_search(check.out, std::regex(R"(check_html: \d+ charts rendered, no console error)"))) << check.out;
}

// ---- merge -------------------------------------------------------------------------------------

// Three runs at the same time, merged: counts add up, and the merged percentiles are those of the
// three exact histograms merged (what one run of all the calls would have recorded).
TEST_F(results, merge_of_three_runs_is_exact) {
  std::vector<std::unique_ptr<background_process>> runs;
  for (int i = 0; i < 3; ++i)
    runs.push_back(std::make_unique<background_process>(std::vector<std::string>{
        loadgen_binary(), "load", "-c", "2", "-qps", "0", "-n", std::to_string(100 + 50 * i), "-json",
        dir_ + "/r" + std::to_string(i) + ".json", url("/echo?status=503:20&delay=1ms:30")}));
  for (auto& p : runs) ASSERT_EQ(p->wait().exit_code, 0);
  const auto m = run({loadgen_binary(), "merge", "-loglevel", "Warning", dir_ + "/r0.json", dir_ + "/r1.json",
                      dir_ + "/r2.json", "-json", dir_ + "/m.json"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("Merged 3 results (exact histograms): "), std::string::npos) << m.err;
  histogram all;
  std::int64_t c200 = 0, c503 = 0;
  for (int i = 0; i < 3; ++i) {
    const auto doc = json::parse(slurp(dir_ + "/r" + std::to_string(i) + ".json")).as_object();
    all.merge(*decode_histogram(doc.at("Exact").at("Histograms").at("Duration").as_string()));
    const auto& codes = doc.at("RetCodes").as_object();
    if (codes.contains("200")) c200 += codes.at("200").as_int64();
    if (codes.contains("503")) c503 += codes.at("503").as_int64();
  }
  EXPECT_EQ(all.count(), 450u);
  EXPECT_EQ(c200 + c503, 450);
  const auto merged = json::parse(slurp(dir_ + "/m.json")).as_object();
  EXPECT_EQ(merged.at("DurationHistogram").at("Count").as_int64(), 450);
  EXPECT_EQ(merged.at("NumThreads").as_int64(), 6);
  EXPECT_EQ(merged.at("Exactly").as_int64(), 450);
  for (const auto& p : merged.at("DurationHistogram").at("Percentiles").as_array()) {
    const double pct = json::value_to<double>(p.at("Percentile"));
    EXPECT_NEAR(json::value_to<double>(p.at("Value")), static_cast<double>(all.value_at_percentile(pct)) / 1e9, 1e-12) << pct;
  }
  if (c200 > 0) {
    EXPECT_NE(m.err.find("Code 200 : " + std::to_string(c200) + " ("), std::string::npos) << m.err;
  }
  if (c503 > 0) {
    EXPECT_NE(m.err.find("Code 503 : " + std::to_string(c503) + " ("), std::string::npos) << m.err;
  }
  // The merged JSON merges again: the same counts.
  const auto again = run({loadgen_binary(), "merge", "-quiet", dir_ + "/m.json"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("All done 450 calls"), std::string::npos) << again.err;
}

TEST_F(results, merge_with_fortio_json_says_it_is_approximate) {
  ASSERT_EQ(load("mine.json", 30, {}, "/echo").exit_code, 0);
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/tests/data/fortio_load_c3_n30.json";
  const auto m = run({loadgen_binary(), "merge", "-loglevel", "Warning", dir_ + "/mine.json", fortio, "-assert", "calls==60",
                      "-assert", "code503==8"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.err.find("Fortio's JSON (no exact histogram) in " + fortio +
                       ": latency rebuilt from Fortio's buckets, so percentiles are approximate (within a bucket)\n"),
            std::string::npos)
      << m.err;
  EXPECT_NE(m.err.find("Merged 2 results (approximate: see above)"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find("Code 200 : 52 (86.7 %)\nCode 503 : 8 (13.3 %)\n"), std::string::npos) << m.err;
  EXPECT_NE(m.err.find("Assert calls==60 : PASS"), std::string::npos) << m.err;
}

TEST_F(results, merge_bad_inputs_are_one_line) {
  std::ofstream(dir_ + "/bad.json") << "{\"not\": \"a result\"}";
  const auto r = run({loadgen_binary(), "merge", dir_ + "/bad.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "loadgen merge: " + dir_ + "/bad.json: not a Fortio or loadgen result (no RunType)\n");
  const auto missing = run({loadgen_binary(), "merge", dir_ + "/none.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "loadgen merge: cannot read \"" + dir_ + "/none.json\": No such file or directory\n");
  const auto none = run({loadgen_binary(), "merge"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.err, "loadgen merge: no result file given (usage: loadgen merge [flags] RESULT.json...)\n");
  // Results of different kinds: an HTTP run's codes and a TCP run's outcomes would add up to
  // neither run's report.
  ASSERT_EQ(load("http.json", 10, {}, "/echo").exit_code, 0);
  std::ofstream(dir_ + "/tcp.json") << R"({"RunType": "TCP", "Destination": "tcp://127.0.0.1:8078", "NumThreads": 1,
    "ActualDuration": 1000000, "RetCodes": {"OK": 3}, "SocketCount": 1, "BytesSent": 72, "BytesReceived": 72})";
  const auto mixed = run({loadgen_binary(), "merge", dir_ + "/http.json", dir_ + "/tcp.json"});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_EQ(mixed.err, "loadgen merge: " + dir_ + "/http.json holds HTTP calls and " + dir_ +
                           "/tcp.json TCP calls: only results of one kind merge\n");
}

// ---- the results UI ----------------------------------------------------------------------------

void expect_ui(int port, const std::string& dir, const std::string& ui) {
  const auto list = get(port, ui);
  EXPECT_EQ(list.status, 200) << list.head;
  EXPECT_NE(list.body.find("2 result(s), newest first"), std::string::npos) << list.body;
  // Newest first: b.json was written after a.json.
  EXPECT_LT(list.body.find("browse?url=b.json"), list.body.find("browse?url=a.json")) << list.body;
  const auto tsv = get(port, ui + "data/index.tsv");
  EXPECT_EQ(tsv.status, 200);
  const std::string md5 = run({"/bin/bash", "-c", "openssl dgst -md5 -binary '" + dir + "/a.json' | base64"}).out;
  EXPECT_NE(tsv.body.find("TsvHttpData-1.0\n"), std::string::npos) << tsv.body;
  EXPECT_NE(tsv.body.find("http://127.0.0.1:" + std::to_string(port) + ui + "data/a.json\t" +
                          std::to_string(std::filesystem::file_size(dir + "/a.json")) + "\t" + md5),
            std::string::npos)
      << tsv.body << md5;
  const auto file = get(port, ui + "data/a.json");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, slurp(dir + "/a.json"));
  EXPECT_NE(file.head.find("Content-Type: application/json"), std::string::npos) << file.head;
  const auto one = get(port, ui + "browse?url=a.json");
  EXPECT_EQ(one.status, 200);
  EXPECT_NE(one.body.find("<svg"), std::string::npos);
  const auto two = get(port, ui + "browse?sel=a.json&sel=b.json&merge=1");
  EXPECT_EQ(two.status, 200);
  EXPECT_NE(two.body.find("merged from 2 results"), std::string::npos);
  EXPECT_EQ(get(port, ui + "data/../a.json").status, 404);
  EXPECT_EQ(get(port, ui + "browse?url=nothere.json").status, 404);
}

TEST_F(results, report_serves_the_ui_and_fortios_data_endpoints) {
  ASSERT_EQ(load("a.json", 10).exit_code, 0);
  std::filesystem::last_write_time(dir_ + "/a.json", std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  ASSERT_EQ(load("b.json", 10).exit_code, 0);
  const int port = free_port();
  background_process report({loadgen_binary(), "report", "-http-port", "127.0.0.1:" + std::to_string(port), "-data-dir", dir_});
  ASSERT_TRUE(wait_for_port(port)) << report.err_so_far();
  // At the root, as `fortio report`; its /fortio/ paths are sent there.
  expect_ui(port, dir_, "/");
  // A Fortio result in the same directory: listed with its figures, shown, merged (approximate).
  std::filesystem::copy_file(std::string(LOADGEN_SOURCE_DIR) + "/tests/data/fortio_load_c3_n30.json", dir_ + "/fortio.json");
  std::filesystem::last_write_time(dir_ + "/fortio.json", std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  const auto list = get(port, "/");
  EXPECT_NE(list.body.find("3 result(s), newest first"), std::string::npos) << list.body;
  EXPECT_TRUE(std::regex_search(list.body, std::regex(R"(browse\?url=fortio\.json">fortio\.json</a></td><td>[^<]*</td><td>max</td><td>[0-9.]+</td><td>30</td>)")))
      << list.body;
  const auto shown = get(port, "/browse?url=fortio.json");
  EXPECT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("Fortio JSON: approximate percentiles"), std::string::npos);
  const auto merged = get(port, "/browse?sel=a.json&sel=fortio.json&merge=1");
  EXPECT_EQ(merged.status, 200);
  EXPECT_NE(merged.body.find("merged from 2 results"), std::string::npos);
  // Results of different kinds are refused, in one line, not merged into nonsense.
  std::ofstream(dir_ + "/tcp.json") << R"({"RunType": "TCP", "Destination": "tcp://127.0.0.1:8078", "NumThreads": 1,
    "ActualDuration": 1000000, "RetCodes": {"OK": 3}, "SocketCount": 1})";
  const auto mixed = get(port, "/browse?sel=a.json&sel=tcp.json&merge=1");
  EXPECT_EQ(mixed.status, 422);
  EXPECT_EQ(mixed.body, "a.json holds HTTP calls and tcp.json TCP calls: only results of one kind merge\n");
  const auto old = get(port, "/fortio/data/index.tsv");
  EXPECT_EQ(old.status, 303);
  EXPECT_NE(old.head.find("Location: /data/index.tsv"), std::string::npos) << old.head;
  EXPECT_EQ(get(port, "/echo").status, 404);  // report serves the UI only
}

TEST_F(results, server_serves_the_ui_beside_the_echo) {
  ASSERT_EQ(load("a.json", 10).exit_code, 0);
  std::filesystem::last_write_time(dir_ + "/a.json", std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  ASSERT_EQ(load("b.json", 10).exit_code, 0);
  int port = 0;
  const auto server = start_server(&port, {"-data-dir", dir_, "-ui-path", "/results"});
  expect_ui(port, dir_, "/results/");
  EXPECT_EQ(get(port, "/echo?status=418").status, 418);
  // Behind a full circuit breaker the UI still answers: it is not load.
  int busy_port = 0;
  const auto busy = start_server(&busy_port, {"-data-dir", dir_, "-max-active", "1", "-max-echo-delay", "30s"});
  const auto slow = hold_the_slot(busy_port);  // (until the test ends)
  ASSERT_TRUE(slow);
  EXPECT_EQ(get(busy_port, "/echo").status, 503);
  EXPECT_EQ(get(busy_port, "/fortio/data/index.tsv").status, 200);
}

// Fortio's own UI charts loadgen's JSON (the fields it reads are Fortio's; loadgen's extra ones,
// Exact included, are ignored): no console error, the chart's canvas shown. Needs the real Fortio
// (../shared/tools/fortio) and Chromium; skipped without either.
TEST_F(results, fortios_own_ui_charts_loadgens_json) {
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/../shared/tools/fortio";
  if (!std::filesystem::exists(fortio)) GTEST_SKIP() << "no " << fortio;
  if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "no chromium";
  ASSERT_EQ(load("mine.json", 20).exit_code, 0);
  const int port = free_port();
  background_process ui({fortio, "report", "-data-dir", dir_, "-http-port", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(wait_for_port(port));
  const std::string profile = dir_ + "/chromium";
  const auto page = run({"/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                         "--v=0", "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom",
                         "http://127.0.0.1:" + std::to_string(port) + "/browse?url=mine.json"},
                        std::chrono::seconds(90));
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_FALSE(std::regex_search(page.err, std::regex(R"(:CONSOLE[(:]|Uncaught)"))) << page.err;
  EXPECT_TRUE(std::regex_search(page.out, std::regex(R"(<canvas id="chart1"[^>]*visibility: visible)"))) << page.out.substr(0, 3000);
}

TEST_F(results, report_html_of_saved_results) {
  ASSERT_EQ(load("a.json", 10).exit_code, 0);
  const std::string fortio = std::string(LOADGEN_SOURCE_DIR) + "/tests/data/fortio_load_c3_n30.json";
  const auto r = run({loadgen_binary(), "report", "-html", dir_ + "/cmp.html", dir_ + "/a.json", fortio});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string html = slurp(dir_ + "/cmp.html");
  EXPECT_NE(html.find("comparison of 2 results"), std::string::npos);
  EXPECT_NE(r.err.find("Fortio's JSON (no exact histogram) in " + fortio), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loadgen::test
