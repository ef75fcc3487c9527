#include "loadgen/core/go_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <system_error>

namespace loadgen {
namespace {

// A finite double as shortest round-trip decimal digits: value = 0.d1d2d3... × 10^point, with the
// digits free of leading and trailing zeros (zero is the single digit "0" with point 1).
struct shortest_decimal {
  bool negative = false;
  std::string digits;
  int point = 0;  // position of the decimal point relative to the first digit (Go's "dp")
};

shortest_decimal to_shortest(double v) {
  // std::to_chars scientific shortest gives "[-]d[.ddd]e[+-]XX": exactly the round-trip digits.
  // (Fixed shortest is not used: for large integers it prints the exact binary value, Go does not.)
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  shortest_decimal out;
  std::size_t i = 0;
  if (text[i] == '-') {
    out.negative = true;
    ++i;
  }
  const std::size_t e = text.find('e');
  for (; i < e; ++i) {
    if (text[i] != '.') out.digits.push_back(text[i]);
  }
  int exponent = 0;
  const char* first = text.data() + e + 1;
  if (*first == '+') ++first;
  std::from_chars(first, text.data() + text.size(), exponent);
  while (out.digits.size() > 1 && out.digits.back() == '0') out.digits.pop_back();
  out.point = out.digits == "0" ? 1 : exponent + 1;
  return out;
}

// Go's %e layout of the digits: d[.ddd]e±XX (at least two exponent digits).
std::string layout_e(const shortest_decimal& d) {
  std::string out;
  if (d.negative) out.push_back('-');
  out.push_back(d.digits[0]);
  if (d.digits.size() > 1) {
    out.push_back('.');
    out.append(d.digits, 1);
  }
  int exp = d.digits == "0" ? 0 : d.point - 1;
  out.push_back('e');
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
  return out;
}

// Go's %f layout with exactly as many decimals as there are digits after the point.
std::string layout_f(const shortest_decimal& d) {
  std::string out;
  if (d.negative) out.push_back('-');
  const int nd = static_cast<int>(d.digits.size());
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-d.point), '0');
    out += d.digits;
  } else if (d.point >= nd) {
    out += d.digits;
    out.append(static_cast<std::size_t>(d.point - nd), '0');
  } else {
    out.append(d.digits, 0, static_cast<std::size_t>(d.point));
    out.push_back('.');
    out.append(d.digits, static_cast<std::size_t>(d.point));
  }
  return out;
}

// Go's fmt spelling of the non-finite values ("%g", "%f" and friends).
std::string go_special(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

// printf("%.*g") or printf("%.*f"), with literal formats so that -Wformat checks them.
std::string c_printf(bool g, int precision, double v) {
  const auto print = [&](char* buf, std::size_t size) {
    return g ? std::snprintf(buf, size, "%.*g", precision, v)
             : std::snprintf(buf, size, "%.*f", precision, v);
  };
  char buf[512];
  const int n = print(buf, sizeof buf);
  if (n < 0) return {};
  if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
  // Only "%.*f" of a huge value or with a huge precision gets here.
  std::string big(static_cast<std::size_t>(n) + 1, '\0');
  print(big.data(), big.size());
  big.resize(static_cast<std::size_t>(n));
  return big;
}

}  // namespace

std::string go_g(double v) {
  if (!std::isfinite(v)) return go_special(v);
  const shortest_decimal d = to_shortest(v);
  const int exp = d.point - 1;
  if (d.digits != "0" && (exp < -4 || exp >= 6)) return layout_e(d);
  return layout_f(d);
}

std::string go_g_prec(double v, int precision) {
  if (!std::isfinite(v)) return go_special(v);
  return c_printf(true, precision, v);
}

std::string go_f(double v, int precision) {
  if (!std::isfinite(v)) return go_special(v);
  return c_printf(false, precision, v);
}

std::string go_json_number(double v) {
  // Go's encoding/json refuses NaN and infinities (UnsupportedValueError); we never produce them
  // on purpose, and "null" keeps the document valid if one slips through.
  if (!std::isfinite(v)) return "null";
  const shortest_decimal d = to_shortest(v);
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string out = layout_e(d);
    // Go cleans "e-07" to "e-7" (only negative exponents: positive ones are >= 21 here).
    const std::size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
    return out;
  }
  return layout_f(d);
}

}  // namespace loadgen
