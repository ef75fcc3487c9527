#pragma once
// HTTP/2 decisions that need no socket and no codec (pure): the request's header list from the
// run's HTTP/1.1 request bytes, the header-size rule, the stream cap, what a GOAWAY or an
// RST_STREAM means for a call. The framing, HPACK and flow control are libnghttp2's (client layer).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loadgen/core/outcome.hpp"

namespace loadgen {

// One HTTP/2 request: pseudo-headers first (:method, :scheme, :authority, :path), then the
// regular headers with lower-case names, then the body.
struct h2_request {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The same request as the HTTP/1.1 bytes build_requests() made (so -H, -user, Content-Type,
// Content-Length, User-Agent and a rendered {uuid} all carry over): the request line gives
// :method and :path, Host gives :authority, and the headers HTTP/2 forbids (Connection,
// Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade, Host) are left out. nullopt when the
// bytes are not a request head.
std::optional<h2_request> h2_request_from_http1(std::string_view request, std::string_view scheme);

// Header bytes counted for one HPACK-decoded header of the response (":status" included): the
// size of its HTTP/1.1 line "name: value\r\n", i.e. name + value + 4. A response's header size
// is the sum over its headers, so an h2 run reports sizes comparable with an HTTP/1.1 one (the
// HPACK-compressed wire size would shrink to a few bytes once the dynamic table is warm).
constexpr std::int64_t h2_header_bytes(std::size_t name, std::size_t value) noexcept {
  return static_cast<std::int64_t>(name + value + 4);
}

// Streams a connection may have open at once: -streams, never above the server's
// SETTINGS_MAX_CONCURRENT_STREAMS (server_max; RFC 9113's default is unlimited).
constexpr std::int64_t h2_stream_limit(std::int64_t requested, std::uint32_t server_max) noexcept {
  return requested < static_cast<std::int64_t>(server_max) ? requested : static_cast<std::int64_t>(server_max);
}

// What a stream that ended without a complete response becomes.
enum class h2_fate : std::uint8_t {
  retry,  // the server did not process it (above a GOAWAY's last-stream-id, or REFUSED_STREAM
          // by GOAWAY): make the call again on a new connection, it was not a call
  fail,   // a transport error of the kind h2_stream_error() names
};

// The stream `stream_id` was closed with RFC 9113 error code `code` and no complete response.
// goaway: a GOAWAY with last_stream_id had been received on its connection.
h2_fate h2_stream_fate(std::int32_t stream_id, bool goaway, std::int32_t last_stream_id, bool response_started) noexcept;

// The transport error of a stream closed by RST_STREAM (or the connection's end) with `code`:
// REFUSED_STREAM (7), CANCEL (8), else h2_reset; NO_ERROR (0) without a response is a GOAWAY
// or the connection closing under the stream.
transport_error h2_stream_error(std::uint32_t code, bool goaway) noexcept;

// RFC 9113 error code names ("REFUSED_STREAM"), "0x1f" for unknown ones.
std::string h2_error_name(std::uint32_t code);

}  // namespace loadgen
