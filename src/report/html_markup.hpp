#pragma once
// The HTML report's building blocks (private to the report layer): numbers as the page shows
// them, table and chart markup, the axes every chart shares. Shared by html_report.cpp (one run's
// sections, the comparison) and html_series.cpp (the time series).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/core/options.hpp"
#include "svg_chart.hpp"

namespace loadgen::html {

using svg::escape;

// Seconds as milliseconds with 3 decimals (microsecond precision): "1.402".
std::string ms(double seconds);
std::string ms_of_ns(std::int64_t ns);
// part/whole as "12.5 %", or "–" when whole is 0.
std::string percent(double part, double whole);
std::string percent(std::int64_t part, std::int64_t whole);

// A table row; cells are markup already (escaped by the caller).
std::string row(const std::vector<std::string>& cells, bool header = false);
std::string table(std::string_view css_class, const std::vector<std::string>& header, const std::string& rows);
// A chart, or a line saying there was nothing to draw.
std::string figure(const svg::chart& c);
// Two renderings of one chart, with a linear and with a log time axis, and two radio buttons
// that show one or the other (CSS only, no script). group: unique in the page.
std::string axis_toggle(const std::string& group, const svg::chart& linear, const svg::chart& log);

// A count axis from 0; the time-series' x axis in seconds since the run's start.
svg::axis calls_axis(std::string title);
svg::axis time_since_start();

// A status as the page names it: "200", "-1 (transport error)", "200 OK" for an echo target.
std::string code_name(const run_options& o, int code);

}  // namespace loadgen::html
