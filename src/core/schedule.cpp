#include "loadgen/core/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loadgen {

namespace {

// Nanoseconds after the (offset) start at which the cumulative call count N(t) reaches `calls`,
// for the constant and ramp shapes (calls need not be whole: Poisson arrivals are warped through
// the same curve).
double due_ns(const schedule_config& c, double calls) {
  if (c.ramp <= 0) return calls * 1e9 / c.qps;
  const double ramp = to_seconds(c.ramp);
  const double during_ramp = c.qps * ramp / 2;  // N(R): calls due before the ramp ends
  if (calls <= during_ramp) return std::sqrt(2 * calls * ramp / c.qps) * 1e9;
  return static_cast<double>(c.ramp) + (calls - during_ramp) * 1e9 / c.qps;
}

// Rounds to whole ns within [0, max_offset], so llround never sees a value past INT64_MAX. (Only
// jitter makes a time negative, by up to a tenth of an interval on the first call; next() never
// goes before start anyway.)
nanos round_ns(double ns) {
  if (!(ns < static_cast<double>(schedule::max_offset))) return schedule::max_offset;  // also NaN
  return static_cast<nanos>(std::llround(std::max(ns, 0.0)));
}

nanos offset_of(const schedule_config& c) {
  if (!c.uniform) return 0;
  return round_ns(c.connection_index * 1e9 / (c.connections * c.qps));
}

// A double uniform in [0, 1), from the top 53 bits of one draw.
double unit_draw(splitmix64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

const schedule_config& checked(const schedule_config& c) {
  if (!(c.qps > 0) || !std::isfinite(c.qps)) throw std::invalid_argument("schedule: qps must be > 0");
  if (c.qps < schedule::min_qps || c.qps > schedule::max_qps)
    throw std::invalid_argument("schedule: qps must be within [1e-9, 1e9]");
  if (c.connections <= 0) throw std::invalid_argument("schedule: connections must be > 0");
  return c;
}

}  // namespace

schedule::schedule(const schedule_config& config, nanos start)
    : config_(checked(config)),
      start_(start + offset_of(config)),
      interval_(round_ns(1e9 / config.qps)),
      last_(start_),
      rng_(config.seed) {}

nanos schedule::due_offset(const schedule_config& config, std::uint64_t k) {
  return offset_of(config) + round_ns(due_ns(config, static_cast<double>(k)));
}

nanos schedule::next() {
  double t = 0;  // ns after start_
  if (config_.arrival == arrival_kind::poisson) {
    if (issued_ > 0) poisson_calls_ -= std::log1p(-unit_draw(rng_));  // Exp(1): -ln(1 - U)
    t = due_ns(config_, poisson_calls_);
  } else {
    t = due_ns(config_, static_cast<double>(issued_));
  }
  if (config_.jitter) t += (unit_draw(rng_) * 0.2 - 0.1) * 1e9 / config_.qps;
  ++issued_;
  last_ = std::max(last_, start_ + round_ns(t));
  return last_;
}

}  // namespace loadgen
