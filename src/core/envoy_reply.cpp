#include "loadgen/core/envoy_reply.hpp"

namespace loadgen {
namespace {

constexpr std::string_view reset_prefix = "upstream connect error or disconnect/reset before headers. ";

// Envoy's own words (source/common/router/router.cc, local_ratelimit, the health checker): what a
// client of an Envoy sidecar sees in the body of each local reply.
constexpr std::array<envoy_reply, envoy_reason_kinds - 2> table{{
    {envoy_reason::overflow, "overflow", "overflow", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: overflow", "x-envoy-overloaded"},
    {envoy_reason::connection_failure, "connection_failure", "connection failure", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: connection failure", ""},
    {envoy_reason::connection_termination, "connection_termination", "connection termination", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: connection termination", ""},
    {envoy_reason::remote_reset, "remote_reset", "remote reset", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: remote reset", ""},
    {envoy_reason::local_reset, "local_reset", "local reset", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: local reset", ""},
    {envoy_reason::upstream_reset, "upstream_reset", "upstream reset", 503,
     "upstream connect error or disconnect/reset before headers. reset reason: protocol error", ""},
    {envoy_reason::no_healthy_upstream, "no_healthy_upstream", "no healthy upstream", 503, "no healthy upstream", ""},
    {envoy_reason::upstream_timeout, "upstream_timeout", "upstream timeout", 504, "upstream request timeout", ""},
    {envoy_reason::local_rate_limited, "local_rate_limited", "local rate limit", 429, "local_rate_limited",
     "x-envoy-ratelimited"},
    {envoy_reason::rate_limited, "rate_limited", "rate limited", 429, "", "x-envoy-ratelimited"},
}};

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

const std::array<envoy_reply, envoy_reason_kinds - 2>& envoy_replies() { return table; }

std::optional<envoy_reply> envoy_reply_named(std::string_view name) {
  if (name == "timeout") name = "upstream_timeout";
  if (name == "ratelimited") name = "rate_limited";
  for (const auto& e : table)
    if (e.name == name) return e;
  return std::nullopt;
}

std::string_view envoy_reason_label(envoy_reason r) {
  if (r == envoy_reason::application) return "application";
  for (const auto& e : table)
    if (e.reason == r) return e.label;
  return "";
}

std::string_view envoy_reason_key(envoy_reason r) {
  if (r == envoy_reason::application) return "application";
  for (const auto& e : table)
    if (e.reason == r) return e.name;
  return "";
}

envoy_reason classify_envoy_reply(int status, bool overloaded_header, bool ratelimited_header,
                                  std::string_view body) noexcept {
  if (status != 429 && (status < 500 || status > 599)) return envoy_reason::none;
  if (overloaded_header) return envoy_reason::overflow;
  // A reset: the words after "reset reason: " ("... reset reason: overflow", or after a retry
  // "... retried and the latest reset reason: connection failure, transport failure reason: ...").
  if (starts_with(body, reset_prefix)) {
    constexpr std::string_view marker = "reset reason: ";
    const std::size_t at = body.find(marker);
    if (at != std::string_view::npos) {
      const std::string_view words = body.substr(at + marker.size());
      for (const auto& e : table) {
        if (e.reason == envoy_reason::upstream_reset || !starts_with(e.body, reset_prefix)) continue;
        const std::string_view own = e.body.substr(e.body.find(marker) + marker.size());
        if (starts_with(words, own)) return e.reason;
      }
    }
    return envoy_reason::upstream_reset;
  }
  for (const auto& e : table)
    if (!e.body.empty() && !starts_with(e.body, reset_prefix) && starts_with(body, e.body)) return e.reason;
  if (ratelimited_header) return envoy_reason::rate_limited;
  return envoy_reason::application;
}

}  // namespace loadgen
