// The connect gate: connects in flight capped per worker, the rest queued in arrival order, and
// whether the queue is moving (the latest connect to end was answered), which decides whether a
// queued call's wait counts against its -timeout.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connect_gate.hpp"

namespace loadgen {
namespace {

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

TEST(connect_gate, moves_while_the_latest_connect_to_end_was_answered) {
  connect_gate gate(2);
  EXPECT_TRUE(gate.moving()) << "no connect has ended yet: nothing says the server is silent";
  gate.record(false);  // our -timeout ended a connect (a black-holed server)
  EXPECT_FALSE(gate.moving());
  gate.record(true);  // a later connect got an answer
  EXPECT_TRUE(gate.moving());
  {
    boost::asio::io_context io;
    queued_waiter a(io);
    ASSERT_TRUE(gate.try_enter(a.w));
    { gate_pass unanswered(&gate); }  // the pass records the outcome and gives the slot back
  }
  EXPECT_FALSE(gate.moving());
  EXPECT_EQ(gate.in_flight(), 0);
}

}  // namespace
}  // namespace loadgen
