#pragma once
// Live view of a running load (pure): snapshots of the workers' counters, the per-interval time
// series built from them, and the lines that show them (the TTY progress line and -interval
// lines). Snapshots are taken by each worker on its own thread when the reporting thread asks
// (once per tick), so the per-request path pays nothing for any of this.
#include <cstdint>
#include <string>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/options.hpp"
#include "loadgen/core/time_series.hpp"

namespace loadgen {

// The self-rewriting progress line for a terminal (no newline; the caller adds "\r" and clears):
// "loadgen 3.2s/10s 12345 calls 3858.0 qps 200:12000 503:345 p99 4.12ms" (or "n/N calls" with -n).
std::string format_progress(const run_options& options, const live_snapshot& now, nanos run_start,
                            const time_slice& recent);

// One -interval line: "Interval 2s-3s : 1000 calls, 999.8 qps, 200: 990, 503: 10, p50 0.00121 p99 0.00544 max 0.0102",
// plus ", 12 waited for a busy connection" when some did: the second the server began to back up.
// Statuses are named by status_label() for target (an echo run: "OK: 990, errors: 10").
std::string format_interval(const time_slice& slice, const url& target = {});

}  // namespace loadgen
