#pragma once
// Base64 (RFC 4648), pure: the standard alphabet with padding (Basic auth, the JSON's Payload,
// the LGH1 histograms) and the URL-safe one without (HTTP/2's HTTP2-Settings header).
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

// Standard alphabet, '=' padding to a multiple of 4.
std::string base64_encode(std::string_view data);

// Standard alphabet; the length must be a multiple of 4 with at most two '=' at the end.
// nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

// URL-safe alphabet ('-' and '_'), padding optional (RFC 7540 omits it). nullopt for a byte
// outside the alphabet or a length no encoding has (4k+1).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace loadgen
