#pragma once
// The HTML report's time series (private to the report layer): one run's per-interval charts
// (achieved vs requested qps, latency, calls per status code) and table, and the several-runs
// chart of one value per interval.
#include <string>
#include <vector>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"
#include "loadgen/report/html_report.hpp"
#include "svg_chart.hpp"

namespace loadgen::html {

// The "Time series" section of one run (a line saying so when it has none).
std::string time_series(const run_options& o, const run_result& r);

// One curve per run: achieved qps, or p99 latency (a gap where a slice had no call), per interval.
svg::chart compare_series_chart(const std::vector<html_run>& runs, bool latency);

}  // namespace loadgen::html
