// The one plan (core/plan.hpp): Fortio's connection and call counts, the threads, the busy-wait
// default and the window the rate lines use.
#include "loadgen/core/plan.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

run_options paced(double qps, nanos duration, int connections) {
  run_options o;
  o.qps = qps;
  o.duration = duration;
  o.connections = connections;
  return o;
}

TEST(plan, fewer_planned_calls_than_connections_lower_them_as_fortio) {
  // -c 50 -t 3s at the default 8 qps: 24 calls, so 12 connections of 2 calls (was: 50 at once).
  const load_plan p = make_plan(paced(8, 3 * ns_per_s, 50), 2, std::nullopt);
  EXPECT_EQ(p.connections, 12);
  EXPECT_EQ(p.planned_per_connection, 2);
  EXPECT_EQ(p.planned_calls(), 24);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "Lowering number of threads - total call 24 -> lowering from 50 to 12 threads");
  EXPECT_EQ(p.window, 3 * ns_per_s);
}

TEST(plan, a_single_planned_call_becomes_two_on_one_connection) {
  const load_plan p = make_plan(paced(1, 1 * ns_per_s, 4), 2, std::nullopt);
  EXPECT_EQ(p.connections, 1);
  EXPECT_EQ(p.planned_per_connection, 2);
  ASSERT_FALSE(p.warnings.empty());
  EXPECT_EQ(p.warnings[0].rfind("Increasing the number of calls to the minimum of 2 with 1 thread", 0), 0u);
}

TEST(plan, window_is_the_schedules_span) {
  // 60 planned, 3 per connection at 1.25/s each: the 4th would be due at 2.4 s (Fortio: 19.99 qps).
  const load_plan p = make_plan(paced(20, 3 * ns_per_s, 16), 2, std::nullopt);
  EXPECT_EQ(p.connections, 16);
  EXPECT_EQ(p.planned_per_connection, 3);
  EXPECT_EQ(p.window, 2'400'000'000);
  // -qps 1 -t 2s -c 2: lowered to 1 connection of 2 calls, a 2 s window.
  const load_plan q = make_plan(paced(1, 2 * ns_per_s, 2), 2, std::nullopt);
  EXPECT_EQ(q.connections, 1);
  EXPECT_EQ(q.window, 2 * ns_per_s);
}

TEST(plan, exactly_n_calls_never_more_connections_than_calls) {
  run_options o = paced(0, 0, 8);
  o.calls = 3;
  const load_plan p = make_plan(o, 2, std::nullopt);
  EXPECT_EQ(p.connections, 3);
  EXPECT_EQ(p.planned_calls(), 3);
  EXPECT_EQ(p.window, 0);  // max speed: no schedule
  o.qps = 10;
  o.calls = 25;
  o.connections = 4;
  const load_plan q = make_plan(o, 2, std::nullopt);
  EXPECT_EQ(q.calls_per_connection, (std::vector<std::int64_t>{7, 6, 6, 6}));
  EXPECT_EQ(q.window, 2'800'000'000);  // 7 calls at 2.5/s
}

TEST(plan, threads_follow_cpus_and_the_cgroup_limit) {
  run_options o = paced(0, ns_per_s, 64);
  EXPECT_EQ(make_plan(o, 8, std::nullopt).threads, 8);
  EXPECT_EQ(make_plan(o, 8, 1.5).threads, 2);
  EXPECT_EQ(make_plan(o, 8, 1.5).cpus, 2);
  o.threads = 3;
  EXPECT_EQ(make_plan(o, 8, 1.5).threads, 3);
  o.connections = 2;
  EXPECT_EQ(make_plan(o, 8, std::nullopt).threads, 2);  // never more threads than connections
}

TEST(plan, busy_wait_is_off_unless_asked) {
  run_options o = paced(1000, ns_per_s, 4);
  EXPECT_EQ(make_plan(o, 2, std::nullopt).busy_wait, 0) << "the default spins nowhere";
  EXPECT_EQ(make_plan(o, 2, 0.5).busy_wait, 0);
  o.busy_wait = 100 * ns_per_us;
  EXPECT_EQ(make_plan(o, 2, std::nullopt).busy_wait, 100 * ns_per_us);
  EXPECT_EQ(make_plan(o, 2, 0.5).busy_wait, 100 * ns_per_us) << "asked for under a cgroup limit too";
}

TEST(plan, until_interrupted_has_no_planned_count) {
  const load_plan p = make_plan(paced(100, 0, 4), 2, std::nullopt);
  EXPECT_EQ(p.connections, 4);
  EXPECT_EQ(p.planned_calls(), 0);
  EXPECT_EQ(p.window, 0);
  EXPECT_TRUE(p.warnings.empty());
}

}  // namespace
}  // namespace loadgen
