#pragma once
// A lossless, compact text encoding of a histogram (pure), so that a saved JSON result can be
// merged exactly with others (`loadgen merge`): the merged p99 is the p99 of all calls.
//
// Format "LGH1:" followed by standard base64 (with padding) of a sequence of unsigned LEB128
// varints:
//   count, min, max, sum, sum_of_squares (low 64 bits), sum_of_squares (high 64 bits),
//   n = the number of non-empty buckets, then n pairs (gap, bucket count)
// where gap is the bucket's index minus the previous non-empty bucket's index minus 1 (for the
// first, its index). Indexes are histogram::bucket_index's (the log-linear layout of histogram.hpp:
// 2048 exact values, then 1024 buckets per power of two). An empty histogram is seven zero bytes,
// "LGH1:AAAAAAAAAA==". A latency histogram of a few hundred distinct buckets takes about 1 KB.
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/histogram.hpp"

namespace loadgen {

std::string encode_histogram(const histogram& h);

// The histogram encoded in text, exactly as it was; nullopt when text is not a valid encoding
// (wrong prefix, bad base64, truncated, an index out of range, counts that do not add up,
// min > max, trailing bytes).
std::optional<histogram> decode_histogram(std::string_view text);

// Gives h (not empty) the min, max, sum and standard deviation another tool measured exactly
// while its buckets were coarse (Fortio's JSON: each bucket's values are only known to lie in its
// range), keeping the buckets. The sum of squares is set so that stddev() gives `stddev` back.
// False, and h unchanged, when they cannot be h's: h empty, min < 0, min > max, sum outside
// [count * min, count * max], stddev negative or not finite.
bool set_moments(histogram& h, std::int64_t min, std::int64_t max, std::int64_t sum, double stddev) noexcept;

}  // namespace loadgen
