#include "loadgen/report/histogram_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

namespace loadgen {
namespace {

constexpr double ns = 1e-9;  // the unit that turns recorded ns into seconds
constexpr double ms = 0.001;  // Fortio's default -r

histogram record_all(const std::vector<std::int64_t>& values) {
  histogram h;
  for (auto v : values) h.record(v);
  return h;
}

void expect_bucket(const fortio_bucket& b, double start, double end, std::int64_t count, double percent) {
  EXPECT_DOUBLE_EQ(b.start, start);
  EXPECT_DOUBLE_EQ(b.end, end);
  EXPECT_EQ(b.count, count);
  EXPECT_DOUBLE_EQ(b.percent, percent);
}

TEST(histogram_export, bounds) {
  const auto& b = fortio_bucket_bounds();
  ASSERT_EQ(b.size(), 56u);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b[12], 12);
  EXPECT_EQ(b[13], 14);
  EXPECT_EQ(b[48], 7500);
  EXPECT_EQ(b.back(), 100000);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_EQ(std::adjacent_find(b.begin(), b.end()), b.end());
}

// 0.4 ms, 0.9 ms, 3.5 ms: ">= 0.0004 <= 0.001" then "> 0.003 <= 0.0035"; (0.001, 0.003] is a gap.
TEST(histogram_export, latency_layout_with_a_gap) {
  const auto e = export_fortio(record_all({400'000, 900'000, 3'500'000}), ns, ms, 0, {50, 90, 99.9});
  ASSERT_EQ(e.data.size(), 2u);
  expect_bucket(e.data[0], 0.0004, 0.001, 2, 200.0 / 3);  // starts at the observed min
  EXPECT_EQ(e.data[1].start, ms * 3);                      // its own lower bound, as Fortio computes it
  expect_bucket(e.data[1], 0.003, 0.0035, 1, 100);          // ends at the observed max
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.min, 0.0004);
  EXPECT_EQ(e.max, 0.0035);
  EXPECT_EQ(e.sum, 0.0048);
  EXPECT_DOUBLE_EQ(e.avg, 0.0016);
  EXPECT_NEAR(e.stddev, std::sqrt((1.2e-3 * 1.2e-3 + 0.7e-3 * 0.7e-3 + 1.9e-3 * 1.9e-3) / 3), 1e-15);
  ASSERT_EQ(e.percentiles.size(), 3u);
  EXPECT_EQ(e.percentiles[0].percentile, 50);
  EXPECT_GE(e.percentiles[0].value, 0.0009);  // 900 us, to 3 digits
  EXPECT_LE(e.percentiles[0].value, 0.0009 * (1 + 1.0 / 1024));
  EXPECT_EQ(e.percentiles[1].value, 0.0035);  // clamped to the max: exact
  EXPECT_EQ(e.percentiles[2].value, 0.0035);
}

