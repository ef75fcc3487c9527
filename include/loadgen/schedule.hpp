#pragma once
// When each call of one connection is due, in QPS mode (pure). See shared/design/open-loop.md:
// the schedule is fixed before the run and responses never move it; latency is measured from the
// due time. (Max-speed mode, -qps 0, has no schedule: a call is due when its connection is free.)
#include <cstdint>
#include <random>

#include "loadgen/clock.hpp"

namespace loadgen {

enum class arrival_kind { constant, poisson };

struct schedule_config {
  double qps = 0;              // this connection's rate in calls/s (total -qps / connections); > 0
  int connection_index = 0;    // 0-based, for -uniform staggering
  int connections = 1;         // > 0
  bool uniform = false;        // -uniform: connection i starts i/connections of an interval late
  bool jitter = false;         // -jitter: each due time moves by a uniform draw in ±10% of an interval
  arrival_kind arrival = arrival_kind::constant;  // poisson: exponential gaps with mean 1/qps
  nanos ramp = 0;              // -ramp: the rate rises linearly from 0 to qps over this time; 0 = none
  std::uint64_t seed = 1;      // for jitter and poisson draws; fixed seeds make tests exact
};

// Call k (k = 0, 1, 2, ...) of a connection is due at start + offset + t_k where:
//   constant: t_k = k / qps
//   ramp R:   the cumulative call count N(t) = qps*t^2/(2R) for t < R, then qps*R/2 + qps*(t-R);
//             t_k solves N(t_k) = k (so the first call is at t = 0 and the rate grows linearly)
//   poisson:  t_k = t_{k-1} + Exp(mean 1/qps), t_0 = 0
//   jitter:   t_k += U(-0.1, 0.1) / qps, never before the previous due time
//   uniform:  offset = connection_index / connections / qps (otherwise 0)
// Due times never go backwards.
class schedule {
public:
  schedule(const schedule_config& config, nanos start);

  // The due time of the next call (absolute ns on the run's clock); each call advances by one.
  nanos next();
  // How many times next() has been called.
  std::uint64_t issued() const noexcept { return issued_; }
  // The nominal gap between calls at full rate, in ns (1e9 / qps).
  nanos interval() const noexcept { return interval_; }

  // The due time of call k without drawing (constant and ramp shapes only; used by tests and by
  // -nocatchup to find the next slot that is still in the future).
  static nanos due_offset(const schedule_config& config, std::uint64_t k);

private:
  schedule_config config_;
  nanos start_;
  nanos interval_;
  nanos last_ = 0;
  double poisson_t_ = 0;  // seconds since start, for poisson
  std::uint64_t issued_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace loadgen
