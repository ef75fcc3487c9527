// The circuit breaker's admission guard: a slot is given back however the request's scope ends.
#include <gtest/gtest.h>

#include <stdexcept>

#include <boost/asio/io_context.hpp>

#include "breaker.hpp"

namespace loadgen {
namespace {

int active(breaker& b) { return std::get<1>(b.take_report()); }
int pending(breaker& b) { return std::get<2>(b.take_report()); }

TEST(breaker_slot, released_when_the_scope_exits_by_an_exception) {
  boost::asio::io_context ctx;
  breaker b(1, 0);
  try {
    breaker_slot slot(b, ctx.get_executor());
    ASSERT_TRUE(slot.admitted());
    throw std::runtime_error("request failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(active(b), 0);
  breaker_slot next(b, ctx.get_executor());
  EXPECT_TRUE(next.admitted());
}

TEST(breaker_slot, over_the_limits_is_shed_and_holds_nothing) {
  boost::asio::io_context ctx;
  breaker b(1, 0);
  breaker_slot first(b, ctx.get_executor());
  {
    breaker_slot second(b, ctx.get_executor());
    EXPECT_TRUE(second.shed());
    EXPECT_FALSE(second.admitted());
  }
  EXPECT_EQ(active(b), 1);
  EXPECT_EQ(b.shed(), 1);
  first.release();
  first.release();  // idempotent
  EXPECT_EQ(active(b), 0);
}

TEST(breaker_slot, a_queued_request_that_goes_away_leaves_the_queue) {
  boost::asio::io_context ctx;
  breaker b(1, 1);
  breaker_slot first(b, ctx.get_executor());
  {
    breaker_slot queued(b, ctx.get_executor());
    EXPECT_FALSE(queued.admitted());
    EXPECT_FALSE(queued.shed());
    EXPECT_EQ(pending(b), 1);
  }
  EXPECT_EQ(pending(b), 0);
  first.release();
  EXPECT_EQ(active(b), 0);
}

TEST(breaker_slot, a_slot_granted_to_a_request_that_went_away_is_passed_on) {
  boost::asio::io_context ctx;
  breaker b(1, 1);
  breaker_slot first(b, ctx.get_executor());
  {
    breaker_slot queued(b, ctx.get_executor());
    first.release();  // the slot goes to `queued`, which never resumes to take it
    EXPECT_EQ(active(b), 1);
  }
  EXPECT_EQ(active(b), 0);
  EXPECT_EQ(pending(b), 0);
}

}  // namespace
}  // namespace loadgen
