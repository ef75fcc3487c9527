#pragma once
// The time seam. Everything that reads time takes a clock, so unit tests can move time by hand.
// All times are int64 nanoseconds on a monotonic clock with an arbitrary epoch.
#include <chrono>
#include <cstdint>

namespace loadgen {

using nanos = std::int64_t;

inline constexpr nanos ns_per_us = 1'000;
inline constexpr nanos ns_per_ms = 1'000'000;
inline constexpr nanos ns_per_s = 1'000'000'000;

// The real clock: std::chrono::steady_clock (CLOCK_MONOTONIC, a vDSO call, ~20 ns).
struct steady_clock {
  static nanos now() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// The wall clock, Unix nanoseconds (CLOCK_REALTIME): for times other hosts compare with ours
// (gRPC ping's ts, clock skew), never for durations.
struct wall_clock {
  static nanos now() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock for tests: time moves only when the test says so.
class manual_clock {
public:
  explicit manual_clock(nanos start = 0) noexcept : now_(start) {}
  nanos now() const noexcept { return now_; }
  void advance(nanos by) noexcept { now_ += by; }
  void set(nanos to) noexcept { now_ = to; }

private:
  nanos now_;
};

inline double to_seconds(nanos ns) noexcept { return static_cast<double>(ns) / 1e9; }

}  // namespace loadgen
