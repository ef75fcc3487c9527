#include "loadgen/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace loadgen {

namespace {

// Seconds since the (offset) start at which call k is due, for the constant and ramp shapes.
double due_seconds(const schedule_config& c, std::uint64_t k) {
  const double n = static_cast<double>(k);
  if (c.ramp <= 0) return n / c.qps;
  const double ramp = to_seconds(c.ramp);
  const double during_ramp = c.qps * ramp / 2;  // calls due before the ramp ends
  if (n <= during_ramp) return std::sqrt(2 * n * ramp / c.qps);
  return ramp + (n - during_ramp) / c.qps;
}

nanos offset_of(const schedule_config& c) {
  if (!c.uniform || c.connections <= 0) return 0;
  return static_cast<nanos>(static_cast<double>(c.connection_index) / c.connections / c.qps * 1e9);
}

}  // namespace

schedule::schedule(const schedule_config& config, nanos start)
    : config_(config),
      start_(start + offset_of(config)),
      interval_(static_cast<nanos>(1e9 / config.qps)),
      last_(start + offset_of(config)),
      rng_(config.seed) {}

nanos schedule::due_offset(const schedule_config& config, std::uint64_t k) {
  return offset_of(config) + static_cast<nanos>(due_seconds(config, k) * 1e9);
}

nanos schedule::next() {
  double t = 0;  // seconds after start_
  if (config_.arrival == arrival_kind::poisson) {
    if (issued_ > 0) poisson_t_ += std::exponential_distribution<double>(config_.qps)(rng_);
    t = poisson_t_;
  } else {
    t = due_seconds(config_, issued_);
  }
  if (config_.jitter) t += std::uniform_real_distribution<double>(-0.1, 0.1)(rng_) / config_.qps;
  ++issued_;
  const nanos due = std::max(last_, start_ + static_cast<nanos>(t * 1e9));
  last_ = due;
  return due;
}

}  // namespace loadgen
