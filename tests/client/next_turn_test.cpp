// next_turn: the steps deferred in one turn run later, in order, as one posted handler; a step
// deferred while a batch runs waits for the next turn; a step that throws loses no other step.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "next_turn.hpp"

namespace loadgen {
namespace {

struct recorder {
  recorder(next_turn& t, char n) : turns(&t), name(n) {}
  std::string seen;
  next_turn* turns;
  char name;
  bool defer_again = false;  // the step defers recorder `again` once more
  recorder* again = nullptr;
  bool throws = false;
};

void note(void* ctx) {
  auto& r = *static_cast<recorder*>(ctx);
  r.seen += r.name;
  if (r.defer_again && r.again) {
    r.defer_again = false;
    r.turns->defer(&note, r.again);
  }
  if (r.throws) {
    r.throws = false;
    throw std::runtime_error("step failed");
  }
}

TEST(next_turn, runs_a_turns_steps_later_in_order_as_one_handler) {
  boost::asio::io_context io;
  next_turn turns(io);
  std::string log;
  recorder a(turns, 'a'), b(turns, 'b'), c(turns, 'c');
  boost::asio::post(io, [&] { log += "H"; });  // queued before the steps: runs before them
  turns.defer(&note, &a);
  turns.defer(&note, &b);
  turns.defer(&note, &c);
  EXPECT_EQ(a.seen + b.seen + c.seen, "");  // nothing runs inside defer()
  EXPECT_EQ(turns.pending(), 3u);
  EXPECT_EQ(io.poll_one(), 1u);  // the earlier handler
  EXPECT_EQ(log, "H");
  EXPECT_EQ(a.seen + b.seen + c.seen, "");
  EXPECT_EQ(io.poll_one(), 1u);  // one handler runs all three
  EXPECT_EQ(a.seen + b.seen + c.seen, "abc");
  EXPECT_EQ(turns.pending(), 0u);
  EXPECT_EQ(io.poll(), 0u);  // nothing else was posted
}

TEST(next_turn, a_step_deferred_by_a_step_runs_on_the_next_turn) {
  boost::asio::io_context io;
  next_turn turns(io);
  recorder later(turns, 'L'), first(turns, 'F');
  first.defer_again = true;
  first.again = &later;
  turns.defer(&note, &first);
  EXPECT_EQ(io.poll_one(), 1u);
  EXPECT_EQ(first.seen, "F");
  EXPECT_EQ(later.seen, "");  // not in the same batch: a step that defers again cannot recurse
  EXPECT_EQ(turns.pending(), 1u);
  EXPECT_EQ(io.poll_one(), 1u);
  EXPECT_EQ(later.seen, "L");
  EXPECT_EQ(io.poll(), 0u);
}

TEST(next_turn, a_step_that_throws_leaves_the_rest_for_the_next_turn) {
  boost::asio::io_context io;
  next_turn turns(io);
  recorder a(turns, 'a'), b(turns, 'b'), c(turns, 'c');
  a.throws = true;
  turns.defer(&note, &a);
  turns.defer(&note, &b);
  EXPECT_THROW(io.poll_one(), std::runtime_error);
  EXPECT_EQ(a.seen, "a");
  EXPECT_EQ(b.seen, "");
  turns.defer(&note, &c);  // deferred after the throw: runs after b
  EXPECT_EQ(turns.pending(), 2u);
  io.restart();
  EXPECT_EQ(io.poll(), 1u);
  EXPECT_EQ(b.seen, "b");
  EXPECT_EQ(c.seen, "c");
  EXPECT_EQ(turns.pending(), 0u);
}

}  // namespace
}  // namespace loadgen
