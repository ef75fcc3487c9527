#include "loadgen/core/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <new>
#include <utility>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define LOADGEN_HISTOGRAM_MMAP 1
#endif

namespace loadgen {

namespace {

constexpr int half_bits = histogram::sub_bucket_bits - 1;          // 10
constexpr std::int64_t half_count = std::int64_t{1} << half_bits;  // 1024 buckets per octave

// The counters come from their own anonymous mapping: zero pages that become resident only when
// a value lands in them. (calloc is not enough: once glibc has freed one mmapped block it raises
// its mmap threshold, serves later blocks of this size from the heap and clears them with memset,
// which makes every page resident. Measured with 64-bit counters: about 136 KB resident per
// histogram instead of 8.)
histogram::counter* allocate_counts() {
#ifdef LOADGEN_HISTOGRAM_MMAP
  void* p = ::mmap(nullptr, histogram::memory_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
#else
  void* p = std::calloc(histogram::bucket_count, sizeof(histogram::counter));
  if (!p) throw std::bad_alloc();
#endif
  return static_cast<histogram::counter*>(p);
}

// The width of bucket `index` is 2^shift: 0 for the exact buckets below 2048, then 1, 2, ...
int shift_of_index(std::size_t index) noexcept {
  return std::max(0, static_cast<int>(index >> half_bits) - 1);
}

}  // namespace

void histogram::free_deleter::operator()(counter* p) const noexcept {
#ifdef LOADGEN_HISTOGRAM_MMAP
  if (p) ::munmap(p, memory_bytes);
#else
  std::free(p);
#endif
}

// Copies only the non-zero counters, so the destination's untouched pages stay unmapped (a run's
// latencies touch a few pages of the 300 KB).
void histogram::copy_counts(const histogram& o) noexcept {
  if (!o.counts_) return;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (o.counts_[i]) counts_[i] = o.counts_[i];
}

std::uint64_t histogram::high_part(std::size_t i) const noexcept {
  const auto it = carries_->find(i);
  return it == carries_->end() ? 0 : it->second << 32;
}

void histogram::add(std::size_t i, std::uint64_t n) noexcept {
  const std::uint64_t total = std::uint64_t{counts_[i]} + (n & 0xffffffffu);
  counts_[i] = static_cast<counter>(total);
  const std::uint64_t carry = (total >> 32) + (n >> 32);
  if (carry != 0) [[unlikely]] {
    if (!carries_) carries_ = std::make_unique<std::map<std::size_t, std::uint64_t>>();  // throwing terminates
    (*carries_)[i] += carry;
  }
}

histogram::histogram() : counts_(allocate_counts()) {}

histogram::histogram(const histogram& o)
    : counts_(allocate_counts()),
      carries_(o.carries_ ? std::make_unique<std::map<std::size_t, std::uint64_t>>(*o.carries_) : nullptr),
      count_(o.count_), min_(o.min_), max_(o.max_), sum_(o.sum_), sum_of_squares_(o.sum_of_squares_) {
  copy_counts(o);
}

histogram& histogram::operator=(const histogram& o) {
  if (this != &o) {
    auto carries = o.carries_ ? std::make_unique<std::map<std::size_t, std::uint64_t>>(*o.carries_) : nullptr;
    counts_.reset(allocate_counts());  // fresh zero pages: cheaper than clearing, and strong if it throws
    carries_ = std::move(carries);
    copy_counts(o);
    count_ = o.count_;
    min_ = o.min_;
    max_ = o.max_;
    sum_ = o.sum_;
    sum_of_squares_ = o.sum_of_squares_;
  }
  return *this;
}

histogram::histogram(histogram&& o) noexcept : counts_(std::move(o.counts_)), carries_(std::move(o.carries_)) {
  take_scalars(o);
}

histogram& histogram::operator=(histogram&& o) noexcept {
  if (this != &o) {
    counts_ = std::move(o.counts_);
    carries_ = std::move(o.carries_);
    take_scalars(o);
  }
  return *this;
}

void histogram::take_scalars(histogram& o) noexcept {
  count_ = std::exchange(o.count_, 0);
  min_ = std::exchange(o.min_, INT64_MAX);
  max_ = std::exchange(o.max_, 0);
  sum_ = std::exchange(o.sum_, 0);
  sum_of_squares_ = std::exchange(o.sum_of_squares_, 0);
}

void histogram::ensure_counts() {
  if (!counts_) counts_.reset(allocate_counts());
}

// Value v >= 0 lies in octave k = floor(log2 v). Below 2048 every value has its own bucket; from
// octave 11 up, bucket width is 2^shift with shift = k - 10, and the index is
// shift * 1024 + (v >> shift), whose second term is always in [1024, 2048). OR-ing in 1024 makes
// shift 0 for every v < 2048, so one formula covers both ranges without a branch.
std::size_t histogram::bucket_index(std::int64_t value) noexcept {
  const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(value, 0, max_trackable));
  const int shift = (63 - half_bits) - std::countl_zero(v | static_cast<std::uint64_t>(half_count));
  return (static_cast<std::size_t>(shift) << half_bits) + static_cast<std::size_t>(v >> shift);
}

std::int64_t histogram::bucket_low(std::size_t index) noexcept {
  const int shift = shift_of_index(index);
  return static_cast<std::int64_t>(index - (static_cast<std::size_t>(shift) << half_bits)) << shift;
}

std::int64_t histogram::bucket_high(std::size_t index) noexcept {
  return bucket_low(index) + (std::int64_t{1} << shift_of_index(index)) - 1;
}

void histogram::record(std::int64_t value) noexcept {
  if (!counts_) [[unlikely]]
    ensure_counts();  // moved-from; throwing here terminates (noexcept)
  value = std::max<std::int64_t>(value, 0);
  const std::size_t i = bucket_index(value);
  if (++counts_[i] == 0) [[unlikely]]
    add(i, std::uint64_t{1} << 32);  // the low part wrapped from 2^32 - 1: its carry goes to the map
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  const auto v = static_cast<std::uint64_t>(value);
  sum_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum_) + v);  // wraps, never UB
  sum_of_squares_ += static_cast<uint128>(v) * v;
}

