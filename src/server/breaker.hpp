#pragma once
// The circuit breaker (private to the server), shared by all threads: at most max_active
// requests are served at once and at most max_pending wait for a slot; the rest are shed at
// once. Only built when -max-active is set, so the normal path pays nothing for it.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <tuple>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace loadgen {

class breaker {
public:
  breaker(int max_active, int max_pending) : max_active_(max_active), max_pending_(max_pending) {}

  struct waiter {
    std::shared_ptr<boost::asio::steady_timer> timer;  // cancelled (on its own thread) when a slot is granted
    std::shared_ptr<std::atomic<bool>> granted;
  };
  enum class admission { now, queued, shed };

  admission enter(const waiter& w);
  // A served request leaves: its slot goes to the oldest waiter, if any.
  void leave();
  // A queued request gives up (its coroutine ended while it waited): it leaves the queue, or, if
  // a slot was granted to it meanwhile, gives that slot on.
  void abandon(const waiter& w);
  // At stop: wake every waiter (they are served, the server finishes what it accepted).
  void release_all();

  std::int64_t shed();

  // Its counters as Envoy's admin /stats shows a cluster's (server/admin_stats).
  struct counters {
    std::int64_t admitted = 0;  // requests given a slot, at once or after waiting (upstream_rq_total)
    std::int64_t queued = 0;    // requests that had to wait (upstream_rq_pending_total)
    std::int64_t shed = 0;      // requests refused (upstream_rq_pending_overflow)
    int active = 0, pending = 0;  // now (upstream_rq_active, upstream_rq_pending_active)
    int max_active = 0, max_pending = 0;
  };
  counters snapshot();

  // For the once-a-second line: how many were shed since the last call, and the state now.
  std::tuple<std::int64_t, int, int> take_report();

private:
  void leave_locked();

  std::mutex mutex_;
  int max_active_, max_pending_;
  int active_ = 0;
  std::deque<waiter> queue_;
  std::int64_t shed_ = 0, shed_since_report_ = 0;
  std::int64_t admitted_ = 0, queued_ = 0;
};

// One request's admission, as a guard: entering the breaker in the constructor, and giving the
// slot back (or leaving the queue) in release() or the destructor, however the scope is left
// (an exception, a cancelled coroutine frame), so a slot can never leak.
class breaker_slot {
public:
  breaker_slot(breaker& b, const boost::asio::any_io_executor& executor);
  ~breaker_slot() { release(); }
  breaker_slot(const breaker_slot&) = delete;
  breaker_slot& operator=(const breaker_slot&) = delete;

  // Queued: waits until a slot is granted. Then admitted() is true.
  boost::asio::awaitable<void> wait();
  bool admitted() const noexcept { return state_ == state::holding; }
  bool shed() const noexcept { return state_ == state::shed; }
  // Gives the slot back now (after the answer is built); idempotent.
  void release() noexcept;

private:
  enum class state { holding, queued, shed, released };
  breaker& breaker_;
  breaker::waiter waiter_;
  state state_ = state::released;
};

}  // namespace loadgen
