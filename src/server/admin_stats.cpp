#include "admin_stats.hpp"

#include <regex>

#include <fmt/format.h>

#include "loadgen/wire/echo_params.hpp"
#include "loadgen/wire/envoy_admin.hpp"

namespace loadgen {

bool is_admin_stats_target(std::string_view target) { return target.substr(0, target.find('?')) == "/stats"; }

std::string default_cluster_name(int port) { return fmt::format("outbound|{}||loadgen.local", port); }

served_page admin_stats_page(std::string_view target, const breaker::counters& c, const std::string& cluster) {
  const std::size_t q = target.find('?');
  bool json = false;
  std::string filter;
  for (const auto& [k, v] : parse_query(q == std::string_view::npos ? std::string_view() : target.substr(q + 1))) {
    if (k == "format") json = v == "json";
    else if (k == "filter") filter = v;
  }
  const std::string p = "cluster." + cluster + ".";
  envoy_stats all{
      {p + "upstream_rq_total", c.admitted},
      {p + "upstream_rq_pending_total", c.queued},
      {p + "upstream_rq_pending_overflow", c.shed},
      {p + "upstream_rq_active", c.active},
      {p + "upstream_rq_pending_active", c.pending},
      {p + "upstream_cx_overflow", 0},
      {p + "upstream_rq_retry_overflow", 0},
      {p + "upstream_rq_timeout", 0},
      {p + "circuit_breakers.default.rq_open", c.active >= c.max_active ? 1 : 0},
      {p + "circuit_breakers.default.rq_pending_open", c.pending >= c.max_pending ? 1 : 0},
      {p + "circuit_breakers.default.remaining_rq", std::max(0, c.max_active - c.active)},
      {p + "circuit_breakers.default.remaining_pending", std::max(0, c.max_pending - c.pending)},
      {p + "circuit_breakers.default.cx_open", 0},
  };
  envoy_stats shown;
  try {
    const std::regex re(filter);
    for (const auto& [name, value] : all)
      if (filter.empty() || std::regex_search(name, re)) shown.emplace(name, value);
  } catch (const std::regex_error&) {
    return {400, "text/plain; charset=UTF-8", "Invalid regex: \"" + filter + "\"\n", {}, true};
  }
  if (json) return {200, "application/json", format_envoy_stats_json(shown), {}, true};
  return {200, "text/plain; charset=UTF-8", format_envoy_stats_text(shown), {}, true};
}

}  // namespace loadgen
