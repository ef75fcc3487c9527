#include "loadgen/core/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "loadgen/core/echo.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/text.hpp"

namespace loadgen {
namespace {

bool parse_double(std::string_view s, double* out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_int(std::string_view s, int* out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<double> parse_percentiles(const std::string& text) {
  std::vector<double> out;
  std::string_view rest = text;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (!item.empty()) {
      double p = 0;
      if (!parse_double(item, &p))
        throw flag_error("invalid percentile \"" + std::string(item) + "\" in -p \"" + text + "\"");
      if (!(p > 0 && p < 100))
        throw flag_error("percentile " + std::string(item) + " in -p is outside (0, 100)");
      out.push_back(p);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::pair<int, int> parse_reuse_range(const std::string& text) {
  const std::string_view t = trim(text);
  const size_t colon = t.find(':');
  int lo = 0, hi = 0;
  const bool ok = colon == std::string_view::npos
                      ? parse_int(t, &lo) && (hi = lo, true)
                      : parse_int(trim(t.substr(0, colon)), &lo) && parse_int(trim(t.substr(colon + 1)), &hi);
  if (!ok || lo < 0 || hi < 0)
    throw flag_error("invalid -connection-reuse \"" + text + "\" (want min:max or n, non-negative)");
  if (lo > hi) throw flag_error("invalid -connection-reuse \"" + text + "\": min is above max");
  if ((lo == 0) != (hi == 0))
    throw flag_error("invalid -connection-reuse \"" + text + "\": 0 (unlimited) cannot be mixed with a limit");
  return {lo, hi};
}

std::pair<std::string, std::string> parse_header(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos)
    throw flag_error("invalid header \"" + text + "\" (want \"Name: value\")");
  const std::string_view name = trim(std::string_view(text).substr(0, colon));
  if (name.empty()) throw flag_error("invalid header \"" + text + "\": empty name");
  for (char c : name)
    if (!is_token_char(c)) throw flag_error("invalid header \"" + text + "\": bad character in the name");
  const std::string_view value = trim(std::string_view(text).substr(colon + 1));
  for (char c : value)
    if (c == '\r' || c == '\n') throw flag_error("invalid header \"" + text + "\": line break in the value");
  return {std::string(name), std::string(value)};
}

std::vector<std::int64_t> split_calls(std::int64_t total, int connections) {
  if (total <= 0 || connections <= 0) return {};
  const std::int64_t c = std::min<std::int64_t>(connections, total);
  std::vector<std::int64_t> out(static_cast<size_t>(c), total / c);
  out[0] += total % c;
  return out;
}

std::string duration_limit_error(const std::string& flag) {
  if (flag == "offset") return "-offset must be within 100 years (876000h) either way";
  for (const char* limited : {"t", "timeout", "ramp", "interval", "busy-wait"})
    if (flag == limited) return "-" + flag + " must be at most 100 years (876000h)";
  return "-" + flag + " is too large (a duration is at most 2562047h, 292 years)";  // another command's flag
}

namespace {

// -qps: a number, 0 or negative (max speed), or in [min_qps, max_qps] with at least
// schedule::min_qps per connection (see options.hpp for why).
void check_qps(const run_options& o) {
  if (!std::isfinite(o.qps)) throw flag_error("-qps must be a number");
  if (o.qps > max_qps) throw flag_error("-qps must be at most 1e9 (or 0 for max speed)");
  if (o.qps > 0 && o.qps < min_qps) throw flag_error("-qps must be at least 1e-6 (or 0 for max speed)");
  if (o.qps > 0 && o.qps / o.connections < schedule::min_qps) {
    throw flag_error(fmt::format("-qps {} over -c {} connections is below 1e-9 per connection: raise -qps or lower -c",
                                 o.qps, o.connections));
  }
}

// The duration flags, against max_duration (negative -t and -timeout have Fortio's meanings and
// are handled by the caller; -offset may be negative).
void check_durations(const run_options& o) {
  const std::pair<const char*, nanos> limited[] = {
      {"t", o.duration}, {"timeout", o.timeout}, {"ramp", o.ramp}, {"interval", o.interval}, {"busy-wait", o.busy_wait}};
  for (const auto& [flag, value] : limited)
    if (value > max_duration) throw flag_error(duration_limit_error(flag));
  if (!(std::fabs(o.offset) <= to_seconds(max_duration))) throw flag_error(duration_limit_error("offset"));
  if (o.ramp < 0) throw flag_error("-ramp must not be negative");
  if (o.busy_wait < 0) throw flag_error("-busy-wait must not be negative");
  if (o.interval < 0) throw flag_error("-interval must not be negative");
}

// Fortio's TCP/UDP echo runners: their warmup never aborts the run; UDP has its own timeout.
void validate_echo(run_options& o) {
  o.allow_initial_errors = true;
  if (o.target.scheme != "udp") return;
  if (o.udp_timeout <= 0) throw flag_error("-udp-timeout must be above 0");
  if (o.udp_timeout > max_duration) throw flag_error("-udp-timeout must be at most 100 years (876000h)");
  o.timeout = o.udp_timeout;
  if (!o.unix_socket.empty()) throw flag_error("-unix-socket is for http and tcp targets, not udp://");
  std::size_t largest = o.payload.size();
  for (const auto& line : o.payload_lines) largest = std::max(largest, line.size());
  if (largest > max_udp_payload)
    throw flag_error(fmt::format("a {} byte payload does not fit in one UDP datagram (at most {})", largest, max_udp_payload));
}

}  // namespace

void validate(run_options& o, bool* assumed_scheme) {
  if (o.url_text.empty()) throw run_error("a URL is needed, e.g. loadgen load -qps 0 -n 10 http://localhost:8080/");
  o.target = parse_url(o.url_text, assumed_scheme);
  if (o.connections == 0) o.connections = 4;  // Fortio: 0 means the default
  if (o.connections < 0) o.connections = 1;
  if (o.threads < 0) throw flag_error("-threads must be 0 (auto) or more");
  check_qps(o);
  if (!(o.resolution > 0)) o.resolution = 0.001;
  if (o.timeout < 0) o.timeout = 3 * ns_per_s;
  if (o.timeout == 0) throw flag_error("-timeout must be above 0");
  if (o.calls < 0) o.calls = 0;
  check_durations(o);
  if (o.ramp > 0 && o.max_speed()) throw flag_error("-ramp needs a target rate: set -qps above 0");
  if (o.user_agent.empty()) o.user_agent = "loadgen/" + std::string(LOADGEN_VERSION);
  if (o.abort_on < -1 || o.abort_on > 999) throw flag_error("-abort-on must be an HTTP status, or -1 for transport errors");
  if (o.streams < 1 || o.streams > 10000) throw flag_error("-streams must be between 1 and 10000");
  if (o.h2 && o.http10) throw flag_error("-h2 and -http1.0 cannot be used together");
  if (o.target.is_echo()) validate_echo(o);
}

}  // namespace loadgen
