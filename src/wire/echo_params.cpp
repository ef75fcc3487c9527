#include "loadgen/wire/echo_params.hpp"

#include <charconv>
#include <cmath>

#include "loadgen/core/duration.hpp"
#include "loadgen/core/envoy_reply.hpp"

namespace loadgen {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


bool parse_double(std::string_view s, double* out) {
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

bool parse_int64(std::string_view s, std::int64_t* out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "true" counts as 100%, "false" as 0, a number as that percent.
bool parse_chance(std::string_view s, double* percent) {
  if (s == "true") {
    *percent = 100;
    return true;
  }
  if (s == "false") {
    *percent = 0;
    return true;
  }
  return parse_double(s, percent) && *percent >= 0 && *percent <= 100;
}

// Picks from a distribution "v1:p1,v2:p2" or a single "v" (100%). parse_value turns a value's
// text into T or returns false. Returns an error message, or "" with *out set (left unchanged
// when the draw falls in the remainder).
template <class T, class Parse>
std::string pick(std::string_view spec, double draw, Parse&& parse_value, T* out) {
  if (spec.find(':') == std::string_view::npos && spec.find(',') == std::string_view::npos) {
    T v{};
    if (!parse_value(spec, &v)) return "bad value \"" + std::string(spec) + "\"";
    *out = v;
    return {};
  }
  double cumulative = 0;
  bool chosen = false;
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    const std::size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos) return "bad entry \"" + std::string(entry) + "\" (want value:percent)";
    T v{};
    double percent = 0;
    if (!parse_value(entry.substr(0, colon), &v)) return "bad value \"" + std::string(entry.substr(0, colon)) + "\"";
    if (!parse_double(entry.substr(colon + 1), &percent) || percent < 0)
      return "bad percent \"" + std::string(entry.substr(colon + 1)) + "\"";
    cumulative += percent;
    if (cumulative > 100.0 + 1e-9) return "percentages add up to more than 100";
    if (!chosen && draw < cumulative) {
      *out = v;
      chosen = true;
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return {};
}

}  // namespace

std::string form_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      out.emplace_back(form_decode(item.substr(0, eq)), eq == std::string_view::npos ? "" : form_decode(item.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::variant<echo_plan, std::string> plan_echo(std::string_view query, const echo_limits& limits, bool accepts_gzip,
                                               const percent_draw& draw) {
  echo_plan plan;
  for (const auto& [name, value] : parse_query(query)) {
    std::string err;
    if (name == "status") {
      err = pick(value, draw(), [](std::string_view s, int* v) {
        const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
        return ec == std::errc() && p == s.data() + s.size() && *v >= 100 && *v <= 999;
      }, &plan.status);
    } else if (name == "delay") {
      err = pick(value, draw(), [](std::string_view s, nanos* v) {
        const auto d = parse_go_duration(s);
        if (!d || *d < 0) return false;
        *v = *d;
        return true;
      }, &plan.delay);
      plan.delay = std::min(plan.delay, limits.max_delay);
    } else if (name == "size") {
      err = pick(value, draw(), [](std::string_view s, std::int64_t* v) { return parse_int64(s, v) && *v >= 0; },
                 &plan.size);
      plan.size = std::min(plan.size, limits.max_size);
    } else if (name == "header") {
      const std::size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0) err = "bad header \"" + value + "\" (want Name:Value)";
      else if (value.find_first_of("\r\n") != std::string::npos) err = "bad header: line break";
      else plan.headers.emplace_back(value.substr(0, colon), value.substr(colon + 1));
    } else if (name == "envoy") {
      if (const auto e = envoy_reply_named(value)) {
        plan.status = e->status;
        plan.envoy_reply = true;
        plan.envoy_body = e->body;
        if (!e->header.empty()) plan.headers.emplace_back(e->header, "true");
      } else {
        err = "unknown reason \"" + value + "\" (want one of";
        for (const auto& r : envoy_replies()) err += " " + std::string(r.name);
        err += ")";
      }
    } else if (name == "close" || name == "gzip") {
      double percent = 0;
      if (!parse_chance(value, &percent)) err = "bad value \"" + value + "\" (want true or a percent)";
      else if (draw() < percent) (name == "close" ? plan.close : plan.gzip) = true;
    }
    if (!err.empty()) return "bad " + name + " parameter: " + err;
  }
  if (!accepts_gzip) plan.gzip = false;
  return plan;
}

}  // namespace loadgen
