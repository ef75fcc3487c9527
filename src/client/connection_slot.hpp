#pragma once
// One connection slot of a load run (Fortio's "thread"): the coroutine that takes calls off the
// schedule, waits until each is due (core/pacing.hpp decides how), has its session make the call,
// and records it. Protocol-free: the session (HTTP/1.1 today) does the I/O. Lives on one worker's
// io_context and is only touched from that thread.
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/client/session.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/core/schedule.hpp"

namespace loadgen {

class worker;

class connection_slot {
public:
  // index: global connection index. calls: how many calls to make (-n mode), or -1 for the
  // duration mode (then planned_cap > 0 caps the calls).
  connection_slot(worker& owner, int index, std::int64_t calls, std::int64_t planned_cap);
  ~connection_slot();
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

  // One uncounted call before the run (duration mode); its outcome is returned via *result.
  boost::asio::awaitable<void> warmup(call_record* result);
  // The measured calls, until done, stopped or past the end.
  boost::asio::awaitable<void> run();

  // Watchdog (same thread): abort the current call if it has run past its deadline.
  void check_deadline(nanos now);
  // A stop was requested (same thread): cut a pacing sleep short and a wait for a connect slot.
  void wake();
  // The coroutine ended with an exception (same thread): the call in flight, if any, is recorded
  // as an internal error, the connection closed. Returns the description for the run's report.
  std::string on_crash(const std::exception_ptr& e);

private:
  // How a stretch of calls on the fast path (session::call_fast) ended.
  enum class fast_end {
    ended,  // the run ended on this connection (stop, count, time, -abort-on)
    slow,   // the next call needs the coroutine path (a connect, mostly)
    retry,  // the call in flight goes on through call() (fast_outcome::retry)
    due,    // a paced call came due when the session could no longer make it fast: call() makes it
  };
  // Calls on an open connection, at -qps 0 or paced: makes them by callbacks (start_fast_call,
  // on_fast_done, and on_due after a paced call's sleep) while the session can, and returns
  // once, when they stop. The coroutines above stay parked meanwhile, and their frames are not
  // touched per call.
  boost::asio::awaitable<fast_end> run_fast();
  // Starts the next call on the fast path (a paced one sleeps until due first); false (with
  // fast_end_ set) when it cannot.
  bool start_fast_call();
  // Paced: the next schedule slot into current_ (a new call due then), passing over -nocatchup's
  // skips (each recorded). False when this connection makes no more calls (may_continue(), or
  // the slot falls past the run's end).
  bool take_paced_due();
  // current_ is set up with its due time: sleep until then on pace_timer_ (on_due() comes back
  // here), then make it.
  void pace_fast_call();
  void on_due();
  static void on_fast_done(void* self, fast_outcome outcome, std::exception_ptr error);
  // The stretch is over: run_fast() returns `end`, or rethrows `error`.
  void finish_fast(fast_end end, std::exception_ptr error = nullptr);
  // The run goes on for this connection (not stopped, calls and slots left).
  bool may_continue() const noexcept;
  // Records the call just made (made: it was a call, not abandoned). false: this connection is
  // done (abandoned, or -abort-on matched).
  bool after_call(bool made);
  // Returns at `due` (or on a stop), sleeping and spinning as next_pacing_step() says.
  boost::asio::awaitable<void> wait_until(nanos due, nanos busy_wait);
  // Around each session call on current_: arm the call's deadline (-timeout) and mark it in
  // flight (for on_crash()), then clear both.
  void begin_call(nanos now) noexcept;
  void end_call() noexcept;
  void make_schedule();

  worker& owner_;
  int index_;
  std::int64_t calls_left_;   // -1: not counting
  std::int64_t planned_cap_;  // 0: none
  std::unique_ptr<session> session_;
  boost::asio::steady_timer timer_;  // pacing sleeps, run_fast()'s doorbell, lent to the session (env.doorbell)
  std::optional<schedule> schedule_;
  std::optional<boost::asio::steady_timer> pace_timer_;  // paced fast calls' sleeps (none with -busy-wait)
  nanos deadline_ = 0;       // 0: no call in flight
  bool sleeping_ = false;
  // The call being made. A member, not a coroutine local, so that on_crash() can still record it
  // after the coroutine frames are gone.
  call_record current_;
  bool in_flight_ = false;
  bool warming_up_ = false;  // the call in flight is the uncounted warmup call
  std::int64_t recorded_ = 0;  // calls recorded on this connection (the access log's "iter")
  std::int64_t slots_ = 0;     // schedule slots used: calls made and -nocatchup skips
  nanos previous_done_ = 0;    // when the previous call on this connection ended
  fast_end fast_end_ = fast_end::ended;
  std::exception_ptr fast_error_;
  bool fast_running_ = false;  // a chain of fast calls is under way (run_fast() is parked)
};

}  // namespace loadgen
