#include "loadgen/report/live_stats.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

call_record done_at(int status, nanos latency) {
  call_record c;
  c.status = status;
  c.due = 0;
  c.sent = 0;
  c.done = latency;
  return c;
}

// As a worker records: into its stats and its latency tap.
void record(run_stats& s, latency_tap& tap, const call_record& c) {
  s.record(c);
  tap.record(s.latency_of(c));
}

TEST(live_stats, slice_is_the_difference_of_two_snapshots) {
  run_stats s;
  latency_tap tap;
  histogram recent;
  for (int i = 0; i < 100; ++i) record(s, tap, done_at(200, 1 * ns_per_ms));
  const live_snapshot first = live_snapshot::of(s, 1 * ns_per_s);
  drain(tap.flip(), recent);
  recent.reset();
  for (int i = 0; i < 40; ++i) record(s, tap, done_at(200, 10 * ns_per_ms));
  for (int i = 0; i < 10; ++i) {
    call_record c = done_at(503, 20 * ns_per_ms);
    c.connection_busy = i < 3;
    record(s, tap, c);
  }
  const live_snapshot second = live_snapshot::of(s, 2 * ns_per_s);
  drain(tap.flip(), recent);
  const time_slice t = slice_between(first, second, recent, 0);
  EXPECT_DOUBLE_EQ(t.start, 1.0);
  EXPECT_DOUBLE_EQ(t.duration, 1.0);
  EXPECT_EQ(t.calls, 50);
  EXPECT_EQ(t.ok, 40);
  EXPECT_EQ(t.codes, (std::map<int, std::int64_t>{{200, 40}, {503, 10}}));
  EXPECT_DOUBLE_EQ(t.qps, 50.0);
  EXPECT_EQ(t.waited, 3);
  // Only this slice's calls count: the 1 ms calls of the first second are gone.
  EXPECT_NEAR(t.p50, 0.010, 0.010 / 1000);
  EXPECT_NEAR(t.p99, 0.020, 0.020 / 1000);
}

TEST(live_stats, merge_adds_workers) {
  run_stats a, b;
  a.record(done_at(200, 1000));
  call_record held = done_at(503, 2000);
  held.connection_busy = true;
  b.record(held);
  live_snapshot s = live_snapshot::of(a, 5);
  s.merge(live_snapshot::of(b, 7));
  EXPECT_EQ(s.calls, 2);
  EXPECT_EQ(s.ok, 1);
  EXPECT_EQ(s.at, 7);
  EXPECT_EQ(s.waited, 1);
  EXPECT_EQ(s.codes, (std::vector<std::pair<int, std::int64_t>>{{200, 1}, {503, 1}}));
}

// Defect: a snapshot copied the worker's 295 KB latency histogram and built a std::map on the
// worker's thread, up to 4 times a second. Now it carries counters only (the size of a few
// status codes), and latency travels through the double-buffered tap.
TEST(live_stats, snapshot_carries_counters_only) {
  static_assert(sizeof(live_snapshot) <= 64, "a snapshot must not carry a histogram");
  run_stats s;
  for (int i = 0; i < 3; ++i) s.record(done_at(200, 1000));
  s.record(done_at(-1, 1000));
  const live_snapshot snap = live_snapshot::of(s, 9);
  EXPECT_EQ(snap.calls, 4);
  EXPECT_EQ(snap.ok, 3);
  EXPECT_EQ(snap.codes, (std::vector<std::pair<int, std::int64_t>>{{-1, 1}, {200, 3}}));
}

TEST(live_stats, tap_flips_halves_without_copying) {
  latency_tap tap;
  tap.record(1000);
  tap.record(2000);
  histogram& first = tap.flip();   // the worker records into the other half from now on
  tap.record(3000);
  EXPECT_EQ(first.count(), 2u);
  histogram total;
  drain(first, total);             // the reporting thread empties it before the next flip
  EXPECT_EQ(first.count(), 0u);
  EXPECT_EQ(total.count(), 2u);
  histogram& second = tap.flip();
  EXPECT_NE(&first, &second);
  EXPECT_EQ(second.count(), 1u);
  EXPECT_EQ(second.max(), 3000);
  EXPECT_EQ(&tap.flip(), &first);  // and back: two halves, reused
}

TEST(live_stats, lines) {
  time_slice t;
  t.start = 2;
  t.duration = 1;
  t.calls = 1000;
  t.qps = 999.8;
  t.codes = {{200, 990}, {503, 10}};
  t.p50 = 0.00121;
  t.p99 = 0.00544;
  t.max = 0.0102;
  const std::string line = format_interval(t);
  EXPECT_EQ(line, "Interval 2.0s-3.0s : 1000 calls, 999.8 qps, 200: 990, 503: 10, p50 0.00121 p99 0.00544 max 0.0102");
  // Never a prefix that Fortio's report uses.
  EXPECT_NE(line.rfind("Code ", 0), 0u);
  t.waited = 12;
  EXPECT_EQ(format_interval(t), line + ", 12 waited for a busy connection");
  t.waited = 0;
  run_options o;
  o.calls = 5000;
  live_snapshot now;
  now.at = 3 * ns_per_s;
  now.calls = 3000;
  now.codes = {{200, 3000}};
  EXPECT_EQ(format_progress(o, now, 0, t), "loadgen 3.0s 3000/5000 calls 999.8 qps 200:3000 p99 5.44ms");
}

}  // namespace
}  // namespace loadgen
