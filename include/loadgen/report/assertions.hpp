#pragma once
// -assert: thresholds that turn a run into an exit code, for CI (pure).
//
// Grammar: METRIC OP VALUE, spaces allowed around the parts.
//   OP      <  <=  >  >=  ==  !=
//   METRIC  p<N>            latency at percentile N (p50, p99, p99.9), as the report's "# target" lines
//           min avg max     latency (the histogram's exact min, mean, max)
//           service_p<N>    service time (from the send) at percentile N
//           qps             calls per second, as the "Requested qps X, achieved Y" line (the "All
//                           done" line's at max speed)
//           calls           calls made (warmup not counted)
//           ok              calls with a 2xx (or 418) answer, Fortio's rule
//           errors          every other call, transport errors included (Fortio's "Error cases")
//           code<N>         calls answered with status N (code503; code-1: transport errors)
//           transport       transport errors (no HTTP answer)
//           envoy_overflow  answers that carried x-envoy-overloaded
//   VALUE   for latency: a number with a unit, ns us µs ms s m h (p99<250ms, max<=1.5s); a bare
//           number is refused, since 250 could be ms or s
//           for counts: a number (code503<=10), or a percent of the calls (errors<1%)
//           for qps: a number (qps>=950), or a fraction of the requested qps (qps>=0.99*requested,
//           qps>=requested); needs -qps above 0
// Latency is latency as the report measures it: from the due time (open loop) unless
// -measure-from sent.
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"

namespace loadgen {

enum class assert_metric { percentile, min, avg, max, service_percentile, qps, calls, ok, errors, code, transport, envoy_overflow };
enum class assert_op { lt, le, gt, ge, eq, ne };

struct assertion {
  std::string text;  // as given, spaces removed
  assert_metric metric = assert_metric::calls;
  double percentile = 0;  // percentile metrics
  int code = 0;           // code<N>
  assert_op op = assert_op::lt;
  double value = 0;       // seconds for latency; a count; qps; a percent (0..100); or a fraction of requested
  bool percent = false;             // counts: value is a percent of the calls
  bool of_requested = false;        // qps: value is a fraction of the requested qps
};

// Throws loadgen::error (exit 2) with one line naming the assertion and what is wrong with it.
assertion parse_assertion(std::string_view text);

// Checks that every assertion can be judged for these options (qps relative to the requested rate
// needs a requested rate). Throws loadgen::error (exit 2) naming the first that cannot.
void check_assertions_apply(const std::vector<assertion>& assertions, const run_options& options);

struct assertion_result {
  bool pass = false;
  std::string line;  // "Assert p99<250ms : PASS (p99 12.3 ms)", with a '\n'
};

std::vector<assertion_result> judge_assertions(const std::vector<assertion>& assertions, const run_options& options,
                                               const run_result& result);

}  // namespace loadgen
