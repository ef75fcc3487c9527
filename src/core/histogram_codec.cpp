#include "loadgen/core/histogram_codec.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "loadgen/core/base64.hpp"

namespace loadgen {

// The one place that reads and writes a histogram's private scalars and counters.
struct histogram_codec_access {
  static void write(const histogram& h, std::vector<std::uint64_t>& out) {
    out.push_back(h.count_);
    out.push_back(static_cast<std::uint64_t>(h.min()));
    out.push_back(static_cast<std::uint64_t>(h.max()));
    out.push_back(static_cast<std::uint64_t>(h.sum_));
    out.push_back(static_cast<std::uint64_t>(h.sum_of_squares_));
    out.push_back(static_cast<std::uint64_t>(h.sum_of_squares_ >> 64));
  }
  static void restore(histogram& h, std::uint64_t count, std::int64_t min, std::int64_t max, std::int64_t sum,
                      std::uint64_t squares_low, std::uint64_t squares_high) {
    h.count_ = count;
    h.min_ = count ? min : INT64_MAX;
    h.max_ = count ? max : 0;
    h.sum_ = sum;
    h.sum_of_squares_ = (static_cast<histogram::uint128>(squares_high) << 64) | squares_low;
  }
  static void set_sum_of_squares(histogram& h, histogram::uint128 squares) { h.sum_of_squares_ = squares; }
  static void add_bucket(histogram& h, std::size_t index, std::uint64_t count) {
    h.ensure_counts();
    h.add(index, count);
  }
};

namespace {

constexpr std::string_view prefix = "LGH1:";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads varints from bytes; a read past the end or an over-long varint marks the reader failed.
struct varint_reader {
  std::string_view bytes;
  std::size_t at = 0;
  bool failed = false;
  std::uint64_t next() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.size()) break;
      const auto b = static_cast<unsigned char>(bytes[at++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    failed = true;
    return 0;
  }
};

}  // namespace

std::string encode_histogram(const histogram& h) {
  std::vector<std::uint64_t> head;
  histogram_codec_access::write(h, head);
  std::vector<std::pair<std::size_t, std::uint64_t>> buckets;
  h.for_each_bucket([&](std::int64_t low, std::int64_t, std::uint64_t n) {
    buckets.emplace_back(histogram::bucket_index(low), n);
  });
  std::string bytes;
  for (const std::uint64_t v : head) put_varint(bytes, v);
  put_varint(bytes, buckets.size());
  std::size_t next = 0;  // the lowest index the next bucket may have
  for (const auto& [index, n] : buckets) {
    put_varint(bytes, index - next);
    put_varint(bytes, n);
    next = index + 1;
  }
  return std::string(prefix) + base64_encode(bytes);
}

std::optional<histogram> decode_histogram(std::string_view text) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  const auto bytes = base64_decode(text.substr(prefix.size()));
  if (!bytes) return std::nullopt;
  varint_reader in{*bytes};
  const std::uint64_t count = in.next();
  const std::uint64_t min = in.next(), max = in.next(), sum = in.next();
  const std::uint64_t squares_low = in.next(), squares_high = in.next();
  const std::uint64_t buckets = in.next();
  constexpr auto int_max = static_cast<std::uint64_t>(INT64_MAX);
  if (in.failed || min > int_max || max > int_max || sum > int_max || buckets > histogram::bucket_count) return std::nullopt;
  if (count > 0 && min > max) return std::nullopt;
  histogram h;
  std::uint64_t total = 0;
  std::uint64_t next = 0;
  for (std::uint64_t i = 0; i < buckets; ++i) {
    const std::uint64_t gap = in.next();
    const std::uint64_t n = in.next();
    if (in.failed || n == 0 || gap >= histogram::bucket_count - next) return std::nullopt;
    const std::uint64_t index = next + gap;
    if (n > count - total) return std::nullopt;
    total += n;
    histogram_codec_access::add_bucket(h, index, n);
    next = index + 1;
  }
  if (in.failed || in.at != in.bytes.size() || total != count) return std::nullopt;
  histogram_codec_access::restore(h, count, static_cast<std::int64_t>(min), static_cast<std::int64_t>(max),
                                  static_cast<std::int64_t>(sum), squares_low, squares_high);
  return h;
}

bool set_moments(histogram& h, std::int64_t min, std::int64_t max, std::int64_t sum, double stddev) noexcept {
  __extension__ typedef unsigned __int128 uint128;
  const std::uint64_t n = h.count();
  if (n == 0 || min < 0 || min > max || sum < 0 || !std::isfinite(stddev) || stddev < 0) return false;
  const auto s = static_cast<uint128>(static_cast<std::uint64_t>(sum));
  if (s < static_cast<uint128>(static_cast<std::uint64_t>(min)) * n || s > static_cast<uint128>(static_cast<std::uint64_t>(max)) * n)
    return false;
  // stddev() is sqrt((squares - s^2 / n) / n): squares = floor(s^2 / n) + n * stddev^2, the
  // spread rounded to a whole unit^2. Refused where the sum of squares would not fit its 128 bits
  // (s^2 / n alone is at most n * max^2).
  const long double n_ld = static_cast<long double>(n), s_ld = static_cast<long double>(sum);
  const long double spread = n_ld * static_cast<long double>(stddev) * static_cast<long double>(stddev);
  if (s_ld * s_ld / n_ld + spread >= 0x1p126L) return false;
  // s^2 / n in stddev()'s own parts: its whole part, and the fraction it subtracts as well.
  const uint128 sr = s * (s % n);
  const uint128 whole = s * (s / n) + sr / n;
  const long double fraction = static_cast<long double>(static_cast<std::uint64_t>(sr % n)) / n_ld;
  histogram_codec_access::restore(h, n, min, max, sum, 0, 0);
  histogram_codec_access::set_sum_of_squares(h, whole + static_cast<uint128>(spread + fraction + 0.5L));
  return true;
}

}  // namespace loadgen
