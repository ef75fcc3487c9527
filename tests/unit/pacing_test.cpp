// The pacing decision (core/pacing.hpp) on a manual clock: nothing sleeps.
#include "loadgen/core/pacing.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace loadgen {
namespace {

// Drives the decision as connection_slot does, with a clock that moves only when told: a sleep
// jumps to its wake time plus the wake-up delay, a spin costs spin_cost. Returns when it sends.
struct manual_run {
  nanos now = 0;
  nanos wake_delay = 0;
  nanos spin_cost = 1'000;
  std::vector<pace_action> steps;
  nanos until_sent(nanos due, nanos busy_wait) {
    for (;;) {
      const pace_step s = next_pacing_step(now, due, busy_wait);
      steps.push_back(s.action);
      if (s.action == pace_action::send) return now;
      now = s.action == pace_action::sleep ? s.until + wake_delay : now + spin_cost;
    }
  }
};

TEST(pacing, sleeps_then_spins_then_sends_on_time) {
  manual_run r;
  r.wake_delay = 45'000;  // a VM's wake-up
  const nanos sent = r.until_sent(1'000'000, 100'000);
  // Woke 55 us before due, spun 55 steps of 1 us: sent exactly at the due time.
  EXPECT_EQ(sent, 1'000'000);
  EXPECT_EQ(r.steps.front(), pace_action::sleep);
  EXPECT_EQ(r.steps.back(), pace_action::send);
  EXPECT_EQ(std::count(r.steps.begin(), r.steps.end(), pace_action::spin), 55);
}

TEST(pacing, without_busy_wait_the_wake_up_is_dispatch_lag) {
  manual_run r;
  r.wake_delay = 45'000;
  EXPECT_EQ(r.until_sent(1'000'000, 0) - 1'000'000, 45'000);
  EXPECT_EQ(r.steps, (std::vector<pace_action>{pace_action::sleep, pace_action::send}));
}

TEST(pacing, a_late_call_is_sent_at_once) {
  EXPECT_EQ(next_pacing_step(2'000, 1'000, 100).action, pace_action::send);
  EXPECT_EQ(next_pacing_step(1'000, 1'000, 100).action, pace_action::send);
  EXPECT_EQ(next_pacing_step(950, 1'000, 100).action, pace_action::spin);
  const pace_step s = next_pacing_step(0, 1'000, 100);
  EXPECT_EQ(s.action, pace_action::sleep);
  EXPECT_EQ(s.until, 900);
}

TEST(pacing, due_calls_are_classified_by_cause) {
  // The previous call ended after this one fell due: the server held it up.
  EXPECT_TRUE(classify_due_call(5'000, 1'000, 3'000, 10'000, false).connection_busy);
  EXPECT_FALSE(classify_due_call(5'000, 1'000, 900, 10'000, false).connection_busy);
  // -nocatchup skips only a slot more than one interval in the past.
  EXPECT_FALSE(classify_due_call(10'999, 1'000, 0, 10'000, true).skip);
  EXPECT_TRUE(classify_due_call(11'001, 1'000, 0, 10'000, true).skip);
  EXPECT_FALSE(classify_due_call(11'001, 1'000, 0, 10'000, false).skip);
}

}  // namespace
}  // namespace loadgen
