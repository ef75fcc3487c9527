#include "loadgen/core/histogram_codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

namespace loadgen {
namespace {

void expect_same(const histogram& a, const histogram& b) {
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.sum(), b.sum());
  EXPECT_DOUBLE_EQ(a.stddev(), b.stddev());
  for (const double p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) EXPECT_EQ(a.value_at_percentile(p), b.value_at_percentile(p)) << p;
  std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>> ba, bb;
  a.for_each_bucket([&](std::int64_t l, std::int64_t h, std::uint64_t n) { ba.emplace_back(l, h, n); });
  b.for_each_bucket([&](std::int64_t l, std::int64_t h, std::uint64_t n) { bb.emplace_back(l, h, n); });
  EXPECT_EQ(ba, bb);
}

TEST(histogram_codec, empty_round_trips) {
  const histogram h;
  const std::string text = encode_histogram(h);
  EXPECT_EQ(text, "LGH1:AAAAAAAAAA==");
  const auto back = decode_histogram(text);
  ASSERT_TRUE(back);
  expect_same(h, *back);
}

TEST(histogram_codec, latencies_round_trip_exactly) {
  histogram h;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(13.0, 1.2);  // around 0.5 ms, long tail
  for (int i = 0; i < 100000; ++i) h.record(static_cast<std::int64_t>(latency(rng)));
  h.record(0);
  h.record(histogram::max_trackable + 5);  // the last bucket, exact max kept
  const std::string text = encode_histogram(h);
  const auto back = decode_histogram(text);
  ASSERT_TRUE(back);
  expect_same(h, *back);
  std::size_t buckets = 0;
  h.for_each_bucket([&](std::int64_t, std::int64_t, std::uint64_t) { ++buckets; });
  // Compact: at most 4 characters per non-empty bucket (a gap and a count of a byte or two each,
  // in base64), whatever the number of calls.
  EXPECT_LT(text.size(), 4 * buckets + 40) << buckets << " buckets";
}

TEST(histogram_codec, merge_of_decoded_equals_merge_of_originals) {
  histogram a, b;
  for (int i = 1; i <= 1000; ++i) a.record(i * 1000);
  for (int i = 1; i <= 500; ++i) b.record(i * 7919);
  histogram merged = a;
  merged.merge(b);
  histogram from_text = *decode_histogram(encode_histogram(a));
  from_text.merge(*decode_histogram(encode_histogram(b)));
  expect_same(merged, from_text);
}

TEST(histogram_codec, rejects_what_is_not_an_encoding) {
  histogram h;
  h.record(5);
  h.record(5000);
  const std::string good = encode_histogram(h);
  ASSERT_TRUE(decode_histogram(good));
  EXPECT_FALSE(decode_histogram(""));
  EXPECT_FALSE(decode_histogram("LGH2:" + good.substr(5)));
  EXPECT_FALSE(decode_histogram(good.substr(0, good.size() - 4)));  // truncated
  EXPECT_FALSE(decode_histogram("LGH1:!!!!"));                      // not base64
  EXPECT_FALSE(decode_histogram("LGH1:AAAAAAAAAAA="));               // seven zeros and one more byte: trailing
  // count 1 but no bucket: the counts do not add up.
  EXPECT_FALSE(decode_histogram("LGH1:AQEBAQEAAA=="));
  // An index past the last bucket: count 1, min=max=sum=1, squares 1,0, one bucket at gap 2^21.
  EXPECT_FALSE(decode_histogram("LGH1:AQEBAQEAAYCAgAEB"));
}

// Another tool's exact moments over coarse buckets: avg, min, max and stddev read back as given,
// the buckets (and so the count and the encoding's consistency) as they were.
TEST(histogram_codec, set_moments_keeps_the_buckets_and_gives_the_figures) {
  histogram h;
  h.record_n(1'500'000, 10);  // ten values somewhere in a 1-2 ms bucket
  h.record_n(3'500'000, 10);
  ASSERT_TRUE(set_moments(h, 1'100'000, 3'900'000, 50'000'000, 987'654.0));
  EXPECT_EQ(h.count(), 20u);
  EXPECT_EQ(h.min(), 1'100'000);
  EXPECT_EQ(h.max(), 3'900'000);
  EXPECT_EQ(h.sum(), 50'000'000);
  EXPECT_DOUBLE_EQ(h.mean(), 2'500'000.0);
  EXPECT_NEAR(h.stddev(), 987'654.0, 0.01);
  EXPECT_EQ(h.value_at_percentile(100), 3'900'000);
  EXPECT_EQ(h.value_at_percentile(0), 1'100'000);
  const auto back = decode_histogram(encode_histogram(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sum(), 50'000'000);
  EXPECT_NEAR(back->stddev(), 987'654.0, 0.01);
  // What cannot be h's: h unchanged.
  histogram empty;
  EXPECT_FALSE(set_moments(empty, 1, 2, 3, 0));
  for (const auto& [min, max, sum, sd] : std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, double>>{
           {-1, 10, 20, 0}, {5, 4, 20, 0}, {1, 2, 41, 0}, {3, 4, 20, 0}, {1, 2, 30, -1}, {1, 2, 30, std::nan("")},
           {0, INT64_MAX, INT64_MAX, 1e30}}) {
    histogram g = h;
    EXPECT_FALSE(set_moments(g, min, max, sum, sd)) << min << " " << max << " " << sum << " " << sd;
    EXPECT_EQ(g.sum(), 50'000'000);
    EXPECT_EQ(g.min(), 1'100'000);
  }
}

}  // namespace
}  // namespace loadgen
