#include "loadgen/core/url.hpp"

#include <fmt/format.h>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }
int hex_value(char c) { return is_digit(c) ? c - '0' : lower(c) - 'a' + 10; }

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (const char c : s) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Characters a host name may hold: RFC 3986 reg-name (unreserved, sub-delims, pct-encoded) and
// raw UTF-8 bytes for IDNs. Anything else ('<', '"', '\\', ...) is a typo, not a host.
bool is_host_char(char c) {
  static constexpr std::string_view allowed = "-._~!$&'()*+,;=%";
  return is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80 ||
         allowed.find(c) != std::string_view::npos;
}

// The URL as error messages show it: user info (a password, often) replaced by "***", control
// characters escaped so that the message stays one line.
std::string shown_url(std::string_view text) {
  const std::size_t sep = text.find("://");
  const std::size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  const std::size_t end = text.find_first_of("/?#", start);
  const std::size_t at = text.substr(0, end).rfind('@');
  const std::string redacted = at == std::string_view::npos || at < start
                                   ? std::string(text)
                                   : fmt::format("{}***{}", text.substr(0, start), text.substr(at));
  std::string out;
  for (const char c : redacted) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

[[noreturn]] void fail(std::string_view what, std::string_view text) {
  throw run_error(fmt::format("{} in URL \"{}\"", what, text));
}

std::string percent_decode(std::string_view s, std::string_view text) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
      fail("invalid percent-encoding in the user info", text);
    }
    out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
    i += 2;
  }
  return out;
}

std::uint16_t parse_port(std::string_view port, std::string_view text) {
  const auto bad = [&] {
    throw run_error(fmt::format("invalid port \"{}\" in URL \"{}\" (must be 1..65535)", port, text));
  };
  if (port.empty() || port.size() > 5) bad();
  unsigned value = 0;
  for (const char c : port) {
    if (!is_digit(c)) bad();
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) bad();
  return static_cast<std::uint16_t>(value);
}

// The host and port of an authority (user info removed): "[v6]:port" or "host:port", checked.
struct host_port {
  std::string_view host, port;
  bool has_port = false;
};

host_port split_host_port(std::string_view authority, std::string_view shown) {
  host_port out;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail("missing ']' after the IPv6 address", shown);
    out.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') fail(fmt::format("unexpected \"{}\" after the IPv6 address", after), shown);
      out.port = after.substr(1);
      out.has_port = true;
    }
    bool ok = out.host.find(':') != std::string_view::npos;
    for (const char c : out.host) ok = ok && (is_hex(c) || c == ':' || c == '.');
    if (!ok) fail(fmt::format("invalid IPv6 address \"{}\"", out.host), shown);
    return out;
  }
  const std::size_t colon = authority.find(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string_view::npos) {
    out.port = authority.substr(colon + 1);
    out.has_port = true;
  }
  if (out.port.find(':') != std::string_view::npos) {
    fail(fmt::format("invalid host \"{}\" (IPv6 addresses need brackets: [::1])", authority), shown);
  }
  for (const char c : out.host) {
    if (!is_host_char(c)) fail(fmt::format("invalid character '{}' in host \"{}\"", c, out.host), shown);
  }
  return out;
}

// tcp://host:port and udp://host:port carry nothing else (Fortio strips one trailing "/").
void check_echo_url(const url& out, std::string_view after_scheme, bool has_port, std::string_view shown) {
  if (!out.userinfo.empty() || after_scheme.substr(0, after_scheme.find_first_of("/?#")).find('@') != std::string_view::npos)
    fail(fmt::format("user info is not allowed in a {} URL", out.scheme), shown);
  if (!has_port) fail(fmt::format("a {} URL needs a port ({}://host:port)", out.scheme, out.scheme), shown);
  const std::size_t rest = after_scheme.find_first_of("/?#");
  if (rest != std::string_view::npos && after_scheme.substr(rest) != "/")
    fail(fmt::format("a {} URL is host:port only (unexpected \"{}\")", out.scheme, after_scheme.substr(rest)), shown);
}

}  // namespace

std::string url::host_header() const {
  std::string out = host_is_ipv6() ? "[" + host + "]" : host;
  if (explicit_port) out += ":" + std::to_string(port);
  return out;
}

std::string url::authority() const {
  return (host_is_ipv6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string url::to_string() const { return scheme + "://" + host_header() + target; }

url parse_url(std::string_view raw, bool* assumed_scheme) {
  if (assumed_scheme != nullptr) *assumed_scheme = false;
  if (raw.empty()) throw run_error("empty URL");
  const std::string shown = shown_url(raw);
  const std::string_view text = raw;  // parsed; messages show `shown`
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      throw run_error(
          fmt::format("invalid URL \"{}\": it contains {}", shown,
                      c == ' ' ? std::string("a space") : fmt::format("the control character 0x{:02x}", u)));
    }
  }

  url out;
  std::string_view rest = text;
  const std::size_t sep = text.find("://");
  if (sep != std::string_view::npos && is_scheme(text.substr(0, sep))) {
    out.scheme = to_lower(text.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https" && out.scheme != "tcp" && out.scheme != "udp") {
      throw run_error(fmt::format("unsupported scheme \"{}\" in URL \"{}\" (loadgen speaks http, https, tcp and udp)",
                                  text.substr(0, sep), shown));
    }
    rest.remove_prefix(sep + 3);
  } else {
    // As Fortio: no scheme means http://. "host:8080/x" is a host and port, not scheme "host".
    out.scheme = "http";
    if (assumed_scheme != nullptr) *assumed_scheme = true;
  }

  const std::size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view target = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (const std::size_t hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  out.target = target.empty() || target[0] != '/' ? "/" + std::string(target) : std::string(target);

  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = percent_decode(authority.substr(0, at), shown);
    authority.remove_prefix(at + 1);
  }

  const auto [host, port, has_port] = split_host_port(authority, shown);
  if (host.empty()) fail("empty host", shown);
  out.host = to_lower(host);

  if (out.is_echo()) {
    check_echo_url(out, raw.substr(raw.find("://") + 3), has_port && !port.empty(), shown);
    out.port = parse_port(port, shown);
    out.explicit_port = true;
    out.target.clear();
    return out;
  }
  // "http://h:/" is valid (RFC 3986 allows an empty port) and means the default port, as in Go.
  if (has_port && !port.empty()) {
    out.port = parse_port(port, shown);
    out.explicit_port = true;
  } else {
    out.port = out.is_https() ? 443 : 80;
  }
  return out;
}

url resolve_location(const url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) {
    url next = parse_url(location);
    if (next.is_echo()) throw run_error(fmt::format("redirect to a {} URL \"{}\"", next.scheme, shown_url(location)));
    return next;
  }
  if (location.substr(0, 2) == "//") return parse_url(base.scheme + ":" + std::string(location));
  url next = base;
  next.userinfo.clear();
  std::string target(location);
  if (target.empty()) target = base.target;
  else if (target.front() == '?') target = base.target.substr(0, base.target.find('?')) + target;
  else if (target.front() != '/') {
    const std::string path = base.target.substr(0, base.target.find('?'));
    target = path.substr(0, path.rfind('/') + 1) + target;
  }
  if (const auto hash = target.find('#'); hash != std::string::npos) target.erase(hash);
  next.target = target;
  return next;
}

}  // namespace loadgen
