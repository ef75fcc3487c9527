#pragma once
// The live view of a running load, as data (pure): snapshots of the workers' counters, the slices
// of the per-interval time series built from them, and the seam through which the runner (client
// layer) hands snapshots to whoever watches the run (report layer's live_reporter) without either
// knowing the other.
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/histogram.hpp"
#include "loadgen/core/run_stats.hpp"

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

// Thread-safe: the run's counters so far, merged over workers.
using snapshot_source = std::function<live_snapshot()>;

// Watches a run while it goes (progress line, -interval lines, the JSON time series). The runner
// calls start() once the run's start time is fixed, before any call, and finish() after every
// worker has stopped.
class run_monitor {
public:
  virtual ~run_monitor() = default;
  virtual void start(nanos run_start, snapshot_source source) = 0;
  // The time series, closed at `end` with the final counters.
  virtual std::vector<time_slice> finish(const run_stats& final_stats, nanos end) = 0;
};

}  // namespace loadgen
