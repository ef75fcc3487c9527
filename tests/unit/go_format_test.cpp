#include "loadgen/core/go_format.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace loadgen {
namespace {

// Go's plain %g: shortest round-trip digits, scientific below 1e-4 and from 1e6 on.
TEST(GoG, VerifiedAgainstGo) {
  EXPECT_EQ(go_g(123456), "123456");
  EXPECT_EQ(go_g(999999), "999999");
  EXPECT_EQ(go_g(1e6), "1e+06");
  EXPECT_EQ(go_g(1234567), "1.234567e+06");
  EXPECT_EQ(go_g(12345678.5), "1.23456785e+07");
  EXPECT_EQ(go_g(9.999e-05), "9.999e-05");
  EXPECT_EQ(go_g(0.0001), "0.0001");
  EXPECT_EQ(go_g(0.005172024), "0.005172024");
  EXPECT_EQ(go_g(20.0 / 3), "6.666666666666667");
  EXPECT_EQ(go_g(3.4962e-05), "3.4962e-05");
  EXPECT_EQ(go_g(0), "0");
}

TEST(GoG, ValuesFromFortioSamples) {
  // min/max of the "Aggregated Function Time" lines are printed with %g.
  EXPECT_EQ(go_g(0.000976788), "0.000976788");
  EXPECT_EQ(go_g(4.7581e-05), "4.7581e-05");
  EXPECT_EQ(go_g(0.001560875), "0.001560875");
  EXPECT_EQ(go_g(8.7219e-05), "8.7219e-05");
  EXPECT_EQ(go_g(0.04675717), "0.04675717");
  EXPECT_EQ(go_g(75), "75");
  EXPECT_EQ(go_g(0.001), "0.001");
}

TEST(GoG, LayoutDetails) {
  EXPECT_EQ(go_g(-0.5), "-0.5");
  EXPECT_EQ(go_g(-1e6), "-1e+06");
  EXPECT_EQ(go_g(1e100), "1e+100");
  EXPECT_EQ(go_g(1.5e-300), "1.5e-300");
  EXPECT_EQ(go_g(1e21), "1e+21");
  EXPECT_EQ(go_g(100000), "100000");
  EXPECT_EQ(go_g(0.00012), "0.00012");
  EXPECT_EQ(go_g(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(go_g(-0.0), "-0");
  EXPECT_EQ(go_g(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(go_g(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(go_g(std::nan("")), "NaN");
}

// %.Ng values as they appear in real Fortio output (fortio-samples/*.stderr).
TEST(GoGPrec, ValuesFromFortioSamples) {
  // "avg 0.0002184179" is %.8g of sum/count.
  EXPECT_EQ(go_g_prec(0.004368358 / 20, 8), "0.0002184179");
  EXPECT_EQ(go_g_prec(0.014614551 / 30, 8), "0.0004871517");
  EXPECT_EQ(go_g_prec(0.005116238 / 8, 8), "0.00063952975");
  EXPECT_EQ(go_g_prec(2386.0 / 30, 8), "79.533333");
  EXPECT_EQ(go_g_prec(1350.0 / 20, 8), "67.5");
  EXPECT_EQ(go_g_prec(0.001199564 / 3, 8), "0.00039985467");
  // "+/- 0.0002443" and "+/- 0.0004740" style stddevs are %.4g.
  EXPECT_EQ(go_g_prec(0.00024430123, 4), "0.0002443");
  EXPECT_EQ(go_g_prec(0.0004740457697521806, 4), "0.000474");
  EXPECT_EQ(go_g_prec(0.00035959637423423773, 4), "0.0003596");
  EXPECT_EQ(go_g_prec(2.65e-05, 4), "2.65e-05");
  EXPECT_EQ(go_g_prec(33.166247903554, 4), "33.17");
  EXPECT_EQ(go_g_prec(0, 4), "0");
  // "qps=8175.2" is %.5g of calls / seconds.
  EXPECT_EQ(go_g_prec(20 / 0.002446418, 5), "8175.2");
  EXPECT_EQ(go_g_prec(30 / 0.005372237, 5), "5584.3");
  EXPECT_EQ(go_g_prec(120 / 2.002296395, 5), "59.931");
  EXPECT_EQ(go_g_prec(103010, 5), "1.0301e+05");
  // Histogram bucket bounds and percentiles are %.6g.
  EXPECT_EQ(go_g_prec(0.001560875, 6), "0.00156087");
  EXPECT_EQ(go_g_prec(0.000505875, 6), "0.000505875");
  EXPECT_EQ(go_g_prec(0.0008351582500000001, 6), "0.000835158");
  EXPECT_EQ(go_g_prec(0.00131065, 6), "0.00131065");
  EXPECT_EQ(go_g_prec(0.001, 6), "0.001");
  // RequestedQPS is %.9g.
  EXPECT_EQ(go_g_prec(8, 9), "8");
  EXPECT_EQ(go_g_prec(100, 9), "100");
  EXPECT_EQ(go_g_prec(1.0 / 3, 9), "0.333333333");
}

TEST(GoGPrec, NonFinite) {
  EXPECT_EQ(go_g_prec(std::numeric_limits<double>::infinity(), 6), "+Inf");
  EXPECT_EQ(go_g_prec(std::nan(""), 6), "NaN");
}

TEST(GoF, MatchesPrintf) {
  EXPECT_EQ(go_f(90, 2), "90.00");
  EXPECT_EQ(go_f(73.3333333, 1), "73.3");
  EXPECT_EQ(go_f(26.6666667, 1), "26.7");
  EXPECT_EQ(go_f(0.2184179, 3), "0.218");
  EXPECT_EQ(go_f(59.931, 1), "59.9");
  EXPECT_EQ(go_f(0.125, 2), "0.12");  // round-half-even on the exact binary value
  EXPECT_EQ(go_f(0.375, 2), "0.38");
  EXPECT_EQ(go_f(2.5, 0), "2");
  EXPECT_EQ(go_f(-1.25, 1), "-1.2");
  EXPECT_EQ(go_f(-std::numeric_limits<double>::infinity(), 1), "-Inf");
  const std::string big = go_f(1e300, 3);  // longer than the stack buffer
  EXPECT_EQ(big.size(), 301u + 4u);
  EXPECT_EQ(big.substr(0, 4), "1000");
  EXPECT_EQ(big.substr(big.size() - 4), ".000");
}

// encoding/json floats, from a real Fortio JSON result (fortio-samples/load-c3-n30.json).
TEST(GoJsonNumber, ValuesFromFortioJson) {
  EXPECT_EQ(go_json_number(30 / 0.005372237), "5584.265921254032");
  EXPECT_EQ(go_json_number(5584.265921254032), "5584.265921254032");
  EXPECT_EQ(go_json_number(0.000047581), "0.000047581");
  EXPECT_EQ(go_json_number(0.0008351582500000001), "0.0008351582500000001");
  EXPECT_EQ(go_json_number(0.0015552662500000003), "0.0015552662500000003");
  EXPECT_EQ(go_json_number(0.00035959637423423773), "0.00035959637423423773");
  EXPECT_EQ(go_json_number(100), "100");
  EXPECT_EQ(go_json_number(90), "90");
  EXPECT_EQ(go_json_number(99.9), "99.9");
  EXPECT_EQ(go_json_number(80.0 / 3), "26.666666666666668");
  EXPECT_EQ(go_json_number(0.001), "0.001");
}

TEST(GoJsonNumber, Thresholds) {
  EXPECT_EQ(go_json_number(0), "0");
  EXPECT_EQ(go_json_number(-0.0), "-0");
  EXPECT_EQ(go_json_number(1e-6), "0.000001");
  EXPECT_EQ(go_json_number(1e-7), "1e-7");
  EXPECT_EQ(go_json_number(1.5e-7), "1.5e-7");
  EXPECT_EQ(go_json_number(-2.5e-8), "-2.5e-8");
  EXPECT_EQ(go_json_number(1e-10), "1e-10");
  EXPECT_EQ(go_json_number(1e-100), "1e-100");
  EXPECT_EQ(go_json_number(1e20), "100000000000000000000");
  // Shortest digits padded with zeros, not the exact binary value 123456789012345677877...
  EXPECT_EQ(go_json_number(123456789012345678901.0), "123456789012345680000");
  EXPECT_EQ(go_json_number(1e21), "1e+21");
  EXPECT_EQ(go_json_number(1.5e21), "1.5e+21");
  EXPECT_EQ(go_json_number(3e9), "3000000000");
  EXPECT_EQ(go_json_number(std::nan("")), "null");
}

// Every output reads back as the same double, over random bit patterns of all magnitudes.
TEST(GoFormats, RoundTripRandomDoubles) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t bits = rng();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    // strtod, not stod: stod throws on subnormals.
    EXPECT_EQ(std::strtod(go_g(v).c_str(), nullptr), v) << go_g(v);
    EXPECT_EQ(std::strtod(go_json_number(v).c_str(), nullptr), v) << go_json_number(v);
  }
}

}  // namespace
}  // namespace loadgen
