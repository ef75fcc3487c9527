#pragma once
// What the echo server answers, decided from the request's query string (pure). Fortio's
// parameters: status, delay, size, header, close, gzip; each of status/delay/size/close/gzip can
// be a single value or a percent distribution ("503:25,429:10": 25% 503, 10% 429, the rest the
// default). The random draws are injected so tests are exact.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "loadgen/core/clock.hpp"

namespace loadgen {

struct echo_limits {
  nanos max_delay = 1500 * ns_per_ms;   // -max-echo-delay: longer delays are capped to this
  std::int64_t max_size = 256 * 1024;   // -maxpayloadsizekb * 1024: larger sizes are capped
};

struct echo_plan {
  int status = 200;
  nanos delay = 0;
  std::int64_t size = -1;  // >= 0: answer that many pseudo-random bytes; -1: echo the request body
  std::vector<std::pair<std::string, std::string>> headers;  // header=Name:Value, in order
  bool close = false;      // answer with Connection: close and close
  bool gzip = false;       // compress the body (only when the client accepts gzip)
  // envoy=REASON: answer as Envoy does for it (core/envoy_reply: status, body, header).
  bool envoy_reply = false;
  std::string_view envoy_body;  // a view of the table's static text
};

// A uniform draw in [0, 100), one per distribution.
using percent_draw = std::function<double()>;

// Parses the query (the part after '?', without it). Unknown parameters are ignored, as Fortio
// does. Returns the plan, or a one-line message for a 400 (bad syntax, a percent sum above 100,
// a negative or unparsable value).
std::variant<echo_plan, std::string> plan_echo(std::string_view query, const echo_limits& limits,
                                               bool accepts_gzip, const percent_draw& draw);

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte, a bad escape kept as is.
std::string form_decode(std::string_view text);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}} ('+' is a space, %XX decoded; bad escapes kept as is).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace loadgen
