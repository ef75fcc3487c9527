#pragma once
// The HTML report (pure: runs in, one self-contained HTML document out; no I/O, no clock).
// Everything is inline (CSS, SVG charts written here, no script from elsewhere, no font, no
// network), so the file opens offline, e.g. after `kubectl cp` out of a pod.
//
// One run: its parameters, the latency distribution (histogram and cumulative percent, linear or
// log time axis), the percentile table, latency from the due time next to service time, calls and
// latency per status code, the per-interval time series (calls, achieved vs requested qps, p50/p99,
// codes, calls that waited for a busy connection), Envoy overflows and transport errors.
// Several runs: overlaid cumulative latency curves and a side-by-side table first, then each run.
//
// Charts are inline SVG (src/report/svg_chart), each <svg class="chart" data-chart="NAME"> with its
// data as <path class="series" d="...">: per run latency-histogram-linear/-log (bars and the
// cumulative percent), latency-vs-service-linear/-log, and with a time series qps-series,
// latency-series, codes-series; with several runs first compare-latency-linear/-log and, when the
// runs have time series, compare-qps-series and compare-p99-series. The linear/log pairs are
// switched by radio buttons and CSS (no script). Times in tables are in ms with 3 decimals; the
// percentile table is export_fortio()'s, as the text report's. A run with no call gets its
// parameters and a "No data" line, no chart.
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"

namespace loadgen {

struct html_run {
  const run_options* options = nullptr;  // not owned; both must outlive format_html
  const run_result* result = nullptr;
  std::string name;  // shown as the run's title and legend entry (e.g. the JSON file name or the ID)
  std::string note;  // shown under the title when not empty (e.g. "merged from 3 files")
};

// title: the document's <title> and heading.
std::string format_html(const std::vector<html_run>& runs, std::string_view title);

}  // namespace loadgen
