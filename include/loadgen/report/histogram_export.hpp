#pragma once
// Fortio's view of a histogram (pure): the counter line (count, avg, stddev, min, max, sum), the
// 57-bucket layout of fortio-behaviour.md section 2.4, and percentiles. The buckets are exported
// from the fine histogram; the percentiles come from the fine histogram directly (exact to 3
// significant digits) instead of Fortio's interpolation inside coarse buckets.
#include <cstdint>
#include <vector>

#include "loadgen/core/histogram.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen {

struct fortio_bucket {
  double start = 0;    // first exported bucket: the observed min; others: their own lower bound
  double end = 0;      // last exported bucket: the observed max; others: their upper bound
  double percent = 0;  // cumulative percent of the count, 0..100
  std::int64_t count = 0;
};

struct fortio_percentile {
  double percentile = 0;  // as asked, e.g. 99.9
  double value = 0;       // in output units
};

// All values in output units (seconds for latency, bytes for sizes).
struct fortio_histogram {
  std::int64_t count = 0;
  double min = 0, max = 0, sum = 0, avg = 0, stddev = 0;
  std::vector<fortio_bucket> data;             // non-empty buckets only; empty when count == 0
  std::vector<fortio_percentile> percentiles;  // in the order asked; empty when count == 0
};

// Fortio's 56 bucket upper bounds in units of the resolution (0, 1, 2, ... 75000, 100000).
const std::vector<double>& fortio_bucket_bounds();

// unit: output units per recorded unit (1e-9 turns ns into seconds, 1 keeps bytes).
// resolution, offset: Fortio's -r and -offset in output units; bucket i covers
// (offset + r*bound[i-1], offset + r*bound[i]], bucket 0 is <= offset, the last is > offset + r*100000.
// Each fine bucket is assigned to the Fortio bucket holding its midpoint.
// interpolate: the percentiles as Fortio computes them from these buckets (its CalcPercentile:
// the min up to 100/count %, then linear inside the bucket that holds each, the first starting at
// the min, the last ending at the max) instead of from h's fine buckets: for histograms rebuilt
// from Fortio's JSON (run_options::fortio_buckets).
fortio_histogram export_fortio(const histogram& h, double unit, double resolution, double offset,
                               const std::vector<double>& percentiles, bool interpolate = false);

// A latency percentile as every report gives it, in ns: h.value_at_percentile(p), or Fortio's
// interpolation at o's -r and -offset when o.fortio_buckets.
double latency_percentile(const histogram& h, double p, const run_options& o);

// A few exact values (already in output units; negative ones too, e.g. a clock skew) in Fortio's
// layout, with Fortio's own percentiles: linear inside the bucket that holds them (the first
// bucket starting at the min, the last ending at the max). For small samples such as
// `grpcping`'s, where the fine histogram's non-negative integers do not fit.
fortio_histogram export_fortio_values(const std::vector<double>& values, double resolution, double offset,
                                      const std::vector<double>& percentiles);

}  // namespace loadgen
