// -P and -M values, and the -M answer rules (Fortio's TeeParallelHandler, Go's content sniffing).
#include <gtest/gtest.h>

#include "loadgen/core/error.hpp"
#include "loadgen/wire/forward_specs.hpp"

namespace loadgen {
namespace {

std::string bad_p(std::string_view v) {
  try {
    parse_tcp_proxy_spec(v);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
    return e.what();
  }
  return "accepted";
}

TEST(forward_specs, tcp_proxy_forms) {
  auto s = parse_tcp_proxy_spec("8888 www.example.com:80");
  EXPECT_EQ(s.listen, "8888");
  EXPECT_EQ(s.host, "www.example.com");
  EXPECT_EQ(s.port, "80");
  s = parse_tcp_proxy_spec("[::1]:0 www.google.com:443");  // Fortio's help example
  EXPECT_EQ(s.listen, "[::1]:0");
  EXPECT_EQ(s.host, "www.google.com");
  s = parse_tcp_proxy_spec("127.0.0.1:9 tcp://[::1]:8080");
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, "8080");
}

TEST(forward_specs, tcp_proxy_bad_values) {
  EXPECT_EQ(bad_p("8888"), "-P \"8888\": no destination (want \"local-port dest-host:dest-port\")");
  EXPECT_EQ(bad_p("8888 example.com"), "-P \"8888 example.com\": destination has no port (want \"local-port dest-host:dest-port\")");
  EXPECT_EQ(bad_p("8888 example.com:http"),
            "-P \"8888 example.com:http\": destination port is not a number (want \"local-port dest-host:dest-port\")");
  EXPECT_EQ(bad_p("8888 :80"), "-P \"8888 :80\": destination has no host (want \"local-port dest-host:dest-port\")");
}

TEST(forward_specs, multi_targets) {
  auto m = parse_multi_spec("8090  http://a:1/  b:2/x/ https://c", true);
  EXPECT_EQ(m.listen, "8090");
  EXPECT_EQ(m.targets, (std::vector<std::string>{"http://a:1", "http://b:2/x", "https://c"}));
  EXPECT_EQ(m.assumed_http, (std::vector<std::string>{"b:2/x/"}));
  m = parse_multi_spec("8090 http://a:1/", false);  // not mirroring: the URL is used as given
  EXPECT_EQ(m.targets, (std::vector<std::string>{"http://a:1/"}));
  try {
    parse_multi_spec("8090", true);
    FAIL();
  } catch (const error& e) {
    EXPECT_STREQ(e.what(), "-M \"8090\": no destination (want \"local-port dest-url1 [dest-url2 ...]\")");
  }
}

TEST(forward_specs, parallel_status) {
  EXPECT_EQ(multi_parallel_status({200, 200}), 200);
  EXPECT_EQ(multi_parallel_status({200, 404, 500}), 404);
  EXPECT_EQ(multi_parallel_status({-1, 404}), 503);
  EXPECT_EQ(multi_parallel_status({}), 200);
}

TEST(forward_specs, sniffed_content_type) {
  EXPECT_EQ(sniff_content_type(""), "");
  EXPECT_EQ(sniff_content_type("hello\n"), "text/plain; charset=utf-8");
  EXPECT_EQ(sniff_content_type("  <HTML><body>"), "text/html; charset=utf-8");
  EXPECT_EQ(sniff_content_type("<a href=x>"), "text/html; charset=utf-8");
  EXPECT_EQ(sniff_content_type("<ab>"), "text/plain; charset=utf-8");
  EXPECT_EQ(sniff_content_type(std::string("a\0b", 3)), "application/octet-stream");
}

TEST(forward_specs, trace_headers) {
  EXPECT_TRUE(is_trace_header("X-Request-Id"));
  EXPECT_TRUE(is_trace_header("b3"));
  EXPECT_TRUE(is_trace_header("X-B3-TraceId"));
  EXPECT_FALSE(is_trace_header("User-Agent"));
  EXPECT_FALSE(is_trace_header("X-B3"));
}

TEST(forward_specs, canonical_header_names_as_go) {
  EXPECT_EQ(canonical_header_name("x-b3-traceid"), "X-B3-Traceid");
  EXPECT_EQ(canonical_header_name("CONTENT-TYPE"), "Content-Type");
  EXPECT_EQ(canonical_header_name("x--y"), "X--Y");
  EXPECT_EQ(canonical_header_name("bad name"), "bad name");
}

}  // namespace
}  // namespace loadgen
