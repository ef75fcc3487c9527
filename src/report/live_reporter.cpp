#include "live_reporter.hpp"

#include "loadgen/report/live_view.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>


namespace loadgen {

live_reporter::live_reporter(const run_options& options, nanos interval, bool progress, bool print_intervals)
    : options_(options), interval_(interval), progress_(progress), print_intervals_(print_intervals) {}

void live_reporter::start(nanos run_start, snapshot_source source) {
  source_ = std::move(source);
  start_ = run_start;
  planned_end_ = options_.count_mode() || options_.until_interrupted() ? 0 : run_start + options_.duration;
  boundary_.at = run_start;
  thread_ = std::thread([this] { loop(); });
}

live_reporter::~live_reporter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void live_reporter::loop() {
  // At most 4 progress updates a second; without a progress line, wake once per slice.
  const nanos tick = progress_ ? std::min<nanos>(250 * ns_per_ms, interval_) : interval_;
  nanos next = start_ + tick;
  time_slice recent;
  live_snapshot last;
  last.at = start_;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(next));
      if (wake_.wait_until(lock, until, [this] { return stop_; })) return;
    }
    next += tick;
    tick_latency_.reset();
    live_snapshot snap = source_(tick_latency_);
    slice_latency_.merge(tick_latency_);
    recent = slice_between(last, snap, tick_latency_, start_);
    // The slice that would end at the planned end of a -t run is left to finish(), so it covers
    // the calls still in flight then too, instead of leaving them a slice of a few milliseconds
    // whose rate is noise.
    const bool at_planned_end = planned_end_ > 0 && std::llabs(snap.at - planned_end_) < tick / 2;
    if (!at_planned_end && snap.at - boundary_.at >= interval_ - tick / 2) {
      series_.push_back(slice_between(boundary_, snap, slice_latency_, start_));
      slice_latency_.reset();
      if (print_intervals_) {
        const std::string line = format_interval(series_.back(), options_.target);
        std::fprintf(stderr, "%s%s\n", progress_shown_ ? "\r\033[K" : "", line.c_str());
        progress_shown_ = false;
      }
      boundary_ = snap;
    }
    if (progress_) {
      const std::string line = format_progress(options_, snap, start_, recent);
      std::fprintf(stderr, "\r%s\033[K", line.c_str());
      std::fflush(stderr);
      progress_shown_ = true;
    }
    last = std::move(snap);
  }
}

std::vector<time_slice> live_reporter::finish(nanos end) {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!source_) return {};
  tick_latency_.reset();
  live_snapshot last = source_(tick_latency_);
  last.at = end;
  slice_latency_.merge(tick_latency_);
  if (last.calls > boundary_.calls || series_.empty()) {
    series_.push_back(slice_between(boundary_, last, slice_latency_, start_));
    if (print_intervals_) {
      std::fprintf(stderr, "%s%s\n", progress_shown_ ? "\r\033[K" : "", format_interval(series_.back(), options_.target).c_str());
      progress_shown_ = false;
    }
  }
  if (progress_shown_) std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  return std::move(series_);
}

std::unique_ptr<run_monitor> make_live_view(const run_options& options, nanos interval, bool progress,
                                            bool print_intervals) {
  return std::make_unique<live_reporter>(options, interval, progress, print_intervals);
}

}  // namespace loadgen
