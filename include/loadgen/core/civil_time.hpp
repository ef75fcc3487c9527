#pragma once
// Calendar dates and Unix seconds, both ways (pure; proleptic Gregorian, Howard Hinnant's
// algorithms): no time zone database, the offset is the caller's (a run keeps its own).
#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

struct civil_time {
  std::int64_t year = 1970;
  int month = 1, day = 1;          // 1-based
  int hour = 0, minute = 0, second = 0;
};

// seconds since 1970-01-01T00:00:00 (already shifted to the wanted offset), negative ones too.
civil_time civil_from_seconds(std::int64_t seconds) noexcept;

// Days from 1970-01-01 to year-month-day (month 1..12, day 1..31).
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

// An RFC 3339 time: 2026-11-29T23:30:00Z, 2026-11-29T23:30:00.250+01:00 (fraction up to 9
// digits, 't'/'z' too). A time without a zone is taken as UTC only when zone_optional is true
// (Fortio's own JSON always has one; a command line must say which it means).
struct rfc3339_time {
  std::int64_t unix_ns = 0;        // since 1970-01-01T00:00:00Z
  int utc_offset_seconds = 0;      // the offset the text was written in
};
// nullopt for anything else: trailing characters, a month 13, a time before 1970 or past 2262
// (int64 nanoseconds).
std::optional<rfc3339_time> parse_rfc3339(std::string_view text, bool zone_optional = false) noexcept;

}  // namespace loadgen
