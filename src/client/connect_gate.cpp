#include "connect_gate.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace loadgen {

bool connect_gate::try_enter(waiter& w) {
  w.granted = false;
  if (in_flight_ < max_) {
    ++in_flight_;
    w.granted = true;
    return true;
  }
  queue_.push_back(&w);
  return false;
}

void connect_gate::leave() {
  if (queue_.empty()) {
    --in_flight_;
    return;
  }
  waiter* next = queue_.front();  // the slot passes on: in_flight_ unchanged
  queue_.pop_front();
  next->granted = true;
  next->timer->cancel();
}

void connect_gate::withdraw(waiter& w) {
  if (w.granted) {
    leave();
    w.granted = false;
    return;
  }
  const auto it = std::find(queue_.begin(), queue_.end(), &w);
  if (it != queue_.end()) queue_.erase(it);
}

boost::asio::awaitable<gate_result> wait_for_slot(connect_gate* gate, connect_gate::waiter& w,
                                                  boost::asio::steady_timer& timer, bool& waiting,
                                                  const bool& timed_out, const bool& stopping, nanos& left_at) {
  if (!gate || gate->try_enter(w)) co_return gate_result::entered;
  // Our own queueing, bounded like the rest of the call by its deadline (abort()) and by a stop.
  waiting = true;
  timer.expires_at(boost::asio::steady_timer::time_point::max());
  while (!w.granted && !timed_out && !stopping) co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  waiting = false;
  if (w.granted && !timed_out && !stopping) {
    left_at = steady_clock::now();
    co_return gate_result::entered;
  }
  gate->withdraw(w);
  co_return timed_out ? gate_result::timed_out : gate_result::stopped;
}

}  // namespace loadgen
