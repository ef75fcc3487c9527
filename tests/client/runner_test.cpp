// The client engine in-process, through its seams: a session that fails the way a bug or a full
// heap would, the signal mask after a run, and the connect gate.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <new>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connect_gate.hpp"
#include "loadgen/client/runner.hpp"

namespace loadgen {
namespace {

// The parts of a session that the test sessions below leave as they are: nothing to abort, stop
// or close, no failure text, no redirect.
class quiet_session : public session {
public:
  void abort() noexcept override {}
  void stop() noexcept override {}
  void close() noexcept override {}
  const std::string& failure() const noexcept override { return none_; }
  const std::string& location() const noexcept override { return none_; }

private:
  std::string none_;
};

// Answers 200 at once, and throws std::bad_alloc on its third call.
class throwing_session final : public quiet_session {
public:
  boost::asio::awaitable<bool> call(call_record& rec) override {
    if (++calls_ == 3) throw std::bad_alloc();
    rec.sent = steady_clock::now();
    rec.status = 200;
    rec.done = rec.sent;
    co_return true;
  }

private:
  int calls_ = 0;
};

run_options max_speed(std::int64_t calls, int connections) {
  run_options o;
  o.url_text = "http://127.0.0.1:9/";
  o.qps = 0;
  o.calls = calls;
  o.connections = connections;
  o.threads = 1;
  validate(o);
  return o;
}

// Runs the load on another thread, so that a run that never ends fails the test instead of
// hanging it (before the fix, a detached coroutine's exception left the run waiting forever).
run_result run_bounded(const run_options& o, const run_hooks& hooks) {
  const load_plan plan = make_plan(o, 1, std::nullopt);
  auto done = std::async(std::launch::async, [&] { return run_load(o, plan, hooks); });
  if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "the run did not end";
    std::abort();  // the run's threads cannot be joined: end the test binary
  }
  return done.get();
}

TEST(runner, a_session_that_throws_ends_its_connection_and_is_counted) {
  run_hooks hooks;
  hooks.make_session = [](const session_env&) { return std::make_unique<throwing_session>(); };
  const run_result r = run_bounded(max_speed(10, 2), hooks);
  // Each of the 2 connections (5 calls planned each): 2 answered, the 3rd threw, then it ended.
  EXPECT_EQ(r.stats.calls(), 6);
  EXPECT_EQ(r.stats.status_counts[200], 4);
  EXPECT_EQ(r.stats.transport_counts[static_cast<std::size_t>(transport_error::internal)], 2);
  EXPECT_NE(r.stats.failure_detail.find("internal error on connection"), std::string::npos) << r.stats.failure_detail;
  EXPECT_EQ(r.stats.latency.count(), 6u);  // every call in every histogram: the Code lines add up
}

// What the fast-path sessions of one run did (read after the run, on the test's thread).
struct fast_tally {
  int slow_calls = 0;   // call(): connects, and calls made again after a retry
  int fast_calls = 0;   // call_fast()
  int nested = 0;       // call_fast() called from inside another call_fast() (must stay 0)
};

// A session with a fast path, as http1_session has on an open kept-alive connection: call()
// "connects" and answers 200; while "connected", calls go to call_fast(), which answers later
// (posted) as its script says, cycling: 'd' 200, 'x' 200 then the connection closes, 'r' the
// kept-alive socket was dead (retry), 'c' an exception.
class fast_session final : public quiet_session {
public:
  fast_session(boost::asio::io_context& io, std::string script, fast_tally& tally)
      : io_(io), script_(std::move(script)), tally_(tally) {}
  boost::asio::awaitable<bool> call(call_record& rec) override {
    ++tally_.slow_calls;
    open_ = true;
    answer(rec);
    co_return true;
  }
  bool can_call_fast() const noexcept override { return open_; }
  void call_fast(call_record& rec, fast_done done, void* ctx) override {
    if (inside_) ++tally_.nested;
    inside_ = true;
    ++tally_.fast_calls;
    const char what = script_[step_++ % script_.size()];
    boost::asio::post(io_, [this, what, &rec, done, ctx] {
      if (what == 'r' || what == 'x') open_ = false;
      if (what == 'r') return done(ctx, fast_outcome::retry, nullptr);
      if (what == 'c') return done(ctx, fast_outcome::crashed, std::make_exception_ptr(std::bad_alloc()));
      answer(rec);
      done(ctx, fast_outcome::done, nullptr);
    });
    inside_ = false;
  }
  void close() noexcept override { open_ = false; }

private:
  static void answer(call_record& rec) {
    if (rec.sent == 0) rec.sent = steady_clock::now();
    rec.status = 200;
    rec.done = steady_clock::now();
  }
  boost::asio::io_context& io_;
  std::string script_;
  fast_tally& tally_;
  std::size_t step_ = 0;
  bool open_ = false;
  bool inside_ = false;
};

// What a run of a script should give: calls counted, how they ended, and which way each went.
struct fast_expect {
  std::int64_t calls = 0;
  std::int64_t ok = 0;        // 200s
  std::int64_t internal = 0;  // internal errors (a crash)
  int slow_calls = 0;
  int fast_calls = 0;
};

void expect_script(const std::string& script, std::int64_t calls, int connections, const fast_expect& want) {
  fast_tally tally;
  run_hooks hooks;
  hooks.make_session = [&](const session_env& env) { return std::make_unique<fast_session>(env.io, script, tally); };
  const run_result r = run_bounded(max_speed(calls, connections), hooks);
  SCOPED_TRACE(script);
  EXPECT_EQ(r.stats.calls(), want.calls);
  EXPECT_EQ(r.stats.latency.count(), static_cast<std::uint64_t>(want.calls));  // the Code lines add up
  EXPECT_EQ(r.stats.status_counts[200], want.ok);
  EXPECT_EQ(r.stats.transport_counts[static_cast<std::size_t>(transport_error::internal)], want.internal);
  EXPECT_EQ(tally.slow_calls, want.slow_calls);
  EXPECT_EQ(tally.fast_calls, want.fast_calls);
  EXPECT_EQ(tally.nested, 0);
  if (want.internal > 0) {
    EXPECT_NE(r.stats.failure_detail.find("internal error on connection"), std::string::npos) << r.stats.failure_detail;
  }
}

TEST(fast_path, calls_on_an_open_connection_go_by_callbacks_and_every_one_is_counted) {
  // One connect per connection, then every call on the fast path.
  expect_script("d", 100, 2, {.calls = 100, .ok = 100, .slow_calls = 2, .fast_calls = 98});
}

TEST(fast_path, a_closed_connection_sends_the_next_call_the_coroutine_way) {
  // One connection: connect, d, x (closes after its answer), connect, d, x, ...: 7 connects for 21 calls.
  expect_script("dx", 21, 1, {.calls = 21, .ok = 21, .slow_calls = 7, .fast_calls = 14});
}

TEST(fast_path, a_dead_kept_alive_socket_makes_the_same_call_again_counted_once) {
  // connect (1), d (2), r then call() again (3), d (4), r then call() (5), ...: 15 answered on
  // the fast path, 15 retried there, each retried call counted once.
  expect_script("dr", 31, 1, {.calls = 31, .ok = 31, .slow_calls = 16, .fast_calls = 30});
}

TEST(fast_path, an_exception_ends_the_connection_and_is_counted_as_the_call_in_flight) {
  // Each of 2 connections: connect, d, d, then the crash: 3 answered, the 4th an internal error.
  expect_script("ddc", 20, 2, {.calls = 8, .ok = 6, .internal = 2, .slow_calls = 2, .fast_calls = 6});
}

// Over the sessions of one run: how many first calls (each connection's warmup call) were in
// flight at once, at most, and how many there were. Read after the run, on the test's thread.
struct warmup_tally {
  int in_flight = 0;
  int most = 0;
  int first_calls = 0;
};

// Answers 200 after one turn of the event loop, so that calls started together are in flight
// together.
class yielding_session final : public quiet_session {
public:
  yielding_session(boost::asio::io_context& io, warmup_tally& tally) : io_(io), tally_(tally) {}
  boost::asio::awaitable<bool> call(call_record& rec) override {
    const bool first = calls_++ == 0;
    if (first) {
      ++tally_.first_calls;
      tally_.most = std::max(tally_.most, ++tally_.in_flight);
    }
    rec.sent = steady_clock::now();
    co_await boost::asio::post(io_, boost::asio::use_awaitable);
    if (first) --tally_.in_flight;
    rec.status = 200;
    rec.done = steady_clock::now();
    co_return true;
  }

private:
  boost::asio::io_context& io_;
  warmup_tally& tally_;
  int calls_ = 0;
};

TEST(runner, the_warmup_has_at_most_the_connect_cap_in_flight_and_warms_every_connection) {
  // 300 connections on one thread, whose connects are capped at 256 in flight (the default):
  // the warmup calls beyond the cap would only wait in the connect queue, each in a chain of
  // coroutine frames, so they start as earlier ones end. Every connection is still warmed once.
  run_options o = max_speed(0, 300);
  o.duration = 50 * ns_per_ms;
  validate(o);
  ASSERT_TRUE(o.warmup());
  warmup_tally tally;
  run_hooks hooks;
  hooks.make_session = [&](const session_env& env) { return std::make_unique<yielding_session>(env.io, tally); };
  const run_result r = run_bounded(o, hooks);
  EXPECT_EQ(tally.first_calls, 300);
  EXPECT_EQ(tally.most, 256);
  EXPECT_EQ(tally.in_flight, 0);
  EXPECT_EQ(r.warmup_calls, 300);
  EXPECT_GT(r.stats.calls(), 0);
  EXPECT_EQ(r.stats.status_counts[200], r.stats.calls());  // every measured call a 200
}

TEST(runner, signals_are_unblocked_again_after_the_run) {
  sigset_t before;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  ASSERT_FALSE(sigismember(&before, SIGINT));
  run_hooks hooks;
  hooks.make_session = [](const session_env&) { return std::make_unique<throwing_session>(); };
  run_bounded(max_speed(2, 1), hooks);
  sigset_t after;
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  // Before the fix SIGINT and SIGTERM stayed blocked, so a ^C while the report was written was lost.
  EXPECT_FALSE(sigismember(&after, SIGINT));
  EXPECT_FALSE(sigismember(&after, SIGTERM));
}

TEST(connect_gate, hands_slots_on_in_arrival_order_and_lets_waiters_withdraw) {
  boost::asio::io_context io;
  boost::asio::steady_timer t1(io), t2(io), t3(io);
  connect_gate gate(1);
  connect_gate::waiter a{&t1}, b{&t2}, c{&t3};
  EXPECT_TRUE(gate.try_enter(a));
  EXPECT_FALSE(gate.try_enter(b));
  EXPECT_FALSE(gate.try_enter(c));
  EXPECT_EQ(gate.queued(), 2u);
  gate.withdraw(b);  // b's deadline passed while it waited
  EXPECT_EQ(gate.queued(), 1u);
  gate.leave();      // a's connect is over: the slot goes to c, not to b
  EXPECT_TRUE(c.granted);
  EXPECT_FALSE(b.granted);
  EXPECT_EQ(gate.in_flight(), 1);
  gate.withdraw(c);  // granted, then stopped before connecting: the slot is freed
  EXPECT_EQ(gate.in_flight(), 0);
  EXPECT_EQ(gate.queued(), 0u);
}

}  // namespace
}  // namespace loadgen
