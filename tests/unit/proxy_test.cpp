#include "loadgen/wire/proxy.hpp"

#include <gtest/gtest.h>

#include <map>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

getenv_fn env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(proxy, flag_wins_over_environment) {
  const url target = parse_url("http://example.com/x");
  const auto p = choose_proxy(target, "http://proxy:3128", env({{"HTTP_PROXY", "http://other:1"}}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host, "proxy");
  EXPECT_EQ(p->port, 3128);
  EXPECT_FALSE(choose_proxy(target, "direct", env({{"HTTP_PROXY", "http://other:1"}})));
}

TEST(proxy, environment_by_scheme_lower_case_first) {
  const auto vars = env({{"HTTP_PROXY", "http://upper:1"}, {"http_proxy", "http://lower:2"}, {"HTTPS_PROXY", "secure:3"}});
  EXPECT_EQ(choose_proxy(parse_url("http://a/"), "", vars)->host, "lower");
  EXPECT_EQ(choose_proxy(parse_url("https://a/"), "", vars)->host, "secure");
  EXPECT_FALSE(choose_proxy(parse_url("https://a/"), "", env({{"HTTP_PROXY", "http://p:1"}})));
  EXPECT_FALSE(choose_proxy(parse_url("http://a/"), "", env({})));
}

TEST(proxy, no_proxy) {
  EXPECT_TRUE(no_proxy_matches("*", parse_url("http://anything/")));
  EXPECT_TRUE(no_proxy_matches("localhost, .internal", parse_url("http://svc.internal/")));
  EXPECT_TRUE(no_proxy_matches("example.com", parse_url("http://a.example.com/")));
  EXPECT_FALSE(no_proxy_matches("example.com", parse_url("http://badexample.com/")));
  EXPECT_TRUE(no_proxy_matches("127.0.0.1", parse_url("http://127.0.0.1:8080/")));
  EXPECT_TRUE(no_proxy_matches("host:8080", parse_url("http://host:8080/")));
  EXPECT_FALSE(no_proxy_matches("host:8080", parse_url("http://host:9090/")));
  EXPECT_TRUE(no_proxy_matches("[::1]:8080", parse_url("http://[::1]:8080/")));
  EXPECT_TRUE(no_proxy_matches("::1", parse_url("http://[::1]:8080/")));
  EXPECT_FALSE(no_proxy_matches("", parse_url("http://a/")));
  const auto vars = env({{"HTTP_PROXY", "http://p:1"}, {"NO_PROXY", "a,b"}});
  EXPECT_FALSE(choose_proxy(parse_url("http://b/"), "", vars));
  EXPECT_TRUE(choose_proxy(parse_url("http://c/"), "", vars));
}

TEST(proxy, authorization_and_connect_request) {
  const url proxy = parse_url("http://user:pa%20ss@proxy:3128");
  EXPECT_EQ(proxy_authorization(proxy), "Proxy-Authorization: Basic dXNlcjpwYSBzcw==\r\n");
  EXPECT_EQ(connect_request(parse_url("https://example.com/x"), proxy),
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dXNlcjpwYSBzcw==\r\n\r\n");
  EXPECT_EQ(proxy_authorization(parse_url("http://proxy:1")), "");
}

TEST(proxy, bad_proxy_urls_are_flag_errors) {
  try {
    choose_proxy(parse_url("http://a/"), "ftp://p/", env({}));
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
  }
  EXPECT_THROW(choose_proxy(parse_url("http://a/"), "https://p/", env({})), error);
  // Schemes parse_url takes for echo targets are no proxy either (found by fuzz/proxy_fuzz.cpp).
  for (const char* p : {"udp://p:8080", "tcp://p:8080"}) {
    try {
      choose_proxy(parse_url("http://a/"), p, env({}));
      ADD_FAILURE() << p;
    } catch (const error& e) {
      EXPECT_EQ(e.exit_code(), exit_bad_flags);
      EXPECT_EQ(std::string(e.what()), std::string("invalid proxy \"") + p + "\": only http:// proxies are supported");
    }
  }
  EXPECT_THROW(choose_proxy(parse_url("http://a/"), "", env({{"HTTP_PROXY", "udp://p:1"}})), error);
}

}  // namespace
}  // namespace loadgen
