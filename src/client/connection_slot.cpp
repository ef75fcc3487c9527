#include "connection_slot.hpp"

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/core/pacing.hpp"
#include "worker.hpp"

namespace loadgen {

namespace net = boost::asio;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
std::chrono::steady_clock::time_point to_time_point(nanos t) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(t));
}
}  // namespace

connection_slot::connection_slot(worker& owner, int index, std::int64_t calls, std::int64_t planned_cap)
    : owner_(owner), index_(index), calls_left_(calls), planned_cap_(planned_cap), timer_(owner.context()) {
  const run_context& run = owner.shared();
  session_env env{owner.context(), *run.options, run.where, run.requests};
  env.gate = &owner.gate();
  env.read_spill = &owner.read_spill();
  env.turns = &owner.turns();
  env.heads = &owner.heads();
  env.stats = &owner.stats();
  env.rng = &owner.rng();
  env.index = index;
  env.doorbell = &timer_;  // idle while the session's call() runs: pacing sleeps and run_fast() come before or after
  session_ = run.make_session ? run.make_session(env) : make_http1_session(env);
}

connection_slot::~connection_slot() = default;

void connection_slot::check_deadline(nanos now) {
  if (deadline_ == 0 || now < deadline_) return;
  // A wait in this worker's own connect queue does not count against -timeout while the
  // connects ahead are being answered (see connect_gate): the call keeps its place, and once its
  // connect starts it has a whole -timeout from then, as each Fortio dial has. When the connects
  // ahead end by their own -timeout (a server that answers nothing), the wait ends as a timeout.
  const connect_queue_state queue = session_->connect_queue();
  const nanos timeout = owner_.shared().options->timeout;
  if (queue.queued ? owner_.gate().moving() : queue.left_at != 0 && now < queue.left_at + timeout) return;
  deadline_ = 0;
  session_->abort();
}

void connection_slot::wake() {
  if (sleeping_) {
    timer_.cancel();
    if (pace_timer_) pace_timer_->cancel();  // a fast call's pacing sleep: on_due() ends the stretch
  }
  session_->stop();
}

std::string connection_slot::on_crash(const std::exception_ptr& e) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    what = ex.what();
  } catch (...) {
  }
  deadline_ = 0;
  session_->close();
  if (in_flight_ && !warming_up_) {  // a warmup call is not counted (it fails the warmup instead)
    in_flight_ = false;
    current_.status = status_transport_error;
    current_.error = transport_error::internal;
    if (current_.sent == 0) current_.sent = current_.due;
    current_.done = steady_clock::now();
    owner_.record(current_, index_, recorded_++);
  }
  return "internal error on connection " + std::to_string(index_) + ": " + what;
}

void connection_slot::begin_call(nanos now) noexcept {
  // -timeout bounds the whole call from the moment it starts: a wait for a connect slot included,
  // unless the connects ahead are being answered (check_deadline()).
  deadline_ = now + owner_.shared().options->timeout;
  in_flight_ = true;
}

void connection_slot::end_call() noexcept {
  in_flight_ = false;
  deadline_ = 0;
}

net::awaitable<void> connection_slot::warmup(call_record* result) {
  warming_up_ = true;
  current_ = call_record{};
  current_.due = steady_clock::now();
  begin_call(current_.due);
  co_await session_->call(current_);
  end_call();
  warming_up_ = false;
  *result = current_;
}

net::awaitable<void> connection_slot::wait_until(nanos due, nanos busy_wait) {
  const std::atomic<bool>& stop = owner_.shared().stop;
  const auto executor = owner_.context().get_executor();
  while (!stop.load(std::memory_order_relaxed)) {
    const pace_step step = next_pacing_step(steady_clock::now(), due, busy_wait);
    if (step.action == pace_action::send) co_return;
    if (step.action == pace_action::sleep) {
      timer_.expires_at(to_time_point(step.until));
      sleeping_ = true;
      co_await timer_.async_wait(use_tuple);
      sleeping_ = false;
    } else {
      // Spin, going round the event loop each time so that the other connections' I/O (and
      // their response timestamps) is not held up.
      co_await net::post(executor, net::use_awaitable);
    }
  }
}

void connection_slot::make_schedule() {
  const run_context& run = owner_.shared();
  const run_options& o = *run.options;
  schedule_config sc;
  sc.qps = run.plan->qps_per_connection;
  sc.connection_index = index_;
  sc.connections = run.plan->connections;
  sc.uniform = o.uniform;
  sc.jitter = o.jitter;
  sc.arrival = o.arrival;
  sc.ramp = o.ramp;
  sc.seed = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(index_ + 1);
  schedule_.emplace(sc, run.start);
  // Paced calls take the fast path too, sleeping on a timer of their own (timer_ is run_fast()'s
  // doorbell meanwhile). -busy-wait's spins go round the event loop: they stay on the coroutine.
  if (run.plan->busy_wait == 0) pace_timer_.emplace(owner_.context());
}

bool connection_slot::may_continue() const noexcept {
  return !owner_.shared().stop.load(std::memory_order_relaxed) && calls_left_ != 0 &&
         (planned_cap_ == 0 || slots_ < planned_cap_);
}

bool connection_slot::after_call(bool made) {
  end_call();
  if (!made) return false;  // abandoned: the run is stopping
  if (calls_left_ > 0) --calls_left_;
  previous_done_ = current_.done;
  owner_.record(current_, index_, recorded_++);
  if (const int abort_on = owner_.shared().options->abort_on; abort_on != 0 && current_.status == abort_on) {
    owner_.abort_run();
    return false;
  }
  return true;
}

