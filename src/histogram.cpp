#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

namespace loadgen {

namespace {
constexpr std::int64_t sub_count = std::int64_t{1} << histogram::sub_bucket_bits;  // 2048
constexpr std::int64_t half_count = sub_count / 2;                                  // 1024

std::uint64_t* allocate_counts() {
  void* p = std::calloc(histogram::bucket_count, sizeof(std::uint64_t));
  if (!p) throw std::bad_alloc();
  return static_cast<std::uint64_t*>(p);
}
}  // namespace

// Copies only the non-zero counters, so the destination's untouched pages stay unmapped (a
// histogram of one run's latencies touches a few pages of its 300 KB).
void histogram::copy_counts(const histogram& o) noexcept {
  if (!o.counts_) return;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (o.counts_[i]) counts_[i] = o.counts_[i];
}

void histogram::free_deleter::operator()(std::uint64_t* p) const noexcept { std::free(p); }

histogram::histogram() : counts_(allocate_counts()) {}

histogram::histogram(const histogram& o)
    : counts_(allocate_counts()), count_(o.count_), min_(o.min_), max_(o.max_), sum_(o.sum_),
      sum_of_squares_(o.sum_of_squares_) {
  copy_counts(o);
}

histogram& histogram::operator=(const histogram& o) {
  if (this != &o) {
    counts_.reset(allocate_counts());  // fresh zero pages: cheaper than touching all of them
    copy_counts(o);
    count_ = o.count_;
    min_ = o.min_;
    max_ = o.max_;
    sum_ = o.sum_;
    sum_of_squares_ = o.sum_of_squares_;
  }
  return *this;
}

std::size_t histogram::bucket_index(std::int64_t value) noexcept {
  if (value < sub_count) return static_cast<std::size_t>(value < 0 ? 0 : value);
  if (value > max_trackable) value = max_trackable;
  // Octave k covers [2^k, 2^(k+1)), k >= sub_bucket_bits, split into half_count buckets.
  const int k = 63 - std::countl_zero(static_cast<std::uint64_t>(value));
  const int shift = k - (sub_bucket_bits - 1);
  const std::int64_t sub = (value >> shift) - half_count;  // 0 .. half_count-1
  return static_cast<std::size_t>(sub_count + (k - sub_bucket_bits) * half_count + sub);
}

std::int64_t histogram::bucket_low(std::size_t index) noexcept {
  const auto i = static_cast<std::int64_t>(index);
  if (i < sub_count) return i;
  const std::int64_t octave = (i - sub_count) / half_count;  // 0 for k = sub_bucket_bits
  const std::int64_t sub = (i - sub_count) % half_count;
  const int shift = static_cast<int>(octave) + 1;
  return (half_count + sub) << shift;
}

std::int64_t histogram::bucket_high(std::size_t index) noexcept {
  const auto i = static_cast<std::int64_t>(index);
  if (i < sub_count) return i;
  const int shift = static_cast<int>((i - sub_count) / half_count) + 1;
  return bucket_low(index) + (std::int64_t{1} << shift) - 1;
}

void histogram::record_n(std::int64_t value, std::uint64_t n) noexcept {
  if (n == 0) return;
  if (value < 0) value = 0;
  counts_[bucket_index(value)] += n;
  if (count_ == 0 || value < min_) min_ = value;
  if (count_ == 0 || value > max_) max_ = value;
  count_ += n;
  sum_ += value * static_cast<std::int64_t>(n);
  const double v = static_cast<double>(value);
  sum_of_squares_ += v * v * static_cast<double>(n);
}

void histogram::merge(const histogram& o) noexcept {
  if (o.count_ == 0) return;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (o.counts_[i]) counts_[i] += o.counts_[i];  // writes only where needed: pages stay unmapped
  if (count_ == 0 || o.min_ < min_) min_ = o.min_;
  if (count_ == 0 || o.max_ > max_) max_ = o.max_;
  count_ += o.count_;
  sum_ += o.sum_;
  sum_of_squares_ += o.sum_of_squares_;
}

void histogram::reset() noexcept {
  counts_.reset(allocate_counts());
  count_ = 0;
  min_ = max_ = sum_ = 0;
  sum_of_squares_ = 0;
}

double histogram::mean() const noexcept {
  return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
}

double histogram::stddev() const noexcept {
  if (count_ == 0) return 0;
  const double n = static_cast<double>(count_);
  const double s = static_cast<double>(sum_);
  const double var = (sum_of_squares_ - s * s / n) / n;
  return var > 0 ? std::sqrt(var) : 0;
}

std::int64_t histogram::value_at_percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (p <= 0) return min_;
  if (p >= 100) return max_;
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_high(i), min_, max_);
  }
  return max_;
}

}  // namespace loadgen
