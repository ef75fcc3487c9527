// The connect gate: connects in flight capped per worker, the rest queued in arrival order, and
// whether the queue is moving (a connect answered within a window), which decides whether a
// queued call's wait counts against its -timeout. Steady times are given by hand.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connect_gate.hpp"

namespace loadgen {
namespace {

constexpr nanos ms = 1'000'000;

struct queued_waiter {
  explicit queued_waiter(boost::asio::io_context& io) : timer(io) { w.timer = &timer; }
  boost::asio::steady_timer timer;
  connect_gate::waiter w;
};

TEST(connect_gate, caps_connects_in_flight_and_grants_in_arrival_order) {
  boost::asio::io_context io;
  connect_gate gate(2);
  queued_waiter a(io), b(io), c(io), d(io);
  EXPECT_TRUE(gate.try_enter(a.w));
  EXPECT_TRUE(gate.try_enter(b.w));
  EXPECT_FALSE(gate.try_enter(c.w));
  EXPECT_FALSE(gate.try_enter(d.w));
  EXPECT_EQ(gate.in_flight(), 2);
  EXPECT_EQ(gate.queued(), 2u);
  gate.leave();  // a's connect is over: the slot passes to c, the oldest waiter
  EXPECT_TRUE(c.w.granted);
  EXPECT_FALSE(d.w.granted);
  EXPECT_EQ(gate.in_flight(), 2);
  EXPECT_EQ(gate.queued(), 1u);
  gate.leave();
  gate.leave();
  gate.leave();
  EXPECT_TRUE(d.w.granted);
  EXPECT_EQ(gate.in_flight(), 0);
  EXPECT_EQ(gate.queued(), 0u);
}

TEST(connect_gate, a_withdrawn_waiter_leaves_the_queue_and_a_granted_one_passes_its_slot_on) {
  boost::asio::io_context io;
  connect_gate gate(1);
  queued_waiter a(io), b(io), c(io);
  ASSERT_TRUE(gate.try_enter(a.w));
  ASSERT_FALSE(gate.try_enter(b.w));
  ASSERT_FALSE(gate.try_enter(c.w));
  gate.withdraw(b.w);  // b gives up (its deadline, or a stop) before its turn
  EXPECT_EQ(gate.queued(), 1u);
  gate.leave();
  EXPECT_FALSE(b.w.granted);
  EXPECT_TRUE(c.w.granted);
  gate.withdraw(c.w);  // c was granted but gave up before it connected: the slot is free again
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(connect_gate, moves_only_while_connects_are_answered_within_the_window) {
  connect_gate gate(1);
  const nanos timeout = 3000 * ms;
  EXPECT_FALSE(gate.moving(10 * ms, timeout)) << "no connect answered yet";
  boost::asio::io_context io;
  queued_waiter a(io), b(io);
  ASSERT_TRUE(gate.try_enter(a.w));
  gate.leave();  // our own -timeout ended it (a black-holed server): not an answer
  EXPECT_FALSE(gate.moving(20 * ms, timeout));
  ASSERT_TRUE(gate.try_enter(b.w));
  gate.leave(100 * ms);  // answered at 100 ms
  EXPECT_TRUE(gate.moving(100 * ms, timeout));
  EXPECT_TRUE(gate.moving(3099 * ms, timeout));
  EXPECT_FALSE(gate.moving(3100 * ms, timeout)) << "a whole -timeout without an answer";
  queued_waiter c(io);
  ASSERT_TRUE(gate.try_enter(c.w));
  gate.leave(50 * ms);  // an older answer never moves the mark back
  EXPECT_TRUE(gate.moving(3000 * ms, timeout));
}

}  // namespace
}  // namespace loadgen
