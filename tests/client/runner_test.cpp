// The client engine in-process, through its seams: a session that fails the way a bug or a full
// heap would, the signal mask after a run, and the connect gate.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <new>

#include <boost/asio/io_context.hpp>

#include "connect_gate.hpp"
#include "loadgen/client/runner.hpp"

namespace loadgen {
namespace {

// Answers 200 at once, and throws std::bad_alloc on its third call.
class throwing_session final : public session {
public:
  boost::asio::awaitable<bool> call(call_record& rec) override {
    if (++calls_ == 3) throw std::bad_alloc();
    rec.sent = steady_clock::now();
    rec.status = 200;
    rec.done = rec.sent;
    co_return true;
  }
  void abort() noexcept override {}
  void stop() noexcept override {}
  void close() noexcept override {}
  const std::string& failure() const noexcept override { return none_; }
  const std::string& location() const noexcept override { return none_; }

private:
  int calls_ = 0;
  std::string none_;
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
