#pragma once
// At most N connects in flight per worker: 20,000 simultaneous SYNs would overflow the server's
// accept backlog and turn into connect timeouts. The rest wait in arrival order. A waiter sleeps
// on its own timer; leave() cancels that timer when it passes the slot on. A waiter that gives up (deadline, stop) withdraws.
//
// The gate also knows whether it is moving: whether the latest connect through it to end got an
// answer from the network (connected, refused, reset: anything but our own -timeout). The
// watchdog uses it to tell our own queue (the connects ahead are being answered: the wait is
// ours, not the server's) from a server that does not answer (the connects ahead end by their
// -timeout: then a queued call's wait counts against its -timeout too). Every connect in flight
// is bounded by its own -timeout, so a queue cannot stall without a connect ending unanswered.
#include <deque>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/core/clock.hpp"  // nanos (wait_for_slot)

namespace loadgen {

class connect_gate {
public:
  struct waiter {
    boost::asio::steady_timer* timer = nullptr;  // cancelled when the slot is granted
    bool granted = false;
  };

  explicit connect_gate(int max_in_flight) : max_(max_in_flight) {}

  // true: connect now (the slot is taken). false: w is queued; wait on w.timer until w.granted.
  bool try_enter(waiter& w);
  // A connect that had a slot finished (either way): the slot passes to the oldest waiter.
  void leave();
  // How that connect ended: answered by the network, or not (our -timeout ended it).
  void record(bool answered) noexcept { moving_ = answered; }
  // w stops waiting (deadline or stop) without a slot; if it was granted meanwhile, the slot
  // is passed on.
  void withdraw(waiter& w);

  int in_flight() const noexcept { return in_flight_; }
  std::size_t queued() const noexcept { return queue_.size(); }
  // The latest connect to end was answered (or none has ended yet).
  bool moving() const noexcept { return moving_; }

private:
  int max_;
  int in_flight_ = 0;
  bool moving_ = true;
  std::deque<waiter*> queue_;
};

// Holds a connect slot until the connect is over, however it ends (an exception unwinding the
// coroutine frame included), so a slot can never leak. Set answered when the network answered.
struct gate_pass {
  connect_gate* gate = nullptr;
  bool answered = false;
  explicit gate_pass(connect_gate* g) noexcept : gate(g) {}
  gate_pass(const gate_pass&) = delete;
  gate_pass& operator=(const gate_pass&) = delete;
  ~gate_pass() {
    if (!gate) return;
    gate->record(answered);
    gate->leave();
  }
};

enum class gate_result { entered, timed_out, stopped };

// A session's wait for a connect slot (gate null: no limit, enter at once). It sleeps on timer,
// with waiting true meanwhile, until the slot is granted or the session's abort() or stop() set
// timed_out or stopping (they cancel timer when waiting is true). A wait that ends without the
// slot withdraws from the gate. A wait that ends with it sets left_at to the steady time (ns).
// The flags belong to the session, which outlives the wait.
boost::asio::awaitable<gate_result> wait_for_slot(connect_gate* gate, connect_gate::waiter& w,
                                                  boost::asio::steady_timer& timer, bool& waiting,
                                                  const bool& timed_out, const bool& stopping, nanos& left_at);

}  // namespace loadgen
