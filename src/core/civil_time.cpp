#include "loadgen/core/civil_time.hpp"

namespace loadgen {

civil_time civil_from_seconds(std::int64_t seconds) noexcept {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  civil_time t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem / 60 % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

// Exactly n digits at text[at...]; advances at.
bool digits(std::string_view text, std::size_t& at, int n, int& out) noexcept {
  out = 0;
  for (int i = 0; i < n; ++i, ++at) {
    if (at >= text.size() || text[at] < '0' || text[at] > '9') return false;
    out = out * 10 + (text[at] - '0');
  }
  return true;
}

bool literal(std::string_view text, std::size_t& at, char a, char b = 0) noexcept {
  if (at >= text.size() || (text[at] != a && (b == 0 || text[at] != b))) return false;
  ++at;
  return true;
}

}  // namespace

std::optional<rfc3339_time> parse_rfc3339(std::string_view text, bool zone_optional) noexcept {
  std::size_t at = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, at, 4, y) || !literal(text, at, '-') || !digits(text, at, 2, mo) || !literal(text, at, '-') ||
      !digits(text, at, 2, d) || !literal(text, at, 'T', 't') || !digits(text, at, 2, h) || !literal(text, at, ':') ||
      !digits(text, at, 2, mi) || !literal(text, at, ':') || !digits(text, at, 2, s))
    return std::nullopt;
  std::int64_t frac = 0;
  if (at < text.size() && text[at] == '.') {
    int n = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++n)
      if (n < 9) frac = frac * 10 + (text[at] - '0');
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) frac *= 10;
  }
  int offset = 0;
  if (at == text.size()) {
    if (!zone_optional) return std::nullopt;
  } else if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-') {
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    int oh = 0, om = 0;
    if (!digits(text, at, 2, oh) || !literal(text, at, ':') || !digits(text, at, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (at != text.size()) return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const std::int64_t local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  const std::int64_t unix_s = local - offset;
  constexpr std::int64_t last_second = 9'223'372'035;  // int64 nanoseconds end in 2262
  if (unix_s < 0 || unix_s > last_second) return std::nullopt;
  return rfc3339_time{unix_s * 1'000'000'000 + frac, offset};
}

}  // namespace loadgen
