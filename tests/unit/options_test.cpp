#include "loadgen/core/options.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

int exit_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const error& e) {
    return e.exit_code();
  }
  return 0;
}

TEST(options, percentiles) {
  EXPECT_EQ(parse_percentiles("50,75,90,99,99.9"), (std::vector<double>{50, 75, 90, 99, 99.9}));
  EXPECT_EQ(parse_percentiles(" 10 , ,99.99 "), (std::vector<double>{10, 99.99}));
  EXPECT_TRUE(parse_percentiles("").empty());
  EXPECT_EQ(exit_code_of([] { parse_percentiles("0"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_percentiles("100"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_percentiles("50,abc"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_percentiles("-5"); }), exit_bad_flags);
}

TEST(options, reuse_range) {
  EXPECT_EQ(parse_reuse_range("10:20"), std::make_pair(10, 20));
  EXPECT_EQ(parse_reuse_range("5"), std::make_pair(5, 5));
  EXPECT_EQ(exit_code_of([] { parse_reuse_range("20:10"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_reuse_range("a:b"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_reuse_range("-1"); }), exit_bad_flags);
}

TEST(options, header) {
  EXPECT_EQ(parse_header("X-Test: a value "), std::make_pair(std::string("X-Test"), std::string("a value")));
  EXPECT_EQ(parse_header("Empty:"), std::make_pair(std::string("Empty"), std::string("")));
  EXPECT_EQ(exit_code_of([] { parse_header("no colon"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_header(": value"); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { parse_header("bad name: v"); }), exit_bad_flags);
}

TEST(options, split_calls_never_exceeds_the_total) {
  EXPECT_EQ(split_calls(20, 2), (std::vector<std::int64_t>{10, 10}));
  EXPECT_EQ(split_calls(31, 3), (std::vector<std::int64_t>{11, 10, 10}));
  // Fortio would make n + c - 1 = 12 calls here; loadgen makes exactly 3 on 3 connections.
  EXPECT_EQ(split_calls(3, 10), (std::vector<std::int64_t>{1, 1, 1}));
  EXPECT_TRUE(split_calls(0, 4).empty());
}

TEST(options, validate_normalises_fortio_special_values) {
  run_options o;
  o.url_text = "localhost:8080/x";
  o.connections = 0;
  o.resolution = -1;
  o.timeout = -5;
  bool assumed = false;
  validate(o, &assumed);
  EXPECT_TRUE(assumed);
  EXPECT_EQ(o.target.to_string(), "http://localhost:8080/x");
  EXPECT_EQ(o.connections, 4);
  EXPECT_DOUBLE_EQ(o.resolution, 0.001);
  EXPECT_EQ(o.timeout, 3 * ns_per_s);
  EXPECT_FALSE(o.user_agent.empty());
}

TEST(options, validate_rejects) {
  EXPECT_EQ(exit_code_of([] { run_options o; validate(o); }), exit_run_failed);  // no URL
  EXPECT_EQ(exit_code_of([] { run_options o; o.url_text = "ftp://x/"; validate(o); }), exit_run_failed);
  EXPECT_EQ(exit_code_of([] { run_options o; o.url_text = "http://x/"; o.ramp = ns_per_s; o.qps = 0; validate(o); }),
            exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { run_options o; o.url_text = "http://x/"; o.abort_on = 1000; validate(o); }), exit_bad_flags);
  EXPECT_EQ(exit_code_of([] { run_options o; o.url_text = "http://x/"; o.busy_wait = -1; validate(o); }), exit_bad_flags);
}

TEST(options, modes) {
  run_options o;
  EXPECT_FALSE(o.max_speed());
  EXPECT_TRUE(o.warmup());
  o.qps = 0;
  EXPECT_TRUE(o.max_speed());
  o.calls = 10;
  EXPECT_TRUE(o.count_mode());
  EXPECT_FALSE(o.warmup());
  o.calls = 0;
  o.duration = 0;
  EXPECT_TRUE(o.until_interrupted());
}

}  // namespace
}  // namespace loadgen