bool connection_slot::start_fast_call() {
  const run_context& run = owner_.shared();
  for (;;) {
    if (!may_continue()) {
      fast_end_ = fast_end::ended;
      return false;
    }
    if (!session_->can_call_fast()) {
      fast_end_ = fast_end::slow;
      return false;
    }
    current_ = call_record{};
    if (!schedule_) {
      current_.due = steady_clock::now();
      if (current_.due >= run.end) {
        fast_end_ = fast_end::ended;
        return false;
      }
      ++slots_;
      begin_call(current_.due);
      session_->call_fast(current_, &connection_slot::on_fast_done, this);
      return true;
    }
    // Paced: the due time as run()'s paced calls take it, then a callback for the sleep.
    if (!take_paced_due()) {
      fast_end_ = fast_end::ended;
      return false;
    }
    pace_fast_call();
    return true;
  }
}

bool connection_slot::take_paced_due() {
  const run_context& run = owner_.shared();
  while (may_continue()) {
    current_ = call_record{};
    current_.due = schedule_->next();
    if (current_.due >= run.end) return false;
    const due_call due = classify_due_call(steady_clock::now(), current_.due, previous_done_, schedule_->interval(),
                                           run.options->nocatchup);
    current_.connection_busy = due.connection_busy;
    ++slots_;
    if (!due.skip) return true;
    // This slot passed while the connection was busy: skip it rather than send late. A skip is
    // not a call: with -n, exactly n calls are still made.
    owner_.stats().record_skipped();
  }
  return false;
}

void connection_slot::pace_fast_call() {
  const nanos now = steady_clock::now();
  const pace_step step = next_pacing_step(now, current_.due, 0);
  if (step.action != pace_action::send) {
    sleeping_ = true;
    pace_timer_->expires_at(to_time_point(step.until));
    pace_timer_->async_wait([this](const boost::system::error_code&) { on_due(); });
    return;
  }
  begin_call(now);
  if (!session_->can_call_fast()) {
    // The connection went while this call waited (a server's close): call() makes it, with a
    // connect, as run() makes a call the fast path cannot.
    finish_fast(fast_end::due);
    return;
  }
  session_->call_fast(current_, &connection_slot::on_fast_done, this);
}

void connection_slot::on_due() {
  sleeping_ = false;
  if (owner_.shared().stop.load(std::memory_order_relaxed)) return finish_fast(fast_end::ended);
  try {
    pace_fast_call();  // a timer that woke early (or a cancel without a stop) sleeps again
  } catch (...) {
    finish_fast(fast_end::slow, std::current_exception());
  }
}

void connection_slot::on_fast_done(void* self, fast_outcome outcome, std::exception_ptr error) {
  auto& slot = *static_cast<connection_slot*>(self);
  // A crash leaves the call in flight, for on_crash() to record, as a throw in call() does.
  if (outcome == fast_outcome::crashed) return slot.finish_fast(fast_end::slow, std::move(error));
  if (outcome == fast_outcome::retry) return slot.finish_fast(fast_end::retry);
  try {
    if (!slot.after_call(true)) return slot.finish_fast(fast_end::ended);
    if (!slot.start_fast_call()) slot.finish_fast(slot.fast_end_);
  } catch (...) {
    slot.finish_fast(fast_end::slow, std::current_exception());
  }
}

void connection_slot::finish_fast(fast_end end, std::exception_ptr error) {
  fast_end_ = end;
  fast_error_ = std::move(error);
  fast_running_ = false;
  timer_.cancel();  // run_fast() waits on it
}

net::awaitable<connection_slot::fast_end> connection_slot::run_fast() {
  if (!start_fast_call()) co_return fast_end_;
  // Parked until finish_fast(): the timer is only this coroutine's doorbell (paced runs, which
  // use it to sleep, do not take this path).
  fast_running_ = true;
  while (fast_running_) {
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(use_tuple);
  }
  if (fast_error_) std::rethrow_exception(std::exchange(fast_error_, nullptr));
  co_return fast_end_;
}

net::awaitable<void> connection_slot::run() {
  const run_context& run = owner_.shared();
  if (run.plan->qps_per_connection > 0) make_schedule();
  while (may_continue()) {
    if ((!schedule_ || pace_timer_) && session_->can_call_fast()) {
      const fast_end end = co_await run_fast();
      if (end == fast_end::ended) break;
      if (end == fast_end::retry || end == fast_end::due) {
        // The call in flight goes on the coroutine way (a new connection, mostly).
        const bool made = co_await session_->call(current_);
        if (!after_call(made)) break;
      }
      continue;  // slow: the next call (a connect) goes below
    }
    if (schedule_) {
      if (!take_paced_due()) break;
      co_await wait_until(current_.due, run.plan->busy_wait);
      if (run.stop.load(std::memory_order_relaxed)) break;
    } else {
      current_ = call_record{};
      current_.due = steady_clock::now();
      if (current_.due >= run.end) break;
      ++slots_;
    }
    // The session's call is awaited here, not through a helper coroutine: every coroutine level
    // is a frame that each of thousands of connections keeps while its call is in flight.
    begin_call(steady_clock::now());
    const bool made = co_await session_->call(current_);
    if (!after_call(made)) break;
  }
  session_->close();
}

}  // namespace loadgen
