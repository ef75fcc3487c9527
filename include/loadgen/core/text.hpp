#pragma once
// Small text helpers shared by the parsers (pure, header-only, no locale).
#include <string_view>

namespace loadgen {

// ASCII white space: space, tab, CR, LF, VT, FF (std::isspace in the C locale, without the call).
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// s without its leading and trailing white space.
constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace loadgen
