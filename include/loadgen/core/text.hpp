#pragma once
// Small text helpers shared by the parsers (pure, header-only, no locale).
#include <cstddef>
#include <string>
#include <string_view>

namespace loadgen {

// ASCII white space: space, tab, CR, LF, VT, FF (std::isspace in the C locale, without the call).
// \t \n \v \f \r are 9..13, one range: two comparisons instead of six (the parsers trim per header).
constexpr bool is_space(char c) noexcept {
  return c == ' ' || static_cast<unsigned char>(c - '\t') <= '\r' - '\t';
}

// s without its leading and trailing white space.
constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ASCII lower case (no locale).
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive ASCII equality (header names, tokens).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Text for HTML (content, or inside a quoted attribute): & < > " ' escaped as Go's
// html.EscapeString escapes them (&amp; &lt; &gt; &#34; &#39;), appended to out.
inline void append_html_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_html_escaped(out, s);
  return out;
}

}  // namespace loadgen
