#include "loadgen/wire/http_request.hpp"

#include "loadgen/wire/proxy.hpp"

#include <cctype>
#include <cstdint>

#include "loadgen/core/base64.hpp"
#include "loadgen/core/text.hpp"

namespace loadgen {
namespace {

bool has_header(const run_options& o, std::string_view name) {
  for (const auto& [k, v] : o.headers)
    if (iequals(k, name)) return true;
  return false;
}

}  // namespace

std::string request_method(const run_options& o) {
  if (!o.method.empty()) return o.method;
  return (o.has_payload || !o.content_type.empty()) ? "POST" : "GET";
}

void append_uuid(std::uint64_t high, std::uint64_t low, std::string& out) {
  high = (high & ~0xF000ull) | 0x4000ull;                          // version 4
  low = (low & ~(0xC000ull << 48)) | (0x8000ull << 48);            // variant 10xx
  static constexpr char digits[] = "0123456789abcdef";
  char buf[uuid_length];
  std::size_t n = 0;
  for (int i = 15; i >= 0; --i) {
    buf[n++] = digits[(high >> (i * 4)) & 0xF];
    if (i == 8 || i == 4) buf[n++] = '-';
  }
  buf[n++] = '-';
  for (int i = 15; i >= 0; --i) {
    buf[n++] = digits[(low >> (i * 4)) & 0xF];
    if (i == 12) buf[n++] = '-';
  }
  out.append(buf, n);
}

namespace {

std::size_t count_markers(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t at = s.find(uuid_marker); at != std::string_view::npos; at = s.find(uuid_marker, at + 1)) ++n;
  return n;
}

std::string build_with_payload(const run_options& o, std::string_view payload) {
  std::string r;
  r.reserve(256 + payload.size());
  r += request_method(o);
  r += ' ';
  if (o.proxy && !o.target.is_https()) r += o.target.scheme + "://" + o.target.authority();  // absolute form
  r += o.target.target;
  r += o.http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
  if (!o.host_override.empty()) r += "Host: " + o.host_override + "\r\n";
  else if (!o.http10) r += "Host: " + o.target.host_header() + "\r\n";
  if (!o.keepalive && !o.http10) r += "Connection: close\r\n";
  if (o.proxy && !o.target.is_https()) r += proxy_authorization(*o.proxy);
  if (!has_header(o, "user-agent")) r += "User-Agent: " + o.user_agent + "\r\n";
  if (o.compression && !has_header(o, "accept-encoding")) r += "Accept-Encoding: gzip\r\n";
  // Basic auth: -user, else the URL's user:password (never echoed in the JSON or logs).
  const std::string& credentials = o.user.empty() ? o.target.userinfo : o.user;
  if (!credentials.empty() && !has_header(o, "authorization"))
    r += "Authorization: Basic " + base64_encode(credentials) + "\r\n";
  const bool body = o.has_payload || !o.content_type.empty();
  if (body) {
    if (!has_header(o, "content-type"))
      r += "Content-Type: " + (o.content_type.empty() ? std::string("application/octet-stream") : o.content_type) + "\r\n";
    const std::size_t length = payload.size() + count_markers(payload) * (uuid_length - uuid_marker.size());
    r += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  for (const auto& [k, v] : o.headers) {
    // "-H User-Agent:" with an empty value removes the header (Fortio's rule).
    if (v.empty() && iequals(k, "user-agent")) continue;
    r += k + ": " + v + "\r\n";
  }
  r += "\r\n";
  r += payload;
  return r;
}

}  // namespace

std::string build_request(const run_options& o) { return build_with_payload(o, o.payload); }

std::vector<std::string> build_requests(const run_options& o) {
  if (o.payload_lines.empty()) return {build_request(o)};
  std::vector<std::string> out;
  out.reserve(o.payload_lines.size());
  for (const auto& line : o.payload_lines) out.push_back(build_with_payload(o, line));
  return out;
}

request_set make_request_set(const run_options& o) {
  request_set s;
  s.bytes = build_requests(o);
  for (const auto& r : s.bytes) s.per_call_uuid |= r.find(uuid_marker) != std::string::npos;
  s.head = request_method(o) == "HEAD";
  return s;
}

}  // namespace loadgen
