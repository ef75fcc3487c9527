#pragma once
// -shards N: one of N processes (a Kubernetes Indexed Job's pods) that together make the command
// line's load. Each takes its share of -c, -qps and -n; the shares add up to the command line
// exactly (the remainder goes one each to the first shards), so merging the N results gives the
// run that was asked for. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/options.hpp"

namespace loadgen {

// The i-th of count integer shares of total: total / count, plus one for the first
// total % count shards. index in [0, count), count >= 1.
std::int64_t integer_share(std::int64_t total, int index, int count) noexcept;

// A shard's -qps: max speed (<= 0) stays max speed in every shard; a whole number of calls/s
// at least count splits as integers (100 over 3: 34, 33, 33); any other rate splits evenly (0.5
// over 2: 0.25; 2 over 3: 0.667 each, never 0, which would mean max speed). Always > 0 when
// total is.
double qps_share(double total, int index, int count) noexcept;

// JOB_COMPLETION_INDEX's text ("0", "12") as an index; nullopt for anything else.
std::optional<int> parse_shard_index(std::string_view text) noexcept;

// Makes o this shard's part: o.connections, o.qps and o.calls become the shares, and
// o.shard_index / o.shard_count are set. o.connections must already be normalised (validate()).
// Throws flag_error when a shard would get no connection or, with -n, no call; the message names
// the flags.
void apply_shard(run_options& o, int index, int count);

// "-c 1 -qps 33 -n 10" for the report's shard line.
std::string shard_flags_text(const run_options& o);

}  // namespace loadgen
