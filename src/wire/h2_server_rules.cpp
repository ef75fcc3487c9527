#include "loadgen/wire/h2_server_rules.hpp"

#include <cctype>

#include "loadgen/core/base64.hpp"

namespace loadgen {

namespace {

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
  auto payload = base64url_decode(trim(*http2_settings));
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