// One value in each of several buckets across the whole layout: middle buckets show their own
// (r*bound[i-1], r*bound[i]], the overflow bucket starts at 100 s.
TEST(histogram_export, latencies_land_in_known_buckets) {
  const auto e = export_fortio(record_all({100'000, 1'500'000, 11'500'000, 13'000'000, 95'000'000, 150'000'000,
                                           2'500'000'000, 99'000'000'000, 150'000'000'000}),
                               ns, ms, 0, {});
  ASSERT_EQ(e.data.size(), 9u);
  const double step = 100.0 / 9;
  expect_bucket(e.data[0], 0.0001, ms * 1, 1, step);
  expect_bucket(e.data[1], ms * 1, ms * 2, 1, 2 * step);
  expect_bucket(e.data[2], ms * 11, ms * 12, 1, 3 * step);
  expect_bucket(e.data[3], ms * 12, ms * 14, 1, 4 * step);
  expect_bucket(e.data[4], ms * 90, ms * 100, 1, 5 * step);
  expect_bucket(e.data[5], ms * 140, ms * 160, 1, 6 * step);
  expect_bucket(e.data[6], ms * 2000, ms * 3000, 1, 7 * step);
  expect_bucket(e.data[7], ms * 75000, ms * 100000, 1, 8 * step);
  expect_bucket(e.data[8], ms * 100000, 150, 1, 100);  // > 100000 * r: the overflow bucket
  EXPECT_EQ(e.max, 150);
}

TEST(histogram_export, overflow_bucket_alone) {
  const auto e = export_fortio(record_all({150'000'000'000, 200'000'000'000}), ns, ms, 0, {});
  ASSERT_EQ(e.data.size(), 1u);
  expect_bucket(e.data[0], 150, 200, 2, 100);
  const auto sizes = export_fortio(record_all({10, 600'000}), 1, 5, 0, {});  // > 5 * 100000 bytes
  ASSERT_EQ(sizes.data.size(), 2u);
  expect_bucket(sizes.data[0], 10, 10, 1, 50);
  expect_bucket(sizes.data[1], 500'000, 600'000, 1, 100);
}

// Response sizes with Fortio's divider 100 (body) and 5 (header); sizes below 2048 are exact.
TEST(histogram_export, byte_sizes_resolution_100_and_5) {
  const auto body = export_fortio(record_all({241, 283, 300, 301, 1150}), 1, 100, 0, {});
  ASSERT_EQ(body.data.size(), 3u);
  expect_bucket(body.data[0], 241, 300, 3, 60);  // closed on the right: 300 is in (200, 300]
  expect_bucket(body.data[1], 300, 400, 1, 80);
  expect_bucket(body.data[2], 1100, 1150, 1, 100);  // (1100, 1200], ending at the max
  EXPECT_EQ(body.sum, 2275);
  EXPECT_EQ(body.avg, 455);

  // Header size is 0 for non-OK responses: the "<= 0" bucket comes first.
  const auto headers = export_fortio(record_all({0, 177, 237, 237}), 1, 5, 0, {});
  ASSERT_EQ(headers.data.size(), 3u);
  expect_bucket(headers.data[0], 0, 0, 1, 25);
  expect_bucket(headers.data[1], 175, 200, 1, 50);
  expect_bucket(headers.data[2], 225, 237, 2, 100);
  EXPECT_EQ(headers.min, 0);
  EXPECT_EQ(headers.max, 237);

  const auto edges = export_fortio(record_all({0, 100, 101}), 1, 100, 0, {});
  ASSERT_EQ(edges.data.size(), 3u);
  expect_bucket(edges.data[0], 0, 0, 1, 100.0 / 3);
  expect_bucket(edges.data[1], 0, 100, 1, 200.0 / 3);
  expect_bucket(edges.data[2], 100, 101, 1, 100);
}

// 21 / 0.7 is 30.000000000000004 in doubles: the 1e-12 epsilon keeps it in (25, 30] as Fortio does.
TEST(histogram_export, value_on_a_bound_goes_to_the_lower_bucket) {
  const auto e = export_fortio(record_all({1, 21}), 1, 0.7, 0, {});
  ASSERT_EQ(e.data.size(), 2u);
  EXPECT_EQ(e.data[1].start, 0.7 * 25);
  EXPECT_EQ(e.data[1].end, 21);
}

// Sleep times use offset -0.001: bucket 1 is (-0.001, 0], bucket i (r*bound[i-1] - 0.001, ...].
TEST(histogram_export, negative_offset) {
  const auto e = export_fortio(record_all({0, 2'500'000, 10'000'000}), ns, ms, -0.001, {});
  ASSERT_EQ(e.data.size(), 3u);
  expect_bucket(e.data[0], 0, ms * 1 - 0.001, 1, 100.0 / 3);
  expect_bucket(e.data[1], ms * 3 - 0.001, ms * 4 - 0.001, 1, 200.0 / 3);
  expect_bucket(e.data[2], ms * 10 - 0.001, 0.01, 1, 100);
}

// A positive offset: values at or below it fill bucket 0 ("<= offset").
TEST(histogram_export, positive_offset) {
  const auto e = export_fortio(record_all({500'000, 1'500'000, 2'600'000}), ns, ms, 0.001, {});
  ASSERT_EQ(e.data.size(), 3u);
  expect_bucket(e.data[0], 0.0005, ms * 0 + 0.001, 1, 100.0 / 3);
  expect_bucket(e.data[1], ms * 0 + 0.001, ms * 1 + 0.001, 1, 200.0 / 3);
  expect_bucket(e.data[2], ms * 1 + 0.001, 0.0026, 1, 100);
}

TEST(histogram_export, exact_percentiles_in_the_order_asked) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t v = 1; v <= 1000; ++v) sizes.push_back(v);
  const auto e = export_fortio(record_all(sizes), 1, 100, 0, {99.9, 50, 90, 0, 100, 75.5});
  ASSERT_EQ(e.percentiles.size(), 6u);
  const double want[][2] = {{99.9, 999}, {50, 500}, {90, 900}, {0, 1}, {100, 1000}, {75.5, 755}};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(e.percentiles[i].percentile, want[i][0]);
    EXPECT_EQ(e.percentiles[i].value, want[i][1]) << want[i][0];
  }
  std::vector<std::int64_t> latencies;  // 100..1100 ns: exact, in seconds
  for (std::int64_t v = 100; v <= 1100; ++v) latencies.push_back(v);
  const auto s = export_fortio(record_all(latencies), ns, ms, 0, {50, 99});
  EXPECT_EQ(s.percentiles[0].value, 6e-7);
  EXPECT_EQ(s.percentiles[1].value, 1.09e-6);  // rank 991 of 1001
}

// ns -> s as Go's Duration.Seconds(): 29004 ns is 2.9004e-05, not 2.9004000000000002e-05.
TEST(histogram_export, seconds_convert_like_go) {
  const auto e = export_fortio(record_all({29'004, 1'234'567'891}), ns, ms, 0, {});
  EXPECT_EQ(e.min, 2.9004e-05);
  EXPECT_EQ(e.max, 1.0 + 0.234567891);
  EXPECT_EQ(e.sum, 1.0 + 0.234596895);
}

TEST(histogram_export, single_value) {
  const auto e = export_fortio(record_all({7'000'000}), ns, ms, 0, {50, 99.9});
  ASSERT_EQ(e.data.size(), 1u);
  expect_bucket(e.data[0], 0.007, 0.007, 1, 100);
  EXPECT_EQ(e.stddev, 0);
  EXPECT_EQ(e.percentiles[0].value, 0.007);
  EXPECT_EQ(e.percentiles[1].value, 0.007);
}

TEST(histogram_export, empty) {
  const auto e = export_fortio(histogram{}, ns, ms, 0, {50, 99});
  EXPECT_EQ(e.count, 0);
  EXPECT_EQ(e.min, 0);
  EXPECT_EQ(e.max, 0);
  EXPECT_EQ(e.sum, 0);
  EXPECT_EQ(e.avg, 0);
  EXPECT_EQ(e.stddev, 0);
  EXPECT_TRUE(e.data.empty());
  EXPECT_TRUE(e.percentiles.empty());
}

// Many values: counts add up, percents climb to 100, ranges are ordered, and assigning each fine
// bucket by its midpoint misplaces only values within half a fine bucket of a Fortio bound.
TEST(histogram_export, many_values_match_per_value_assignment) {
  std::mt19937_64 rng(9);
  std::exponential_distribution<double> d(1.0 / 2e6);
  std::vector<std::int64_t> values(100'000);
  for (auto& v : values) v = static_cast<std::int64_t>(d(rng));
  const auto e = export_fortio(record_all(values), ns, ms, 0, {});

  const auto& b = fortio_bucket_bounds();
  std::vector<std::int64_t> exact(b.size() + 1, 0);
  for (auto v : values) {
    const double scaled = static_cast<double>(v) * ns / ms;
    ++exact[static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), scaled - 1e-12) - b.begin())];
  }
  std::vector<std::int64_t> got(b.size() + 1, 0);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < e.data.size(); ++i) {
    const auto& x = e.data[i];
    total += x.count;
    EXPECT_LE(x.start, x.end);
    EXPECT_DOUBLE_EQ(x.percent, 100.0 * static_cast<double>(total) / 1e5);
    if (i + 1 < e.data.size()) {
      EXPECT_LE(x.end, e.data[i + 1].start);
    }
    // Which Fortio bucket this is: the first from its upper bound, the others from their lower one.
    const auto bound_at = [&](double v) {
      return static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), v / ms - 1e-9) - b.begin());
    };
    got[i == 0 ? bound_at(x.end) : bound_at(x.start) + 1] += x.count;
  }
  EXPECT_EQ(total, 100'000);
  EXPECT_EQ(e.data.back().percent, 100);
  std::int64_t misplaced = 0;
  for (std::size_t i = 0; i < got.size(); ++i) misplaced += std::llabs(got[i] - exact[i]);
  EXPECT_LT(misplaced, 100);  // < 0.1%
  EXPECT_EQ(e.data.front().start, e.min);
  EXPECT_EQ(e.data.back().end, e.max);
}

}  // namespace
}  // namespace loadgen
