#pragma once
// `load -envoy-admin URL`: one GET of Envoy's admin /stats (the sidecar's, at
// http://127.0.0.1:15000 in an Istio pod), bounded by a short timeout, for the counters around a
// run (core/envoy_cluster).
#include <optional>
#include <string>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/envoy_cluster.hpp"

namespace loadgen {

// -envoy-admin auto: the sidecar's admin address in an Istio pod.
inline constexpr const char* envoy_admin_auto = "http://127.0.0.1:15000";

struct envoy_admin_read {
  std::optional<envoy_stats> stats;  // the cluster counters and gauges, when the read worked
  std::string notice;                // else one line saying why ("" when quiet and nothing answered)
};

// GET <admin>/stats?filter=^cluster\. within timeout; the body is read up to 16 MB. Never throws:
// a refused connect, a timeout, a non-200 answer, a body that is not Envoy's stats (or too large)
// come back as a notice. quiet: a refused or unanswered connect gives no notice (-envoy-admin
// auto, outside a mesh).
envoy_admin_read read_envoy_admin(const std::string& admin, nanos timeout, bool quiet);

// The admin URL's form is checked before the run: throws loadgen::error (exit 2) naming
// -envoy-admin when it is not an http:// URL with a host (and no path beyond "/").
void check_envoy_admin_url(const std::string& admin);

}  // namespace loadgen
