#include "loadgen/wire/http_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loadgen/core/base64.hpp"

namespace loadgen {
namespace {

run_options base(const std::string& url = "http://example.com:8080/path?q=1") {
  run_options o;
  o.target.scheme = "http";
  o.target.host = "example.com";
  o.target.port = 8080;
  o.target.explicit_port = url.find(":8080") != std::string::npos;
  o.target.target = "/path?q=1";
  o.user_agent = "loadgen/test";
  return o;
}

TEST(http_request, get_with_host_and_user_agent) {
  const run_options o = base();
  EXPECT_EQ(build_request(o),
            "GET /path?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: loadgen/test\r\n\r\n");
}

TEST(http_request, payload_makes_a_post_with_length_and_default_type) {
  run_options o = base();
  o.payload = "hello";
  o.has_payload = true;
  EXPECT_EQ(request_method(o), "POST");
  EXPECT_EQ(build_request(o),
            "POST /path?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: loadgen/test\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\nhello");
}

TEST(http_request, content_type_alone_makes_a_post_with_empty_body) {
  run_options o = base();
  o.content_type = "application/json";
  EXPECT_EQ(request_method(o), "POST");
  EXPECT_NE(build_request(o).find("Content-Type: application/json\r\nContent-Length: 0\r\n"), std::string::npos);
}

TEST(http_request, method_override_headers_and_host_override) {
  run_options o = base();
  o.method = "PUT";
  o.host_override = "virtual.example";
  o.headers = {{"X-A", "1"}, {"X-B", "two words"}};
  EXPECT_EQ(build_request(o),
            "PUT /path?q=1 HTTP/1.1\r\nHost: virtual.example\r\nUser-Agent: loadgen/test\r\nX-A: 1\r\nX-B: two words\r\n\r\n");
}

TEST(http_request, empty_user_agent_header_removes_it) {
  run_options o = base();
  o.headers = {{"User-Agent", ""}};
  EXPECT_EQ(build_request(o).find("User-Agent"), std::string::npos);
  o.headers = {{"user-agent", "custom"}};
  const std::string r = build_request(o);
  EXPECT_NE(r.find("user-agent: custom\r\n"), std::string::npos);
  EXPECT_EQ(r.find("loadgen/test"), std::string::npos);
}

TEST(http_request, keepalive_off_and_http10) {
  run_options o = base();
  o.keepalive = false;
  EXPECT_NE(build_request(o).find("Connection: close\r\n"), std::string::npos);
  o.http10 = true;
  const std::string r = build_request(o);
  EXPECT_EQ(r.rfind("GET /path?q=1 HTTP/1.0\r\n", 0), 0u);
  EXPECT_EQ(r.find("Host:"), std::string::npos);
}

TEST(http_request, basic_auth_from_userinfo) {
  run_options o = base();
  o.target.userinfo = "user:pass";
  EXPECT_NE(build_request(o).find("Authorization: Basic dXNlcjpwYXNz\r\n"), std::string::npos);
}

TEST(http_request, base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  // core/base64's decoders, both alphabets.
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\xfe", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_FALSE(base64_decode("Zg="));     // not a multiple of 4
  EXPECT_FALSE(base64_decode("Z==="));    // three '='
  EXPECT_FALSE(base64_decode("Zm-v"));    // url-safe character in the standard alphabet
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff", 2));
  EXPECT_EQ(base64url_decode("Zm9v="), "foo");  // padding tolerated
  EXPECT_FALSE(base64url_decode("Zm9vY"));      // 4k+1 characters
  EXPECT_FALSE(base64url_decode("Zm+v"));
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

TEST(http_request, uuid_markers_are_counted_in_content_length_and_rendered) {
  run_options o = base();
  o.target.target = "/x?id={uuid}";
  o.payload = "a={uuid}&b={uuid}";
  o.has_payload = true;
  const auto requests = build_requests(o);
  ASSERT_EQ(requests.size(), 1u);
  // 17 bytes of payload with two 6-byte markers become 17 - 12 + 72 = 77 bytes.
  EXPECT_NE(requests[0].find("Content-Length: 77\r\n"), std::string::npos) << requests[0];
  std::uint64_t n = 0;
  auto next = [&] { return ++n * 0x0123456789ABCDEFull; };
  std::string out;
  render_request(requests[0], next, out);
  EXPECT_EQ(out.find("{uuid}"), std::string::npos);
  const std::string body = out.substr(out.find("\r\n\r\n") + 4);
  EXPECT_EQ(body.size(), 77u);
  // Version 4, variant 10xx, and two different UUIDs in one request.
  EXPECT_EQ(body[2 + 14], '4');
  EXPECT_TRUE(std::string("89ab").find(body[2 + 19]) != std::string::npos) << body;
  EXPECT_NE(body.substr(2, 36), body.substr(41, 36));
  EXPECT_EQ(out.find("GET"), std::string::npos);  // a payload makes it a POST
  EXPECT_EQ(out.rfind("POST /x?id=", 0), 0u);
}

TEST(http_request, payload_lines_make_one_request_each) {
  run_options o = base();
  o.has_payload = true;
  o.payload_lines = {"a", "bb", "ccc"};
  const auto requests = build_requests(o);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(requests[2].find("Content-Length: 3\r\n\r\nccc"), std::string::npos);
}

TEST(http_request, user_flag_wins_over_url_userinfo) {
  run_options o = base();
  o.target.userinfo = "url:creds";
  o.user = "me:secret";
  const std::string r = build_request(o);
  EXPECT_NE(r.find("Authorization: Basic bWU6c2VjcmV0\r\n"), std::string::npos);
  EXPECT_EQ(r.find("dXJsOmNyZWRz"), std::string::npos);
}

}  // namespace
}  // namespace loadgen
