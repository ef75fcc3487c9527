#include "loadgen/histogram_export.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

constexpr double ns = 1e-9;

TEST(histogram_export, fortio_layout_with_gaps) {
  histogram h;
  for (std::int64_t v : {400'000, 900'000, 3'500'000, 3'600'000}) h.record(v);
  const auto e = export_fortio(h, ns, 0.001, 0, {50, 90});
  ASSERT_EQ(e.data.size(), 2u);
  EXPECT_DOUBLE_EQ(e.data[0].start, 0.0004);  // the first bucket starts at the observed min
  EXPECT_DOUBLE_EQ(e.data[0].end, 0.001);
  EXPECT_EQ(e.data[0].count, 2);
  EXPECT_DOUBLE_EQ(e.data[0].percent, 50);
  EXPECT_DOUBLE_EQ(e.data[1].start, 0.003);  // its own lower bound: the gap shows
  EXPECT_DOUBLE_EQ(e.data[1].end, 0.0036);   // the last bucket ends at the observed max
  EXPECT_DOUBLE_EQ(e.data[1].percent, 100);
  EXPECT_EQ(e.count, 4);
  EXPECT_DOUBLE_EQ(e.min, 0.0004);
  EXPECT_DOUBLE_EQ(e.max, 0.0036);
  ASSERT_EQ(e.percentiles.size(), 2u);
  EXPECT_NEAR(e.percentiles[0].value, 0.0009, 0.0009 / 1000);
  EXPECT_NEAR(e.percentiles[1].value, 0.0036, 0.0036 / 1000);
}

TEST(histogram_export, seconds_print_like_go) {
  histogram h;
  h.record(29004);
  const auto e = export_fortio(h, ns, 0.001, 0, {});
  EXPECT_EQ(e.min, 2.9004e-05);  // divided, not multiplied: no 2.9004000000000002e-05
}

TEST(histogram_export, byte_sizes_with_resolution_100_and_5) {
  histogram sizes;
  for (int i = 0; i < 10; ++i) sizes.record(75);
  sizes.record(92);
  const auto e = export_fortio(sizes, 1, 100, 0, {});
  ASSERT_EQ(e.data.size(), 1u);  // 75 and 92 are both in (0, 100]
  EXPECT_DOUBLE_EQ(e.data[0].start, 75);
  EXPECT_DOUBLE_EQ(e.data[0].end, 92);
  histogram headers;
  headers.record(0);
  headers.record(75);
  const auto hs = export_fortio(headers, 1, 5, 0, {});
  ASSERT_EQ(hs.data.size(), 2u);
  EXPECT_DOUBLE_EQ(hs.data[0].start, 0);
  EXPECT_DOUBLE_EQ(hs.data[0].end, 0);
  EXPECT_DOUBLE_EQ(hs.data[1].start, 70);
  EXPECT_DOUBLE_EQ(hs.data[1].end, 75);
}

TEST(histogram_export, overflow_bucket_and_offset) {
  histogram h;
  h.record(150LL * 1'000'000'000);  // 150 s: above 100000 * r
  const auto e = export_fortio(h, ns, 0.001, 0, {});
  ASSERT_EQ(e.data.size(), 1u);
  EXPECT_DOUBLE_EQ(e.data[0].end, 150);
  histogram o;
  o.record(1'500'000);  // 1.5 ms with a 1 ms offset: 0.5 ms into the layout -> bucket (offset, offset + r]
  const auto eo = export_fortio(o, ns, 0.001, 0.001, {});
  ASSERT_EQ(eo.data.size(), 1u);
  EXPECT_DOUBLE_EQ(eo.data[0].start, 0.0015);
}

TEST(histogram_export, empty) {
  const auto e = export_fortio(histogram{}, ns, 0.001, 0, {50});
  EXPECT_EQ(e.count, 0);
  EXPECT_TRUE(e.data.empty());
  EXPECT_TRUE(e.percentiles.empty());
}

}  // namespace
}  // namespace loadgen
