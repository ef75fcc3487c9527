#include "loadgen/wire/echo_params.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

percent_draw always(double v) {
  return [v] { return v; };
}

echo_plan plan(std::string_view q, double draw = 0, bool gzip_ok = true, echo_limits limits = {}) {
  auto r = plan_echo(q, limits, gzip_ok, always(draw));
  EXPECT_TRUE(std::holds_alternative<echo_plan>(r)) << q << ": " << std::get<std::string>(r);
  return std::holds_alternative<echo_plan>(r) ? std::get<echo_plan>(r) : echo_plan{};
}

std::string error_of(std::string_view q) {
  auto r = plan_echo(q, {}, true, always(0));
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

TEST(echo_params, defaults) {
  const echo_plan p = plan("");
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.delay, 0);
  EXPECT_EQ(p.size, -1);
  EXPECT_FALSE(p.close);
}

TEST(echo_params, status_single_and_distribution) {
  EXPECT_EQ(plan("status=503").status, 503);
  // 503:25,429:10 -> [0,25) 503, [25,35) 429, the rest 200.
  EXPECT_EQ(plan("status=503:25,429:10", 0).status, 503);
  EXPECT_EQ(plan("status=503:25,429:10", 24.9).status, 503);
  EXPECT_EQ(plan("status=503:25,429:10", 25).status, 429);
  EXPECT_EQ(plan("status=503:25,429:10", 34.9).status, 429);
  EXPECT_EQ(plan("status=503:25,429:10", 35).status, 200);
  EXPECT_EQ(plan("status=503:25%", 10).status, 503);
}

TEST(echo_params, bad_values_are_400_messages) {
  EXPECT_NE(error_of("status=abc"), "");
  EXPECT_NE(error_of("status=503:60,429:50").find("more than 100"), std::string::npos);
  EXPECT_NE(error_of("status=503:x"), "");
  EXPECT_NE(error_of("status=99"), "");
  EXPECT_NE(error_of("delay=soon"), "");
  EXPECT_NE(error_of("size=-5"), "");
  EXPECT_NE(error_of("header=nocolon"), "");
  EXPECT_NE(error_of("close=maybe"), "");
  EXPECT_EQ(error_of("unknown=whatever"), "");
}

TEST(echo_params, delay_is_capped) {
  EXPECT_EQ(plan("delay=10ms").delay, 10 * ns_per_ms);
  EXPECT_EQ(plan("delay=10ms:50,1s:5", 49).delay, 10 * ns_per_ms);
  EXPECT_EQ(plan("delay=10ms:50,1s:5", 52).delay, 1 * ns_per_s);
  EXPECT_EQ(plan("delay=10ms:50,1s:5", 60).delay, 0);
  EXPECT_EQ(plan("delay=1h").delay, 1500 * ns_per_ms);
}

TEST(echo_params, size_is_capped) {
  EXPECT_EQ(plan("size=1024").size, 1024);
  EXPECT_EQ(plan("size=100:50,200:50", 75).size, 200);
  echo_limits small;
  small.max_size = 100;
  EXPECT_EQ(plan("size=1000", 0, true, small).size, 100);
}

TEST(echo_params, headers_close_gzip) {
  const echo_plan p = plan("header=X-A:1&header=X-B:two%20words");
  ASSERT_EQ(p.headers.size(), 2u);
  EXPECT_EQ(p.headers[1], std::make_pair(std::string("X-B"), std::string("two words")));
  EXPECT_TRUE(plan("close=true").close);
  EXPECT_TRUE(plan("close=30", 29.9).close);
  EXPECT_FALSE(plan("close=30", 30).close);
  EXPECT_TRUE(plan("gzip=true").gzip);
  EXPECT_FALSE(plan("gzip=true", 0, false).gzip);  // the client did not ask for gzip
}

TEST(echo_params, query_decoding) {
  const auto q = parse_query("a=1&b=x+y&c=%41%zz&&d");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1].second, "x y");
  EXPECT_EQ(q[2].second, "A%zz");
  EXPECT_EQ(q[3].first, "d");
}

}  // namespace
}  // namespace loadgen
