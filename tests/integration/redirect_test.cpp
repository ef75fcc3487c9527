// Redirects with -L, end to end against nginx, for both `load` (counted) and `curl` (shown): which
// method and body the request after each 30x carries.
//   301, 302 after POST: GET without a body (as browsers do); after GET or HEAD: unchanged.
//   303: GET without a body, except that HEAD stays HEAD.
//   307, 308: method and body kept.
// /expect/<kind> answers 200 only when the request is of that kind (else 409 naming what came),
// so `load -L` counting N 200s proves every followed request was right. /target shows
// "$request_method $content_length" for curl's stdout.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "process.hpp"

namespace loadgen::test {
namespace {

constexpr const char* payload = "0123456789";  // 10 bytes: a POST with it is "post10"

class redirect_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("redirect");
    port_ = free_port();
    std::string http =
        "  map \"$request_method:$content_length\" $call_kind {\n"
        "    default other;\n"
        "    \"GET:\" get;\n"
        "    \"HEAD:\" head;\n"
        "    \"POST:10\" post10;\n"
        "  }\n"
        "  server {\n"
        "    listen 127.0.0.1:" + std::to_string(port_) + ";\n"
        "    absolute_redirect off;\n"
        "    location = /target { return 200 \"$request_method $content_length\\n\"; }\n";
    for (const char* kind : {"get", "head", "post10"}) {
      http += "    location = /expect/" + std::string(kind) + " { if ($call_kind != " + kind +
              ") { return 409 \"got $call_kind\\n\"; } return 200 \"" + kind + "\\n\"; }\n";
    }
    // /r<code>/<path> answers <code> with Location: /<path>.
    for (const char* code : {"301", "302", "303", "307", "308"})
      http += "    location ~ ^/r" + std::string(code) + "(/.*)$ { return " + code + " $1; }\n";
    http += "  }\n";
    nginx_ = start_nginx(dir_, http, {port_}).release();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    remove_tree(dir_);
  }
  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // The flags that make the first request of the given method.
  static std::vector<std::string> method_flags(const std::string& method) {
    if (method == "POST") return {"-payload", payload};
    if (method == "HEAD") return {"-X", "HEAD"};
    return {};
  }

  // `load -L` of n calls: the report and the JSON's final status codes.
  struct load_outcome {
    std::string report;
    boost::json::object codes;
  };
  static load_outcome load_following(const std::string& method, const std::string& path, int n = 6) {
    std::vector<std::string> argv{loadgen_binary(), "load", "-L", "-c", "2", "-qps", "0", "-n", std::to_string(n),
                                  "-timeout", "2s", "-loglevel", "Warning", "-json", "-"};
    for (auto& f : method_flags(method)) argv.push_back(f);
    argv.push_back(url(path));
    const auto r = run(argv, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    load_outcome out{r.err, {}};
    try {
      out.codes = boost::json::parse(r.out).as_object().at("RetCodes").as_object();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "no JSON: " << e.what() << "\n" << r.err;
    }
    return out;
  }

  static process_result curl_following(const std::string& method, const std::string& path) {
    std::vector<std::string> argv{loadgen_binary(), "curl", "-quiet", "-L", "-timeout", "2s"};
    for (auto& f : method_flags(method)) argv.push_back(f);
    argv.push_back(url(path));
    return run(argv, std::chrono::seconds(10));
  }

  // Both commands, method in and kind expected after the redirect; n calls all 200 in load.
  static void check(const std::string& method, const std::string& code, const std::string& expected_kind) {
    SCOPED_TRACE(method + " then " + code + " -> " + expected_kind);
    const std::string path = "/r" + code + "/expect/" + expected_kind;
    const auto l = load_following(method, path);
    EXPECT_NE(l.report.find("Code 200 : 6 (100.0 %)\n"), std::string::npos) << l.report;
    // Each hop's response read to its end (a HEAD's without a body): the connections are kept.
    EXPECT_NE(l.report.find("Sockets used: 2 (for perfect keepalive, would be 2)\n"), std::string::npos) << l.report;
    EXPECT_EQ(l.codes.size(), 1u) << boost::json::serialize(l.codes);
    if (l.codes.contains("200")) {
      EXPECT_EQ(l.codes.at("200").as_int64(), 6);
    }
    const auto c = curl_following(method, path);
    EXPECT_EQ(c.exit_code, 0) << c.err << c.out;
    EXPECT_NE(c.err.find("HTTP/1.1 " + code + " "), std::string::npos) << c.err;
    EXPECT_NE(c.err.find("HTTP/1.1 200 "), std::string::npos) << c.err;
  }

  static inline std::string dir_;
  static inline int port_ = 0;
  static inline background_process* nginx_ = nullptr;
};

TEST_F(redirect_test, the_expect_locations_tell_the_kinds_apart) {
  // Without -L, straight to each /expect: only the matching kind gets 200.
  for (const std::string method : {"GET", "HEAD", "POST"}) {
    for (const std::string kind : {"get", "head", "post10"}) {
      std::vector<std::string> argv{loadgen_binary(), "load", "-c", "1", "-qps", "0", "-n", "2", "-loglevel", "Warning"};
      for (auto& f : method_flags(method)) argv.push_back(f);
      argv.push_back(url("/expect/" + kind));
      const auto r = run(argv, std::chrono::seconds(10));
      const bool match = (method == "GET" && kind == "get") || (method == "HEAD" && kind == "head") ||
                         (method == "POST" && kind == "post10");
      EXPECT_NE(r.err.find(match ? "Code 200 : 2 (100.0 %)" : "Code 409 : 2 (100.0 %)"), std::string::npos)
          << method << " " << kind << "\n" << r.err;
    }
  }
}

TEST_F(redirect_test, post_then_301_or_302_becomes_get_without_body) {
  check("POST", "301", "get");
  check("POST", "302", "get");
  const auto c = curl_following("POST", "/r301/target");
  EXPECT_EQ(c.out, "GET \n") << c.err;
}

TEST_F(redirect_test, get_and_head_then_301_or_302_are_unchanged) {
  check("GET", "301", "get");
  check("GET", "302", "get");
  check("HEAD", "301", "head");
  check("HEAD", "302", "head");
}

TEST_F(redirect_test, see_other_303_becomes_get) {
  check("POST", "303", "get");
  check("GET", "303", "get");
  const auto c = curl_following("POST", "/r303/target");
  EXPECT_EQ(c.out, "GET \n") << c.err;
}

TEST_F(redirect_test, head_then_303_stays_head) {
  check("HEAD", "303", "head");
}

TEST_F(redirect_test, temporary_307_and_permanent_308_keep_method_and_body) {
  check("POST", "307", "post10");
  check("POST", "308", "post10");
  check("GET", "307", "get");
  check("HEAD", "308", "head");
  const auto c = curl_following("POST", "/r307/target");
  EXPECT_EQ(c.out, "POST 10\n") << c.err;
  const auto d = curl_following("POST", "/r308/target");
  EXPECT_EQ(d.out, "POST 10\n") << d.err;
}

TEST_F(redirect_test, load_without_L_counts_the_redirect_itself) {
  const auto r = run({loadgen_binary(), "load", "-c", "2", "-qps", "0", "-n", "6", "-payload", payload, "-loglevel",
                      "Warning", url("/r307/expect/post10")},
                     std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 307 : 6 (100.0 %)\n"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace loadgen::test
