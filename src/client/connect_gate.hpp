#pragma once
// At most N connects in flight per worker: 20,000 simultaneous SYNs would overflow the server's
// accept backlog and turn into connect timeouts. The rest wait in arrival order. A waiter sleeps
// on its own timer; grant() cancels that timer. A waiter that gives up (deadline, stop) withdraws.
#include <deque>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

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
  // w stops waiting (deadline or stop) without a slot; if it was granted meanwhile, the slot
  // is passed on.
  void withdraw(waiter& w);

  int in_flight() const noexcept { return in_flight_; }
  std::size_t queued() const noexcept { return queue_.size(); }

private:
  int max_;
  int in_flight_ = 0;
  std::deque<waiter*> queue_;
};

enum class gate_result { entered, timed_out, stopped };

// A session's wait for a connect slot (gate null: no limit, enter at once). It sleeps on timer,
// with waiting true meanwhile, until the slot is granted or the session's abort() or stop() set
// timed_out or stopping (they cancel timer when waiting is true). A wait that ends without the
// slot withdraws from the gate. The flags belong to the session, which outlives the wait.
boost::asio::awaitable<gate_result> wait_for_slot(connect_gate* gate, connect_gate::waiter& w,
                                                  boost::asio::steady_timer& timer, bool& waiting,
                                                  const bool& timed_out, const bool& stopping);

}  // namespace loadgen
