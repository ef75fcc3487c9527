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

#include "access_log.hpp"
#include "connect_gate.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/core/time_series.hpp"
#include "loadgen/wire/response_parser.hpp"
#include "next_turn.hpp"
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
  // Connects in flight are capped per worker (see connect_gate): 256, or the environment's
  // LOADGEN_CONNECTS_IN_FLIGHT (1 to 65536; a test hook: a gate of 1 makes a queue on loopback).
  static int max_connects_in_flight();

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

  // A finished call (worker thread) on connection `connection`, its iter-th (from 0).
  void record(const call_record& call, int connection, std::int64_t iter) noexcept {
    stats_.record(call);
    const nanos latency = stats_.latency_of(call);
    tap_.record(latency);
    if (log_) log_->add(call.done - latency, call.done, latency, connection, iter, call.status, body_bytes(call));
  }

  run_stats& stats() noexcept { return stats_; }
  const run_context& shared() const noexcept { return run_; }  // the run all workers share
  boost::asio::io_context& context() noexcept { return ctx_; }
  std::mt19937_64& rng() noexcept { return rng_; }
  connect_gate& gate() noexcept { return gate_; }
  // The sessions' shared large read buffer (session_env::read_spill): 64 KB per worker instead
  // of a large buffer per connection.
  std::vector<char>& read_spill() noexcept { return read_spill_; }
  next_turn& turns() noexcept { return turns_; }  // session_env::turns
  response_head_cache& heads() noexcept { return heads_; }  // session_env::heads
  // Coroutines that ended with an exception (each ended its connection and was counted).
  std::int64_t crashes() const noexcept { return crashes_; }

  // -abort-on matched: stop the whole run (thread-safe).
  void abort_run();

private:
  static std::int64_t body_bytes(const call_record& call) noexcept {
    return call.total_bytes > call.header_bytes ? call.total_bytes - call.header_bytes : 0;
  }
  void start_watchdog();
  // Spawns f on this worker's context and counts it active; when it ends (normally or by an
  // exception) then() runs and the slot is done. An exception is recorded, never lost: a
  // swallowed one would leave the run waiting.
  template <class Make, class Then>
  void spawn(connection_slot& slot, Make&& make, Then then);
  // Starts the warmup call of slot next_warmup_ into results, and when it ends, the next one's.
  void spawn_warmup(std::vector<call_record>& results);
  void connection_done();

  run_context& run_;
  boost::asio::io_context ctx_;
  next_turn turns_{ctx_};  // session_env::turns
  response_head_cache heads_;  // session_env::heads
  run_stats stats_;
  latency_tap tap_;
  std::optional<access_log_buffer> log_;  // -access-log-file
  std::mt19937_64 rng_;
  connect_gate gate_{max_connects_in_flight()};
  std::vector<char> read_spill_ = std::vector<char>(64 * 1024);
  std::vector<std::unique_ptr<connection_slot>> slots_;
  boost::asio::steady_timer watchdog_;
  int active_ = 0;
  std::size_t next_warmup_ = 0;  // warmup(): the next slot to start
  std::int64_t crashes_ = 0;
  std::atomic<bool> finished_{false};  // run() has returned: stats_ may be read by other threads
};

}  // namespace loadgen
