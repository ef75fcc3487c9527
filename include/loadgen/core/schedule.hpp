#pragma once
// When each call of one connection is due, in QPS mode (pure). See shared/design/open-loop.md:
// the schedule is fixed before the run and responses never move it; latency is measured from the
// due time. (Max-speed mode, -qps 0, has no schedule: a call is due when its connection is free.)
#include <cstdint>
#include <random>

#include "loadgen/core/clock.hpp"

namespace loadgen {

enum class arrival_kind { constant, poisson };

// SplitMix64: a tiny, fast random bit generator (8 bytes of state, where std::mt19937_64 needs
// 2.5 KB), good enough for jitter and Poisson gaps. Every connection has its own schedule, so
// the size counts at -c 20000.
class splitmix64 {
public:
  using result_type = std::uint64_t;
  explicit splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  result_type operator()() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

private:
  std::uint64_t state_;
};

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
//   poisson:  t_k = t_{k-1} + Exp(mean 1/qps), t_0 = 0; with a ramp, t_k = N^-1(a_k) where
//             a_k = a_{k-1} + Exp(mean 1), a_0 = 0 (a Poisson process whose rate follows the ramp)
//   jitter:   t_k += U(-0.1, 0.1) / qps, never before the previous due time
//   uniform:  offset = connection_index / connections / qps (otherwise 0)
// Times are rounded to the nearest ns, at most max_offset. Due times never go backwards. The random draws are made
// here from splitmix64 (not by std:: distributions, whose algorithms differ between standard
// libraries), so a seed gives the same schedule everywhere.
// The constructor throws std::invalid_argument unless min_qps <= qps <= max_qps and
// connections > 0. Due times are capped at start + max_offset, so they never overflow int64 ns.
class schedule {
public:
  // One connection's rate limits. At min_qps the interval is 1e18 ns (31.7 years; its llround
  // would overflow int64 below ~1.1e-10); at max_qps it is 1 ns (it would round to 0 above). The
  // run's own limits (options.hpp: -qps in [1e-6, 1e9], over -c connections) stay inside them.
  static constexpr double min_qps = 1e-9;
  static constexpr double max_qps = 1e9;
  // The latest due time after start: 2^62 ns, 146 years. No run gets there (-t is at most 100
  // years), but Poisson gaps (up to ~37 intervals) or -n with a slow rate could compute times past
  // INT64_MAX ns; those calls are all due at the cap instead. start + max_offset + an interval
  // stays below 2^63 ns while the steady clock (time since boot) is under ~100 years.
  static constexpr nanos max_offset = nanos{1} << 62;

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
  double poisson_calls_ = 0;  // a_k above: the arrival count so far at unit rate, for poisson
  std::uint64_t issued_ = 0;
  splitmix64 rng_;
};

}  // namespace loadgen
