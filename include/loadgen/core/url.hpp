#pragma once
// Target URL parsing and normalisation (pure).
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

struct url {
  std::string scheme;    // "http", "https", or "tcp" / "udp" (Fortio's echo runners), lower case
  std::string userinfo;  // "user:password" from the URL, percent-decoded; never printed
  std::string host;      // host name or IP literal; IPv6 without brackets; lower case
  std::uint16_t port = 0;      // explicit port, or 80/443 from the scheme
  bool explicit_port = false;  // the URL named a port
  std::string target;    // origin-form request target: path + "?" + query, at least "/"; no fragment;
                         // "" for tcp:// and udp://, which have no path

  bool grpc = false;     // -grpc: unary gRPC calls over HTTP/2 to this http(s) URL (grpc_outcome.hpp)

  bool is_https() const noexcept { return scheme == "https"; }
  // tcp://host:port or udp://host:port: Fortio's TCP and UDP echo runs, not HTTP.
  bool is_echo() const noexcept { return scheme == "tcp" || scheme == "udp"; }
  bool host_is_ipv6() const noexcept { return host.find(':') != std::string::npos; }
  // The Host header value: host (bracketed if IPv6), plus ":port" when the URL named a port.
  std::string host_header() const;
  // "host:port" for messages and connect targets (IPv6 bracketed).
  std::string authority() const;
  // The normalised URL without userinfo: scheme://host[:port]target.
  std::string to_string() const;
};

// Parses a target URL. A URL without a scheme gets "http://" (as Fortio does); *assumed_scheme is
// then set to true so the caller can warn. Throws loadgen::error (exit 1) with a one-line message
// for: empty input, an unsupported scheme (http, https, tcp and udp are known), an empty host, a
// bad or out-of-range port (1..65535), spaces or control characters, a malformed IPv6 literal or
// percent-encoding in the user info. Messages show the user info as "***". An empty port
// ("http://h:/") is valid, as in RFC 3986 and Go, and means the scheme's default.
// tcp:// and udp:// (Fortio's echo runners) are host:port only: the port is required, and user
// info, a path other than "/", a query or a fragment is an error (nothing would carry them).
url parse_url(std::string_view text, bool* assumed_scheme = nullptr);

// Resolves a Location header against the URL it came from: absolute ("https://h/x"),
// scheme-relative ("//h/x"), absolute-path ("/x") or relative ("x", "../x" kept as given after
// the base's directory). Throws loadgen::error for an absolute one that does not parse or is not
// http or https (a redirect never leads to a tcp:// or udp:// echo).
url resolve_location(const url& base, std::string_view location);

}  // namespace loadgen
