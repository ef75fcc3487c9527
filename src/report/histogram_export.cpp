#include "loadgen/report/histogram_export.hpp"

#include <algorithm>
#include <cmath>

namespace loadgen {

const std::vector<double>& fortio_bucket_bounds() {
  static const std::vector<double> bounds{0,    1,    2,    3,    4,    5,    6,    7,    8,     9,     10,    11,
                                          12,   14,   16,   18,   20,   25,   30,   35,   40,    45,    50,    60,
                                          70,   80,   90,   100,  120,  140,  160,  180,  200,   250,   300,   350,
                                          400,  450,  500,  600,  700,  800,  900,  1000, 2000,  3000,  4000,  5000,
                                          7500, 10000, 20000, 30000, 40000, 50000, 75000, 100000};
  return bounds;
}

namespace {

// Fortio's bucket index for a value in output units: 0 for <= offset, i for (b[i-1], b[i]], and
// bounds.size() for above the last bound. A value on a bound goes to the lower bucket (eps 1e-12).
std::size_t fortio_index(double value, double resolution, double offset) {
  const auto& b = fortio_bucket_bounds();
  const double scaled = (value - offset) / resolution;
  const auto it = std::lower_bound(b.begin(), b.end(), scaled - 1e-12);
  return static_cast<std::size_t>(it - b.begin());
}

// Converts recorded values to output units. A unit below 1 (1e-9 for ns -> s) divides by its
// inverse, so 29004 ns prints as 2.9004e-05, not 2.9004000000000002e-05; a whole number of ns is
// converted as Go's Duration.Seconds() does (whole seconds + the remainder / 1e9), so min and max
// print as Fortio prints them.
struct scaler {
  double unit;
  std::int64_t divisor;  // 0 when the unit multiplies
  explicit scaler(double u) : unit(u), divisor(u < 1 ? std::llround(1.0 / u) : 0) {}
  double operator()(double v) const { return divisor > 0 ? v / static_cast<double>(divisor) : v * unit; }
  double operator()(std::int64_t v) const {
    if (divisor <= 0) return static_cast<double>(v) * unit;
    return static_cast<double>(v / divisor) + static_cast<double>(v % divisor) / static_cast<double>(divisor);
  }
};

// The non-empty buckets of counts (one per Fortio bound, and one above them) into out, whose
// count, min and max are set: cumulative percents, the first starting at the min and the last
// ending at the max, every range kept inside [min, max].
void add_buckets(fortio_histogram& out, const std::vector<std::int64_t>& counts, double resolution, double offset) {
  const auto& b = fortio_bucket_bounds();
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    seen += counts[i];
    fortio_bucket fb;
    fb.start = out.data.empty() ? out.min : (i == 0 ? offset : resolution * b[i - 1] + offset);
    fb.end = i < b.size() ? resolution * b[i] + offset : out.max;
    fb.count = counts[i];
    fb.percent = 100.0 * static_cast<double>(seen) / static_cast<double>(out.count);
    out.data.push_back(fb);
  }
  out.data.back().end = out.max;
  // Fine buckets straddle coarse bounds: keep each exported range inside [min, max].
  for (auto& fb : out.data) {
    fb.start = std::clamp(fb.start, out.min, out.max);
    fb.end = std::clamp(fb.end, fb.start, out.max);
  }
}

// Fortio's percentile p of e's buckets (its HistogramData.CalcPercentile): the min is one of the
// values, so up to 100/count % it is the min; then linear inside the first bucket whose
// cumulative percent reaches p, from where the previous one ended (in percent) to this one's
// percent; 100 and above, the max. The same operations in the same order, so the printed digits
// are Fortio's.
double interpolated(const fortio_histogram& e, double p) {
  if (p >= 100) return e.max;
  double prev = 100. / static_cast<double>(e.count);
  if (p <= prev) return e.min;
  for (const auto& fb : e.data) {
    if (p <= fb.percent) return fb.start + (p - prev) / (fb.percent - prev) * (fb.end - fb.start);
    prev = fb.percent;
  }
  return e.max;
}

}  // namespace

fortio_histogram export_fortio(const histogram& h, double unit, double resolution, double offset,
                               const std::vector<double>& percentiles, bool interpolate) {
  fortio_histogram out;
  out.count = static_cast<std::int64_t>(h.count());
  if (out.count == 0) return out;
  const scaler to_out(unit);
  out.min = to_out(h.min());
  out.max = to_out(h.max());
  out.sum = to_out(h.sum());
  out.avg = out.sum / static_cast<double>(out.count);
  out.stddev = to_out(h.stddev());

  const auto& b = fortio_bucket_bounds();
  std::vector<std::int64_t> counts(b.size() + 1, 0);
  h.for_each_bucket([&](std::int64_t low, std::int64_t high, std::uint64_t n) {
    const double mid = to_out((static_cast<double>(low) + static_cast<double>(high)) / 2);
    counts[fortio_index(mid, resolution, offset)] += static_cast<std::int64_t>(n);
  });
  add_buckets(out, counts, resolution, offset);
  for (double p : percentiles)
    out.percentiles.push_back({p, interpolate ? interpolated(out, p) : to_out(h.value_at_percentile(p))});
  return out;
}

fortio_histogram export_fortio_values(const std::vector<double>& values, double resolution, double offset,
                                      const std::vector<double>& percentiles) {
  fortio_histogram out;
  out.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return out;
  out.min = *std::min_element(values.begin(), values.end());
  out.max = *std::max_element(values.begin(), values.end());
  double sumsq = 0;
  for (double v : values) {
    out.sum += v;
    sumsq += v * v;
  }
  out.avg = out.sum / static_cast<double>(out.count);
  out.stddev = std::sqrt(std::max(0.0, sumsq / static_cast<double>(out.count) - out.avg * out.avg));
  const auto& b = fortio_bucket_bounds();
  std::vector<std::int64_t> counts(b.size() + 1, 0);
  for (double v : values) ++counts[fortio_index(v, resolution, offset)];
  add_buckets(out, counts, resolution, offset);
  for (double p : percentiles) out.percentiles.push_back({p, interpolated(out, p)});
  return out;
}

double latency_percentile(const histogram& h, double p, const run_options& o) {
  if (!o.fortio_buckets || h.count() == 0) return static_cast<double>(h.value_at_percentile(p));
  return export_fortio(h, 1e-9, o.resolution, o.offset, {p}, true).percentiles.front().value * 1e9;
}

}  // namespace loadgen
