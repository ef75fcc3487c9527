#include "connect_gate.hpp"

#include <algorithm>

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

}  // namespace loadgen
