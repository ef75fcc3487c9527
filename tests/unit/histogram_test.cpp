#include "loadgen/core/histogram.hpp"
#include "loadgen/core/histogram_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

namespace loadgen {
namespace {

using samples = std::vector<std::int64_t>;
using bucket_list = std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>>;

// The percentiles every accuracy test checks: 1..99 in steps of 1, then the tail.
std::vector<double> test_percentiles() {
  std::vector<double> ps;
  for (int p = 1; p <= 99; ++p) ps.push_back(p);
  for (double p : {99.5, 99.9, 99.95, 99.99}) ps.push_back(p);
  return ps;
}

// Nearest rank on sorted samples, in integers: p is given in 1/10000 of a percent, so the rank
// ceil(p/100 * n) has no floating-point rounding.
std::int64_t nearest_rank(const samples& sorted, double p) {
  const auto p_millionths = static_cast<std::uint64_t>(std::llround(p * 10'000));
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = std::max<std::uint64_t>(1, (p_millionths * n + 999'999) / 1'000'000);
  return sorted[rank - 1];
}

histogram record_all(const samples& s) {
  histogram h;
  for (auto v : s) h.record(v);
  return h;
}

bucket_list buckets_of(const histogram& h) {
  bucket_list out;
  h.for_each_bucket([&](std::int64_t lo, std::int64_t hi, std::uint64_t n) { out.emplace_back(lo, hi, n); });
  return out;
}

// Every percentile read back is at or above the exact nearest-rank sample and within 1/1024 of it.
void expect_three_digits(const samples& s) {
  const histogram h = record_all(s);
  samples sorted = s;
  std::sort(sorted.begin(), sorted.end());
  for (double p : test_percentiles()) {
    const auto exact = nearest_rank(sorted, p);
    const auto got = h.value_at_percentile(p);
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got - exact), static_cast<double>(exact) / 1024) << "p" << p << " exact " << exact;
  }
  EXPECT_EQ(h.count(), s.size());
  EXPECT_EQ(h.min(), sorted.front());
  EXPECT_EQ(h.max(), sorted.back());
  EXPECT_EQ(h.value_at_percentile(0), sorted.front());
  EXPECT_EQ(h.value_at_percentile(100), sorted.back());
}

long double two_pass_stddev(const samples& s) {
  long double mean = 0;
  for (auto v : s) mean += static_cast<long double>(v);
  mean /= static_cast<long double>(s.size());
  long double squares = 0;
  for (auto v : s) squares += (static_cast<long double>(v) - mean) * (static_cast<long double>(v) - mean);
  return std::sqrt(squares / static_cast<long double>(s.size()));
}

TEST(histogram, layout_constants) {
  EXPECT_EQ(histogram::bucket_count, 2048u + 34u * 1024u);
  EXPECT_EQ(histogram::memory_bytes, histogram::bucket_count * 4);  // 32-bit counters: an octave per page
  EXPECT_EQ(1024u * sizeof(histogram::counter), 4096u);
  EXPECT_LT(histogram::memory_bytes, 150u * 1024);
  EXPECT_EQ(histogram::bucket_index(histogram::max_trackable), histogram::bucket_count - 1);
  EXPECT_EQ(histogram::bucket_high(histogram::bucket_count - 1), histogram::max_trackable);
}

// Buckets tile [0, max_trackable] without gaps or overlaps, each index maps back to itself, and
// above 2048 no bucket is wider than 1/1024 of its lowest value.
TEST(histogram, buckets_tile_the_range) {
  for (std::size_t i = 0; i < histogram::bucket_count; ++i) {
    const auto lo = histogram::bucket_low(i), hi = histogram::bucket_high(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(histogram::bucket_index(lo), i);
    ASSERT_EQ(histogram::bucket_index(hi), i);
    if (i + 1 < histogram::bucket_count) {
      ASSERT_EQ(histogram::bucket_low(i + 1), hi + 1) << i;
    }
    if (i >= 2048) {
      ASSERT_LE(hi - lo + 1, lo / 1024) << i;
    }
  }
  EXPECT_EQ(histogram::bucket_low(0), 0);
}

TEST(histogram, values_below_2048_are_exact) {
  samples s;
  for (std::int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(histogram::bucket_low(histogram::bucket_index(v)), v);
    EXPECT_EQ(histogram::bucket_high(histogram::bucket_index(v)), v);
    for (std::int64_t k = 0; k <= v % 3; ++k) s.push_back(v);
  }
  const histogram h = record_all(s);
  samples sorted = s;
  std::sort(sorted.begin(), sorted.end());
  for (double p : test_percentiles()) EXPECT_EQ(h.value_at_percentile(p), nearest_rank(sorted, p)) << p;
  EXPECT_EQ(buckets_of(h).size(), 2048u);
}

TEST(histogram, percentile_is_nearest_rank) {
  histogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(0.1), 1);
  EXPECT_EQ(h.value_at_percentile(0.05), 1);
  EXPECT_EQ(h.value_at_percentile(50), 500);
  EXPECT_EQ(h.value_at_percentile(50.01), 501);
  EXPECT_EQ(h.value_at_percentile(99.9), 999);
  EXPECT_EQ(h.value_at_percentile(99.91), 1000);
  EXPECT_EQ(h.value_at_percentile(-3), 1);
  EXPECT_EQ(h.value_at_percentile(250), 1000);

  histogram more;
  for (std::int64_t v = 1; v <= 3000; ++v) more.record(v);
  EXPECT_EQ(more.value_at_percentile(1.1), 33);  // 1.1 * 3000 / 100 is 33.00000000000001 in doubles
  EXPECT_EQ(more.value_at_percentile(1.1000001), 34);
}

TEST(histogram, percentile_is_clamped_to_min_and_max) {
  histogram h;
  h.record(1'000'001);  // in the bucket [999936, 1000447], whose edges lie on both sides of it
  EXPECT_EQ(h.value_at_percentile(1), 1'000'001);
  EXPECT_EQ(h.value_at_percentile(50), 1'000'001);
  EXPECT_EQ(h.value_at_percentile(99.99), 1'000'001);
}

TEST(histogram, three_digits_uniform) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int64_t> d(1'000, 50'000'000);
  samples s(100'000);
  for (auto& v : s) v = d(rng);
  expect_three_digits(s);
}

TEST(histogram, three_digits_exponential) {
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> d(1.0 / 2e6);  // mean 2 ms in ns
  samples s(100'000);
  for (auto& v : s) v = static_cast<std::int64_t>(d(rng));
  expect_three_digits(s);
}

TEST(histogram, three_digits_bimodal) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> fast(300e3, 20e3), slow(100e6, 5e6);  // 2% of calls stall ~100 ms
  samples s(100'000);
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = std::max<std::int64_t>(0, static_cast<std::int64_t>(i % 50 ? fast(rng) : slow(rng)));
  expect_three_digits(s);
}

TEST(histogram, three_digits_lognormal_over_many_octaves) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> d(std::log(1e6), 3.0);  // ns .. hours
  samples s(100'000);
  for (auto& v : s) v = std::min(histogram::max_trackable, static_cast<std::int64_t>(d(rng)));
  expect_three_digits(s);
}

// Per-thread histograms merged equal one histogram that saw every value.
TEST(histogram, merge_is_exact) {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> fast(1.0 / 1e6);
  std::uniform_int_distribution<std::int64_t> wide(0, std::int64_t{1} << 40);
  histogram parts[4], all;
  for (int i = 0; i < 40'000; ++i) {
    const auto v = i % 10 ? static_cast<std::int64_t>(fast(rng)) : wide(rng);
    parts[i % 3].record(v);  // parts[3] stays empty
    all.record(v);
  }
  histogram merged;
  for (const auto& p : parts) merged.merge(p);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_EQ(merged.sum(), all.sum());
  EXPECT_EQ(buckets_of(merged), buckets_of(all));
  EXPECT_EQ(merged.stddev(), all.stddev());  // integer sums: bit for bit
  for (double p : test_percentiles()) EXPECT_EQ(merged.value_at_percentile(p), all.value_at_percentile(p));

  histogram into_full = parts[0];  // merging into a non-empty one: min and max from both sides
  into_full.merge(parts[1]);
  into_full.merge(parts[2]);
  EXPECT_EQ(buckets_of(into_full), buckets_of(all));
  EXPECT_EQ(into_full.min(), all.min());
  EXPECT_EQ(into_full.max(), all.max());
}

TEST(histogram, merge_of_disjoint_ranges_keeps_min_and_max) {
  histogram low, high;
  low.record(5);
  high.record(9'000'000);
  high.merge(low);
  EXPECT_EQ(high.min(), 5);
  EXPECT_EQ(high.max(), 9'000'000);
  histogram empty;
  high.merge(empty);
  EXPECT_EQ(high.count(), 2u);
  empty.merge(histogram{});
  EXPECT_EQ(empty.count(), 0u);
  EXPECT_EQ(empty.min(), 0);
}

// Memory is set at construction: a million values over 30 octaves change nothing.
TEST(histogram, fixed_memory) {
  static_assert(histogram::memory_bytes == histogram::bucket_count * sizeof(std::uint32_t));
  static_assert(sizeof(histogram) <= 64);  // the counters live in the one mapped block
  histogram h;
  std::mt19937_64 rng(6);
  std::uniform_int_distribution<int> bits(0, 44);
  for (int i = 0; i < 1'000'000; ++i) h.record(static_cast<std::int64_t>(rng() >> (63 - bits(rng))));
  EXPECT_EQ(h.count(), 1'000'000u);
  EXPECT_LE(buckets_of(h).size(), histogram::bucket_count);
  EXPECT_EQ(histogram::memory_bytes, 147'456u);
}

// A bucket's count passes 2^32 - 1 (a soak run: eight hours at 150,000 calls/s in one bucket):
// the counter's 32 bits carry into the high parts, and every reader sees the whole count.
TEST(histogram, a_bucket_past_32_bits_keeps_its_whole_count) {
  constexpr std::uint64_t two32 = std::uint64_t{1} << 32;
  histogram h;
  h.record_n(5'000'000, two32 - 1);
  h.record(5'000'000);  // the carry
  h.record_n(5'000'000, 3);
  h.record_n(7, 2 * two32 + 5);  // a count above 32 bits at once
  h.record(9'000'000);
  EXPECT_EQ(h.count(), two32 + 3 + 2 * two32 + 5 + 1);
  EXPECT_EQ(buckets_of(h), (bucket_list{{7, 7, 2 * two32 + 5},
                                        {histogram::bucket_low(histogram::bucket_index(5'000'000)),
                                         histogram::bucket_high(histogram::bucket_index(5'000'000)), two32 + 3},
                                        {histogram::bucket_low(histogram::bucket_index(9'000'000)),
                                         histogram::bucket_high(histogram::bucket_index(9'000'000)), 1}}));
  // Nearest rank: 2^33 + 5 values of 7 come first, then 2^32 + 3 near 5 ms, then one near 9 ms.
  EXPECT_EQ(h.value_at_percentile(50), 7);
  EXPECT_EQ(h.value_at_percentile(80), histogram::bucket_high(histogram::bucket_index(5'000'000)));
  EXPECT_EQ(h.value_at_percentile(100), 9'000'000);

  histogram copy = h;  // copies carry the high parts
  EXPECT_EQ(buckets_of(copy), buckets_of(h));
  const std::optional<histogram> back = decode_histogram(encode_histogram(h));  // so do result files
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(buckets_of(*back), buckets_of(h));
  EXPECT_EQ(back->count(), h.count());
  histogram twice = h;
  twice.merge(h);  // the low parts and the high parts add up, carrying again
  const bucket_list b = buckets_of(twice);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(std::get<2>(b[0]), 4 * two32 + 10);
  EXPECT_EQ(std::get<2>(b[1]), 2 * two32 + 6);
  EXPECT_EQ(std::get<2>(b[2]), 2u);
  EXPECT_EQ(twice.count(), 2 * h.count());
  histogram self = h;
  self.merge(self);  // merging into itself doubles every count, high parts included
  EXPECT_EQ(buckets_of(self), b);
  histogram half;  // a low part of 2^31 + 1 carries when doubled, into the map being read
  half.record_n(7, 3 * two32 + (two32 / 2) + 1);
  half.merge(half);
  EXPECT_EQ(buckets_of(half), (bucket_list{{7, 7, 7 * two32 + 2}}));
  histogram moved = std::move(twice);
  EXPECT_EQ(buckets_of(moved), b);
  moved.reset();  // no counts left, high parts included
  EXPECT_TRUE(buckets_of(moved).empty());
  moved.record(7);
  EXPECT_EQ(buckets_of(moved), (bucket_list{{7, 7, 1}}));
}

TEST(histogram, values_above_max_trackable) {
  histogram h;
  const std::int64_t huge = histogram::max_trackable * 4;
  h.record(1'000);
  h.record(histogram::max_trackable + 1);
  h.record(huge);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.max(), huge);  // exact, though counted in the last bucket
  EXPECT_EQ(h.sum(), 1'000 + histogram::max_trackable + 1 + huge);
  EXPECT_EQ(h.value_at_percentile(100), huge);
  EXPECT_EQ(h.value_at_percentile(50), histogram::max_trackable);  // the last bucket's highest value
  const bucket_list b = buckets_of(h);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(std::get<2>(b[1]), 2u);
  EXPECT_EQ(std::get<1>(b[1]), histogram::max_trackable);
  EXPECT_EQ(histogram::bucket_index(INT64_MAX), histogram::bucket_count - 1);
}

TEST(histogram, negative_values_count_as_zero) {
  histogram h;
  h.record(-5);
  h.record(INT64_MIN);
  h.record(7);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 7);
  EXPECT_EQ(h.sum(), 7);
  EXPECT_EQ(h.value_at_percentile(50), 0);
  EXPECT_EQ(histogram::bucket_index(-1), 0u);
  EXPECT_EQ(buckets_of(h), (bucket_list{{0, 0, 2}, {7, 7, 1}}));
}

TEST(histogram, empty) {
  const histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.sum(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.value_at_percentile(p), 0);
  EXPECT_TRUE(buckets_of(h).empty());
}

TEST(histogram, record_n_counts_multiples) {
  histogram a, b;
  a.record_n(123'456, 5);
  a.record_n(77, 0);  // nothing
  for (int i = 0; i < 5; ++i) b.record(123'456);
  EXPECT_EQ(buckets_of(a), buckets_of(b));
  EXPECT_EQ(a.count(), 5u);
  EXPECT_EQ(a.min(), 123'456);
  EXPECT_EQ(a.sum(), b.sum());
  EXPECT_EQ(a.stddev(), 0);
  EXPECT_EQ(a.stddev(), b.stddev());
}

// record(v) is its own, shorter path: it must keep exactly what record_n(v, 1) keeps, over every
// octave, negatives and values past the top.
TEST(histogram, record_keeps_what_record_n_of_one_keeps) {
  std::mt19937_64 rng(17);
  histogram one, n;
  for (int i = 0; i < 20'000; ++i) {
    const int bits = static_cast<int>(rng() % 64);
    auto v = static_cast<std::int64_t>(rng() >> (63 - bits)) - 3;  // -3 .. 2^63 - 4
    one.record(v);
    n.record_n(v, 1);
  }
  EXPECT_EQ(buckets_of(one), buckets_of(n));
  EXPECT_EQ(one.count(), n.count());
  EXPECT_EQ(one.min(), n.min());
  EXPECT_EQ(one.max(), n.max());
  EXPECT_EQ(one.sum(), n.sum());
  EXPECT_EQ(one.stddev(), n.stddev());
}

TEST(histogram, stddev_is_the_population_formula) {
  histogram h;
  for (std::int64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  EXPECT_DOUBLE_EQ(h.mean(), 5.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 2.0);
}

TEST(histogram, stddev_matches_two_pass) {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> d(1.0 / 3e6);
  samples s(50'000);
  for (auto& v : s) v = static_cast<std::int64_t>(d(rng));
  const double expected = static_cast<double>(two_pass_stddev(s));
  EXPECT_NEAR(record_all(s).stddev(), expected, expected * 1e-12);
}

// A one-pass sum of squares in doubles cancels catastrophically here (mean 1000 s, spread 300 ns);
// the integer sums do not.
TEST(histogram, stddev_of_a_tiny_spread_around_a_large_mean) {
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<std::int64_t> d(0, 1'000);
  samples s(100'000);
  for (auto& v : s) v = 1'000'000'000'000 + d(rng);
  const double expected = static_cast<double>(two_pass_stddev(s));
  EXPECT_NEAR(expected, 1000 / std::sqrt(12.0), 2);
  EXPECT_NEAR(record_all(s).stddev(), expected, expected * 1e-9);
  EXPECT_EQ(record_all(samples(1000, 1'000'000'000'007)).stddev(), 0);
}

TEST(histogram, copy_is_deep) {
  histogram h;
  h.record_n(1'000, 5);
  h.record(2'000'000);
  const histogram c = h;
  h.record(9);
  h.record(50'000'000);
  EXPECT_EQ(c.count(), 6u);
  EXPECT_EQ(c.min(), 1'000);
  EXPECT_EQ(c.max(), 2'000'000);
  EXPECT_EQ(buckets_of(c).size(), 2u);
  EXPECT_EQ(h.count(), 8u);

  histogram d;
  d.record(3);
  d = c;
  EXPECT_EQ(buckets_of(d), buckets_of(c));
  EXPECT_EQ(d.sum(), c.sum());
  EXPECT_EQ(d.stddev(), c.stddev());
  d.record(4);
  EXPECT_EQ(c.count(), 6u);
  const histogram& same = d;
  d = same;  // self-assignment keeps everything
  EXPECT_EQ(d.count(), 7u);
  EXPECT_EQ(d.min(), 4);
}

TEST(histogram, move_and_reset) {
  histogram h;
  h.record(12'345);
  histogram m = std::move(h);
  EXPECT_EQ(m.count(), 1u);
  EXPECT_EQ(m.value_at_percentile(50), 12'345);
  h = m;  // a moved-from histogram can be assigned to
  EXPECT_EQ(h.count(), 1u);

  m.reset();
  EXPECT_EQ(m.count(), 0u);
  EXPECT_EQ(m.min(), 0);
  EXPECT_EQ(m.stddev(), 0);
  EXPECT_TRUE(buckets_of(m).empty());
  m.record(77);
  EXPECT_EQ(m.min(), 77);
  EXPECT_EQ(m.max(), 77);
  EXPECT_EQ(buckets_of(m), (bucket_list{{77, 77, 1}}));
}

// A moved-from histogram is a valid empty one: count 0, every query answers, and it records,
// merges, copies and resets again (it used to keep its count and dereference a null table).
void expect_empty(const histogram& h) {
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.sum(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.value_at_percentile(p), 0);
  EXPECT_TRUE(buckets_of(h).empty());
}

TEST(histogram, moved_from_is_empty_and_usable) {
  histogram h;
  h.record_n(12'345, 3);
  h.record(9'000'000);
  histogram m(std::move(h));
  EXPECT_EQ(m.count(), 4u);
  EXPECT_EQ(m.max(), 9'000'000);
  ASSERT_EQ(h.count(), 0u);  // stop here before the old code would dereference null
  expect_empty(h);

  const histogram copy_of_empty = h;  // copying a moved-from histogram
  expect_empty(copy_of_empty);
  histogram sink;
  sink.merge(h);  // merging one in is a no-op
  expect_empty(sink);

  h.record(77);
  h.record_n(5'000, 2);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.min(), 77);
  EXPECT_EQ(h.max(), 5'000);
  EXPECT_EQ(h.sum(), 10'077);
  EXPECT_EQ(h.value_at_percentile(50), 5'000);
  EXPECT_EQ(buckets_of(h), (bucket_list{{77, 77, 1}, {5'000, 5'003, 2}}));

  // Move assignment, and merging into a moved-from histogram.
  histogram n;
  n = std::move(m);
  EXPECT_EQ(n.count(), 4u);
  ASSERT_EQ(m.count(), 0u);
  expect_empty(m);
  m.merge(n);
  EXPECT_EQ(m.count(), 4u);
  EXPECT_EQ(m.min(), 12'345);
  EXPECT_EQ(buckets_of(m), buckets_of(n));

  histogram r(std::move(n));
  ASSERT_EQ(n.count(), 0u);
  n.reset();  // resetting a moved-from histogram
  expect_empty(n);
  n.record(3);
  EXPECT_EQ(buckets_of(n), (bucket_list{{3, 3, 1}}));
}

}  // namespace
}  // namespace loadgen
