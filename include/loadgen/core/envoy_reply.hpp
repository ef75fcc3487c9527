#pragma once
// Envoy's locally generated replies (pure): the one table of what Envoy answers, by reason, when
// it refuses or fails a request itself, and the rule that names the reason of a 5xx or 429 from
// its status, its x-envoy-* headers and the first bytes of its body. The client classifies with
// it; `loadgen server` answers with it on demand (/echo?envoy=REASON), so every entry can be
// rehearsed without a mesh.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

enum class envoy_reason : std::uint8_t {
  none,                    // not classified: a 1xx-4xx other than 429 (or nothing seen yet)
  overflow,                // a circuit breaker's limit (x-envoy-overloaded; "reset reason: overflow")
  connection_failure,      // could not connect to the upstream
  connection_termination,  // the upstream connection closed before the headers
  remote_reset,            // the upstream reset the stream
  local_reset,             // Envoy reset the stream
  upstream_reset,          // "upstream connect error or disconnect/reset before headers", another reason
  no_healthy_upstream,     // every endpoint ejected or unhealthy
  upstream_timeout,        // the route's timeout
  local_rate_limited,      // the local rate limit filter
  rate_limited,            // x-envoy-ratelimited (the global rate limit service)
  application,             // a 5xx or 429 with no sign of Envoy: the application's own
  count_
};
inline constexpr std::size_t envoy_reason_kinds = static_cast<std::size_t>(envoy_reason::count_);

// One way Envoy answers for a reason: the status, the body (a prefix for reset reasons, which
// newer Envoys follow with ", transport failure reason: ..."), the header it sets.
struct envoy_reply {
  envoy_reason reason;
  std::string_view name;      // as the report and `?envoy=` name it: "overflow", "no_healthy_upstream", ...
  std::string_view label;     // as the report line says it: "overflow", "no healthy upstream", ...
  int status;
  std::string_view body;
  std::string_view header;    // "x-envoy-overloaded", "x-envoy-ratelimited", or ""
};

// Every reason but none and application, in the order the report lists them.
const std::array<envoy_reply, envoy_reason_kinds - 2>& envoy_replies();

// The entry for `?envoy=NAME` (also "timeout" for upstream_timeout, "ratelimited" for
// rate_limited); nullopt for an unknown name.
std::optional<envoy_reply> envoy_reply_named(std::string_view name);

// The label of a reason ("application" for application, "" for none).
std::string_view envoy_reason_label(envoy_reason r);
// The JSON key of a reason: its name ("application" for application).
std::string_view envoy_reason_key(envoy_reason r);

// At most this many body bytes are looked at: every table body, and a retried reset's longer
// "... retried and the latest reset reason: connection failure", fit.
inline constexpr std::size_t envoy_body_prefix_max = 160;

// The reason of an answer: none unless the status is 5xx or 429; else overflow for
// x-envoy-overloaded; else the reset reason named after "reset reason: " in a reset body (another
// one: upstream_reset); else the entry whose whole body the body starts with; else rate_limited for
// x-envoy-ratelimited; else application.
envoy_reason classify_envoy_reply(int status, bool overloaded_header, bool ratelimited_header,
                                  std::string_view body_prefix) noexcept;

}  // namespace loadgen
