#include "loadgen/core/go_flags.hpp"

#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "loadgen/core/error.hpp"

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
      throw flag_error(fmt::format("bad flag syntax: {}", arg));
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
        throw flag_error(
            fmt::format("invalid boolean value \"{}\" for flag -{} (use true or false)", *attached, name));
      }
      out.push_back(fmt::format("--{}={}", name, *value ? "true" : "false"));
    } else if (spec.value_flags.contains(name)) {
      if (attached) {
        push_value(out, name, *attached);
      } else if (i + 1 < args.size()) {
        push_value(out, name, args[++i]);  // Go takes the next argument whatever it looks like
      } else {
        throw flag_error(fmt::format("missing value for flag -{}", name));
      }
    } else if (name == "h" || name == "help") {
      out.emplace_back("--help");  // Go's flag package answers -h and -help with the usage
    } else {
      out.push_back(fmt::format("--{}", body));  // unknown: let CLI11 report it
    }
  }
  return out;
}

}  // namespace loadgen
