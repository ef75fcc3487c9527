#pragma once
// Fortio's -P (TCP proxy) and -M (HTTP multi-server) values and the -M answer rules (pure).
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

// -P "local dest": the listen address (any -http-port form) and "host:port" (an optional tcp://
// in front, IPv6 in brackets). Split at the first space, as Fortio. Throws loadgen::error (exit 2)
// naming the value when a part is missing or the destination has no port.
struct tcp_proxy_spec {
  std::string listen;
  std::string host;  // IPv6 without brackets
  std::string port;
};
tcp_proxy_spec parse_tcp_proxy_spec(std::string_view value);

// -M "local url1 url2 ...": the listen address and the destinations, split at spaces (runs of
// spaces count as one; Fortio would make an empty target of each extra space). A destination
// without http:// or https:// gets http:// (Fortio logs "Assuming http://"); with mirror_origin
// a trailing '/' is removed, since the request target is appended. Throws loadgen::error (exit 2)
// when there is no destination.
struct multi_spec {
  std::string listen;
  std::vector<std::string> targets;
  std::vector<std::string> assumed_http;  // destinations given without a scheme, as given
};
multi_spec parse_multi_spec(std::string_view value, bool mirror_origin);

// The status of a parallel -M answer: the first (in -M order) that is not 200, or 200 when all
// are; a target that failed counts as -1 and makes 503. Fortio's TeeParallelHandler rule.
int multi_parallel_status(const std::vector<int>& statuses);

// The Content-Type Go's server picks for a body the handler did not label (http.DetectContentType,
// the cases that matter here): "" for an empty body, text/html for an HTML start, octet-stream
// for binary bytes, else "text/plain; charset=utf-8".
std::string sniff_content_type(std::string_view body);

// True for a header copied to every -M target in non-mirror mode (Fortio copies only the tracing
// ones: X-Request-Id, B3 and X-B3-*; case-insensitive).
bool is_trace_header(std::string_view name);

// A header name as Go writes it after reading it (textproto.CanonicalMIMEHeaderKey): the first
// letter and every letter after '-' upper case, the others lower ("x-b3-traceid" ->
// "X-B3-Traceid"); a name with a byte that is not a token character is kept as it is.
std::string canonical_header_name(std::string_view name);

}  // namespace loadgen
