#include "loadgen/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace loadgen {
namespace {

schedule_config at(double qps) {
  schedule_config c;
  c.qps = qps;
  return c;
}

TEST(schedule, constant_rate_from_the_start) {
  schedule s(at(100), 1000);
  EXPECT_EQ(s.next(), 1000);
  EXPECT_EQ(s.next(), 1000 + 10 * ns_per_ms);
  EXPECT_EQ(s.next(), 1000 + 20 * ns_per_ms);
  EXPECT_EQ(s.issued(), 3u);
  EXPECT_EQ(s.interval(), 10 * ns_per_ms);
}

TEST(schedule, uniform_staggers_connections) {
  schedule_config c = at(100);
  c.uniform = true;
  c.connections = 4;
  c.connection_index = 2;
  schedule s(c, 0);
  EXPECT_EQ(s.next(), 5 * ns_per_ms);  // 2/4 of a 10 ms interval
  EXPECT_EQ(s.next(), 15 * ns_per_ms);
}

TEST(schedule, jitter_stays_within_ten_percent_and_never_goes_back) {
  schedule_config c = at(100);
  c.jitter = true;
  c.seed = 7;
  schedule s(c, 0);
  nanos last = 0;
  bool moved = false;
  for (int k = 0; k < 10000; ++k) {
    const nanos due = s.next();
    EXPECT_GE(due, last);
    EXPECT_LE(std::llabs(due - k * 10 * ns_per_ms), ns_per_ms + 1) << k;  // +-10% of 10 ms
    moved |= due != k * 10 * ns_per_ms;
    last = due;
  }
  EXPECT_TRUE(moved);
}

TEST(schedule, poisson_mean_gap) {
  schedule_config c = at(1000);
  c.arrival = arrival_kind::poisson;
  c.seed = 11;
  schedule s(c, 0);
  nanos last = s.next();
  const int n = 100000;
  for (int k = 1; k < n; ++k) {
    const nanos due = s.next();
    EXPECT_GE(due, last);
    last = due;
  }
  const double mean_gap_ms = static_cast<double>(last) / (n - 1) / 1e6;
  EXPECT_NEAR(mean_gap_ms, 1.0, 0.02);
}

TEST(schedule, linear_ramp_then_full_rate) {
  schedule_config c = at(100);
  c.ramp = 10 * ns_per_s;
  schedule s(c, 0);
  // Calls due before t: qps*t^2/(2R) during the ramp (125 at 5 s, 500 at 10 s), then 100/s more.
  std::vector<nanos> due;
  for (int k = 0; k < 2000; ++k) due.push_back(s.next());
  auto before = [&](double t) { return std::count_if(due.begin(), due.end(), [&](nanos d) { return d < t * 1e9; }); };
  EXPECT_NEAR(static_cast<double>(before(5)), 125, 1);
  EXPECT_NEAR(static_cast<double>(before(10)), 500, 1);
  EXPECT_NEAR(static_cast<double>(before(12)), 700, 1);
  EXPECT_EQ(due[0], 0);
  for (std::size_t k = 1; k < due.size(); ++k) EXPECT_GE(due[k], due[k - 1]);
  EXPECT_EQ(schedule::due_offset(c, 500), 10 * ns_per_s);
}

}  // namespace
}  // namespace loadgen
