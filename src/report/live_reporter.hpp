#pragma once
// The reporting thread of a load run (a run_monitor): every tick it asks the runner's snapshot
// source for the counters so far, keeps the per-interval time series, rewrites the progress line
// when stderr is a terminal, and prints -interval lines. Off the per-request path entirely.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "loadgen/report/live_stats.hpp"

namespace loadgen {

class live_reporter final : public run_monitor {
public:
  // interval: the time-series slice (and -interval print period). progress: rewrite a progress
  // line on stderr (only when it is a terminal). print_intervals: print one line per slice.
  live_reporter(const run_options& options, nanos interval, bool progress, bool print_intervals);
  ~live_reporter() override;
  live_reporter(const live_reporter&) = delete;
  live_reporter& operator=(const live_reporter&) = delete;

  // Starts the thread; the first slice begins at run_start.
  void start(nanos run_start, snapshot_source source) override;
  // Stops the thread (after the workers have finished), closes the last slice with a last
  // snapshot, and clears the progress line. Returns the time series.
  std::vector<time_slice> finish(nanos end) override;

private:
  void loop();

  const run_options& options_;
  snapshot_source source_;
  nanos start_ = 0;
  nanos interval_;
  bool progress_;
  bool print_intervals_;
  nanos planned_end_ = 0;  // start + -t, or 0 when the run has no planned end (-n, -t 0)
  std::mutex mutex_;
  std::condition_variable wake_;  // finish() wakes the thread at once instead of waiting a tick
  bool stop_ = false;
  std::vector<time_slice> series_;
  live_snapshot boundary_;   // the snapshot at the start of the current slice
  histogram slice_latency_;  // latency of the calls since boundary_ (reporting thread only)
  histogram tick_latency_;   // latency of the calls since the previous tick
  bool progress_shown_ = false;
  std::thread thread_;
};

}  // namespace loadgen
