#include "loadgen/core/options.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

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

std::string message_of(const std::function<void(run_options&)>& change) {
  run_options o;
  o.url_text = "http://x/";
  change(o);
  try {
    validate(o);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags) << e.what();
    return e.what();
  }
  return {};
}

// Values that would overflow int64 nanoseconds somewhere (qps * t, the schedule's interval,
// start + duration on the steady clock) are flag errors with one clear line.
TEST(options, validate_rejects_extreme_values) {
  constexpr nanos weeks_15000 = nanos{15'000} * 7 * 24 * 3600 * ns_per_s;  // parses (under 2^63 ns), ~288 years
  EXPECT_EQ(message_of([](run_options& o) { o.qps = 1e20; }), "-qps must be at most 1e9 (or 0 for max speed)");
  EXPECT_EQ(message_of([](run_options& o) { o.qps = 1e-12; }), "-qps must be at least 1e-6 (or 0 for max speed)");
  EXPECT_EQ(message_of([](run_options& o) {
              o.qps = 1e-6;
              o.connections = 10'000;
            }),
            "-qps 1e-06 over -c 10000 connections is below 1e-9 per connection: raise -qps or lower -c");
  EXPECT_EQ(message_of([=](run_options& o) { o.duration = weeks_15000; }), "-t must be at most 100 years (876000h)");
  EXPECT_EQ(message_of([=](run_options& o) { o.timeout = weeks_15000; }),
            "-timeout must be at most 100 years (876000h)");
  EXPECT_EQ(message_of([=](run_options& o) { o.ramp = weeks_15000; }), "-ramp must be at most 100 years (876000h)");
  EXPECT_EQ(message_of([=](run_options& o) { o.interval = weeks_15000; }),
            "-interval must be at most 100 years (876000h)");
  EXPECT_EQ(message_of([](run_options& o) { o.interval = -1; }), "-interval must not be negative");
  EXPECT_EQ(message_of([=](run_options& o) { o.busy_wait = weeks_15000; }),
            "-busy-wait must be at most 100 years (876000h)");
  EXPECT_EQ(message_of([=](run_options& o) { o.offset = to_seconds(weeks_15000); }),
            "-offset must be within 100 years (876000h) either way");
  EXPECT_EQ(message_of([=](run_options& o) { o.offset = -to_seconds(weeks_15000); }),
            "-offset must be within 100 years (876000h) either way");

  // The limits themselves, and Fortio's special values, are fine.
  constexpr nanos years_100 = nanos{876'000} * 3600 * ns_per_s;
  for (const auto& ok : std::vector<std::function<void(run_options&)>>{
           [](run_options& o) { o.qps = 1e9; },
           [](run_options& o) { o.qps = 1e-6; },  // -c 4: 2.5e-7 per connection
           [](run_options& o) { o.qps = 0; },
           [](run_options& o) { o.qps = -1e20; },  // negative: max speed, as Fortio
           [](run_options& o) { o.duration = years_100; },
           [=](run_options& o) { o.duration = -weeks_15000; },  // negative: until interrupted
           [=](run_options& o) { o.timeout = -weeks_15000; },   // negative: Fortio's 3s
           [](run_options& o) {
             o.timeout = years_100;
             o.ramp = years_100;
             o.interval = years_100;
             o.busy_wait = years_100;
             o.offset = -to_seconds(years_100);
           }}) {
    EXPECT_EQ(message_of(ok), "");
  }
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
