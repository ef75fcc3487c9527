#include "loadgen/core/plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "loadgen/core/cpu_limit.hpp"

namespace loadgen {

std::int64_t load_plan::planned_calls() const noexcept {
  if (!calls_per_connection.empty()) {
    std::int64_t total = 0;
    for (const auto n : calls_per_connection) total += n;
    return total;
  }
  return planned_per_connection * connections;
}

namespace {

// Paced runs: Fortio's planned call count and the connection count it allows (see plan.hpp).
void plan_paced(const run_options& o, load_plan& p) {
  if (o.until_interrupted()) return;
  std::int64_t calls = o.count_mode() ? o.calls : static_cast<std::int64_t>(std::floor(o.qps * to_seconds(o.duration)));
  if (!o.count_mode() && calls < 2) {
    p.warnings.emplace_back("Increasing the number of calls to the minimum of 2 with 1 thread. total duration will increase");
    calls = 2;
    p.connections = 1;
  }
  if (2 * static_cast<std::int64_t>(p.connections) > calls) {
    const int lowered = static_cast<int>(std::max<std::int64_t>(1, calls / 2));
    p.warnings.push_back(fmt::format("Lowering number of threads - total call {} -> lowering from {} to {} threads",
                                     calls, p.connections, lowered));
    p.connections = lowered;
  }
  if (!o.count_mode() && o.arrival == arrival_kind::constant && o.ramp == 0)
    p.planned_per_connection = calls / p.connections;
}

// The schedule's span for a paced run: per connection, calls / rate; with a ramp or Poisson
// arrivals the calls are bounded by -t instead.
nanos window_of(const run_options& o, const load_plan& p) {
  if (p.qps_per_connection <= 0 || o.until_interrupted()) return 0;
  std::int64_t per = p.planned_per_connection;
  for (const auto n : p.calls_per_connection) per = std::max(per, n);
  if (per > 0 && o.arrival == arrival_kind::constant && o.ramp == 0)
    return static_cast<nanos>(std::llround(static_cast<double>(per) * 1e9 / p.qps_per_connection));
  return o.count_mode() ? 0 : o.duration;
}

}  // namespace

load_plan make_plan(const run_options& o, int affinity_cpus, std::optional<double> cgroup_limit) {
  load_plan p;
  p.streams = o.h2 ? std::max(1, o.streams) : 1;
  p.connections = std::max(1, o.connections) * p.streams;
  if (!o.max_speed()) plan_paced(o, p);
  if (o.count_mode()) {
    p.calls_per_connection = split_calls(o.calls, p.connections);
    p.connections = static_cast<int>(p.calls_per_connection.size());
  }
  p.qps_per_connection = o.max_speed() ? 0 : o.qps / p.connections;
  p.cpus = threads_for(affinity_cpus, cgroup_limit);
  const int groups = (p.connections + p.streams - 1) / p.streams;  // the streams of a connection share its worker
  p.threads = std::max(1, std::min(o.threads > 0 ? o.threads : p.cpus, groups));
  p.busy_wait = o.busy_wait;
  p.window = window_of(o, p);
  return p;
}

}  // namespace loadgen
