#include "loadgen/core/histogram_codec.hpp"

#include <array>
#include <cstdint>
#include <vector>

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
  static void add_bucket(histogram& h, std::size_t index, std::uint64_t count) {
    h.ensure_counts();
    h.counts_[index] += count;
  }
};

namespace {

constexpr std::string_view prefix = "LGH1:";
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::string base64(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=');
  }
  return out;
}

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::string> unbase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      const int s = sextet(c);
      if (s < 0 || pad > 0) return std::nullopt;
      v = (v << 6) | static_cast<std::uint32_t>(s);
    }
    for (int k = 0; k < 3 - pad; ++k) out.push_back(static_cast<char>((v >> (16 - 8 * k)) & 0xff));
  }
  return out;
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
  return std::string(prefix) + base64(bytes);
}

std::optional<histogram> decode_histogram(std::string_view text) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  const auto bytes = unbase64(text.substr(prefix.size()));
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

}  // namespace loadgen
