#include "loadgen/report/json_writer.hpp"

#include <cstddef>

#include "loadgen/core/go_format.hpp"

namespace loadgen {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not valid UTF-8
// (Go's utf8.DecodeRuneInString then returns RuneError with width 1). Overlong forms, surrogates
// and code points above U+10FFFF are invalid, as in Go.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
    return k < s.size() && at(k) >= lo && at(k) <= hi;
  };
  const unsigned b = at(i);
  if (b >= 0xC2 && b <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned lo = b == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b == 0xED ? 0x9F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned lo = b == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b == 0xF4 ? 0x8F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string go_json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          // Go's default HTMLEscape.
          out += "\\u00";
          out.push_back(hex_digits[b >> 4]);
          out.push_back(hex_digits[b & 0xF]);
          break;
        default:
          if (b < 0x20) {
            // Every other control character, \b and \f included (Go before 1.22, as Fortio's samples).
            out += "\\u00";
            out.push_back(hex_digits[b >> 4]);
            out.push_back(hex_digits[b & 0xF]);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\\ufffd";  // one per invalid byte, as Go
      ++i;
      continue;
    }
    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (E2 80 A8 / E2 80 A9): escaped by Go
    // because JavaScript treats them as line ends.
    if (n == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out.push_back('"');
  return out;
}

void json_writer::newline_indent() {
  out_.push_back('\n');
  out_.append(2 * counts_.size(), ' ');
}

// Separators before a value (or a key, which starts an object member): a comma after a previous
// member, then a new line at the container's depth. A value right after its key follows ": ".
void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return;
  if (counts_.back()++ > 0) out_.push_back(',');
  newline_indent();
}

void json_writer::begin_object() {
  before_value();
  out_.push_back('{');
  counts_.push_back(0);
}

void json_writer::end_object() {
  const int n = counts_.back();
  counts_.pop_back();
  if (n > 0) newline_indent();
  out_.push_back('}');
}

void json_writer::begin_array() {
  before_value();
  out_.push_back('[');
  counts_.push_back(0);
}

void json_writer::end_array() {
  const int n = counts_.back();
  counts_.pop_back();
  if (n > 0) newline_indent();
  out_.push_back(']');
}

void json_writer::key(std::string_view k) {
  before_value();
  out_ += go_json_string(k);
  out_ += ": ";
  after_key_ = true;
}

void json_writer::value(std::string_view s) {
  before_value();
  out_ += go_json_string(s);
}

void json_writer::value(double v) {
  before_value();
  out_ += go_json_number(v);
}

void json_writer::value(std::int64_t v) {
  before_value();
  out_ += std::to_string(v);
}

void json_writer::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
}

void json_writer::null() {
  before_value();
  out_ += "null";
}

std::string json_writer::str() const {
  if (counts_.empty() && !out_.empty()) return out_ + "\n";
  return out_;
}

}  // namespace loadgen
