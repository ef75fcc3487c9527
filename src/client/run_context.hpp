#pragma once
// What the runner hands every worker: read-only settings fixed before the threads start (the
// options, the plan, the route, the request bytes), plus the few atomics that cross threads (stop,
// abort). Nothing here is written on the per-request path except by request_stop(), at most once.
#include <atomic>
#include <functional>
#include <limits>

#include "loadgen/client/session.hpp"
#include "loadgen/core/access_log_line.hpp"
#include "loadgen/core/clock.hpp"
#include "loadgen/core/options.hpp"
#include "loadgen/core/plan.hpp"
#include "loadgen/wire/http_request.hpp"
#include "route.hpp"

namespace loadgen {
class access_log_file;
}

namespace loadgen {

struct run_context {
  const run_options* options = nullptr;
  const load_plan* plan = nullptr;
  route where;
  request_set requests;
  session_factory make_session;  // the protocol; HTTP/1.1 unless a caller plugs in another

  // Set once the warmup is over (or at once without warmup); workers wait for it.
  nanos start = 0;
  nanos end = std::numeric_limits<nanos>::max();  // start + duration; max when counting calls or until interrupted
  nanos unix_offset = 0;  // Unix ns minus steady ns, taken with `start` (the access log's timestamps)

  access_log_file* access_log = nullptr;  // -access-log-file; null: none
  access_log_request access_request;      // what its siege lines say of the request

  std::atomic<bool> stop{false};     // no new calls (signal, -abort-on, warmup failure)
  std::atomic<bool> aborted{false};  // -abort-on matched
  // Thread-safe: sets stop and wakes every worker so sleeping connections notice. Set by the runner.
  std::function<void()> request_stop;
};

}  // namespace loadgen
