#pragma once
// Go durations (pure): parsing flag values and printing them as Go's time.Duration.String() does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

// Parses a Go duration into nanoseconds: a sequence of decimal numbers, each with an optional
// fraction and a unit: "ns", "us", "µs" (U+00B5), "μs" (U+03BC), "ms", "s", "m", "h", plus
// Fortio's "d" (24h) and "w" (7d). An optional leading sign. "0" needs no unit.
// Examples: "5s", "1.5h", "1h30m", "300ms", "-1s", "1d4h". Returns nullopt for anything else
// (empty, missing unit, unknown unit, overflow of int64 ns); *overflow, when given, tells the
// last case apart (well formed, but past 2^63 ns in magnitude).
std::optional<std::int64_t> parse_go_duration(std::string_view text, bool* overflow = nullptr);

// Formats as Go's time.Duration.String(): "65.360704ms", "5s", "1m0.00112695s", "1h30m0s",
// "24h0m0s", "999µs" (micro sign U+00B5), "1.5µs", "0s", "-2s".
std::string format_go_duration(std::int64_t ns);

}  // namespace loadgen
