#include "loadgen/core/envoy_cluster.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace loadgen {
namespace {

constexpr std::string_view cluster_prefix = "cluster.";
// Every Envoy cluster has these; a stat name ending in one of them names its cluster.
constexpr std::string_view anchors[] = {".upstream_rq_total", ".upstream_cx_total", ".upstream_rq_pending_overflow",
                                        ".membership_total"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::int64_t value_of(const envoy_stats& stats, const std::string& name, bool* found) {
  const auto it = stats.find(name);
  *found = it != stats.end();
  return *found ? it->second : 0;
}

}  // namespace

const std::vector<std::string_view>& envoy_tracked_counters() {
  static const std::vector<std::string_view> names{
      "upstream_rq_pending_overflow", "upstream_cx_overflow", "upstream_rq_retry_overflow",
      "upstream_rq_total",            "upstream_rq_pending_total", "upstream_rq_5xx",
      "upstream_rq_503",              "upstream_rq_timeout",       "outlier_detection.ejections_enforced_total"};
  return names;
}

std::vector<std::string> envoy_clusters(const envoy_stats& stats) {
  std::set<std::string> out;
  for (const auto& [name, value] : stats) {
    const std::string_view n = name;
    if (n.substr(0, cluster_prefix.size()) != cluster_prefix) continue;
    for (const std::string_view a : anchors)
      if (ends_with(n, a) && n.size() > cluster_prefix.size() + a.size())
        out.insert(std::string(n.substr(cluster_prefix.size(), n.size() - cluster_prefix.size() - a.size())));
  }
  return {out.begin(), out.end()};
}

std::pair<std::optional<std::string>, std::string> pick_envoy_cluster(const envoy_stats& stats, std::string_view host,
                                                                      int port, std::string_view given) {
  const std::vector<std::string> clusters = envoy_clusters(stats);
  if (clusters.empty()) return {std::nullopt, "the admin /stats lists no cluster"};
  const auto has = [&](std::string_view name) { return std::find(clusters.begin(), clusters.end(), name) != clusters.end(); };
  if (!given.empty()) {
    if (has(given)) return {std::string(given), ""};
    return {std::nullopt, fmt::format("no cluster named \"{}\" in the admin /stats ({} clusters)", given, clusters.size())};
  }
  const std::string outbound = fmt::format("outbound|{}||", port);
  const std::string exact = outbound + std::string(host);
  if (has(exact)) return {exact, ""};
  std::vector<std::string> short_name, same_port;
  for (const auto& c : clusters) {
    if (c.rfind(outbound, 0) != 0) continue;
    same_port.push_back(c);
    if (c.rfind(exact + ".", 0) == 0) short_name.push_back(c);
  }
  if (short_name.size() == 1) return {short_name.front(), ""};
  if (short_name.empty() && same_port.size() == 1) return {same_port.front(), ""};
  const auto& candidates = short_name.empty() ? same_port : short_name;
  if (candidates.empty())
    return {std::nullopt, fmt::format("no cluster for {}:{} in the admin /stats (none named {}...; give -envoy-cluster)", host,
                                      port, outbound)};
  return {std::nullopt, fmt::format("{} clusters match {}:{} ({}, ...): give -envoy-cluster", candidates.size(), host,
                                    port, candidates.front())};
}

std::int64_t envoy_cluster_delta::delta_of(std::string_view counter) const noexcept {
  for (const auto& [name, v] : delta)
    if (name == counter) return v;
  return 0;
}

bool envoy_cluster_delta::moved() const noexcept {
  return std::any_of(delta.begin(), delta.end(), [](const auto& d) { return d.second != 0; });
}

envoy_cluster_delta envoy_delta(const envoy_stats& before, const envoy_stats& after, const std::string& cluster) {
  envoy_cluster_delta out;
  out.cluster = cluster;
  const std::string prefix = std::string(cluster_prefix) + cluster + ".";
  for (const std::string_view counter : envoy_tracked_counters()) {
    const std::string name = prefix + std::string(counter);
    bool in_before = false, in_after = false;
    const std::int64_t b = value_of(before, name, &in_before), a = value_of(after, name, &in_after);
    if (!in_before && !in_after) continue;
    out.before.emplace_back(counter, b);
    out.after.emplace_back(counter, a);
    out.delta.emplace_back(counter, a - b);
  }
  const std::string gauges = prefix + "circuit_breakers.";
  for (auto it = after.lower_bound(gauges); it != after.end() && it->first.rfind(gauges, 0) == 0; ++it)
    out.gauges.emplace_back(it->first.substr(prefix.size()), it->second);
  return out;
}

std::optional<envoy_cluster_delta> envoy_around_run(const std::string& admin, const std::optional<envoy_stats>& before,
                                                    const std::string& before_notice,
                                                    const std::optional<envoy_stats>& after,
                                                    const std::string& after_notice, std::string_view host, int port,
                                                    std::string_view given) {
  envoy_cluster_delta out;
  out.admin = admin;
  if (!before || !after) {
    out.notice = !before ? before_notice : after_notice;
    if (out.notice.empty()) return std::nullopt;
    return out;
  }
  auto [cluster, why] = pick_envoy_cluster(*after, host, port, given);
  if (!cluster) {
    out.notice = why;
    return out;
  }
  envoy_cluster_delta d = envoy_delta(*before, *after, *cluster);
  d.admin = admin;
  return d;
}

}  // namespace loadgen
