// The siege / hey / wrk / ab translations (tests/data/peer_translations.txt, also README.md's
// table): every loadgen line runs against a loopback `loadgen server` and makes the calls it
// promises, with Code lines that add up; README.md shows each row verbatim.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "process.hpp"

namespace loadgen::test {
namespace {

struct translation {
  std::string theirs, ours;
  std::int64_t calls = -1;  // -1: a timed run
};

void PrintTo(const translation& t, std::ostream* os) { *os << t.theirs; }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<translation> translations() {
  std::vector<translation> out;
  std::ifstream in(std::string(LOADGEN_SOURCE_DIR) + "/tests/data/peer_translations.txt");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto a = line.find(" | "), b = line.rfind(" | ");
    const std::string n = trim(line.substr(b + 3));
    out.push_back({trim(line.substr(0, a)), trim(line.substr(a + 3, b - a - 3)), n == "-" ? -1 : std::stoll(n)});
  }
  return out;
}

class translations_test : public ::testing::TestWithParam<translation> {
protected:
  static void SetUpTestSuite() {
    server_ = start_server(&port_).release();
    dir_ = make_temp_dir("translations");
    std::ofstream(dir_ + "/body.json") << R"({"a":1})";
  }
  static void TearDownTestSuite() {
    delete server_;
    remove_tree(dir_);
  }
  static inline background_process* server_ = nullptr;
  static inline int port_ = 0;
  static inline std::string dir_;
};

TEST_P(translations_test, loadgen_line_makes_the_promised_calls) {
  const translation& t = GetParam();
  std::vector<std::string> argv{loadgen_binary()};
  const auto words = shell_words(t.ours);
  for (std::size_t i = 1; i < words.size(); ++i) {  // words[0] is "loadgen"
    if (words[i] == "URL") argv.push_back("http://127.0.0.1:" + std::to_string(port_) + "/echo");
    else if (words[i] == "body.json") argv.push_back(dir_ + "/body.json");
    else argv.push_back(words[i]);
  }
  const auto r = run(argv, std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex done(R"(All done (\d+) calls)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, done)) << r.err;
  const std::int64_t calls = std::stoll(m[1]);
  if (t.calls >= 0) EXPECT_EQ(calls, t.calls) << r.err;
  else EXPECT_GT(calls, 0) << r.err;
  std::int64_t counted = 0;
  const std::regex code(R"(\nCode +(-?\d+) : (\d+) )");
  for (std::sregex_iterator it(r.err.begin(), r.err.end(), code), end; it != end; ++it) counted += std::stoll((*it)[2]);
  EXPECT_EQ(counted, calls) << r.err;
  EXPECT_NE(r.err.find("Code 200 : " + std::to_string(calls) + " (100.0 %)"), std::string::npos) << r.err;
  if (t.ours.find("-access-log-format siege") != std::string::npos) {
    // siege's verbose line per call, on stdout.
    EXPECT_EQ(count_lines_starting(r.out, "HTTP/1.1 200"), calls) << r.out;
  }
}

TEST(translations_readme, every_row_is_in_the_readme) {
  std::ifstream in(std::string(LOADGEN_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  for (const auto& t : translations()) {
    const std::string row = "| `" + t.theirs + "` | `" + t.ours + "` |";
    EXPECT_NE(readme.str().find(row), std::string::npos) << row;
  }
}

INSTANTIATE_TEST_SUITE_P(peers, translations_test, ::testing::ValuesIn(translations()));

}  // namespace
}  // namespace loadgen::test
