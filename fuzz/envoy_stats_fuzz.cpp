// Envoy's admin /stats body (wire/envoy_admin) and the classification of Envoy's replies
// (core/envoy_reply): any bytes parse or are refused; what parses prints, in both forms, to text
// that parses back to the same stats; picking the target's cluster and the delta never fail; any
// body classifies to a reason, and none only for statuses that are not 5xx or 429.
#include <cctype>
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/wire/envoy_admin.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const loadgen::envoy_reason r = loadgen::classify_envoy_reply(size > 0 && data[0] % 2 ? 503 : 429, size > 1 && data[1] % 2,
                                                                size > 2 && data[2] % 2, text);
  LOADGEN_FUZZ_CHECK(r != loadgen::envoy_reason::none);
  LOADGEN_FUZZ_CHECK(loadgen::classify_envoy_reply(200, true, true, text) == loadgen::envoy_reason::none);
  const auto stats = loadgen::parse_envoy_stats(text);
  if (!stats) return 0;
  // The text form keeps Envoy's names (a letter or digit, then printable ASCII); a JSON name may
  // hold anything else.
  bool plain = true;
  for (const auto& [name, value] : *stats) {
    if (name.empty() || !std::isalnum(static_cast<unsigned char>(name.front()))) plain = false;
    for (const char c : name)
      if (c < '!' || c > '~') plain = false;
  }
  // (An empty read prints as nothing, which is not a read: only a non-empty one comes back.)
  if (plain && !stats->empty()) LOADGEN_FUZZ_CHECK(loadgen::parse_envoy_stats(loadgen::format_envoy_stats_text(*stats)) == stats);
  LOADGEN_FUZZ_CHECK(loadgen::parse_envoy_stats(loadgen::format_envoy_stats_json(*stats)) == stats);
  const auto [cluster, why] = loadgen::pick_envoy_cluster(*stats, "httpbin", 8000, "");
  LOADGEN_FUZZ_CHECK(cluster.has_value() != !why.empty());
  if (cluster) (void)loadgen::envoy_delta(*stats, *stats, *cluster);
  return 0;
}
