#pragma once
// The reporting thread of a load run: every tick it asks each worker for a snapshot of its
// counters (taken on the worker's own thread, so nothing on the request path is shared), keeps
// the per-interval time series, rewrites the progress line when stderr is a terminal, and prints
// -interval lines. Off the per-request path entirely.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

#include "loadgen/live_stats.hpp"

namespace loadgen {

class worker;

class live_reporter {
public:
  // interval: the time-series slice (and -interval print period). progress: rewrite a progress
  // line on stderr (only when it is a terminal). print_intervals: print one line per slice.
  live_reporter(const run_options& options, std::vector<std::unique_ptr<worker>>& workers, nanos run_start,
                nanos interval, bool progress, bool print_intervals);
  ~live_reporter();
  live_reporter(const live_reporter&) = delete;
  live_reporter& operator=(const live_reporter&) = delete;

  // Stops the thread (after the workers have finished), closes the last slice from the merged
  // final stats, and clears the progress line. Returns the time series.
  std::vector<time_slice> finish(const run_stats& final_stats, nanos end);

private:
  void loop();
  live_snapshot snapshot();

  const run_options& options_;
  std::vector<std::unique_ptr<worker>>& workers_;
  nanos start_;
  nanos interval_;
  bool progress_;
  bool print_intervals_;
  nanos planned_end_;  // start + -t, or 0 when the run has no planned end (-n, -t 0)
  std::mutex mutex_;
  std::condition_variable wake_;  // finish() wakes the thread at once instead of waiting a tick
  bool stop_ = false;
  std::vector<time_slice> series_;
  live_snapshot boundary_;   // the snapshot at the start of the current slice
  bool progress_shown_ = false;
  std::thread thread_;
};

}  // namespace loadgen