void histogram::record_n(std::int64_t value, std::uint64_t n) noexcept {
  if (n == 0) [[unlikely]]
    return;
  if (!counts_) [[unlikely]]
    ensure_counts();  // moved-from; throwing here terminates (noexcept)
  value = std::max<std::int64_t>(value, 0);
  add(bucket_index(value), n);
  count_ += n;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  const auto v = static_cast<std::uint64_t>(value);
  sum_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum_) + v * n);  // wraps, never UB
  sum_of_squares_ += static_cast<uint128>(v) * v * n;
}

void histogram::merge(const histogram& o) noexcept {
  if (o.count_ == 0) return;  // also covers a moved-from other (no counters)
  ensure_counts();             // this one moved-from; throwing here terminates (noexcept)
  // The high parts first: adding them inserts no key, so this holds for o == *this too, whose
  // map the low parts' carries may then grow.
  if (o.carries_)
    for (const auto& [i, high] : *o.carries_) add(i, high << 32);
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (o.counts_[i]) add(i, o.counts_[i]);  // writes only where needed: pages stay unmapped
  count_ += o.count_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
  sum_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(sum_) + static_cast<std::uint64_t>(o.sum_));
  sum_of_squares_ += o.sum_of_squares_;
}

void histogram::reset() noexcept {
  if (counts_ && count_ != 0) {  // a moved-from histogram stays without counters until used
    for (std::size_t i = 0; i < bucket_count; ++i)
      if (counts_[i]) counts_[i] = 0;
  }
  carries_.reset();
  count_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  sum_ = 0;
  sum_of_squares_ = 0;
}

double histogram::mean() const noexcept {
  return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
}

// n * variance = sum(x^2) - s^2 / n with s = sum(x). Writing s = q*n + r gives
// s^2 / n = s*q + s*r/n, all in 128-bit integers, so only the final fraction is rounded.
double histogram::stddev() const noexcept {
  if (count_ == 0) return 0;
  const uint128 n = count_;
  const uint128 s = static_cast<std::uint64_t>(sum_);
  const uint128 q = s / n, r = s % n;
  const uint128 sr = s * r;
  const uint128 whole = s * q + sr / n;  // floor(s^2 / n) <= sum of squares
  if (sum_of_squares_ <= whole) return 0;
  const long double spread = static_cast<long double>(sum_of_squares_ - whole) -
                             static_cast<long double>(sr % n) / static_cast<long double>(count_);
  return std::sqrt(static_cast<double>(spread / static_cast<long double>(count_)));
}

std::int64_t histogram::value_at_percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (p <= 0) return min_;
  if (p >= 100) return max_;
  // rank = ceil(p/100 * count). The product is trimmed by a relative 1e-12 before ceil, so that
  // decimal p that are not exact in binary do not round up a whole rank (99.9 / 100 * 1000 is
  // 999.0000000000001 in doubles).
  const double exact_rank = p * static_cast<double>(count_) / 100.0;
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(exact_rank * (1 - 1e-12))), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += at(i);
    if (seen >= rank) return std::clamp(bucket_high(i), min_, max_);
  }
  return max_;
}

}  // namespace loadgen
