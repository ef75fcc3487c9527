#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace loadgen {
namespace {

// Nearest-rank percentile of sorted samples: the smallest value with at least p% at or below it.
std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void expect_three_digits(const std::vector<std::int64_t>& samples) {
  histogram h;
  for (auto v : samples) h.record(v);
  std::vector<std::int64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99}) {
    const double exact = static_cast<double>(nearest_rank(sorted, p));
    const double got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_LE(std::abs(got - exact), exact / 1024 + 1) << "p" << p << " exact " << exact << " got " << got;
  }
  EXPECT_EQ(h.min(), sorted.front());
  EXPECT_EQ(h.max(), sorted.back());
  EXPECT_EQ(h.value_at_percentile(100), sorted.back());
  EXPECT_EQ(h.value_at_percentile(0), sorted.front());
}

TEST(histogram, small_values_are_exact) {
  histogram h;
  for (std::int64_t v = 0; v < 2048; ++v) h.record(v);
  for (std::int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(histogram::bucket_low(histogram::bucket_index(v)), v);
    EXPECT_EQ(histogram::bucket_high(histogram::bucket_index(v)), v);
  }
  EXPECT_EQ(h.count(), 2048u);
  EXPECT_EQ(h.value_at_percentile(50), 1023);
}

TEST(histogram, buckets_are_never_wider_than_a_thousandth) {
  for (std::int64_t v : {2048LL, 2049LL, 4095LL, 4096LL, 1000000LL, 123456789LL, 3600LL * 1000000000LL}) {
    const auto i = histogram::bucket_index(v);
    const auto low = histogram::bucket_low(i), high = histogram::bucket_high(i);
    EXPECT_LE(low, v);
    EXPECT_GE(high, v);
    EXPECT_LE(static_cast<double>(high - low + 1), static_cast<double>(low) / 1024 + 1) << v;
  }
}

TEST(histogram, three_digit_accuracy_uniform) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int64_t> d(1000, 50'000'000);
  std::vector<std::int64_t> s(100000);
  for (auto& v : s) v = d(rng);
  expect_three_digits(s);
}

TEST(histogram, three_digit_accuracy_exponential) {
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> d(1.0 / 2e6);  // mean 2 ms in ns
  std::vector<std::int64_t> s(100000);
  for (auto& v : s) v = static_cast<std::int64_t>(d(rng));
  expect_three_digits(s);
}

TEST(histogram, three_digit_accuracy_bimodal) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> fast(300e3, 20e3), slow(100e6, 5e6);
  std::vector<std::int64_t> s(100000);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = std::max<std::int64_t>(0, static_cast<std::int64_t>(i % 50 ? fast(rng) : slow(rng)));
  expect_three_digits(s);
}

TEST(histogram, merge_is_exact) {
  std::mt19937_64 rng(4);
  std::exponential_distribution<double> d(1.0 / 1e6);
  histogram parts[3], all;
  for (int i = 0; i < 30000; ++i) {
    const auto v = static_cast<std::int64_t>(d(rng));
    parts[i % 3].record(v);
    all.record(v);
  }
  histogram merged;
  for (const auto& p : parts) merged.merge(p);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_EQ(merged.sum(), all.sum());
  std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>> a, b;
  merged.for_each_bucket([&](auto lo, auto hi, auto n) { a.emplace_back(lo, hi, n); });
  all.for_each_bucket([&](auto lo, auto hi, auto n) { b.emplace_back(lo, hi, n); });
  EXPECT_EQ(a, b);
  EXPECT_NEAR(merged.stddev(), all.stddev(), all.stddev() * 1e-9);
}

TEST(histogram, fixed_memory_whatever_the_count) {
  static_assert(histogram::memory_bytes < 400 * 1024);
  histogram h;
  for (int i = 0; i < 1'000'000; ++i) h.record(i * 997);
  EXPECT_EQ(h.count(), 1'000'000u);
  EXPECT_EQ(histogram::memory_bytes, histogram::bucket_count * sizeof(std::uint64_t));
}

TEST(histogram, huge_negative_and_empty) {
  histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_percentile(50), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
  h.record(-5);
  EXPECT_EQ(h.min(), 0);
  h.record(histogram::max_trackable * 4);
  EXPECT_EQ(h.max(), histogram::max_trackable * 4);  // exact, though counted in the last bucket
  EXPECT_EQ(h.value_at_percentile(100), histogram::max_trackable * 4);
}

TEST(histogram, stddev_is_the_population_formula) {
  histogram h;
  for (std::int64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  EXPECT_DOUBLE_EQ(h.mean(), 5.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 2.0);
}

TEST(histogram, copy_and_reset) {
  histogram h;
  h.record_n(1000, 5);
  histogram c = h;
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(c.count(), 5u);
  EXPECT_EQ(c.value_at_percentile(50), 1000);
  histogram d;
  d = c;
  EXPECT_EQ(d.sum(), 5000);
}

}  // namespace
}  // namespace loadgen
