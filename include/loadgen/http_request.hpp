#pragma once
// The request bytes, serialised once per run and reused for every call (pure).
#include <string>

#include "loadgen/options.hpp"

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

// Standard base64 (for Basic auth and the JSON Payload field).
std::string base64_encode(std::string_view data);

}  // namespace loadgen
