#include "loadgen/core/go_flags.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "loadgen/core/duration.hpp"

namespace loadgen {
namespace {

// Go's strconv.ParseBool, the only spellings Go's flag package accepts after '='.
std::optional<bool> parse_go_bool(std::string_view s) {
  for (const std::string_view t : {"1", "t", "T", "true", "TRUE", "True"}) {
    if (s == t) return true;
  }
  for (const std::string_view f : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (s == f) return false;
  }
  return std::nullopt;
}

// Go's %q for what a user typed: quotes, with backslash and quote escaped.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

go_flag_error bad_value(std::string_view value, std::string_view name, const char* why) {
  return go_flag_error(fmt::format("invalid value {} for flag -{}: {}", quoted(value), name, why));
}

// Go's strconv.ParseInt(s, 0, 64): optional sign, then 0x/0X hex, 0o/0O or a leading 0 octal,
// 0b/0B binary, or decimal; one '_' may separate digits. Returns the value in
// decimal for CLI11. Throws Go's "parse error" or "value out of range".
std::string go_integer(std::string_view value, std::string_view name) {
  std::string_view s = value;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    switch (s[1] | 0x20) {
      case 'x': base = 16, s.remove_prefix(2); break;
      case 'o': base = 8, s.remove_prefix(2); break;
      case 'b': base = 2, s.remove_prefix(2); break;
      default: base = 8, s.remove_prefix(1); break;  // "017" is octal, as in Go
    }
    if (!s.empty() && s[0] == '_') s.remove_prefix(1);  // "0x_1f"
  }
  // Go's literal syntax: one '_' may separate digits ("1_000").
  std::string digits;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') digits += s[i];
    else if (i == 0 || i + 1 == s.size() || s[i + 1] == '_') throw bad_value(value, name, "parse error");
  }
  if (digits.empty()) throw bad_value(value, name, "parse error");
  unsigned long long magnitude = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (end != digits.data() + digits.size()) throw bad_value(value, name, "parse error");
  constexpr unsigned long long max_positive = 9223372036854775807ULL;
  if (ec == std::errc::result_out_of_range || magnitude > max_positive + (negative ? 1 : 0))
    throw bad_value(value, name, "value out of range");
  if (ec != std::errc()) throw bad_value(value, name, "parse error");
  if (negative) return magnitude == max_positive + 1 ? "-9223372036854775808" : fmt::format("-{}", magnitude);
  return fmt::format("{}", magnitude);
}

// Go's strconv.ParseFloat(s, 64): the whole text is a number ("1e3", "inf" and hex floats too).
void check_go_float(std::string_view value, std::string_view name) {
  const std::string text(value);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) throw bad_value(value, name, "parse error");
  char* end = nullptr;
  errno = 0;
  std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw bad_value(value, name, "parse error");
  if (errno == ERANGE) throw bad_value(value, name, "value out of range");
}

// Checks value as Go would for the flag's kind; returns what CLI11 should be given.
std::string checked_value(std::string_view name, std::string_view value, const flag_spec& spec) {
  const auto kind = spec.kinds.find(name);
  if (kind == spec.kinds.end()) return std::string(value);
  switch (kind->second) {
    case value_kind::integer:
      return go_integer(value, name);
    case value_kind::number:
      check_go_float(value, name);
      break;
    case value_kind::duration: {
      bool overflow = false;  // past 2^63 ns: the command explains the limit itself
      if (!parse_go_duration(value, &overflow) && !overflow) throw bad_value(value, name, "parse error");
      break;
    }
    case value_kind::text:
      break;
  }
  return std::string(value);
}

// A value flag as CLI11 2.1.2 takes it safely: one "--name=value" token, except an empty value,
// which CLI11 would drop and then take the next argument instead (see go_flags.hpp).
void push_value(std::vector<std::string>& out, std::string_view name, std::string_view value) {
  if (value.empty()) {
    out.push_back(fmt::format("--{}", name));
    out.emplace_back();
  } else {
    out.push_back(fmt::format("--{}={}", name, value));
  }
}

}  // namespace

std::vector<std::string> adapt_go_flags(const std::vector<std::string>& args, const flag_spec& spec) {
  std::vector<std::string> out;
  out.reserve(args.size() + 1);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {  // the end of the flags: copy the rest as is
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {  // positional (the URL), or a lone "-"
      out.push_back(arg);
      continue;
    }

    // "-name", "--name", "-name=value", "--name=value", as Go's flag package reads them.
    std::string_view body(arg);
    body.remove_prefix(body.size() > 2 && body[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=')
      throw go_flag_error(fmt::format("bad flag syntax: {}", arg));
    const std::size_t eq = body.find('=');
    const std::string_view name = body.substr(0, eq);
    const std::optional<std::string_view> attached =
        eq == std::string_view::npos ? std::nullopt : std::optional(body.substr(eq + 1));

    if (spec.bool_flags.contains(name)) {
      if (!attached) {
        out.push_back(fmt::format("--{}", name));
        continue;
      }
      const std::optional<bool> value = parse_go_bool(*attached);
      if (!value) {
        throw go_flag_error(fmt::format("invalid boolean value {} for -{}: parse error", quoted(*attached), name));
      }
      out.push_back(fmt::format("--{}={}", name, *value ? "true" : "false"));
    } else if (spec.value_flags.contains(name)) {
      if (attached) {
        push_value(out, name, checked_value(name, *attached, spec));
      } else if (i + 1 < args.size()) {
        ++i;  // Go takes the next argument whatever it looks like
        push_value(out, name, checked_value(name, args[i], spec));
      } else {
        throw go_flag_error(fmt::format("flag needs an argument: -{}", name));
      }
    } else if (name == "h" || name == "help") {
      out.emplace_back("--help");  // Go's flag package answers -h and -help with the usage
    } else {
      throw go_flag_error(fmt::format("flag provided but not defined: -{}", name));
    }
  }
  return out;
}

}  // namespace loadgen
