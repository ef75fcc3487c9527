#pragma once
// Inline SVG charts for the HTML report (pure, private to the report layer), and the HTML escaping
// the charts share with the page.
//
// A chart is data in axis units (seconds, calls, percent) and a few words; render() lays it out in
// a fixed viewBox (it scales with the page), with tick labels in sensible units (µs, ms, s), a
// title, and a legend when there are several series. Coordinates are written with one decimal.
// Every series is one <path d="..."> (bars included: one subpath per bar), and only series are
// paths: axes, grid lines and legend swatches are <line> and <rect>, so a check that looks for a
// non-empty path in each chart looks at the data.
#include <string>
#include <string_view>
#include <vector>

namespace loadgen::svg {

// Text for HTML or SVG, as content or inside a quoted attribute: core/text.hpp's html_escape.
std::string escape(std::string_view text);

// How an axis labels its values.
enum class value_format {
  number,   // plain counts or rates; "k" or "M" for large axes (e.g. "12k")
  seconds,  // durations in seconds, labelled in µs, ms or s
  percent,  // 0..100, labelled "50%"
};

struct axis {
  std::string title;  // e.g. "latency"; a linear seconds axis appends its unit: "latency (ms)"
  value_format format = value_format::number;
  bool log = false;   // log10 scale, ticks at powers of ten (and 2, 5 times them over a short range);
                      // values <= 0 are drawn at the axis minimum
  // The range shown. When max <= min, it comes from the data: linear from 0 (or the data minimum,
  // if negative) to the maximum (a y axis: to a tick above it, with 4% of headroom first); log
  // from 1, 2 or 5 times a power of ten at or below the smallest positive value to one at or
  // above the largest.
  double min = 0, max = 0;
  bool whole = false;  // the values are counts: linear ticks at whole numbers only
};

struct point {
  double x = 0, y = 0;
};

// One bar of a histogram: from x0 to x1, y high (axis units).
struct bar {
  double x0 = 0, x1 = 0, y = 0;
};

enum class stroke { solid, dashed };

struct series {
  std::string name;           // the legend entry, and the path's tooltip
  std::vector<point> points;  // a line through them, in order; a point not finite (NaN) leaves a gap
  std::vector<bar> bars;      // or bars (a series has one or the other)
  stroke style = stroke::solid;
  int colour = 0;             // index into the palette (wraps)
  bool right_axis = false;    // plotted against the chart's right y axis
};

struct chart {
  std::string id;     // the data-chart attribute (letters, digits, '-')
  std::string title;
  axis x, y;
  axis y_right;       // drawn only when a series uses it
  std::vector<series> data;
};

// True when some series has a point or a bar: render() then draws at least one non-empty path.
bool has_data(const chart& c);

// <svg class="chart" data-chart="ID" viewBox="0 0 900 H" ...>...</svg>, or "" when !has_data(c).
std::string render(const chart& c);

// The palette's colour for an index (wraps), e.g. "#1f77b4": for HTML swatches next to a chart.
std::string_view colour(int index);

}  // namespace loadgen::svg
