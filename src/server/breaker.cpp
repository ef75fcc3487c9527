#include "breaker.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

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
    ++admitted_;
    return admission::now;
  }
  if (static_cast<int>(queue_.size()) < max_pending_) {
    queue_.push_back(w);
    ++queued_;
    return admission::queued;
  }
  ++shed_;
  ++shed_since_report_;
  return admission::shed;
}

void breaker::leave_locked() {
  if (queue_.empty()) {
    --active_;
    return;
  }
  waiter w = queue_.front();
  queue_.pop_front();
  ++admitted_;
  wake(w);
}

void breaker::leave() {
  std::lock_guard lock(mutex_);
  leave_locked();
}

void breaker::abandon(const waiter& w) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(queue_.begin(), queue_.end(), [&](const waiter& q) { return q.granted == w.granted; });
  if (it != queue_.end()) {
    queue_.erase(it);
    return;
  }
  if (w.granted->load()) leave_locked();  // granted while it was going away: pass the slot on
}

void breaker::release_all() {
  std::lock_guard lock(mutex_);
  for (auto& w : queue_) wake(w);
  active_ += static_cast<int>(queue_.size());
  admitted_ += static_cast<std::int64_t>(queue_.size());
  queue_.clear();
}

std::int64_t breaker::shed() {
  std::lock_guard lock(mutex_);
  return shed_;
}

breaker::counters breaker::snapshot() {
  std::lock_guard lock(mutex_);
  return {admitted_, queued_, shed_, active_, static_cast<int>(queue_.size()), max_active_, max_pending_};
}

std::tuple<std::int64_t, int, int> breaker::take_report() {
  std::lock_guard lock(mutex_);
  const std::int64_t n = shed_since_report_;
  shed_since_report_ = 0;
  return {n, active_, static_cast<int>(queue_.size())};
}

breaker_slot::breaker_slot(breaker& b, const net::any_io_executor& executor)
    : breaker_(b),
      waiter_{std::make_shared<net::steady_timer>(executor), std::make_shared<std::atomic<bool>>(false)} {
  switch (breaker_.enter(waiter_)) {
    case breaker::admission::now: state_ = state::holding; break;
    case breaker::admission::queued: state_ = state::queued; break;
    case breaker::admission::shed: state_ = state::shed; break;
  }
}

net::awaitable<void> breaker_slot::wait() {
  if (state_ != state::queued) co_return;
  waiter_.timer->expires_at(net::steady_timer::time_point::max());
  while (!waiter_.granted->load()) co_await waiter_.timer->async_wait(net::as_tuple(net::use_awaitable));
  state_ = state::holding;
}

void breaker_slot::release() noexcept {
  if (state_ == state::holding) breaker_.leave();
  else if (state_ == state::queued) breaker_.abandon(waiter_);
  if (state_ != state::shed) state_ = state::released;
}

}  // namespace loadgen
