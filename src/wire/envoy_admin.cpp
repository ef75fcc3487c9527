#include "loadgen/wire/envoy_admin.hpp"

#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace loadgen {
namespace {

namespace json = boost::json;

bool whole_number(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Envoy's stat names start with a letter or digit and go on in printable ASCII without spaces
// ([a-zA-Z0-9_.|:-] and the like).
bool stat_name(std::string_view name) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !alnum(name.front())) return false;
  for (const char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

std::optional<envoy_stats> parse_json(std::string_view body) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const json::value* list = doc.get_object().if_contains("stats");
  if (!list || !list->is_array()) return std::nullopt;
  envoy_stats out;
  for (const json::value& entry : list->get_array()) {
    if (!entry.is_object()) continue;
    const json::object& e = entry.get_object();
    const json::value* name = e.if_contains("name");
    const json::value* value = e.if_contains("value");
    if (!name || !name->is_string() || !value) continue;  // {"histograms": ...} and the like
    std::int64_t v = 0;
    if (value->is_int64()) v = value->get_int64();
    else if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) v = static_cast<std::int64_t>(value->get_uint64());
    else continue;
    out[std::string(name->get_string())] = v;
  }
  return out;
}

std::optional<envoy_stats> parse_text(std::string_view body) {
  envoy_stats out;
  bool any_line = false;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t colon = line.rfind(": ");  // names may hold ':' (a cluster "host:port"), values never
    if (colon == std::string_view::npos || colon == 0 || !stat_name(line.substr(0, colon))) continue;
    any_line = true;
    std::int64_t v = 0;
    if (whole_number(line.substr(colon + 2), v)) out[std::string(line.substr(0, colon))] = v;  // histograms skipped
  }
  if (!any_line) return std::nullopt;
  return out;
}

}  // namespace

std::optional<envoy_stats> parse_envoy_stats(std::string_view body) {
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') return parse_json(body);
  return parse_text(body);
}

std::string format_envoy_stats_text(const envoy_stats& stats) {
  std::string out;
  for (const auto& [name, value] : stats) out += fmt::format("{}: {}\n", name, value);
  return out;
}

std::string format_envoy_stats_json(const envoy_stats& stats) {
  json::array list;
  for (const auto& [name, value] : stats) list.push_back(json::object{{"name", name}, {"value", value}});
  list.push_back(json::object{{"histograms", json::object{{"supported_quantiles", json::array{}}, {"computed_quantiles", json::array{}}}}});
  return json::serialize(json::object{{"stats", std::move(list)}}) + "\n";
}

}  // namespace loadgen
