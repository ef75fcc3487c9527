#pragma once
// One request, as `loadgen curl` makes it: the status line and headers go to `head`, the body
// (de-chunked) to `body`, as they arrive.
#include <ostream>
#include <string>

#include "loadgen/core/options.hpp"
#include "loadgen/core/outcome.hpp"

namespace loadgen {

struct fetch_result {
  int status = status_transport_error;           // HTTP status, or -1
  transport_error error = transport_error::none;  // when status == -1
  std::string message;                            // a one-line reason when status == -1 (or -L gave up)
  std::string location;                           // a redirect's Location (only with -L)
};

// Resolves, connects, sends the request built from options and reads the whole response, all
// within options.timeout, on the load path's own session (client/session.hpp). Throws
// loadgen::error (exit 1) when the host does not resolve or a TLS file cannot be loaded; network
// failures come back in the result. With options.follow_redirects (-L), follows up to 10
// redirects (wire/redirect.hpp: credentials stay with their origin); every hop's head is written.
fetch_result fetch(const run_options& options, std::ostream& head, std::ostream& body);

}  // namespace loadgen
