#pragma once
// An Envoy cluster's counters around a run (pure): which cluster of the admin /stats is the
// target's, and what moved between the read before the first call and the read after the last.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loadgen {

// An admin /stats read: stat name -> value (counters and gauges; histograms are not kept).
using envoy_stats = std::map<std::string, std::int64_t, std::less<>>;

// The counters reported, in this order, when present: circuit-breaker overflows, then volumes.
const std::vector<std::string_view>& envoy_tracked_counters();

// The cluster names the stats know ("cluster.<name>.<stat>"; a name may hold dots and '|', as
// Istio's "outbound|8000||httpbin.default.svc.cluster.local"), sorted.
std::vector<std::string> envoy_clusters(const envoy_stats& stats);

// The target's cluster: `given` when not empty (it must be listed); else by Istio's naming,
// "outbound|<port>||<host>" exactly, else the one "outbound|<port>||<host>.<domain>" (a short name
// matched to its FQDN), else the one "outbound|<port>||*" cluster (the target is an IP address,
// say). Either the name, or (second) a one-line notice saying why none was picked.
std::pair<std::optional<std::string>, std::string> pick_envoy_cluster(const envoy_stats& stats, std::string_view host,
                                                                      int port, std::string_view given);

struct envoy_cluster_delta {
  std::string admin;    // the admin URL read
  std::string cluster;  // "" when none was picked (then notice says why)
  std::vector<std::pair<std::string, std::int64_t>> before, after, delta;  // tracked counters present, in order
  std::vector<std::pair<std::string, std::int64_t>> gauges;  // "circuit_breakers.<priority>.<gauge>" after the run
  std::string notice;   // one line when the stats could not be read or matched; "" when all went well
  std::int64_t delta_of(std::string_view counter) const noexcept;  // 0 when absent
  bool moved() const noexcept;
};

// The cluster's tracked counters before and after, their difference, and its circuit_breakers.*
// gauges after.
envoy_cluster_delta envoy_delta(const envoy_stats& before, const envoy_stats& after, const std::string& cluster);

// One run's story: the reads before the first call and after the last (nullopt: that read failed,
// and its notice says why), the target's host and port, -envoy-cluster. nullopt when there is
// nothing to say (both reads failed quietly: -envoy-admin auto outside a mesh).
std::optional<envoy_cluster_delta> envoy_around_run(const std::string& admin, const std::optional<envoy_stats>& before,
                                                    const std::string& before_notice,
                                                    const std::optional<envoy_stats>& after,
                                                    const std::string& after_notice, std::string_view host, int port,
                                                    std::string_view given);

}  // namespace loadgen
