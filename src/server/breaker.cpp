#include "breaker.hpp"

#include <boost/asio/post.hpp>

namespace loadgen {

namespace net = boost::asio;

namespace {

void wake(const breaker::waiter& w) {
  w.granted->store(true);
  net::post(w.timer->get_executor(), [t = w.timer] { t->cancel(); });
}

}  // namespace

breaker::admission breaker::enter(const waiter& w) {
  std::lock_guard lock(mutex_);
  if (active_ < max_active_) {
    ++active_;
    return admission::now;
  }
  if (static_cast<int>(queue_.size()) < max_pending_) {
    queue_.push_back(w);
    return admission::queued;
  }
  ++shed_;
  ++shed_since_report_;
  return admission::shed;
}

void breaker::leave() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) {
    --active_;
    return;
  }
  waiter w = queue_.front();
  queue_.pop_front();
  wake(w);
}

void breaker::release_all() {
  std::lock_guard lock(mutex_);
  for (auto& w : queue_) wake(w);
  active_ += static_cast<int>(queue_.size());
  queue_.clear();
}

std::int64_t breaker::shed() {
  std::lock_guard lock(mutex_);
  return shed_;
}

std::tuple<std::int64_t, int, int> breaker::take_report() {
  std::lock_guard lock(mutex_);
  const std::int64_t n = shed_since_report_;
  shed_since_report_ = 0;
  return {n, active_, static_cast<int>(queue_.size())};
}

}  // namespace loadgen
