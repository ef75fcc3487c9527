#include "loadgen/core/duration.hpp"

#include <cstdint>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

namespace loadgen {
namespace {

constexpr std::int64_t us = 1'000;
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t sec = 1'000'000'000;
constexpr std::int64_t minute = 60 * sec;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;

TEST(ParseGoDuration, SingleUnits) {
  EXPECT_EQ(parse_go_duration("5s"), 5 * sec);
  EXPECT_EQ(parse_go_duration("300ms"), 300 * ms);
  EXPECT_EQ(parse_go_duration("7ns"), 7);
  EXPECT_EQ(parse_go_duration("10us"), 10 * us);
  EXPECT_EQ(parse_go_duration("10\u00b5s"), 10 * us);  // micro sign
  EXPECT_EQ(parse_go_duration("10\u03bcs"), 10 * us);  // Greek mu
  EXPECT_EQ(parse_go_duration("2m"), 2 * minute);
  EXPECT_EQ(parse_go_duration("3h"), 3 * hour);
  EXPECT_EQ(parse_go_duration("1d"), day);       // Fortio
  EXPECT_EQ(parse_go_duration("2w"), 14 * day);  // Fortio
}

TEST(ParseGoDuration, CompoundFractionsAndSigns) {
  EXPECT_EQ(parse_go_duration("1h30m"), hour + 30 * minute);
  EXPECT_EQ(parse_go_duration("1d4h"), day + 4 * hour);
  EXPECT_EQ(parse_go_duration("1.5h"), hour + 30 * minute);
  EXPECT_EQ(parse_go_duration("1.5s"), 1500 * ms);
  EXPECT_EQ(parse_go_duration(".5s"), 500 * ms);
  EXPECT_EQ(parse_go_duration("1.s"), sec);  // Go accepts an empty fraction
  EXPECT_EQ(parse_go_duration("1.0000000001s"), sec);
  EXPECT_EQ(parse_go_duration("0.3333333333333h"), 1'199'999'999'999);
  EXPECT_EQ(parse_go_duration("1h1m1s1ms1us1ns"), hour + minute + sec + ms + us + 1);
  EXPECT_EQ(parse_go_duration("1s1s"), 2 * sec);  // Go does not forbid repeats or odd order
  EXPECT_EQ(parse_go_duration("-1s"), -sec);
  EXPECT_EQ(parse_go_duration("+2.5ms"), 2500 * us);
  EXPECT_EQ(parse_go_duration("-1.5h"), -(hour + 30 * minute));
  EXPECT_EQ(parse_go_duration("0"), 0);
  EXPECT_EQ(parse_go_duration("-0"), 0);
  EXPECT_EQ(parse_go_duration("+0"), 0);
  EXPECT_EQ(parse_go_duration("0s"), 0);
  EXPECT_EQ(parse_go_duration("000ms"), 0);
}

TEST(ParseGoDuration, Limits) {
  EXPECT_EQ(parse_go_duration("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_go_duration("-9223372036854775808ns"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parse_go_duration("2562047h"), 2562047 * hour);
  EXPECT_EQ(parse_go_duration("9223372036854775808ns"), std::nullopt);
  EXPECT_EQ(parse_go_duration("9223372036854775807ns1ns"), std::nullopt);
  EXPECT_EQ(parse_go_duration("2562048h"), std::nullopt);
  EXPECT_EQ(parse_go_duration("15250w"), 15250 * 7 * day);
  EXPECT_EQ(parse_go_duration("15251w"), std::nullopt);
  EXPECT_EQ(parse_go_duration("99999999999999999999s"), std::nullopt);
  EXPECT_EQ(parse_go_duration("9223372036.854775808s"), std::nullopt);
}

// A well-formed duration past int64 ns is told apart from a malformed one (for the flag error).
TEST(ParseGoDuration, TellsOverflowApart) {
  bool overflow = true;
  EXPECT_EQ(parse_go_duration("15000w", &overflow), 15000 * 7 * day);
  EXPECT_FALSE(overflow);
  for (const char* big : {"15251w", "3000000h", "-3000000h", "9223372036854775808ns", "99999999999999999999s",
                          "9223372036854775807ns1ns"}) {
    overflow = false;
    EXPECT_EQ(parse_go_duration(big, &overflow), std::nullopt) << big;
    EXPECT_TRUE(overflow) << big;
  }
  for (const char* bad : {"", "5", "5x", "1e3s", "soon"}) {
    overflow = true;
    EXPECT_EQ(parse_go_duration(bad, &overflow), std::nullopt) << bad;
    EXPECT_FALSE(overflow) << bad;
  }
}

TEST(ParseGoDuration, Rejects) {
  for (const char* bad :
       {"",    "5",  "00", "1h0",  "-",    "+",    ".",     ".s",   "-.s", "5x",  "s",     "1 s",    " 1s",
        "1s ", "1S", "1H", "1sec", "1e3s", "--1s", "1s-1s", "1,5s", "1m.", "inf", "1..5s", "\u00b5s"}) {
    EXPECT_EQ(parse_go_duration(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(FormatGoDuration, FortioExamples) {
  EXPECT_EQ(format_go_duration(65'360'704), "65.360704ms");
  EXPECT_EQ(format_go_duration(60'001'126'950), "1m0.00112695s");
  EXPECT_EQ(format_go_duration(5400 * sec), "1h30m0s");
  EXPECT_EQ(format_go_duration(86400 * sec), "24h0m0s");
  EXPECT_EQ(format_go_duration(999'000), "999\u00b5s");
  EXPECT_EQ(format_go_duration(1500), "1.5\u00b5s");
  EXPECT_EQ(format_go_duration(0), "0s");
  EXPECT_EQ(format_go_duration(934'866), "934.866\u00b5s");
  EXPECT_EQ(format_go_duration(5 * sec), "5s");
  EXPECT_EQ(format_go_duration(2'446'418), "2.446418ms");
  EXPECT_EQ(format_go_duration(2'002'296'395), "2.002296395s");
  EXPECT_EQ(format_go_duration(2 * sec), "2s");
  EXPECT_EQ(format_go_duration(3 * sec), "3s");
}

TEST(FormatGoDuration, UnitsAndSigns) {
  EXPECT_EQ(format_go_duration(1), "1ns");
  EXPECT_EQ(format_go_duration(999), "999ns");
  EXPECT_EQ(format_go_duration(1000), "1\u00b5s");
  EXPECT_EQ(format_go_duration(ms), "1ms");
  EXPECT_EQ(format_go_duration(1'100'000), "1.1ms");
  EXPECT_EQ(format_go_duration(999'999'999), "999.999999ms");
  EXPECT_EQ(format_go_duration(sec + 1), "1.000000001s");
  EXPECT_EQ(format_go_duration(minute), "1m0s");
  EXPECT_EQ(format_go_duration(hour), "1h0m0s");
  EXPECT_EQ(format_go_duration(day + 4 * hour), "28h0m0s");
  EXPECT_EQ(format_go_duration(-2 * sec), "-2s");
  EXPECT_EQ(format_go_duration(-1500), "-1.5\u00b5s");
  EXPECT_EQ(format_go_duration(std::numeric_limits<std::int64_t>::max()), "2562047h47m16.854775807s");
  EXPECT_EQ(format_go_duration(std::numeric_limits<std::int64_t>::min()), "-2562047h47m16.854775808s");
}

TEST(GoDuration, RoundTrips) {
  const std::int64_t values[] = {0,
                                 1,
                                 1500,
                                 65'360'704,
                                 60'001'126'950,
                                 5400 * sec,
                                 -3 * ms,
                                 std::numeric_limits<std::int64_t>::max(),
                                 std::numeric_limits<std::int64_t>::min()};
  for (const std::int64_t ns : values) {
    EXPECT_EQ(parse_go_duration(format_go_duration(ns)), ns) << format_go_duration(ns);
  }
}

}  // namespace
}  // namespace loadgen
