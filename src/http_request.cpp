#include "loadgen/http_request.hpp"

#include "loadgen/proxy.hpp"

#include <cctype>

namespace loadgen {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool has_header(const run_options& o, std::string_view name) {
  for (const auto& [k, v] : o.headers)
    if (iequals(k, name)) return true;
  return false;
}

}  // namespace

std::string base64_encode(std::string_view data) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < data.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string request_method(const run_options& o) {
  if (!o.method.empty()) return o.method;
  return (o.has_payload || !o.content_type.empty()) ? "POST" : "GET";
}

std::string build_request(const run_options& o) {
  std::string r;
  r.reserve(256 + o.payload.size());
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
  if (!o.target.userinfo.empty() && !has_header(o, "authorization"))
    r += "Authorization: Basic " + base64_encode(o.target.userinfo) + "\r\n";
  const bool body = o.has_payload || !o.content_type.empty();
  if (body) {
    if (!has_header(o, "content-type"))
      r += "Content-Type: " + (o.content_type.empty() ? std::string("application/octet-stream") : o.content_type) + "\r\n";
    r += "Content-Length: " + std::to_string(o.payload.size()) + "\r\n";
  }
  for (const auto& [k, v] : o.headers) {
    // "-H User-Agent:" with an empty value removes the header (Fortio's rule).
    if (v.empty() && iequals(k, "user-agent")) continue;
    r += k + ": " + v + "\r\n";
  }
  r += "\r\n";
  r += o.payload;
  return r;
}

}  // namespace loadgen
