#pragma once
// The request bytes, serialised once per run and reused for every call (pure).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/core/options.hpp"

namespace loadgen {

// The method a run uses: -X if given, else POST when there is a payload or a content type
// (Fortio's rule), else GET.
std::string request_method(const run_options& options);

// Builds the whole request: request line, Host (the URL's authority, or -H Host:), Connection:
// close when keep-alive is off, User-Agent (unless -H User-Agent: with an empty value removes it),
// Content-Type and Content-Length when there is a body or a content type, the -H headers in the
// order given, a blank line, then the payload. -http1.0 sends "HTTP/1.0" and no Host header unless
// -H Host: is given. Basic auth from the URL's userinfo is added as an Authorization header unless
// -H Authorization: is given.
std::string build_request(const run_options& options);

// Every distinct request of a run: one, or one per line of -payload-file with -payload-lines
// (used round robin). "{uuid}" markers in the URL or payload stay in the bytes, with
// Content-Length already counting each as the 36-character UUID that render_request() puts there.
std::vector<std::string> build_requests(const run_options& options);

// A run's requests, built once and shared read-only by every connection.
struct request_set {
  std::vector<std::string> bytes;  // build_requests(): one, or one per -payload-lines line
  bool per_call_uuid = false;      // they hold "{uuid}" markers to fill per call
  bool head = false;               // the method is HEAD: responses have no body
};
request_set make_request_set(const run_options& options);

// The per-call marker (Fortio's): replaced by a fresh random UUID (version 4) on every call.
inline constexpr std::string_view uuid_marker = "{uuid}";
inline constexpr std::size_t uuid_length = 36;

// Appends a version 4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") made from 128 random bits.
void append_uuid(std::uint64_t high, std::uint64_t low, std::string& out);

// Copies request into out (reusing out's capacity) with each "{uuid}" replaced by a new UUID
// drawn from the two 64-bit random words that next_random() returns per UUID.
template <class Next>
void render_request(std::string_view request, Next&& next_random, std::string& out) {
  out.clear();
  std::size_t from = 0;
  for (std::size_t at; (at = request.find(uuid_marker, from)) != std::string_view::npos; from = at + uuid_marker.size()) {
    out.append(request.substr(from, at - from));
    append_uuid(next_random(), next_random(), out);
  }
  out.append(request.substr(from));
}

// base64_encode (Basic auth, the JSON's Payload) is core/base64.hpp's.

}  // namespace loadgen
