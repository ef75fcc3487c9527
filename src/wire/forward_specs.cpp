#include "loadgen/wire/forward_specs.hpp"

#include <algorithm>
#include <cctype>

#include "loadgen/core/error.hpp"

namespace loadgen {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

tcp_proxy_spec parse_tcp_proxy_spec(std::string_view value) {
  const auto bad = [&](const std::string& why) {
    return flag_error("-P \"" + std::string(value) + "\": " + why + " (want \"local-port dest-host:dest-port\")");
  };
  const auto space = value.find(' ');
  if (space == std::string_view::npos) throw bad("no destination");
  tcp_proxy_spec s;
  s.listen = std::string(value.substr(0, space));
  std::string_view dest = value.substr(space + 1);
  while (!dest.empty() && dest.front() == ' ') dest.remove_prefix(1);
  while (!dest.empty() && dest.back() == ' ') dest.remove_suffix(1);
  if (s.listen.empty() || dest.empty()) throw bad("missing part");
  if (starts_with_nocase(dest, "tcp://")) dest.remove_prefix(6);
  const auto colon = dest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == dest.size()) throw bad("destination has no port");
  std::string_view host = dest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw bad("destination has no host");
  s.host = std::string(host);
  s.port = std::string(dest.substr(colon + 1));
  if (!std::all_of(s.port.begin(), s.port.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw bad("destination port is not a number");
  return s;
}

multi_spec parse_multi_spec(std::string_view value, bool mirror_origin) {
  multi_spec m;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < value.size()) {
    const auto end = std::min(value.find(' ', i), value.size());
    if (end > i) parts.emplace_back(value.substr(i, end - i));
    i = end + 1;
  }
  if (parts.size() < 2)
    throw flag_error("-M \"" + std::string(value) + "\": no destination (want \"local-port dest-url1 [dest-url2 ...]\")");
  m.listen = parts[0];
  for (std::size_t k = 1; k < parts.size(); ++k) {
    std::string t = parts[k];
    if (mirror_origin)
      while (!t.empty() && t.back() == '/') t.pop_back();
    if (!starts_with_nocase(t, "http://") && !starts_with_nocase(t, "https://")) {
      m.assumed_http.push_back(parts[k]);
      t = "http://" + t;
    }
    m.targets.push_back(std::move(t));
  }
  return m;
}

int multi_parallel_status(const std::vector<int>& statuses) {
  for (int s : statuses) {
    if (s != 200) return s <= 0 ? 503 : s;
  }
  return 200;
}

std::string sniff_content_type(std::string_view body) {
  if (body.empty()) return {};
  std::string_view head = body.substr(0, 512);
  std::size_t ws = 0;
  while (ws < head.size() && (head[ws] == ' ' || head[ws] == '\t' || head[ws] == '\n' || head[ws] == '\r' || head[ws] == '\f'))
    ++ws;
  const std::string rest = lower(head.substr(ws));
  static const char* const html[] = {"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font",
                                     "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--"};
  for (const char* tag : html) {
    const std::string_view t(tag);
    if (rest.size() > t.size() && rest.compare(0, t.size(), t) == 0 && (rest[t.size()] == ' ' || rest[t.size()] == '>'))
      return "text/html; charset=utf-8";
  }
  for (unsigned char c : head) {
    if (c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F))
      return "application/octet-stream";
  }
  return "text/plain; charset=utf-8";
}

bool is_trace_header(std::string_view name) {
  const std::string n = lower(name);
  return n == "x-request-id" || n == "b3" || n.rfind("x-b3-", 0) == 0;
}

std::string canonical_header_name(std::string_view name) {
  static constexpr std::string_view token_punct = "!#$%&'*+-.^_`|~";
  for (unsigned char c : name)
    if (!std::isalnum(c) && token_punct.find(static_cast<char>(c)) == std::string_view::npos) return std::string(name);
  std::string out(name);
  bool upper = true;
  for (auto& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
    upper = c == '-';
  }
  return out;
}

}  // namespace loadgen
