#include "loadgen/core/cpu_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "loadgen/core/text.hpp"

namespace loadgen {

namespace {

// A whole decimal number making up all of s, or nullopt.
std::optional<std::int64_t> whole_number(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ratio(std::optional<std::int64_t> quota, std::optional<std::int64_t> period) {
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return static_cast<double>(*quota) / static_cast<double>(*period);
}

}  // namespace

std::optional<std::string> cgroup_path(std::string_view text, std::string_view controller) {
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view list = line.substr(first + 1, second - first - 1);
    const std::string path(trim(line.substr(second + 1)));
    if (controller.empty()) {
      if (list.empty() && line.substr(0, first) == "0") return path;
      continue;
    }
    while (!list.empty()) {
      const auto comma = list.find(',');
      if (list.substr(0, comma) == controller) return path;
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  return std::nullopt;
}

std::optional<double> parse_cpu_max(std::string_view text) {
  text = trim(text);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view quota = text.substr(0, space);
  if (quota == "max") return std::nullopt;
  return ratio(whole_number(quota), whole_number(text.substr(space + 1)));
}

std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us) {
  return ratio(whole_number(quota_us), whole_number(period_us));  // -1 (no limit) is not > 0
}

int threads_for(int affinity_cpus, std::optional<double> limit) {
  int n = std::max(1, affinity_cpus);
  if (limit && *limit > 0) n = std::min(n, static_cast<int>(std::ceil(*limit - 1e-9)));
  return std::max(1, n);
}

}  // namespace loadgen
