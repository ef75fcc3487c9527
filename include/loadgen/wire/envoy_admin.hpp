#pragma once
// Envoy's admin /stats body, both ways (pure): read by `load -envoy-admin`, written by `loadgen
// server`'s rehearsal of a sidecar (its breaker's counters as a cluster's).
//   text:  one "name: value" per line (Envoy's default), histograms as "name: P0(...) ..." lines
//   JSON:  {"stats":[{"name":"...","value":N}, ..., {"histograms":{...}}]} (?format=json)
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/envoy_cluster.hpp"

namespace loadgen {

// Counters and gauges (integer values); histogram lines and entries, and any value that is not a
// whole number, are skipped. nullopt when the body is neither form (no "name: value" line, and
// not that JSON): garbage, an HTML error page, ...
std::optional<envoy_stats> parse_envoy_stats(std::string_view body);

std::string format_envoy_stats_text(const envoy_stats& stats);
std::string format_envoy_stats_json(const envoy_stats& stats);

}  // namespace loadgen
