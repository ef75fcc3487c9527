#pragma once
// The pacing decision of one connection slot in QPS mode (pure), so that it can be tested on a
// manual clock; the coroutine only carries out what these functions say.
//
// A call has a due time from the schedule. Before sending it, the slot asks next_pacing_step()
// until it says `send`: far from the due time it sleeps (on a timer) until busy_wait before it,
// then spins (going round the event loop, so other connections' I/O is served) until it is due.
// Waking from a sleep takes tens of microseconds on a VM; the spin turns that into CPU instead
// of dispatch lag.
#include "loadgen/core/clock.hpp"

namespace loadgen {

enum class pace_action {
  send,   // due (or late): send now
  sleep,  // sleep until `until`, then ask again
  spin,   // yield to the event loop once, then ask again
};

struct pace_step {
  pace_action action = pace_action::send;
  nanos until = 0;  // for sleep: the absolute time to wake
};

// now, due: absolute times (ns). busy_wait >= 0: how long before `due` to stop sleeping.
constexpr pace_step next_pacing_step(nanos now, nanos due, nanos busy_wait) noexcept {
  if (now >= due) return {pace_action::send, 0};
  if (due - busy_wait > now) return {pace_action::sleep, due - busy_wait};
  return {pace_action::spin, 0};
}

// What happens to a call that has come due, decided before waiting for it.
struct due_call {
  bool skip = false;             // -nocatchup: its slot passed while the connection was busy
  bool connection_busy = false;  // the previous call on this connection ended after this one's due time
};

// previous_done: when the previous call on this connection ended (0: none yet). interval: the
// schedule's nominal gap (1/rate). A slot is skipped under -nocatchup when more than one interval
// has passed since it fell due: sending it now would be a burst to catch up, which is what
// -nocatchup forbids.
constexpr due_call classify_due_call(nanos now, nanos due, nanos previous_done, nanos interval,
                                     bool nocatchup) noexcept {
  due_call c;
  c.connection_busy = previous_done > due;
  c.skip = nocatchup && now > due + interval;
  return c;
}

}  // namespace loadgen
