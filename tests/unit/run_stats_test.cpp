#include "loadgen/core/run_stats.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

call_record call(int status, nanos due, nanos sent, nanos done, transport_error e = transport_error::none) {
  call_record c;
  c.status = status;
  c.error = e;
  c.due = due;
  c.sent = sent;
  c.done = done;
  c.header_bytes = status > 0 ? 75 : 0;
  c.total_bytes = status > 0 ? 92 : 0;
  return c;
}

TEST(run_stats, every_call_is_counted_once) {
  run_stats s;
  s.record(call(200, 0, 0, 1000));
  s.record(call(200, 0, 0, 2000));
  s.record(call(503, 0, 0, 3000));
  s.record(call(status_transport_error, 0, 0, 4000, transport_error::refused));
  s.record(call(418, 0, 0, 500));
  EXPECT_EQ(s.calls(), 5);
  EXPECT_EQ(s.ok_calls(), 3);  // 2xx and 418, Fortio's rule
  EXPECT_EQ(s.transport_errors(), 1);
  EXPECT_EQ(s.latency.count(), 5u);
  EXPECT_EQ(s.errors.count(), 2u);
  EXPECT_EQ(s.codes(), (std::map<int, std::int64_t>{{-1, 1}, {200, 2}, {418, 1}, {503, 1}}));
  EXPECT_EQ(s.transport_counts[static_cast<size_t>(transport_error::refused)], 1);
}

TEST(run_stats, latency_from_due_or_from_sent) {
  // Due at 0, sent 100 ms late (the connection was busy), answered 1 ms after the send.
  const call_record c = call(200, 0, 100 * ns_per_ms, 101 * ns_per_ms);
  run_stats from_due;
  from_due.record(c);
  EXPECT_EQ(from_due.latency.max(), 101 * ns_per_ms);
  EXPECT_EQ(from_due.service.max(), 1 * ns_per_ms);
  EXPECT_EQ(from_due.dispatch_lag.max(), 100 * ns_per_ms);
  run_stats from_sent(true);
  from_sent.record(c);
  EXPECT_EQ(from_sent.latency.max(), 1 * ns_per_ms);
}

TEST(run_stats, lag_behind_a_busy_connection_is_kept_apart_from_the_generators) {
  run_stats a, b;
  call_record held = call(200, 0, 100 * ns_per_ms, 101 * ns_per_ms);  // waited for the previous call
  held.connection_busy = true;
  a.record(held);
  a.record(call(200, 200 * ns_per_ms, 200 * ns_per_ms + 30'000, 201 * ns_per_ms));  // 30 us late, connection free
  b.record(call(200, 0, 2 * ns_per_ms, 3 * ns_per_ms));                             // 2 ms late, connection free
  EXPECT_EQ(a.dispatch_lag.count(), 2u);
  EXPECT_EQ(a.dispatch_lag.max(), 100 * ns_per_ms);
  EXPECT_EQ(a.waited_for_connection, 1);
  EXPECT_EQ(a.generator_lag.count(), 1u);
  EXPECT_EQ(a.generator_lag.max(), 30'000);
  a.merge(b);
  EXPECT_EQ(a.waited_for_connection, 1);
  EXPECT_EQ(a.generator_lag.count(), 2u);
  EXPECT_EQ(a.generator_lag.max(), 2 * ns_per_ms);
  EXPECT_EQ(a.dispatch_lag.count(), 3u);
}

TEST(run_stats, per_status_latency_and_envoy_counters) {
  run_stats s;
  call_record shed = call(503, 0, 0, 2000);
  shed.envoy_overloaded = true;
  shed.upstream_service_time_ms = 7;
  s.record(shed);
  s.record(call(200, 0, 0, 9000));
  EXPECT_EQ(s.envoy_overloaded, 1);
  EXPECT_EQ(s.upstream_service_time.count(), 1u);
  EXPECT_EQ(s.upstream_service_time.max(), 7 * ns_per_ms);
  ASSERT_EQ(s.latency_by_status.size(), 2u);
}

TEST(run_stats, envoy_overloaded_per_status_merges_exactly) {
  run_stats a, b, all;
  for (int i = 0; i < 60; ++i) {
    const int status = i % 3 == 0 ? 503 : i % 3 == 1 ? 429 : 200;
    call_record c = call(status, 0, 0, 1000);
    c.envoy_overloaded = i % 4 != 3;
    (i < 25 ? a : b).record(c);
    all.record(c);
  }
  using counts = std::vector<std::pair<int, std::int64_t>>;
  EXPECT_EQ(all.envoy_overloaded_by_status, (counts{{200, 15}, {429, 15}, {503, 15}}));
  EXPECT_EQ(all.envoy_overloaded, 45);
  EXPECT_EQ(all.envoy_overloaded_for(429), 15);
  EXPECT_EQ(all.envoy_overloaded_for(404), 0);
  run_stats merged;
  merged.merge(b);
  merged.merge(a);
  EXPECT_EQ(merged.envoy_overloaded_by_status, all.envoy_overloaded_by_status);
  EXPECT_EQ(merged.envoy_overloaded, all.envoy_overloaded);
}

TEST(run_stats, merge_adds_everything) {
  run_stats a, b, all;
  for (int i = 0; i < 100; ++i) {
    const call_record c = call(i % 10 == 0 ? 503 : 200, 0, 0, (i + 1) * 1000);
    (i % 2 ? a : b).record(c);
    all.record(c);
  }
  a.record_connect(1, "127.0.0.1:80", 5000);
  b.record_connect(0, "127.0.0.1:80", 7000);
  b.record_connect(0, "127.0.0.1:80", 9000);
  a.merge(b);
  EXPECT_EQ(a.calls(), all.calls());
  EXPECT_EQ(a.codes(), all.codes());
  EXPECT_EQ(a.latency.count(), all.latency.count());
  EXPECT_EQ(a.latency.sum(), all.latency.sum());
  EXPECT_EQ(a.latency.value_at_percentile(90), all.latency.value_at_percentile(90));
  EXPECT_EQ(a.errors.count(), 10u);
  ASSERT_EQ(a.connections.size(), 2u);
  EXPECT_EQ(a.connections[0].index, 0);
  EXPECT_EQ(a.connections[0].sockets, 2);
  EXPECT_EQ(a.connections[1].sockets, 1);
  EXPECT_EQ(a.connect.count(), 3u);
  EXPECT_EQ(a.latency_by_status.front().first, 200);
}

TEST(counter_stats, matches_fortio_formulas) {
  counter_stats c;
  for (double v : {1.0, 2.0, 3.0, 4.0}) c.record(v);
  EXPECT_EQ(c.count, 4);
  EXPECT_DOUBLE_EQ(c.mean(), 2.5);
  EXPECT_NEAR(c.stddev(), 1.118033988749895, 1e-12);  // population stddev
  EXPECT_EQ(c.min, 1.0);
  EXPECT_EQ(c.max, 4.0);
  counter_stats empty;
  EXPECT_EQ(empty.stddev(), 0);
  EXPECT_EQ(empty.mean(), 0);
}

}  // namespace
}  // namespace loadgen
