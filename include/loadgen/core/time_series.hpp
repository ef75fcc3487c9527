#pragma once
// The live view of a running load, as data (pure): snapshots of the workers' counters, the slices
// of the per-interval time series built from them, and the seam through which the runner (client
// layer) hands snapshots to whoever watches the run (the report layer's live view) without either
// knowing the other.
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/histogram.hpp"
#include "loadgen/core/run_stats.hpp"

namespace loadgen {

// Cumulative counters at one instant (merged over workers). Taken by a worker on its own thread in
// time proportional to the few status codes seen, never to the histograms' size: latency travels
// apart, through a latency_tap.
struct live_snapshot {
  nanos at = 0;                        // steady clock
  std::int64_t calls = 0;
  std::int64_t ok = 0;
  std::vector<std::pair<int, std::int64_t>> codes;  // status (-1: transport errors) -> calls, by status
  std::int64_t waited = 0;             // calls that waited for a busy connection (QPS mode)

  // The counters of a worker's stats (on the worker's thread).
  static live_snapshot of(const run_stats& stats, nanos at);
  void merge(const live_snapshot& other);
};

// The latency side of the live view, per worker, double-buffered: the worker records every call
// into the active half; flip() (worker thread, O(1)) makes the other half active and returns the
// filled one, which the reporting thread drains (merges, then resets) before it asks again. So a
// snapshot never copies a histogram on the worker's thread.
class latency_tap {
public:
  void record(nanos latency) noexcept { halves_[active_].record(latency); }
  histogram& flip() noexcept {
    histogram& full = halves_[active_];
    active_ ^= 1;
    return full;
  }

private:
  histogram halves_[2];
  int active_ = 0;
};

// Moves every value of `from` into `into` and empties `from` (reporting thread).
void drain(histogram& from, histogram& into) noexcept;

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

// The slice from earlier to later; latency: the latency of the calls recorded between the two.
// run_start is the run's start on the steady clock.
time_slice slice_between(const live_snapshot& earlier, const live_snapshot& later, const histogram& latency,
                         nanos run_start);

// Thread-safe: the run's counters so far, merged over workers; the latency of every call recorded
// since the previous call of the source is added into `recent`.
using snapshot_source = std::function<live_snapshot(histogram& recent)>;

// Watches a run while it goes (progress line, -interval lines, the JSON time series). The runner
// calls start() once the run's start time is fixed, before any call, and finish() after every
// worker has stopped.
class run_monitor {
public:
  virtual ~run_monitor() = default;
  virtual void start(nanos run_start, snapshot_source source) = 0;
  // After the workers have stopped: the time series, closed at `end` with a last snapshot.
  virtual std::vector<time_slice> finish(nanos end) = 0;
};

}  // namespace loadgen
