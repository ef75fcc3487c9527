#pragma once
// gRPC over HTTP/2, the parts that are bytes and names (pure): the 5-byte message prefix (one
// flag byte, a 4-byte big-endian length), status code names, health status names, and the
// grpc-timeout header. The messages themselves are protobuf (grpc_messages.hpp); the framing,
// HPACK and flow control are libnghttp2's.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/grpc_outcome.hpp"  // grpc_status_name, grpc_health_name

namespace loadgen {

inline constexpr std::size_t grpc_prefix_size = 5;

// gRPC status codes (grpc/doc/statuscodes.md), the ones loadgen names itself.
namespace grpc_code {
inline constexpr int ok = 0, cancelled = 1, unknown = 2, invalid_argument = 3, deadline_exceeded = 4, not_found = 5,
                     resource_exhausted = 8, unimplemented = 12, internal = 13, unavailable = 14;
}

// One message with its prefix (uncompressed: flag 0).
std::string grpc_frame(std::string_view message);

enum class grpc_unframe_error {
  none,
  short_body,   // fewer bytes than the prefix, or than the length it gives (a cut message)
  compressed,   // flag 1 without a grpc-encoding loadgen speaks
  bad_flag,     // a flag byte other than 0 and 1
  too_large,    // the length is over the limit
  extra_bytes,  // bytes after the message: a unary call has exactly one
};
struct grpc_unframed {
  std::string_view message;  // a view of the body (still compressed when `compressed`)
  grpc_unframe_error error = grpc_unframe_error::none;
  bool compressed = false;   // flag 1, accepted because the call said grpc-encoding: gzip
};
// The one message of a unary call's body (request or response), at most max_size bytes.
// gzip: the call's grpc-encoding is gzip, so a compressed message (flag 1) is accepted.
grpc_unframed grpc_unframe(std::string_view body, std::size_t max_size, bool gzip = false);

// -grpc-compression: one message gzip-compressed (RFC 1952) with its prefix (flag 1); a
// compressed message comes back with gzip.hpp's gzip_inflate.
std::string grpc_frame_gzip(std::string_view message);
// What a grpc_unframe_error means, for a failure line: "message cut short", ...
std::string_view grpc_unframe_text(grpc_unframe_error e);


// grpc-timeout (PROTOCOL-HTTP2.md): at most 8 digits and a unit H M S m u n. nullopt when malformed.
std::optional<nanos> parse_grpc_timeout(std::string_view value);
// The shortest exact-enough form: 8 digits at most, in the finest unit that fits.
std::string format_grpc_timeout(nanos timeout);

// A grpc-status trailer's value as a code; nullopt when it is not a decimal number.
std::optional<int> parse_grpc_status(std::string_view value);

}  // namespace loadgen
