#include "loadgen/report/assertions.hpp"

#include <gtest/gtest.h>

#include "loadgen/core/error.hpp"
#include "report_fixtures.hpp"

namespace loadgen {
namespace {

// 100 calls: latency (from due) 1..100 ms, 10 of them 503 (one carrying x-envoy-overloaded),
// 2 transport errors (timeouts) among the 100; -qps 100 -n 100, run over exactly 1 s.
struct fixture {
  run_options o = testing::options_for("http://127.0.0.1:8080/echo");
  run_result r;
  fixture() {
    o.qps = 100;
    o.calls = 100;
    r = testing::result_for(o, 4, 1);
    r.elapsed = 1'000'000'000;
    for (int i = 1; i <= 100; ++i) {
      const int status = i <= 2 ? -1 : i <= 12 ? 503 : 200;
      call_record c = testing::make_call(status, 0, 0, i * 1'000'000LL, 100, 200,
                                         status == -1 ? transport_error::timeout : transport_error::none);
      c.envoy_overloaded = i == 5;
      r.stats.record(c);
    }
  }
  std::vector<assertion_result> judge(const std::vector<std::string>& texts) const {
    std::vector<assertion> a;
    for (const auto& t : texts) a.push_back(parse_assertion(t));
    return judge_assertions(a, o, r);
  }
  std::string line(const std::string& text) const { return judge({text}).front().line; }
  bool pass(const std::string& text) const { return judge({text}).front().pass; }
};

TEST(assertions, latency_percentiles_and_units) {
  const fixture f;
  EXPECT_EQ(f.line("p99<250ms"), "Assert p99<250ms : PASS (p99 99.02 ms)\n");  // the bucket's top, within 0.1%
  EXPECT_EQ(f.line("p50 >= 51ms"), "Assert p50>=51ms : FAIL (p50 50 ms)\n");
  EXPECT_TRUE(f.pass("p99.9<=100ms"));
  EXPECT_TRUE(f.pass("max<0.2s"));
  EXPECT_TRUE(f.pass("min==1ms"));
  EXPECT_TRUE(f.pass("avg<51ms"));
  EXPECT_FALSE(f.pass("avg<50ms"));  // 50.5 ms
  EXPECT_TRUE(f.pass("service_p50<=50.1ms"));
  EXPECT_FALSE(f.pass("service_p50<49ms"));
  EXPECT_TRUE(f.pass("p90!=0s"));
}

TEST(assertions, counts_and_percents) {
  const fixture f;
  EXPECT_EQ(f.line("errors<1%"), "Assert errors<1% : FAIL (errors 12 of 100 calls, 12.00 %)\n");
  EXPECT_TRUE(f.pass("errors<=12"));
  EXPECT_TRUE(f.pass("code503<=10"));
  EXPECT_FALSE(f.pass("code503<10"));
  EXPECT_TRUE(f.pass("code200>=88%"));
  EXPECT_TRUE(f.pass("code-1==2"));
  EXPECT_TRUE(f.pass("code404==0"));
  EXPECT_TRUE(f.pass("transport==2"));
  EXPECT_TRUE(f.pass("ok==88"));
  EXPECT_TRUE(f.pass("calls==100"));
  EXPECT_TRUE(f.pass("envoy_overflow==1"));
}

TEST(assertions, qps_against_the_requested_rate) {
  const fixture f;
  EXPECT_EQ(f.line("qps>=0.99*requested"), "Assert qps>=0.99*requested : PASS (qps 100.0, requested 100 (100.0 %))\n");
  EXPECT_TRUE(f.pass("qps>=requested"));
  EXPECT_FALSE(f.pass("qps>100"));
  EXPECT_TRUE(f.pass("qps>99.5"));
}

TEST(assertions, a_run_without_calls_fails_latency_gates) {
  fixture f;
  f.r = testing::result_for(f.o, 4, 1);
  EXPECT_EQ(f.line("p99<1s"), "Assert p99<1s : FAIL (p99 no calls)\n");
  EXPECT_TRUE(f.pass("errors==0"));
}

std::string parse_error(const std::string& text) {
  try {
    parse_assertion(text);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags) << text;
    return e.what();
  }
  return "parsed";
}

TEST(assertions, malformed_ones_are_bad_flags_naming_the_problem) {
  EXPECT_EQ(parse_error("p99"), "-assert \"p99\": want METRIC OP VALUE, e.g. p99<250ms, errors<1%, code503<=10, qps>=0.99*requested");
  EXPECT_EQ(parse_error("p99<250"), "-assert \"p99<250\": a latency needs a unit (ns, us, ms, s, m, h), e.g. 250ms");
  EXPECT_EQ(parse_error("p99<fast"), "-assert \"p99<fast\": \"fast\" is not a duration such as 250ms or 1.5s");
  EXPECT_EQ(parse_error("p0<1s"), "-assert \"p0<1s\": the percentile must be a number in (0, 100], e.g. p99 or p99.9");
  EXPECT_EQ(parse_error("p101<1s"), "-assert \"p101<1s\": the percentile must be a number in (0, 100], e.g. p99 or p99.9");
  EXPECT_EQ(parse_error("latency<1s"),
            "-assert \"latency<1s\": unknown metric \"latency\" (want p<N>, min, avg, max, service_p<N>, qps, calls, ok, errors, "
            "code<N>, transport or envoy_overflow)");
  EXPECT_EQ(parse_error("errors=<1"), "-assert \"errors=<1\": unknown comparison \"=\" (want <, <=, >, >=, == or !=)");
  EXPECT_EQ(parse_error("errors<"), "-assert \"errors<\": no value after the comparison");
  EXPECT_EQ(parse_error("errors<101%"), "-assert \"errors<101%\": this metric wants a count or a percent of the calls (e.g. 10 or 1%)");
  EXPECT_EQ(parse_error("code5x3<1"), "-assert \"code5x3<1\": code<N> needs a status from 100 to 999, or -1 (code503)");
  EXPECT_EQ(parse_error("qps>fast"), "-assert \"qps>fast\": qps wants a number, or a fraction of the requested rate (0.99*requested)");
  EXPECT_EQ(parse_error("qps>x*requested"), "-assert \"qps>x*requested\": want a number before *requested, e.g. 0.99*requested");
}

TEST(assertions, relative_qps_needs_a_requested_rate) {
  run_options o = testing::options_for("http://127.0.0.1:8080/echo");
  o.qps = 0;
  try {
    check_assertions_apply({parse_assertion("qps>=0.9*requested")}, o);
    FAIL() << "accepted";
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
    EXPECT_EQ(std::string(e.what()), "-assert \"qps>=0.9*requested\": there is no requested qps to compare with (-qps is 0, max speed)");
  }
}

}  // namespace
}  // namespace loadgen
