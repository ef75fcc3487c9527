#pragma once
// HTTP/2 decisions of the echo server that need no socket and no codec (pure): is a new plain
// connection HTTP/2 with prior knowledge (the client preface) or HTTP/1.1; is an HTTP/1.1 request
// asking for the `Upgrade: h2c` switch (and with which SETTINGS); which answer headers HTTP/2
// carries, and under which names. The framing, HPACK and flow control are libnghttp2's (server layer).
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

// RFC 9113 §3.4: the 24 bytes every HTTP/2 client sends first.
inline constexpr std::string_view h2_client_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum class h2_preface_match {
  h2,         // the bytes start with the whole preface
  http1,      // they cannot be the preface: HTTP/1.1 (or garbage, for Beast's parser to refuse)
  undecided,  // a strict prefix of the preface so far: read more
};
// What the first bytes read on a plain connection are.
h2_preface_match match_h2_preface(std::string_view first_bytes) noexcept;

// The decoded HTTP2-Settings payload (RFC 7540 §3.2.1: base64url, no padding) of an HTTP/1.1
// request whose Upgrade header lists the token "h2c" (any case, among others); nullopt when the
// request does not ask for h2c, or the settings header is missing or not base64url of whole
// 6-byte SETTINGS entries. An empty payload (no settings) is valid.
std::optional<std::string> h2c_upgrade_settings(std::string_view upgrade, std::optional<std::string_view> http2_settings);

// Whether an answer header (lower-case name) goes into an HTTP/2 response: not the ones HTTP/2
// forbids (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade), not a
// Content-Length (the server sets the true one), and not an empty or pseudo-header name.
bool h2_answer_header_allowed(std::string_view lower_name) noexcept;

std::string lower_header_name(std::string_view name);
// (Request header names as Go shows them: canonical_header_name in forward_specs.hpp.)

}  // namespace loadgen
