#pragma once
// Runs one `load`: resolves the target once, builds the request once, starts the worker threads
// the plan asks for, warms up, stops on count / duration / signal / -abort-on, joins and merges.
#include <functional>

#include "loadgen/client/session.hpp"
#include "loadgen/core/options.hpp"
#include "loadgen/core/plan.hpp"
#include "loadgen/core/run_result.hpp"
#include "loadgen/core/time_series.hpp"

namespace loadgen {

struct run_hooks {
  // Called once the run really starts (after warmup), so the CLI can print Fortio's "Starting
  // at ..." line.
  std::function<void(const run_result& partial)> on_start;
  // Watches the run (progress, -interval lines, time series): started once the start time is
  // fixed, finished after the workers stop; its time series goes into the result.
  run_monitor* monitor = nullptr;
  // The protocol of every connection; empty: HTTP/1.1.
  session_factory make_session;
};

// Throws loadgen::error (exit 1) when the run cannot start: the host does not resolve, or a
// warmup call failed without -allow-initial-errors ("Aborting because of error 503 for URL (N
// bytes)"). Handles SIGINT and SIGTERM alike while it runs: the first stops new calls and waits
// for in-flight ones (bounded by -timeout), a second exits at once; the signal mask is restored
// on return.
run_result run_load(const run_options& options, const load_plan& plan, const run_hooks& hooks = {});

}  // namespace loadgen
