// The URL parser: either one loadgen::error or a URL whose fields hold their promises and whose
// normalised form parses back to itself.
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loadgen::fuzz::input in(data, size);
  const std::uint8_t mode = in.byte();
  const std::string_view text = in.rest();
  loadgen::url u;
  try {
    bool assumed = false;
    u = loadgen::parse_url(text, &assumed);
  } catch (const loadgen::error&) {
    return 0;
  }
  LOADGEN_FUZZ_CHECK(u.scheme == "http" || u.scheme == "https" || u.is_echo());
  LOADGEN_FUZZ_CHECK(!u.host.empty());
  LOADGEN_FUZZ_CHECK(u.port != 0);
  // An echo target (tcp://, udp://) is host:port only; an HTTP one has an origin-form target.
  if (u.is_echo()) LOADGEN_FUZZ_CHECK(u.userinfo.empty());
  else LOADGEN_FUZZ_CHECK(!u.target.empty() && u.target.front() == '/');
  LOADGEN_FUZZ_CHECK(u.target.find('#') == std::string::npos);
  // The normalised URL is a fixed point.
  const std::string normal = u.to_string();
  loadgen::url again;
  try {
    again = loadgen::parse_url(normal);
  } catch (const loadgen::error&) {
    LOADGEN_FUZZ_CHECK(!"the normalised URL does not parse");
  }
  LOADGEN_FUZZ_CHECK(again.to_string() == normal);
  LOADGEN_FUZZ_CHECK(again.port == u.port && again.host == u.host && again.target == u.target);
  // A Location against it: either an error or a URL.
  if (mode & 1) {
    try {
      const loadgen::url next = loadgen::resolve_location(u, text.substr(text.size() / 2));
      LOADGEN_FUZZ_CHECK(!next.host.empty() && next.port != 0);
    } catch (const loadgen::error&) {
    }
  }
  return 0;
}
