// -redirect-port's answer: the Location as Go's URL.String() writes it, and the response bytes
// as Go's http.Redirect sends them (cases checked against Fortio 1.65).
#include <gtest/gtest.h>

#include "loadgen/wire/https_redirect.hpp"

namespace loadgen {
namespace {

std::string loc(std::string_view host, std::string_view target) {
  return https_redirect_location(host, target).value_or("<nullopt>");
}

TEST(https_redirect, location_keeps_a_valid_path_and_the_query_as_sent) {
  EXPECT_EQ(loc("h:1", "/"), "https://h:1/");
  EXPECT_EQ(loc("example.com:99", "/foo/bar?x=1&y=<a>"), "https://example.com:99/foo/bar?x=1&y=<a>");
  EXPECT_EQ(loc("h:1", "/a%20b"), "https://h:1/a%20b");
  EXPECT_EQ(loc("h:1", "/a%2fb?q=%zz"), "https://h:1/a%2fb?q=%zz");
  EXPECT_EQ(loc("h:1", "//x/../y"), "https://h:1//x/../y");
  EXPECT_EQ(loc("h:1", "/a;b@c:d$e,f+g=h&i!j*k(l)m~n"), "https://h:1/a;b@c:d$e,f+g=h&i!j*k(l)m~n");
  EXPECT_EQ(loc("h:1", "*"), "https://h:1*");
  EXPECT_EQ(loc("", "/x"), "https:///x");
}

TEST(https_redirect, location_reescapes_a_path_go_would_not_keep) {
  EXPECT_EQ(loc("h:1", "/a<b"), "https://h:1/a%3Cb");
  EXPECT_EQ(loc("h:1", "/a'b\"c"), "https://h:1/a%27b%22c");  // '"' is not valid: the whole path re-escaped
  EXPECT_EQ(loc("h:1", "/\xC3\xA9"), "https://h:1/%C3%A9");
  EXPECT_EQ(loc("h:1", "/a#frag"), "https://h:1/a%23frag");
  EXPECT_EQ(loc("h:1", "/a%41<"), "https://h:1/aA%3C");  // decoded first, then escaped
}

TEST(https_redirect, bad_escape_is_nullopt_and_absolute_form_names_the_host) {
  EXPECT_EQ(https_redirect_location("h", "/%zz"), std::nullopt);
  EXPECT_EQ(https_redirect_location("h", "/%4"), std::nullopt);
  EXPECT_EQ(loc("ignored", "http://other.com:5/abs?z=1"), "https://other.com:5http://other.com:5/abs?z=1");
}

TEST(https_redirect, get_head_and_other_methods) {
  std::string out;
  append_https_redirect(out, "GET", "https://h:1/a&b", "DATE", true);
  EXPECT_EQ(out, "HTTP/1.1 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\nLocation: https://h:1/a&b\r\n"
                 "Date: DATE\r\nContent-Length: 46\r\n\r\n<a href=\"https://h:1/a&amp;b\">See Other</a>.\n\n");
  out.clear();
  append_https_redirect(out, "HEAD", "https://h:1/", "DATE", false);
  EXPECT_EQ(out, "HTTP/1.1 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\nLocation: https://h:1/\r\n"
                 "Date: DATE\r\nConnection: close\r\n\r\n");
  out.clear();
  append_https_redirect(out, "POST", "https://h:1/'\"", "DATE", true);
  EXPECT_EQ(out, "HTTP/1.1 303 See Other\r\nLocation: https://h:1/'\"\r\nDate: DATE\r\nContent-Length: 0\r\n\r\n");
  out.clear();
  append_https_redirect(out, "GET", "https://h/'\"<>", "D", true);
  EXPECT_NE(out.find("<a href=\"https://h/&#39;&#34;&lt;&gt;\">"), std::string::npos) << out;
}

TEST(https_redirect, http_1_0_and_go_400s) {
  std::string out;
  append_https_redirect(out, "GET", "https:///x", "D", false, 10);
  EXPECT_EQ(out, "HTTP/1.0 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\nLocation: https:///x\r\n"
                 "Date: D\r\nContent-Length: 37\r\n\r\n<a href=\"https:///x\">See Other</a>.\n\n");
  out.clear();
  append_https_redirect(out, "POST", "https://a/x", "D", true, 10);
  EXPECT_EQ(out, "HTTP/1.0 303 See Other\r\nLocation: https://a/x\r\nDate: D\r\nContent-Length: 0\r\n"
                 "Connection: keep-alive\r\n\r\n");
  out.clear();
  append_go_bad_request(out, "missing required Host header");
  EXPECT_EQ(out, "HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Connection: close\r\n\r\n400 Bad Request: missing required Host header");
}

}  // namespace
}  // namespace loadgen
