// What distributed runs are made of: core/shard (the shares of -shards), parse_rfc3339
// (-start-at, StartTime), the merge's shard line (report/result_merge's shard_coverage) and
// json_in_log (a result read out of `kubectl logs`).
#include <gtest/gtest.h>

#include <numeric>

#include "loadgen/core/civil_time.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/shard.hpp"
#include "loadgen/report/result_merge.hpp"
#include "loadgen/report/result_reader.hpp"

namespace loadgen {
namespace {

TEST(shard, integer_shares_add_up_and_differ_by_at_most_one) {
  for (const std::int64_t total : {1, 2, 3, 10, 30, 100, 1001, 999'999'999}) {
    for (int count = 1; count <= 7; ++count) {
      std::int64_t sum = 0, lo = total, hi = 0;
      for (int i = 0; i < count; ++i) {
        const std::int64_t share = integer_share(total, i, count);
        sum += share;
        lo = std::min(lo, share);
        hi = std::max(hi, share);
      }
      EXPECT_EQ(sum, total) << total << " over " << count;
      EXPECT_LE(hi - lo, 1) << total << " over " << count;
    }
  }
  EXPECT_EQ(integer_share(100, 0, 3), 34);
  EXPECT_EQ(integer_share(100, 1, 3), 33);
  EXPECT_EQ(integer_share(100, 2, 3), 33);
}

TEST(shard, qps_shares) {
  EXPECT_EQ(qps_share(100, 0, 3), 34);
  EXPECT_EQ(qps_share(100, 2, 3), 33);
  EXPECT_EQ(qps_share(0.5, 1, 2), 0.25);
  EXPECT_EQ(qps_share(10.5, 2, 3), 3.5);
  EXPECT_EQ(qps_share(0, 1, 3), 0) << "max speed stays max speed";
  EXPECT_EQ(qps_share(-1, 1, 3), -1);
  EXPECT_DOUBLE_EQ(qps_share(2, 2, 3), 2.0 / 3) << "never 0: that would be max speed";
  EXPECT_EQ(qps_share(3, 2, 3), 1);
}

TEST(shard, index_from_the_environment) {
  EXPECT_EQ(parse_shard_index("0"), 0);
  EXPECT_EQ(parse_shard_index("12"), 12);
  EXPECT_EQ(parse_shard_index(""), std::nullopt);
  EXPECT_EQ(parse_shard_index("-1"), std::nullopt);
  EXPECT_EQ(parse_shard_index("1 "), std::nullopt);
  EXPECT_EQ(parse_shard_index("1234567890"), std::nullopt);
}

TEST(shard, apply_takes_this_shards_part) {
  run_options o;
  o.connections = 4;
  o.qps = 200;
  o.calls = 200;
  apply_shard(o, 2, 3);
  EXPECT_EQ(o.connections, 1);
  EXPECT_EQ(o.qps, 66);
  EXPECT_EQ(o.calls, 66);
  EXPECT_EQ(o.shard_index, 2);
  EXPECT_EQ(o.shard_count, 3);
  EXPECT_TRUE(o.sharded());
  EXPECT_EQ(shard_flags_text(o), "-c 1 -qps 66 -n 66");

  run_options timed;  // -t runs: every shard runs the whole duration, -n stays off
  timed.connections = 6;
  timed.qps = 0;
  apply_shard(timed, 0, 2);
  EXPECT_EQ(timed.calls, 0);
  EXPECT_EQ(shard_flags_text(timed), "-c 3 -qps 0");

  run_options one;
  apply_shard(one, 0, 1);
  EXPECT_FALSE(one.sharded());
}

TEST(shard, apply_refuses_shards_without_work) {
  run_options o;
  o.connections = 2;
  EXPECT_THROW(apply_shard(o, 0, 3), error);
  o.connections = 3;
  o.calls = 2;
  EXPECT_THROW(apply_shard(o, 0, 3), error);
  EXPECT_THROW(apply_shard(o, 3, 3), error);
  EXPECT_THROW(apply_shard(o, -1, 3), error);
  EXPECT_THROW(apply_shard(o, 0, 0), error);
  try {
    apply_shard(o, 0, 3);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
    EXPECT_STREQ(e.what(), "-shards 3 needs at least 3 calls to share (-n 2)");
  }
}

TEST(rfc3339, parses_zones_and_fractions) {
  const auto utc = parse_rfc3339("2026-11-29T23:30:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->unix_ns, 1'795'995'000LL * 1'000'000'000);
  EXPECT_EQ(utc->utc_offset_seconds, 0);
  const auto east = parse_rfc3339("2026-11-30T00:30:00.25+01:00");
  ASSERT_TRUE(east);
  EXPECT_EQ(east->unix_ns, utc->unix_ns + 250'000'000);
  EXPECT_EQ(east->utc_offset_seconds, 3600);
  const auto west = parse_rfc3339("2026-11-29t18:30:00.123456789-05:00");
  ASSERT_TRUE(west);
  EXPECT_EQ(west->unix_ns, utc->unix_ns + 123'456'789);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.0000000019Z")->unix_ns, 1) << "digits past the ninth are dropped";
}

TEST(rfc3339, refuses_what_is_not_one) {
  for (const char* bad : {"", "2026-11-29", "2026-11-29T23:30:00", "2026-11-29 23:30:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-29T24:00:00Z", "2026-11-29T23:30:00.Z", "2026-11-29T23:30:00+1:00",
                          "2026-11-29T23:30:00Zjunk", "1969-12-31T23:59:59Z", "2263-01-01T00:00:00Z", "+026-11-29T23:30:00Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  EXPECT_TRUE(parse_rfc3339("2026-11-29T23:30:00", true)) << "zone_optional: UTC";
}

saved_result shard(int index, int count, std::int64_t start) {
  saved_result s;
  s.options.shard_index = index;
  s.options.shard_count = count;
  s.result.start_unix_ns = start;
  return s;
}

TEST(shard_coverage, names_what_is_missing_and_the_start_spread) {
  EXPECT_EQ(shard_coverage({shard(0, 1, 5)}), "");
  EXPECT_EQ(shard_coverage({shard(0, 3, 1'000'000'000), shard(1, 3, 1'001'500'000), shard(2, 3, 1'000'200'000)}),
            "Shards : 3 of 3; start times within 1.5 ms\n");
  EXPECT_EQ(shard_coverage({shard(2, 3, 0), shard(0, 3, 0), shard(2, 3, 0)}),
            "Shards : 2 of 3, missing 1, given more than once 2; start times within 0.0 ms\n");
  EXPECT_EQ(shard_coverage({shard(0, 2, 0), shard(1, 2, 0), shard(0, 1, 0)}),
            "Shards : 2 of 2, and results that are no shard of it; start times within 0.0 ms\n");
  EXPECT_EQ(shard_coverage({shard(0, 1000, 0)}),
            "Shards : 1 of 1000, missing 1, 2, 3, 4, 5, 6, 7, 8 and 991 more; start times within 0.0 ms\n")
      << "one line, however many shards a result says there are";
  const saved_result merged = merge_results({shard(0, 2, 0), shard(1, 2, 0)});
  EXPECT_FALSE(merged.options.sharded());
}

TEST(json_in_log, finds_the_result_in_a_pods_log) {
  EXPECT_EQ(json_in_log("{\"a\":1}"), "{\"a\":1}");
  EXPECT_EQ(json_in_log("  \n{\"a\":1}\n"), "  \n{\"a\":1}\n") << "a file that is JSON is left whole";
  const std::string log =
      "loadgen 0.1.0 running at 1000 queries per second\n"
      "Code 200 : 3 (100.0 %)\n"
      "{\n  \"Labels\": \"a } in a string, and \\\" an escaped quote {\",\n  \"Data\": [{\"x\": 1}]\n}\n"
      "23:10:40.100 W a log line after the result\n";
  EXPECT_EQ(json_in_log(log),
            "{\n  \"Labels\": \"a } in a string, and \\\" an escaped quote {\",\n  \"Data\": [{\"x\": 1}]\n}");
  EXPECT_EQ(json_in_log("no result here\n"), "no result here\n");
  EXPECT_EQ(json_in_log("cut short\n{\"a\": {"), "cut short\n{\"a\": {") << "unfinished: given back whole";
}

}  // namespace
}  // namespace loadgen
