#pragma once
// One worker thread's world: its own io_context, its connection slots, its run_stats, its connect
// gate. Nothing is shared with other workers except the read-only run_context (and its stop
// flag), so the per-request path takes no lock.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connect_gate.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/core/time_series.hpp"
#include "run_context.hpp"

namespace loadgen {

class connection_slot;

struct warmup_failure {
  int status = 0;               // non-OK status or -1
  std::int64_t bytes = 0;
  transport_error error = transport_error::none;
};

class worker {
public:
  // Connects in flight are capped per worker (see connect_gate).
  static constexpr int max_connects_in_flight = 256;

  // connection_indexes: the global indexes of the connection slots this worker owns.
  worker(run_context& run, std::vector<int> connection_indexes);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // Phase 1 (duration mode only): every connection connects and makes one uncounted call.
  // Returns the first non-OK result, if any.
  std::optional<warmup_failure> warmup();
  // Phase 2: the measured run; returns when every connection is done.
  void run();
  // Thread-safe: wake sleeping and queued connections so they see the stop.
  void wake();
  // Thread-safe (reporting thread): this worker's counters, taken on its own thread in O(codes
  // seen), and the latency of its calls since the previous snapshot added into `recent`.
  live_snapshot snapshot(histogram& recent);

  // A finished call (worker thread).
  void record(const call_record& call) noexcept {
    stats_.record(call);
    tap_.record(stats_.latency_of(call));
  }

  run_stats& stats() noexcept { return stats_; }
  const run_context& shared() const noexcept { return run_; }  // the run all workers share
  boost::asio::io_context& context() noexcept { return ctx_; }
  std::mt19937_64& rng() noexcept { return rng_; }
  connect_gate& gate() noexcept { return gate_; }
  // Coroutines that ended with an exception (each ended its connection and was counted).
  std::int64_t crashes() const noexcept { return crashes_; }

  // -abort-on matched: stop the whole run (thread-safe).
  void abort_run();

private:
  void start_watchdog();
  // Spawns f on this worker's context; when it ends (normally or by an exception) the slot is
  // done. An exception is recorded, never lost: a swallowed one would leave the run waiting.
  template <class Make>
  void spawn(connection_slot& slot, Make&& make);
  void connection_done();

  run_context& run_;
  boost::asio::io_context ctx_;
  run_stats stats_;
  latency_tap tap_;
  std::mt19937_64 rng_;
  connect_gate gate_{max_connects_in_flight};
  std::vector<std::unique_ptr<connection_slot>> slots_;
  boost::asio::steady_timer watchdog_;
  int active_ = 0;
  std::int64_t crashes_ = 0;
  std::atomic<bool> finished_{false};  // run() has returned: stats_ may be read by other threads
};

}  // namespace loadgen
