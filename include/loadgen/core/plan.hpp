#pragma once
// The run's plan (pure): how many connections, threads and calls, at which rate, and what the
// run's window is. Decided once, from the options and what the machine allows; the banner, the
// runner and the JSON all read this one plan, so they cannot disagree.
//
// Fortio's rules, kept so that counts match (periodic.go, runQPSSetup):
//   paced, -t or -n: planned calls = -n, or int(qps * t);
//     fewer than 2 in a -t run: 2 calls on 1 connection ("Increasing the number of calls ...");
//     2 * connections > planned calls: connections = calls / 2 ("Lowering number of threads ...").
//   -t paced: int(planned / connections) calls per connection (the remainder is not made).
//   -n: connection 0 also makes the remainder; never more connections than calls, so exactly n
//     calls are made (Fortio makes n + c - 1 when c > n at max speed).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen {

struct load_plan {
  int connections = 0;     // effective connection slots (Fortio's "threads")
  int threads = 0;         // worker threads, never more than connections
  // -h2 -streams N: slots i*N .. i*N+N-1 are the streams of one HTTP/2 connection (connections
  // above is then -c * N call slots, and they stay on one worker). 1 otherwise.
  int streams = 1;
  int cpus = 0;            // CPUs the process may use (affinity capped by the cgroup limit)
  std::vector<std::int64_t> calls_per_connection;  // -n mode; empty otherwise
  std::int64_t planned_per_connection = 0;         // -t with a constant paced rate: the cap; 0 = none
  double qps_per_connection = 0;                   // <= 0: max speed
  nanos busy_wait = 0;     // paced: spin this long before each due time (-busy-wait; 0 by default)
  // Paced runs: the schedule's span, i.e. when the call after the last planned one would be due
  // (per connection: calls / rate). Fortio's rate lines and ActualDuration use at least this, as
  // Fortio's own run lasts it. 0: no fixed window (max speed, until interrupted).
  nanos window = 0;
  std::vector<std::string> warnings;  // Fortio's warnings about changed counts, to log once

  std::int64_t planned_calls() const noexcept;  // -n, or connections * planned_per_connection; 0: open
};

// affinity_cpus: sched_getaffinity's count. cgroup_limit: the cgroup CPU quota in CPUs, if any.
// The busy-wait is options.busy_wait as asked (0 by default), under a cgroup limit too: whoever
// asks for a spin there has dedicated the quota to it.
load_plan make_plan(const run_options& options, int affinity_cpus, std::optional<double> cgroup_limit);

}  // namespace loadgen
