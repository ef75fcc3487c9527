#include "loadgen/core/duration.hpp"

#include <array>
#include <cstddef>

// Mirrors Go's time.ParseDuration and Duration.String() (same grammar, same overflow limits, same
// float arithmetic for fractions), with Fortio's extra units "d" and "w".

namespace loadgen {
namespace {

constexpr std::uint64_t limit = std::uint64_t{1} << 63;  // |INT64_MIN|

struct unit_entry {
  std::string_view name;
  std::uint64_t ns;
};

constexpr std::uint64_t ns_per_hour = 3'600'000'000'000;
constexpr std::array<unit_entry, 10> units{{
    {"ns", 1},
    {"us", 1'000},
    {"\u00b5s", 1'000},  // micro sign
    {"\u03bcs", 1'000},  // Greek small letter mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", ns_per_hour},
    {"d", 24 * ns_per_hour},
    {"w", 7 * 24 * ns_per_hour},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's leadingInt: [0-9]*, failing on overflow past 2^63.
bool leading_int(std::string_view& s, std::uint64_t& x) {
  x = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > limit / 10) return false;
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > limit) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Go's leadingFraction: [0-9]*, silently dropping precision once it would overflow.
void leading_fraction(std::string_view& s, std::uint64_t& x, double& scale) {
  x = 0;
  scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (x > (limit - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t y = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (y > limit) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

// Go's fmtFrac: writes ".ddd" (trailing zeros and an empty fraction omitted) of v / 10^prec before
// position w of buf; returns the new start and v / 10^prec.
std::size_t fmt_frac(char* buf, std::size_t w, std::uint64_t& v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>(v % 10);
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return w;
}

std::size_t fmt_int(char* buf, std::size_t w, std::uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return w;
  }
  while (v > 0) {
    buf[--w] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return w;
}

}  // namespace

std::optional<std::int64_t> parse_go_duration(std::string_view s, bool* overflow) {
  if (overflow != nullptr) *overflow = false;
  const auto too_large = [overflow]() -> std::optional<std::int64_t> {
    if (overflow != nullptr) *overflow = true;
    return std::nullopt;
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;

  std::uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return std::nullopt;
    std::uint64_t v = 0;
    const std::size_t before = s.size();
    if (!leading_int(s, v)) return too_large();
    const bool pre = s.size() != before;  // digits before the point

    std::uint64_t f = 0;
    double scale = 1;
    bool post = false;  // digits after the point
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t at = s.size();
      leading_fraction(s, f, scale);
      post = s.size() != at;
    }
    if (!pre && !post) return std::nullopt;  // ".s", "-.s"

    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) ++i;
    if (i == 0) return std::nullopt;  // missing unit
    const std::string_view name = s.substr(0, i);
    s.remove_prefix(i);
    std::uint64_t unit = 0;
    for (const auto& u : units) {
      if (u.name == name) unit = u.ns;
    }
    if (unit == 0) return std::nullopt;  // unknown unit

    if (v > limit / unit) return too_large();
    v *= unit;
    if (f > 0) {
      // As Go: float64 keeps this nanosecond-exact for fractions of an hour.
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > limit) return too_large();
    }
    d += v;
    if (d > limit) return too_large();
  }
  if (neg) return static_cast<std::int64_t>(~d + 1);  // two's complement; 2^63 gives INT64_MIN
  if (d > limit - 1) return too_large();
  return static_cast<std::int64_t>(d);
}

std::string format_go_duration(std::int64_t ns) {
  char buf[32];
  std::size_t w = sizeof buf;
  std::uint64_t u = static_cast<std::uint64_t>(ns);
  const bool neg = ns < 0;
  if (neg) u = ~u + 1;

  if (u < 1'000'000'000) {
    // Under a second: one unit (ns, µs or ms) with a fraction, e.g. "1.2ms".
    int prec = 0;
    buf[--w] = 's';
    if (u == 0) {
      buf[--w] = '0';
      return std::string(buf + w, sizeof buf - w);
    }
    if (u < 1'000) {
      buf[--w] = 'n';
    } else if (u < 1'000'000) {
      prec = 3;
      buf[--w] = '\xb5';  // U+00B5 micro sign in UTF-8: C2 B5
      buf[--w] = '\xc2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    w = fmt_frac(buf, w, u, prec);
    w = fmt_int(buf, w, u);
  } else {
    buf[--w] = 's';
    w = fmt_frac(buf, w, u, 9);
    w = fmt_int(buf, w, u % 60);  // u is whole seconds
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      w = fmt_int(buf, w, u % 60);
      u /= 60;
      if (u > 0) {  // hours; Go stops there because days vary in length
        buf[--w] = 'h';
        w = fmt_int(buf, w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof buf - w);
}

}  // namespace loadgen
