#pragma once
// One worker thread's world: its own io_context, its connections, its run_stats. Nothing is shared
// with other workers except the read-only run_plan (and its stop flag), so the per-request path
// takes no lock.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/core/time_series.hpp"
#include "run_plan.hpp"
#include "loadgen/core/run_stats.hpp"

namespace loadgen {

class client_connection;

struct warmup_failure {
  int status = 0;               // non-OK status or -1
  std::int64_t bytes = 0;
  transport_error error = transport_error::none;
};

class worker {
public:
  // connection_indexes: the global indexes of the connections this worker owns.
  worker(run_plan& plan, std::vector<int> connection_indexes);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // Phase 1 (duration mode only): every connection connects and makes one uncounted call.
  // Returns the first non-OK result, if any.
  std::optional<warmup_failure> warmup();
  // Phase 2: the measured run; returns when every connection is done.
  void run();
  // Thread-safe: wake sleeping connections so they see plan.stop.
  void wake();
  // Thread-safe: a copy of this worker's counters, taken on its own thread (or directly once the
  // worker has finished). Used by the reporting thread once per tick.
  live_snapshot snapshot();

  run_stats& stats() noexcept { return stats_; }
  const run_plan& plan() const noexcept { return plan_; }
  boost::asio::io_context& context() noexcept { return ctx_; }
  std::mt19937_64& rng() noexcept { return rng_; }

  // Connects in flight are capped per worker (max_connects_in_flight): 20,000 simultaneous SYNs
  // would overflow the server's accept backlog and turn into connect timeouts. A connection calls
  // try_start_connect(); when it gets false it waits on its timer until the worker hands it a
  // slot (grant_connect()). end_connect() frees a slot or passes it to the next waiter.
  static constexpr int max_connects_in_flight = 256;
  bool try_start_connect(client_connection* c);
  void end_connect();

  // -abort-on matched: stop the whole run (thread-safe).
  void abort_run();
  // Called by a connection when it has finished its calls.
  void connection_done();

private:
  void start_watchdog();

  run_plan& plan_;
  boost::asio::io_context ctx_;
  run_stats stats_;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<client_connection>> connections_;
  boost::asio::steady_timer watchdog_;
  int active_ = 0;
  int connecting_ = 0;
  std::deque<client_connection*> connect_waiters_;
  std::atomic<bool> finished_{false};  // run() has returned: stats_ may be read by other threads
};

}  // namespace loadgen
