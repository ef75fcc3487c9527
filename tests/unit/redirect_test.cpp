// The one redirect rule (wire/redirect.hpp), shared by curl -L and load -L.
#include "loadgen/wire/redirect.hpp"

#include <gtest/gtest.h>

#include "loadgen/wire/http_request.hpp"

namespace loadgen {
namespace {

run_options from(const std::string& url_text) {
  run_options o;
  o.url_text = url_text;
  validate(o);
  return o;
}

TEST(redirect, head_stays_head_after_303) {
  run_options o = from("http://a:8080/x");
  o.method = "HEAD";
  const auto hop = next_redirect(o, 303, "/y");
  ASSERT_TRUE(hop);
  EXPECT_EQ(request_method(hop->next), "HEAD");
  EXPECT_TRUE(hop->same_origin);
}

TEST(redirect, methods_and_bodies_by_status) {
  run_options post = from("http://a/x");
  post.payload = "0123456789";
  post.has_payload = true;
  for (int status : {301, 302, 303}) {
    const auto hop = next_redirect(post, status, "/y");
    ASSERT_TRUE(hop);
    EXPECT_EQ(request_method(hop->next), "GET") << status;
    EXPECT_FALSE(hop->next.has_payload) << status;
  }
  for (int status : {307, 308}) {
    const auto hop = next_redirect(post, status, "/y");
    ASSERT_TRUE(hop);
    EXPECT_EQ(request_method(hop->next), "POST") << status;
    EXPECT_EQ(hop->next.payload, "0123456789") << status;
  }
  EXPECT_FALSE(next_redirect(post, 200, "/y"));
  EXPECT_FALSE(next_redirect(post, 302, ""));
  EXPECT_FALSE(next_redirect(post, 302, "ftp://elsewhere/"));
}

TEST(redirect, credentials_never_leave_their_origin) {
  run_options o = from("https://me:pw@a/x");
  o.user = "u:p";
  o.headers = {{"Authorization", "Bearer t"}, {"Cookie", "c=1"}, {"X-Trace", "1"}};
  o.host_override = "a.example";
  // https -> http on the same host is another origin: nothing would be sent in clear text.
  for (const char* location : {"http://a/y", "https://b/y", "https://a:8443/y"}) {
    const auto hop = next_redirect(o, 302, location);
    ASSERT_TRUE(hop) << location;
    EXPECT_FALSE(hop->same_origin) << location;
    EXPECT_TRUE(hop->next.user.empty()) << location;
    EXPECT_TRUE(hop->next.target.userinfo.empty()) << location;
    EXPECT_TRUE(hop->next.host_override.empty()) << location;
    ASSERT_EQ(hop->next.headers.size(), 1u) << location;
    EXPECT_EQ(hop->next.headers[0].first, "X-Trace");
    EXPECT_EQ(build_request(hop->next).find("Authorization"), std::string::npos) << location;
  }
  const auto same = next_redirect(o, 302, "/y");
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->same_origin);
  EXPECT_EQ(same->next.user, "u:p");
  EXPECT_EQ(same->next.headers.size(), 3u);
}

}  // namespace
}  // namespace loadgen
