#include "loadgen/wire/https_redirect.hpp"

#include <cstdio>

#include "loadgen/core/text.hpp"

namespace loadgen {

namespace {

bool is_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Go's shouldEscape(c, encodePath).
bool path_should_escape(unsigned char c) {
  if (is_alnum(c)) return false;
  switch (c) {
    case '-': case '_': case '.': case '~':
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '@':
      return false;
    default:
      return true;
  }
}

// Go's validEncoded(s, encodePath): sub-delimiters, ':' '@' '[' ']' and '%' are left as sent.
bool valid_encoded(std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
      case ';': case '=': case ':': case '@': case '[': case ']': case '%':
        break;
      default:
        if (path_should_escape(c)) return false;
    }
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Go's URL.EscapedPath() for a request path as sent; nullopt for a bad escape.
std::optional<std::string> escaped_path(std::string_view raw) {
  auto decoded = unescape(raw);
  if (!decoded) return std::nullopt;
  if (valid_encoded(raw)) return std::string(raw);
  std::string out;
  for (unsigned char c : *decoded) {
    if (!path_should_escape(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> https_redirect_location(std::string_view host, std::string_view target) {
  std::string prefix;  // scheme://authority of an absolute-form target
  if (!target.empty() && target.front() != '/') {
    if (const auto sep = target.find("://"); sep != std::string_view::npos) {
      const auto end = target.find_first_of("/?", sep + 3);
      const std::string_view authority = target.substr(sep + 3, end == std::string_view::npos ? target.npos : end - sep - 3);
      host = authority;
      prefix = std::string(target.substr(0, end == std::string_view::npos ? target.size() : end));
      target = end == std::string_view::npos ? std::string_view{} : target.substr(end);
    }
  }
  const auto q = target.find('?');
  const auto path = escaped_path(target.substr(0, q));
  if (!path) return std::nullopt;
  std::string loc = "https://";
  loc += host;
  loc += prefix;
  loc += *path;
  if (q != std::string_view::npos) loc += target.substr(q);
  return loc;
}

void append_https_redirect(std::string& out, std::string_view method, std::string_view location,
                           std::string_view date, bool keep_alive, int version) {
  const bool get = method == "GET", head = method == "HEAD";
  std::string body;
  if (get) {
    body = "<a href=\"";
    append_html_escaped(body, location);
    body += "\">See Other</a>.\n\n";
  }
  out += version == 10 ? "HTTP/1.0 303 See Other\r\n" : "HTTP/1.1 303 See Other\r\n";
  if (get || head) out += "Content-Type: text/html; charset=utf-8\r\n";
  out += "Location: ";
  out += location;
  out += "\r\nDate: ";
  out += date;
  out += "\r\n";
  if (!head) {
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  out += body;
}

void append_go_bad_request(std::string& out, std::string_view why) {
  std::string text = "400 Bad Request";
  if (!why.empty()) {
    text += ": ";
    text += why;
  }
  out += "HTTP/1.1 " + text + "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n" + text;
}

}  // namespace loadgen
