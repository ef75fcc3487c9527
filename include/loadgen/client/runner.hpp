#pragma once
// Runs one `load`: resolves the target once, builds the request once, starts the worker threads,
// warms up, stops on count / duration / signal / -abort-on, joins and merges.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"
#include "loadgen/core/time_series.hpp"

namespace loadgen {

// Called once the run really starts (after warmup), with the effective connection and thread
// counts and the per-connection plan, so the CLI can print Fortio's "Starting at ..." line.
using on_start_fn = std::function<void(const run_result& partial)>;

// Throws loadgen::error (exit 1) when the run cannot start: the host does not resolve, or a
// warmup call failed without -allow-initial-errors ("Aborting because of error 503 for URL (N
// bytes)"). Handles SIGINT and SIGTERM alike while it runs: the first stops new calls and waits
// for in-flight ones (bounded by -timeout), a second exits at once.
// monitor (optional) watches the run: started once the start time is fixed, finished after the
// workers stop; its time series goes into the result.
run_result run_load(const run_options& options, const on_start_fn& on_start = {}, run_monitor* monitor = nullptr);

}  // namespace loadgen
