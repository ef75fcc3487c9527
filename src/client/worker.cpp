#include "worker.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <cstdlib>
#include <condition_variable>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "connection_slot.hpp"

namespace loadgen {

namespace net = boost::asio;

namespace {
struct snapshot_mailbox {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  live_snapshot value;
  histogram* retired = nullptr;  // the tap half the worker just flipped out
};
}  // namespace

int worker::max_connects_in_flight() {
  static const int limit = [] {
    const char* text = std::getenv("LOADGEN_CONNECTS_IN_FLIGHT");
    const long value = text ? std::strtol(text, nullptr, 10) : 0;
    return value >= 1 && value <= 65536 ? static_cast<int>(value) : 256;
  }();
  return limit;
}

worker::worker(run_context& run, std::vector<int> connection_indexes)
    // Only this thread does I/O on this context; other threads only post(). That lets Asio skip
    // its reactor locks on the per-request path.
    : run_(run),
      ctx_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      stats_(run.options->latency_from == measure_from::sent),
      rng_(0x5DEECE66Dull + static_cast<std::uint64_t>(connection_indexes.empty() ? 0 : connection_indexes.front())),
      watchdog_(ctx_) {
  if (run.access_log) log_.emplace(*run.access_log, run.options->access_log, run.access_request);
  const load_plan& plan = *run.plan;
  // Reserved: growing the vector runs its reallocation, which GCC puts in the constructor's .cold
  // part, away from the code a run executes; mapping that page cost a 64 KB window of code.
  slots_.reserve(connection_indexes.size());
  for (int i : connection_indexes) {
    const std::int64_t calls = plan.calls_per_connection.empty() ? -1 : plan.calls_per_connection[static_cast<std::size_t>(i)];
    slots_.push_back(std::make_unique<connection_slot>(*this, i, calls, plan.planned_per_connection));
  }
}

worker::~worker() = default;

void worker::start_watchdog() {
  // One coarse timer per worker instead of a timer per call: arming a timer per call would cost
  // a timerfd syscall per request. A call therefore times out between timeout and timeout+tick.
  const nanos tick = std::clamp<nanos>(run_.options->timeout / 8, ns_per_ms, 100 * ns_per_ms);
  watchdog_.expires_after(std::chrono::nanoseconds(tick));
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec || active_ == 0) return;
    const nanos now = steady_clock::now();
    for (auto& s : slots_) s->check_deadline(now);
    start_watchdog();
  });
}

template <class Make, class Then>
void worker::spawn(connection_slot& slot, Make&& make, Then then) {
  ++active_;
  net::co_spawn(ctx_, std::forward<Make>(make), [this, &slot, then = std::move(then)](std::exception_ptr e) mutable {
    if (e) {
      ++crashes_;
      stats_.note_failure(slot.on_crash(e));
    }
    then();
    connection_done();
  });
}

void worker::connection_done() {
  if (--active_ == 0) watchdog_.cancel();
}

void worker::spawn_warmup(std::vector<call_record>& results) {
  const std::size_t i = next_warmup_++;
  spawn(*slots_[i], slots_[i]->warmup(&results[i]), [this, &results] {
    // The next connection's warmup takes this one's place (none after a stop: like a warmup
    // that the stop abandoned, its result stays empty).
    if (next_warmup_ < slots_.size() && !run_.stop.load(std::memory_order_relaxed)) spawn_warmup(results);
  });
}

std::optional<warmup_failure> worker::warmup() {
  std::vector<call_record> results(slots_.size());
  // At most as many warmup calls at once as connects may be in flight (connect_gate): the
  // others would only wait in the connect queue, each in a chain of five coroutine frames and a
  // timer wait (about 1.2 KB), and those chains set a duration run's peak memory (0.9 MB of it
  // at -c 1000, 11 MB at -c 10000).
  active_ = 0;
  next_warmup_ = 0;
  const auto at_once = static_cast<std::size_t>(max_connects_in_flight());
  while (next_warmup_ < std::min(slots_.size(), at_once)) spawn_warmup(results);
  start_watchdog();
  ctx_.run();
  ctx_.restart();
  for (const auto& r : results)
    if (!is_ok_status(r.status)) return warmup_failure{r.status, r.total_bytes, r.error};
  return std::nullopt;
}

void worker::run() {
  if (run_.stop.load()) {  // stopped before the start (a signal, a failed warmup): nothing to run
    finished_.store(true, std::memory_order_release);
    return;
  }
  // Paced calls leave on timers: the kernel's default 50 us timer slack would show up as dispatch
  // lag, so ask for 1 us on this thread.
  if (run_.plan->qps_per_connection > 0) prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  if (log_) log_->set_clock_offset(run_.unix_offset);  // set with run_.start, before the release
  active_ = 0;
  for (auto& s : slots_) spawn(*s, s->run(), [] {});
  start_watchdog();
  if (run_.options->busy_poll) {
    // -busy-poll: poll instead of sleeping in epoll_wait, so a response is picked up as soon as
    // it lands. With one or two connections at max speed the run is bound by that wake-up, not
    // by CPU; the price is a whole core per thread, which is why it is only done when asked.
    while (!ctx_.stopped()) {
      ctx_.poll();
      if (active_ == 0) break;
    }
  } else {
    ctx_.run();
  }
  if (log_) log_->flush();  // every line is out before the report
  finished_.store(true, std::memory_order_release);
}

live_snapshot worker::snapshot(histogram& recent) {
  const auto direct = [&] {
    drain(tap_.flip(), recent);
    return live_snapshot::of(stats_, steady_clock::now());
  };
  if (finished_.load(std::memory_order_acquire)) return direct();
  // Ask the worker's thread for the counters and the flip (both O(1) there); if the worker
  // finishes meanwhile, the posted handler never runs, so wait in short steps and fall back to
  // reading the finished worker directly.
  auto state = std::make_shared<snapshot_mailbox>();
  net::post(ctx_, [this, state] {
    live_snapshot s = live_snapshot::of(stats_, steady_clock::now());
    histogram& retired = tap_.flip();
    std::lock_guard lock(state->mutex);
    state->value = std::move(s);
    state->retired = &retired;
    state->ready = true;
    state->cv.notify_one();
  });
  std::unique_lock lock(state->mutex);
  while (!state->cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return state->ready; })) {
    if (finished_.load(std::memory_order_acquire)) return direct();
  }
  // The retired half is not touched by the worker until its next flip, which only a later
  // snapshot asks for: drain it here, off the worker's thread.
  drain(*state->retired, recent);
  return std::move(state->value);
}

void worker::wake() {
  net::post(ctx_, [this] {
    for (auto& s : slots_) s->wake();
  });
}

void worker::abort_run() {
  run_.aborted.store(true);
  if (run_.request_stop) run_.request_stop();
}

}  // namespace loadgen
