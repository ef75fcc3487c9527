#pragma once
// A log-linear, fixed-memory, mergeable histogram of non-negative integers (latency in ns, sizes
// in bytes), in the manner of HdrHistogram (pure).
//
// Layout: values below 2^sub_bucket_bits (2048) are counted exactly, one bucket each. Above that,
// each power-of-two range [2^k, 2^(k+1)) is split into 1024 equal buckets, so a bucket is never
// wider than 1/1024 of its values: any value read back is within 0.1% (3 significant digits) of
// every value that was recorded into its bucket. Values of 2^max_value_bits and above are counted
// in the last bucket (min, max, sum and the count stay exact).
//
// Memory is fixed at construction (about 150 KB of counters, whatever the run length) and mapped
// anonymously, so pages that no value touches are never made resident. The counters are 32-bit,
// so that an octave's 1024 buckets fill one 4 KB page instead of two (a run's latencies touch a
// few octaves of each histogram, and a run keeps about 25 histograms). A bucket that passes
// 2^32 - 1 counts carries into a small map of high parts, made the first time one does (at
// 150,000 calls/s all in one bucket, after eight hours).
//
// Moving leaves the source a valid empty histogram (count 0, every query answers 0 or nothing)
// with no counters: they are mapped again, lazily, on its next record or merge.
//
// Thread safety: none. Each worker owns its histograms; merge() after join.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

namespace loadgen {

class histogram {
public:
  static constexpr int sub_bucket_bits = 11;   // 2048 exact values, then 1024 buckets per octave
  static constexpr int max_value_bits = 45;    // 2^45 ns ~ 9.8 hours
  static constexpr std::int64_t max_trackable = (std::int64_t{1} << max_value_bits) - 1;

  histogram();
  histogram(const histogram& other);
  histogram& operator=(const histogram& other);
  histogram(histogram&& other) noexcept;             // other is left empty (and usable)
  histogram& operator=(histogram&& other) noexcept;  // other is left empty (and usable)
  ~histogram() = default;

  // Records one value (count times). Negative values are recorded as 0. noexcept, no allocation
  // (except the first record into a moved-from histogram, which maps its counters again, and the
  // first carry past 2^32 - 1 in a bucket; failing either, it terminates).
  void record(std::int64_t value) noexcept;  // record_n(value, 1) in half the instructions: once per call, several times
  void record_n(std::int64_t value, std::uint64_t count) noexcept;

  // Adds every count of other into this one. Exact: the result is the histogram of the union of
  // the two sets of values, with the same count, min, max, sum and sum of squares.
  void merge(const histogram& other) noexcept;
  // Empties the histogram in place (no allocation; only counters that were touched are written).
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::int64_t min() const noexcept { return count_ ? min_ : 0; }  // exact; 0 when empty
  std::int64_t max() const noexcept { return count_ ? max_ : 0; }  // exact; 0 when empty
  std::int64_t sum() const noexcept { return sum_; }                // exact
  double mean() const noexcept;                                     // 0 when empty
  // Population standard deviation, from the exact integer sum and sum of squares (no
  // cancellation when the spread is tiny next to the mean); 0 when empty.
  double stddev() const noexcept;

  // The value at percentile p (0..100), nearest-rank: the smallest bucket whose cumulative count
  // reaches ceil(p/100 * count), reported as that bucket's highest value, clamped to [min, max].
  // p <= 0 gives min(), p >= 100 gives max(). Within 0.1% of the exact nearest-rank sample.
  std::int64_t value_at_percentile(double p) const noexcept;

  // Calls f(low, high, count) for each non-empty bucket in increasing order; [low, high] are the
  // smallest and largest values that fall into that bucket.
  template <class F>
  void for_each_bucket(F&& f) const {
    if (!counts_) return;  // moved-from: no counters, all zero
    for (std::size_t i = 0; i < bucket_count; ++i)
      if (const std::uint64_t n = at(i); n != 0) f(bucket_low(i), bucket_high(i), n);
  }

  static constexpr std::size_t bucket_count =
      (std::size_t{1} << sub_bucket_bits) +
      static_cast<std::size_t>(max_value_bits - sub_bucket_bits) * (std::size_t{1} << (sub_bucket_bits - 1));
  using counter = std::uint32_t;  // the low 32 bits of a bucket's count; carries_ holds the rest
  static constexpr std::size_t memory_bytes = bucket_count * sizeof(counter);

  static std::size_t bucket_index(std::int64_t value) noexcept;
  static std::int64_t bucket_low(std::size_t index) noexcept;
  static std::int64_t bucket_high(std::size_t index) noexcept;

private:
  friend struct histogram_codec_access;  // core/histogram_codec: restores a histogram exactly
  void copy_counts(const histogram& other) noexcept;
  void take_scalars(histogram& other) noexcept;  // moves count, min, max, sums; other's become empty
  void ensure_counts();                          // maps the counters after a move
  // Bucket i's whole count (counts_ must be mapped).
  std::uint64_t at(std::size_t i) const noexcept {
    const std::uint64_t low = counts_[i];
    return carries_ ? low + high_part(i) : low;
  }
  std::uint64_t high_part(std::size_t i) const noexcept;  // carries_[i] << 32, or 0
  void add(std::size_t i, std::uint64_t n) noexcept;      // bucket i += n, carrying past 32 bits
  struct free_deleter {
    void operator()(counter* p) const noexcept;
  };
  // Sum of squares, exact: 2^37 values of 2^45 ns each before it wraps.
  __extension__ typedef unsigned __int128 uint128;

  std::unique_ptr<counter[], free_deleter> counts_;  // null only after a move (all zero)
  // Bucket index -> the count's bits above 32 (in units of 2^32). Null until a bucket first
  // passes 2^32 - 1, which takes hours of calls in one bucket.
  std::unique_ptr<std::map<std::size_t, std::uint64_t>> carries_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = INT64_MAX;  // sentinels, so record_n needs no "first value" branch
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
  uint128 sum_of_squares_ = 0;
};

}  // namespace loadgen
