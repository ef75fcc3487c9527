#include "loadgen/core/schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace loadgen {
namespace {

schedule_config at(double qps) {
  schedule_config c;
  c.qps = qps;
  return c;
}

std::vector<nanos> first(schedule& s, std::size_t n) {
  std::vector<nanos> due(n);
  for (auto& d : due) d = s.next();
  return due;
}

// How many of the due times fall strictly before t.
std::int64_t due_before(const std::vector<nanos>& due, nanos t) {
  return std::count_if(due.begin(), due.end(), [&](nanos d) { return d < t; });
}

void expect_never_decreasing(const std::vector<nanos>& due) {
  EXPECT_TRUE(std::is_sorted(due.begin(), due.end()));
}

TEST(schedule, constant_rate) {
  schedule s(at(100), 1'000);
  EXPECT_EQ(s.interval(), 10 * ns_per_ms);
  const auto due = first(s, 1000);
  for (std::size_t k = 0; k < due.size(); ++k) ASSERT_EQ(due[k], 1'000 + static_cast<nanos>(k) * 10 * ns_per_ms) << k;
  EXPECT_EQ(s.issued(), 1000u);
  EXPECT_EQ(schedule::due_offset(at(100), 999), 9'990 * ns_per_ms);
}

// k / qps is computed per call, not by adding a rounded interval: no drift.
TEST(schedule, constant_rate_that_does_not_divide_a_second) {
  schedule s(at(3), 0);
  EXPECT_EQ(s.interval(), 333'333'333);
  const auto due = first(s, 3001);
  EXPECT_EQ(due[1], 333'333'333);
  EXPECT_EQ(due[2], 666'666'667);
  EXPECT_EQ(due[3], ns_per_s);
  EXPECT_EQ(due[3000], 1000 * ns_per_s);
}

TEST(schedule, uniform_staggers_connections) {
  schedule_config c = at(100);
  c.uniform = true;
  c.connections = 4;
  c.connection_index = 2;
  schedule s(c, 0);
  EXPECT_EQ(first(s, 3), (std::vector<nanos>{5 * ns_per_ms, 15 * ns_per_ms, 25 * ns_per_ms}));  // 2/4 of 10 ms late
  EXPECT_EQ(schedule::due_offset(c, 1), 15 * ns_per_ms);

  c.connection_index = 0;
  schedule zero(c, 7);
  EXPECT_EQ(zero.next(), 7);
  c.connection_index = 3;
  c.uniform = false;  // without -uniform every connection starts at once
  schedule plain(c, 7);
  EXPECT_EQ(plain.next(), 7);
}

TEST(schedule, jitter_stays_within_ten_percent_and_never_goes_back) {
  schedule_config c = at(100);
  c.jitter = true;
  c.seed = 7;
  schedule s(c, 0);
  const auto due = first(s, 10'000);
  expect_never_decreasing(due);
  nanos lowest = 0, highest = 0;
  for (std::size_t k = 0; k < due.size(); ++k) {
    const nanos shift = due[k] - static_cast<nanos>(k) * 10 * ns_per_ms;
    ASSERT_LE(std::llabs(shift), ns_per_ms) << k;  // +-10% of 10 ms
    if (k > 0) lowest = std::min(lowest, shift);  // call 0 cannot move before the start
    highest = std::max(highest, shift);
  }
  EXPECT_LT(lowest, -ns_per_ms * 95 / 100);  // the draws do cover the whole +-10%
  EXPECT_GT(highest, ns_per_ms * 95 / 100);
  EXPECT_GE(due[0], 0);
}

TEST(schedule, a_seed_fixes_the_draws) {
  schedule_config c = at(250);
  c.jitter = true;
  c.seed = 42;
  schedule a(c, 0), b(c, 0);
  const auto da = first(a, 100);
  EXPECT_EQ(da, first(b, 100));
  c.seed = 43;
  schedule other(c, 0);
  EXPECT_NE(da, first(other, 100));
  // SplitMix64 is fully specified: the first output for seed 0 is a published constant.
  splitmix64 r(0);
  EXPECT_EQ(r(), 0xE220A8397B1DCDAFull);
}

TEST(schedule, poisson_gaps_are_exponential) {
  schedule_config c = at(1000);
  c.arrival = arrival_kind::poisson;
  c.seed = 11;
  schedule s(c, 500);
  const auto due = first(s, 100'000);
  EXPECT_EQ(due[0], 500);
  expect_never_decreasing(due);
  double sum = 0, squares = 0;
  for (std::size_t k = 1; k < due.size(); ++k) {
    const double gap = static_cast<double>(due[k] - due[k - 1]);
    sum += gap;
    squares += gap * gap;
  }
  const double n = static_cast<double>(due.size() - 1);
  const double mean = sum / n;
  const double sd = std::sqrt(squares / n - mean * mean);
  EXPECT_NEAR(mean, 1e6, 1e6 * 0.02);  // mean gap 1/qps = 1 ms, within 2%
  EXPECT_NEAR(sd / mean, 1.0, 0.03);   // an exponential's stddev equals its mean

  schedule again(c, 500);
  EXPECT_EQ(first(again, 1000), std::vector<nanos>(due.begin(), due.begin() + 1000));
}

// Over R = 10 s up to 100 qps: N(t) = 100 t^2 / 20 calls are due before t < R, then 100/s more.
TEST(schedule, linear_ramp_then_full_rate) {
  schedule_config c = at(100);
  c.ramp = 10 * ns_per_s;
  schedule s(c, 0);
  const auto due = first(s, 3000);
  EXPECT_EQ(due[0], 0);
  expect_never_decreasing(due);
  for (int tenths = 1; tenths <= 200; ++tenths) {
    const double t = tenths / 10.0;
    const double expected = t < 10 ? 100 * t * t / 20 : 500 + 100 * (t - 10);
    EXPECT_NEAR(static_cast<double>(due_before(due, static_cast<nanos>(t * 1e9))), expected, 1) << t;
  }
  EXPECT_EQ(due_before(due, 5 * ns_per_s), 125);
  EXPECT_EQ(due[500], 10 * ns_per_s);           // the ramp's end: from here on, every 10 ms
  EXPECT_EQ(due[501] - due[500], 10 * ns_per_ms);
  EXPECT_EQ(due[2999] - due[2998], 10 * ns_per_ms);
  for (std::uint64_t k = 0; k < due.size(); ++k) ASSERT_EQ(schedule::due_offset(c, k), due[k]) << k;
  EXPECT_EQ(s.interval(), 10 * ns_per_ms);  // the full rate's gap
}

// A Poisson schedule follows the ramp too: its arrival rate rises like N(t).
TEST(schedule, poisson_with_a_ramp) {
  schedule_config c = at(1000);
  c.ramp = 10 * ns_per_s;
  c.arrival = arrival_kind::poisson;
  c.seed = 3;
  schedule s(c, 0);
  const auto due = first(s, 30'000);
  expect_never_decreasing(due);
  for (double t : {2.0, 4.0, 8.0, 12.0, 20.0}) {
    const double expected = t < 10 ? 1000 * t * t / 20 : 5000 + 1000 * (t - 10);
    // A Poisson count's variance is its mean: allow four standard deviations.
    EXPECT_NEAR(static_cast<double>(due_before(due, static_cast<nanos>(t * 1e9))), expected, 4 * std::sqrt(expected)) << t;
  }
}

TEST(schedule, ramp_with_uniform_offset_and_jitter_never_goes_back) {
  schedule_config c = at(50);
  c.ramp = 2 * ns_per_s;
  c.uniform = true;
  c.connections = 2;
  c.connection_index = 1;
  c.jitter = true;
  schedule s(c, 1'000'000);
  const auto due = first(s, 500);
  expect_never_decreasing(due);
  EXPECT_GE(due[0], 1'000'000 + 10 * ns_per_ms);  // half a 20 ms interval late
}

// Open loop: a server that takes 25 ms per call at 100 qps does not move the schedule; the
// latency measured from the due time grows by 15 ms per call.
TEST(schedule, responses_never_move_the_schedule) {
  manual_clock clock(1'000);
  schedule s(at(100), clock.now());
  for (int k = 0; k < 20; ++k) {
    const nanos due = s.next();
    ASSERT_EQ(due, 1'000 + k * 10 * ns_per_ms);
    clock.set(std::max(clock.now(), due));  // sent when due or, if the connection is busy, when free
    clock.advance(25 * ns_per_ms);
    EXPECT_EQ(clock.now() - due, 25 * ns_per_ms + k * 15 * ns_per_ms);
  }
}

TEST(schedule, rejects_a_rate_that_is_not_positive) {
  EXPECT_THROW(schedule(at(0), 0), std::invalid_argument);
  EXPECT_THROW(schedule(at(-5), 0), std::invalid_argument);
  EXPECT_THROW(schedule(at(std::nan("")), 0), std::invalid_argument);
  schedule_config c = at(10);
  c.connections = 0;
  EXPECT_THROW(schedule(c, 0), std::invalid_argument);
}

// Rates whose interval does not fit the nanosecond arithmetic are refused (1e9 / 1e-12 s is
// 1e21 ns, past INT64_MAX; 1e20 calls/s rounds the interval to 0 ns).
TEST(schedule, rejects_a_rate_outside_its_limits) {
  EXPECT_THROW(schedule(at(1e-12), 0), std::invalid_argument);
  EXPECT_THROW(schedule(at(1e20), 0), std::invalid_argument);
  EXPECT_NO_THROW(schedule(at(1e-9), 0));  // one call per ~31.7 years: the slowest rate
  EXPECT_NO_THROW(schedule(at(1e9), 0));   // one call per ns: the fastest
}

// At the slowest rate the due times grow past any run long before they could overflow: they are
// capped at start + 2^62 ns (146 years), never wrap and never go backwards.
TEST(schedule, due_times_are_capped_far_from_overflow) {
  constexpr nanos cap = nanos{1} << 62;
  const nanos start = 1'000 * ns_per_s;
  for (const arrival_kind arrival : {arrival_kind::constant, arrival_kind::poisson}) {
    schedule_config c = at(1e-9);
    c.arrival = arrival;
    c.jitter = true;
    schedule s(c, start);
    const std::vector<nanos> due = first(s, 64);
    expect_never_decreasing(due);
    EXPECT_GE(due.front(), start);
    EXPECT_LE(due.back(), start + cap);
    EXPECT_EQ(due.back(), start + cap);  // 64 calls at one per ~31.7 years reach the cap
  }
  EXPECT_EQ(schedule::due_offset(at(1e-9), 1'000), cap);
  EXPECT_EQ(schedule::due_offset(at(1e-9), 3), 3'000'000'000'000'000'000);
}

}  // namespace
}  // namespace loadgen
