#pragma once
// The text report, in Fortio's layout (pure: run data in, text out; no I/O, no clock).
// Everything goes to stderr in the CLI, as Fortio's. Lines of loadgen's own never start with a
// prefix Fortio uses ("Code ", "# target", "# range", ">"), so greps written for Fortio still work.
#include <string>
#include <string_view>

#include "loadgen/report/histogram_export.hpp"

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"

namespace loadgen {

// H1, printed before the run: "loadgen 0.1.0 running at 0 queries per second, 2->2 procs, for 20
// calls: http://..." (cpus -> threads; "for 5s", "until interrupted").
std::string format_banner(const run_options& options, int cpus, int threads);

// H2, printed when the run starts (after warmup), at level <= Warning (always for -t 0):
// "Starting at max qps with 2 thread(s) [gomax 2] for exactly 20 calls (10 per thread + 0)" etc.
// Empty when the level hides it.
std::string format_starting(const run_options& options, const run_result& started);

// Everything from "Ended after ..." to "All done ...", as the level asks (section 2.2 of
// fortio-behaviour.md), plus loadgen's own lines. In QPS mode, where Fortio prints "Sleep times",
// loadgen prints "Dispatch lag (due to send) : ..." (no fake Sleep line); its other own lines
// (service time, requested vs achieved qps, latency per code, transport errors, Envoy) come just
// before "All done". Every function here returns whole lines, each ending in '\n'. When -json was
// written, the "Successfully wrote N bytes of Json data to X" line is added by the caller, not here.
std::string format_report(const run_options& options, const run_result& result);

// Calls per second over the run (calls / elapsed): the "All done" and "Ended after" lines' qps.
double achieved_qps(const run_result& result);

// The rate the schedule delivered, for the "Requested qps X, achieved Y" line: the calls over the
// requested window (-t, or -n/-qps), or over the run when it took longer or was stopped early
// (then, and at max speed, it is achieved_qps).
double scheduled_qps(const run_options& options, const run_result& result);

// Fortio's histogram block: the counter line, "# range, mid point, percentile, count", one line
// per bucket, "# target P% V" lines; "<title> : no data" when empty.
std::string format_histogram(std::string_view title, const fortio_histogram& h);

}  // namespace loadgen
