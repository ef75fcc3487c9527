#include "loadgen/wire/h2_server_rules.hpp"

#include <cctype>

namespace loadgen {

namespace {

// RFC 4648 §5 alphabet; -1 for a byte outside it.
int base64url_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> decode_base64url(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);  // tolerated, though RFC 7540 omits it
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned bits = 0;
  int have = 0;
  for (char c : in) {
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    have += 6;
    if (have >= 8) {
      have -= 8;
      out.push_back(static_cast<char>((bits >> have) & 0xff));
    }
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool lists_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (lower_header_name(item) == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

h2_preface_match match_h2_preface(std::string_view first_bytes) noexcept {
  const std::size_t n = first_bytes.size() < h2_client_preface.size() ? first_bytes.size() : h2_client_preface.size();
  if (first_bytes.substr(0, n) != h2_client_preface.substr(0, n)) return h2_preface_match::http1;
  return n == h2_client_preface.size() ? h2_preface_match::h2 : h2_preface_match::undecided;
}

std::optional<std::string> h2c_upgrade_settings(std::string_view upgrade, std::optional<std::string_view> http2_settings) {
  if (!http2_settings || !lists_token(upgrade, "h2c")) return std::nullopt;
  auto payload = decode_base64url(trim(*http2_settings));
  if (!payload || payload->size() % 6 != 0) return std::nullopt;
  return payload;
}

bool h2_answer_header_allowed(std::string_view n) noexcept {
  return !n.empty() && n.front() != ':' && n != "connection" && n != "keep-alive" && n != "proxy-connection" &&
         n != "transfer-encoding" && n != "upgrade" && n != "content-length";
}

std::string lower_header_name(std::string_view name) {
  std::string out(name);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace loadgen
