#include "loadgen/wire/h2_rules.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace loadgen {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool forbidden_in_h2(const std::string& name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" || name == "transfer-encoding" ||
         name == "upgrade" || name == "host";
}

}  // namespace

std::optional<h2_request> h2_request_from_http1(std::string_view request, std::string_view scheme) {
  const std::size_t head_end = request.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  std::string_view head = request.substr(0, head_end + 2);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  h2_request out;
  std::string authority;
  std::vector<std::pair<std::string, std::string>> regular;
  for (std::size_t at = line_end + 2; at < head.size();) {
    const std::size_t end = head.find("\r\n", at);
    const std::string_view field = head.substr(at, end - at);
    at = end + 2;
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string name = lower(field.substr(0, colon));
    const std::string_view value = trim(field.substr(colon + 1));
    if (name == "host") authority = value;
    if (forbidden_in_h2(name)) continue;
    regular.emplace_back(std::move(name), std::string(value));
  }
  out.headers.reserve(regular.size() + 4);
  out.headers.emplace_back(":method", std::string(line.substr(0, sp1)));
  out.headers.emplace_back(":scheme", std::string(scheme));
  out.headers.emplace_back(":authority", std::move(authority));
  out.headers.emplace_back(":path", std::string(line.substr(sp1 + 1, sp2 - sp1 - 1)));
  for (auto& h : regular) out.headers.push_back(std::move(h));
  out.body = request.substr(head_end + 4);
  return out;
}

h2_fate h2_stream_fate(std::int32_t stream_id, bool goaway, std::int32_t last_stream_id, bool response_started) noexcept {
  if (goaway && stream_id > last_stream_id && !response_started) return h2_fate::retry;
  return h2_fate::fail;
}

transport_error h2_stream_error(std::uint32_t code, bool goaway) noexcept {
  switch (code) {
    case 0x7: return transport_error::h2_refused_stream;
    case 0x8: return transport_error::h2_cancel;
    case 0x0: return goaway ? transport_error::h2_goaway : transport_error::closed;
    default: return transport_error::h2_reset;
  }
}

std::string h2_error_name(std::uint32_t code) {
  static constexpr std::array<const char*, 14> names{
      "NO_ERROR",       "PROTOCOL_ERROR",      "INTERNAL_ERROR",      "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
      "STREAM_CLOSED",  "FRAME_SIZE_ERROR",    "REFUSED_STREAM",      "CANCEL",             "COMPRESSION_ERROR",
      "CONNECT_ERROR",  "ENHANCE_YOUR_CALM",   "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
  if (code < names.size()) return names[code];
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", code);
  return buf;
}

}  // namespace loadgen
