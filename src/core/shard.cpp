#include "loadgen/core/shard.hpp"

#include <cmath>

#include <fmt/format.h>

#include "loadgen/core/error.hpp"
#include "loadgen/core/go_format.hpp"

namespace loadgen {

std::int64_t integer_share(std::int64_t total, int index, int count) noexcept {
  return total / count + (index < total % count ? 1 : 0);
}

double qps_share(double total, int index, int count) noexcept {
  if (total <= 0) return total;
  // Whole rates up to 2^53 are exact doubles, so the integer split is exact too. Fewer calls/s
  // than shards split evenly: a share of 0 would read as max speed.
  if (total == std::floor(total) && total >= count && total < 9007199254740992.0)
    return static_cast<double>(integer_share(static_cast<std::int64_t>(total), index, count));
  return total / count;
}

std::optional<int> parse_shard_index(std::string_view text) noexcept {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (const char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  return value;
}

void apply_shard(run_options& o, int index, int count) {
  if (count < 1) throw flag_error(fmt::format("-shards must be at least 1 (got {})", count));
  if (index < 0 || index >= count)
    throw flag_error(fmt::format("shard index {} is not in 0..{} (-shards {})", index, count - 1, count));
  if (count == 1) return;
  if (o.connections < count)
    throw flag_error(fmt::format("-shards {} needs at least {} connections to share (-c {})", count, count, o.connections));
  if (o.count_mode() && o.calls < count)
    throw flag_error(fmt::format("-shards {} needs at least {} calls to share (-n {})", count, count, o.calls));
  o.connections = static_cast<int>(integer_share(o.connections, index, count));
  o.qps = qps_share(o.qps, index, count);
  if (o.count_mode()) o.calls = integer_share(o.calls, index, count);
  o.shard_index = index;
  o.shard_count = count;
}

std::string shard_flags_text(const run_options& o) {
  std::string text = fmt::format("-c {} -qps {}", o.connections, o.max_speed() ? std::string("0") : go_g_prec(o.qps, 9));
  if (o.count_mode()) text += fmt::format(" -n {}", o.calls);
  return text;
}

}  // namespace loadgen
