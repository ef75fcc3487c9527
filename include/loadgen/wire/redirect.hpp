#pragma once
// The one redirect rule (pure), used by `curl -L` and by `load -L`: what the next request is after
// a 3xx with a Location, as browsers and curl(1) do it.
//   * 303: the next request is a GET without a body (a HEAD stays a HEAD, RFC 9110 15.4.4);
//     301 and 302 after a POST likewise; 307 and 308 keep the method and the body.
//   * Another origin (scheme, host or port differ, so https -> http counts): credentials are not
//     sent there: -user, the URL's user:password, and -H Authorization / Cookie headers are
//     dropped, as are a -H Host override and -resolve (they named the first origin).
#include <optional>
#include <string_view>

#include "loadgen/core/options.hpp"

namespace loadgen {

struct redirect_hop {
  run_options next;          // the options of the next request (target, method, body, headers)
  bool same_origin = false;  // the next target has the first hop's scheme, host and port
};

// from: the options of the request that got `status` with `location`. nullopt when status is not
// a redirect with a usable Location (then the 3xx is the answer). Throws nothing.
std::optional<redirect_hop> next_redirect(const run_options& from, int status, std::string_view location);

// Same scheme, host and port.
bool same_origin(const url& a, const url& b) noexcept;

}  // namespace loadgen
