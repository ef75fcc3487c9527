#pragma once
// Calendar dates and Unix seconds, both ways (pure; proleptic Gregorian, Howard Hinnant's
// algorithms): no time zone database, the offset is the caller's (a run keeps its own).
#include <cstdint>

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

}  // namespace loadgen
