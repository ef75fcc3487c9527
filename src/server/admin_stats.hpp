#pragma once
// The rehearsal server plays the sidecar (private to the server): with a circuit breaker
// (-max-active), GET /stats answers as Envoy's admin /stats does for a cluster, from the breaker's
// counters, so `load -envoy-admin http://host:port` reads the same counters from loadgen's server
// as from an Istio sidecar.
#include <string>
#include <string_view>

#include "breaker.hpp"
#include "loadgen/server/echo_server.hpp"

namespace loadgen {

// Whether the target's path is /stats.
bool is_admin_stats_target(std::string_view target);

// The answer to /stats[?format=json][&filter=REGEX] for the breaker's counters now, under
// "cluster.<cluster>.": upstream_rq_total (admitted), upstream_rq_pending_total (waited),
// upstream_rq_pending_overflow (shed), upstream_rq_active, upstream_rq_pending_active, the
// overflows the breaker never has (cx, retry) and upstream_rq_timeout at 0, and the
// circuit_breakers.default gauges (rq_open, rq_pending_open, remaining_rq, remaining_pending,
// cx_open). A filter that is not a regex is a 400. Answered outside the breaker, as Envoy's admin
// port is.
served_page admin_stats_page(std::string_view target, const breaker::counters& c, const std::string& cluster);

// -cluster-name's default: Istio's name for the server's port, "outbound|<port>||loadgen.local".
std::string default_cluster_name(int port);

}  // namespace loadgen
