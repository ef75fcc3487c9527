#pragma once
// What one call ended as (pure). Every call ends as exactly one of: an HTTP status (it got a whole
// response), or a transport error (Fortio's "Code -1"), whose kind we keep so the report can say
// what went wrong instead of lumping everything into -1.
#include <array>
#include <cstdint>
#include <string_view>

namespace loadgen {

// Fortio's code for a call that got no (complete) HTTP response.
inline constexpr int status_transport_error = -1;

// Kinds of transport failure, by phase. `none` means the call got an HTTP response.
enum class transport_error : std::uint8_t {
  none,
  resolve,          // the host name did not resolve (on reconnect)
  refused,          // connect: connection refused
  connect_timeout,  // connect: no answer within -timeout
  connect_failed,   // connect: any other failure (unreachable, ...)
  write_failed,     // sending the request failed (broken pipe, reset while writing)
  reset,            // connection reset while waiting for or reading the response
  closed,           // the server closed the connection before a complete response
  timeout,          // no complete response within -timeout
  bad_response,     // the bytes received are not valid HTTP/1.x
  tls,              // TLS handshake or record failure
  proxy,            // the proxy refused the CONNECT tunnel (or answered nonsense)
  internal,         // loadgen itself failed during the call (an exception, e.g. out of memory)
  // HTTP/2 (-h2): the stream or connection ended without a complete response.
  h2_refused_stream,  // RST_STREAM REFUSED_STREAM: the server did not process the stream
  h2_cancel,          // RST_STREAM CANCEL from the server
  h2_reset,           // RST_STREAM with any other code (PROTOCOL_ERROR, INTERNAL_ERROR, ...)
  h2_goaway,          // GOAWAY (or the connection's end) took a stream the server had accepted
  h2_protocol,        // the server's bytes are not valid HTTP/2 (garbage after the preface, bad frames)
  h2_no_settings,     // the server never sent its SETTINGS within -timeout
  count_            // number of kinds; not a kind
};

inline constexpr std::size_t transport_error_kinds = static_cast<std::size_t>(transport_error::count_);

// Short plain-English name, as printed in the report's breakdown line and the JSON.
constexpr std::string_view describe(transport_error e) noexcept {
  constexpr std::array<std::string_view, transport_error_kinds> names{
      "ok", "dns", "refused", "connect timeout", "connect failed", "write failed",
      "reset", "closed early", "timeout", "bad response", "tls", "proxy", "internal error",
      "RST_STREAM REFUSED_STREAM", "RST_STREAM CANCEL", "RST_STREAM", "GOAWAY", "h2 protocol error", "h2 no SETTINGS"};
  return names[static_cast<std::size_t>(e)];
}

// The JSON key for a kind (lower_snake_case).
constexpr std::string_view json_key(transport_error e) noexcept {
  constexpr std::array<std::string_view, transport_error_kinds> names{
      "ok", "dns", "refused", "connect_timeout", "connect_failed", "write_failed",
      "reset", "closed_early", "timeout", "bad_response", "tls", "proxy", "internal",
      "h2_refused_stream", "h2_cancel", "h2_reset", "h2_goaway", "h2_protocol", "h2_no_settings"};
  return names[static_cast<std::size_t>(e)];
}

// Fortio's rule, kept on purpose so that counts match: 2xx and 418 are OK, everything else
// (1xx, 3xx, 4xx, 5xx, -1) is an error and goes into the "Error cases" histogram.
constexpr bool is_ok_status(int status) noexcept {
  return (status >= 200 && status < 300) || status == 418;
}

}  // namespace loadgen
