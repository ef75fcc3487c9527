#include "loadgen/wire/redirect.hpp"

#include <algorithm>
#include <exception>

#include "loadgen/core/text.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace loadgen {

namespace {

// Headers that carry credentials for one origin only.
bool credential_header(const std::string& name) {
  return iequals(name, "authorization") || iequals(name, "cookie") || iequals(name, "cookie2");
}

}  // namespace

bool same_origin(const url& a, const url& b) noexcept {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

std::optional<redirect_hop> next_redirect(const run_options& from, int status, std::string_view location) {
  if (!is_redirect_status(status) || location.empty()) return std::nullopt;
  redirect_hop hop{from, false};
  try {
    hop.next.target = resolve_location(from.target, location);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  hop.same_origin = same_origin(from.target, hop.next.target);
  run_options& o = hop.next;
  const std::string method = request_method(from);
  if (status == 303 || ((status == 301 || status == 302) && method == "POST")) {
    o.method = method == "HEAD" ? "HEAD" : "GET";
    o.payload.clear();
    o.payload_lines.clear();
    o.has_payload = false;
    o.content_type.clear();
  }
  if (!hop.same_origin) {
    o.user.clear();
    o.target.userinfo.clear();
    o.host_override.clear();
    o.resolve_ip.clear();
    o.headers.erase(std::remove_if(o.headers.begin(), o.headers.end(),
                                   [](const auto& h) { return credential_header(h.first); }),
                    o.headers.end());
  }
  return hop;
}

}  // namespace loadgen
