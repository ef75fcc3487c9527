#pragma once
// Live view of a running load (pure): snapshots of the workers' counters, the per-interval time
// series built from them, and the lines that show them (the TTY progress line and -interval
// lines). Snapshots are taken by each worker on its own thread when the reporting thread asks
// (once per tick), so the per-request path pays nothing for any of this.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loadgen/clock.hpp"
#include "loadgen/histogram.hpp"
#include "loadgen/options.hpp"
#include "loadgen/run_stats.hpp"

namespace loadgen {

// Cumulative counters at one instant (merged over workers).
struct live_snapshot {
  nanos at = 0;                        // steady clock
  std::int64_t calls = 0;
  std::int64_t ok = 0;
  std::map<int, std::int64_t> codes;   // -1 for transport errors
  std::int64_t waited = 0;             // calls that waited for a busy connection (QPS mode)
  histogram latency;                   // cumulative main latency

  // Copies the counters out of a worker's stats (on the worker's thread).
  static live_snapshot of(const run_stats& stats, nanos at);
  void merge(const live_snapshot& other);
};

// One slice of the time series: what happened between two snapshots.
struct time_slice {
  double start = 0;     // seconds since the run started
  double duration = 0;  // seconds
  std::int64_t calls = 0;
  std::int64_t ok = 0;
  std::map<int, std::int64_t> codes;
  std::int64_t waited = 0;  // of the calls, those that fell due while their connection was busy
  double qps = 0;
  double p50 = 0, p99 = 0, max = 0;  // seconds, from the calls that completed in the slice
};

// The difference later - earlier, as a slice. run_start is the run's start on the steady clock.
time_slice slice_between(const live_snapshot& earlier, const live_snapshot& later, nanos run_start);

// The self-rewriting progress line for a terminal (no newline; the caller adds "\r" and clears):
// "loadgen 3.2s/10s 12345 calls 3858.0 qps 200:12000 503:345 p99 4.12ms" (or "n/N calls" with -n).
std::string format_progress(const run_options& options, const live_snapshot& now, nanos run_start,
                            const time_slice& recent);

// One -interval line: "Interval 2s-3s : 1000 calls, 999.8 qps, 200: 990, 503: 10, p50 0.00121 p99 0.00544 max 0.0102",
// plus ", 12 waited for a busy connection" when some did: the second the server began to back up.
std::string format_interval(const time_slice& slice);

}  // namespace loadgen
