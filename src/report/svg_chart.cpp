#include "svg_chart.hpp"

#include "loadgen/core/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace loadgen::svg {
namespace {

// The viewBox: 900 wide; the plot keeps its height whatever the legend takes.
constexpr double width = 900;
constexpr double plot_height = 270;
constexpr double margin_left = 70, margin_right = 20, margin_right_axis = 64;
constexpr double title_height = 30, legend_row = 18, margin_bottom = 48;
constexpr double char_width = 6.2;  // an 11px sans-serif character, on average
constexpr std::size_t legend_name_max = 48;

// Tableau 10: distinct, readable on white, and kind to the common colour blindnesses.
constexpr std::array<std::string_view, 10> palette{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

// A coordinate with one decimal, trailing ".0" dropped: "12.5", "300".
std::string coord(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

// The data range on one axis, from points or bars.
struct extent {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double min_positive = std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    min = std::min(min, v);
    max = std::max(max, v);
    if (v > 0) min_positive = std::min(min_positive, v);
  }
  bool empty() const { return min > max; }
};

// 1, 2 or 5 times a power of ten, the smallest such step >= raw.
double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0})
    if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

// An axis made concrete: its range and ticks, and the map from values to viewBox coordinates.
struct scale {
  double lo = 0, hi = 1;         // the range shown (positive when log)
  double from = 0, to = 1;       // viewBox coordinates of lo and hi
  bool log = false;
  double step = 1;               // linear tick step
  std::vector<double> ticks;

  double operator()(double v) const {
    double t;
    if (log) {
      v = std::max(v, lo);
      t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      t = (v - lo) / (hi - lo);
    }
    return from + std::clamp(t, 0.0, 1.0) * (to - from);
  }
};

void linear_ticks(scale& s, bool round_out, bool whole) {
  s.step = nice_step((s.hi - s.lo) / 6);  // 4 to 8 ticks
  if (whole) s.step = std::max(s.step, 1.0);
  if (round_out) {
    s.lo = std::floor(s.lo / s.step + 1e-9) * s.step;
    s.hi = std::ceil(s.hi / s.step - 1e-9) * s.step;
  }
  const auto first = static_cast<long long>(std::ceil(s.lo / s.step - 1e-9));
  for (long long k = first; static_cast<double>(k) * s.step <= s.hi + s.step * 1e-9; ++k)
    s.ticks.push_back(static_cast<double>(k) * s.step);
}

// 1, 2 or 5 times a power of ten: the largest at or below v (down), or the smallest at or above.
double round_125(double v, bool up) {
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  if (up) {
    for (const double m : {1.0, 2.0, 5.0})
      if (m * power >= v * (1 - 1e-9)) return m * power;
    return 10 * power;
  }
  for (const double m : {5.0, 2.0, 1.0})
    if (m * power <= v * (1 + 1e-9)) return m * power;
  return power;
}

// Ticks at 1, 2 and 5 times the powers of ten over a short range, at the powers alone over a
// longer one (every other one past 8 decades).
void log_ticks(scale& s) {
  const int first = static_cast<int>(std::floor(std::log10(s.lo) + 1e-9));
  const int last = static_cast<int>(std::floor(std::log10(s.hi) + 1e-9));
  const bool fine = std::log10(s.hi / s.lo) <= 3;
  const int every = last - first > 8 ? 2 : 1;
  for (int e = first; e <= last; e += every)
    for (const double m : {1.0, 2.0, 5.0}) {
      const double t = m * std::pow(10.0, e);
      if ((m == 1.0 || fine) && t >= s.lo * (1 - 1e-9) && t <= s.hi * (1 + 1e-9)) s.ticks.push_back(t);
    }
}

// A linear y axis found from the data leaves 4% above the largest value and rounds up to a tick,
// so that no line sits on the frame; a linear x axis spans the data exactly (a run's time, the
// latency range), its ticks inside.
scale make_scale(const axis& a, const extent& data, double from, double to, bool y_axis) {
  scale s;
  s.log = a.log;
  s.from = from;
  s.to = to;
  const bool given = a.max > a.min;
  if (a.log) {
    if (given && a.min > 0) {
      s.lo = a.min;
      s.hi = a.max;
    } else {
      const double low = std::isfinite(data.min_positive) ? data.min_positive : 1;
      const double high = data.max > 0 ? data.max : low;
      s.lo = round_125(low, false);
      s.hi = round_125(high, true);
      if (s.hi <= s.lo) s.hi = round_125(s.lo * 1.5, true);
    }
    log_ticks(s);
    return s;
  }
  if (given) {
    s.lo = a.min;
    s.hi = a.max;
  } else {
    s.lo = data.empty() ? 0 : std::min(0.0, data.min);
    s.hi = data.empty() ? 1 : data.max;
    if (s.hi <= s.lo) s.hi = s.lo + 1;
    else if (y_axis) s.hi += (s.hi - s.lo) * 0.04;
  }
  linear_ticks(s, !given && y_axis, a.whole);
  return s;
}

// Decimals that show a step of 1, 2 or 5 times 10^k: max(0, -k).
int decimals_for(double step) {
  if (!(step > 0)) return 0;
  return std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
}

std::string fixed(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  return s == "-0" ? "0" : s;
}

// A duration in its own unit, up to 3 significant digits: "1µs", "10ms", "2.5s".
std::string short_duration(double seconds) {
  struct unit {
    double scale;
    const char* name;
  };
  static constexpr std::array<unit, 4> units{{{1, "s"}, {1e3, "ms"}, {1e6, "µs"}, {1e9, "ns"}}};
  for (const unit& u : units)
    if (std::abs(seconds) * u.scale >= 1 - 1e-9 || u.scale == 1e9)
      return fmt::format("{:.3g}{}", seconds * u.scale, u.name);
  return "0";
}

// How a linear axis writes its values: divided by `divisor`, `unit` in the title or after each.
struct labeller {
  double divisor = 1;
  std::string unit;     // "ms", "k", "%"
  bool unit_in_title = false;
};

labeller labeller_for(const axis& a, const scale& s) {
  const double top = std::max(std::abs(s.lo), std::abs(s.hi));
  switch (a.format) {
    case value_format::seconds:
      if (top >= 1) return {1, "s", true};
      if (top >= 1e-3) return {1e-3, "ms", true};
      return {1e-6, "µs", true};
    case value_format::percent:
      return {1, "%", false};
    case value_format::number:
      if (top >= 1e6) return {1e6, "M", false};
      if (top >= 1e4) return {1e3, "k", false};
      return {1, "", false};
  }
  return {};
}

std::string tick_label(const axis& a, const scale& s, const labeller& l, double v) {
  if (s.log && a.format == value_format::seconds) return short_duration(v);
  const double shown = v / l.divisor;
  const int decimals = s.log ? decimals_for(std::abs(shown)) : decimals_for(s.step / l.divisor);
  return fixed(shown, decimals) + (l.unit_in_title ? "" : l.unit);
}

std::string axis_title(const axis& a, const scale& s, const labeller& l) {
  if (a.title.empty() || s.log || !l.unit_in_title) return escape(a.title);
  return escape(a.title) + " (" + l.unit + ")";
}

// The legend entry as shown: at most legend_name_max bytes, cut on a UTF-8 boundary.
std::string legend_name(const std::string& name) {
  if (name.size() <= legend_name_max) return name;
  std::size_t cut = legend_name_max;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "…";
}

struct legend_item {
  double x = 0, y = 0;
};

// Left to right from the plot's left edge, wrapping before the right margin.
std::vector<legend_item> place_legend(const chart& c, double* rows) {
  std::vector<legend_item> out;
  *rows = 0;
  if (c.data.size() < 2) return out;
  double x = margin_left, row = 0;
  for (const series& s : c.data) {
    const double w = 24 + static_cast<double>(legend_name(s.name).size()) * char_width + 16;
    if (x + w > width - margin_right && x > margin_left) {
      x = margin_left;
      ++row;
    }
    out.push_back({x, title_height + row * legend_row + 4});
    x += w;
  }
  *rows = row + 1;
  return out;
}

std::string stroke_attributes(const series& s) {
  std::string out = fmt::format(R"(fill="none" stroke="{}" stroke-width="1.8")", colour(s.colour));
  if (s.style == stroke::dashed) out += R"( stroke-dasharray="6 4")";
  return out;
}

std::string legend(const chart& c, const std::vector<legend_item>& at) {
  std::string out;
  for (std::size_t i = 0; i < at.size(); ++i) {
    const series& s = c.data[i];
    const double x = at[i].x, y = at[i].y;
    if (!s.bars.empty()) {
      out += fmt::format(R"(<rect x="{}" y="{}" width="16" height="9" fill="{}" fill-opacity="0.55"/>)", coord(x),
                         coord(y - 4.5), colour(s.colour));
    } else {
      out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" {}/>)", coord(x), coord(y), coord(x + 18), coord(y),
                         stroke_attributes(s));
    }
    out += fmt::format(R"(<text x="{}" y="{}" dominant-baseline="middle">{}</text>)", coord(x + 22), coord(y),
                       escape(legend_name(s.name)));
  }
  return out;
}

// A point in viewBox coordinates.
struct px {
  double x = 0, y = 0;
};

// The same line with fewer points: of consecutive points in one column (1 unit wide), only the
// first, the lowest, the highest and the last are kept, in their order (M4 decimation), so a
// series of 86400 slices costs a few thousand points and looks the same.
std::vector<px> thin(const std::vector<px>& in) {
  std::vector<px> out;
  std::size_t begin = 0;
  while (begin < in.size()) {
    const double column = std::floor(in[begin].x);
    std::size_t end = begin, low = begin, high = begin;
    for (; end < in.size() && std::floor(in[end].x) == column; ++end) {
      if (in[end].y < in[low].y) low = end;
      if (in[end].y > in[high].y) high = end;
    }
    const std::array<std::size_t, 4> keep{begin, std::min(low, high), std::max(low, high), end - 1};
    for (std::size_t k = 0; k < 4; ++k)
      if (k == 0 || keep[k] != keep[k - 1]) out.push_back(in[keep[k]]);
    begin = end;
  }
  return out;
}

// The path of a line series: "M x y L x y x y ...", a new subpath after each gap (a point that
// is not finite); a subpath of one point becomes a dot.
std::string line_path(const series& s, const scale& x, const scale& y) {
  std::string d;
  std::vector<px> run;
  const auto flush = [&] {
    const std::vector<px> points = thin(run);
    for (std::size_t i = 0; i < points.size(); ++i) {
      d += i == 0 ? (d.empty() ? "M" : " M") : i == 1 ? " L" : " ";
      d += coord(points[i].x) + " " + coord(points[i].y);
    }
    if (points.size() == 1) d += " h0.1";
    run.clear();
  };
  for (const point& p : s.points) {
    if (std::isfinite(p.x) && std::isfinite(p.y)) run.push_back({x(p.x), y(p.y)});
    else flush();
  }
  flush();
  return d;
}

// One subpath per bar with a height: "M x0 base V top H x1 V base Z".
std::string bar_path(const series& s, const scale& x, const scale& y) {
  std::string d;
  for (const bar& b : s.bars) {
    if (!(b.y > 0) || !std::isfinite(b.y)) continue;
    double left = x(b.x0), right = x(b.x1);
    if (right - left > 2) {  // a hairline gap between neighbours
      left += 0.4;
      right -= 0.4;
    }
    right = std::max(right, left + 0.6);
    d += fmt::format("M{} {}V{}H{}V{}Z", coord(left), coord(y.from), coord(y(b.y)), coord(right), coord(y.from));
  }
  return d;
}

std::string series_path(const series& s, const scale& x, const scale& y) {
  const std::string d = s.bars.empty() ? line_path(s, x, y) : bar_path(s, x, y);
  if (d.empty()) return {};
  const std::string look = s.bars.empty()
                               ? stroke_attributes(s) + R"( stroke-linejoin="round" stroke-linecap="round")"
                               : fmt::format(R"(fill="{}" fill-opacity="0.55")", colour(s.colour));
  return fmt::format(R"(<path class="series" d="{}" {}><title>{}</title></path>)", d, look, escape(s.name));
}

// Grid lines and tick labels of the x axis (below the plot) and of a y axis (left or right).
std::string x_axis(const axis& a, const scale& s, double top, double bottom) {
  const labeller l = labeller_for(a, s);
  std::string out;
  for (const double t : s.ticks) {
    const std::string px = coord(s(t));
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#e3e3e3"/>)", px, coord(top), coord(bottom));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", px, coord(bottom + 15),
                       escape(tick_label(a, s, l, t)));
  }
  out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", coord((s.from + s.to) / 2),
                     coord(bottom + 36), axis_title(a, s, l));
  return out;
}

std::string y_axis(const axis& a, const scale& s, double left, double right, bool on_right) {
  const labeller l = labeller_for(a, s);
  std::string out;
  for (const double t : s.ticks) {
    const std::string py = coord(s(t));
    if (!on_right)
      out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#e3e3e3"/>)", coord(left), py, coord(right));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle">{}</text>)",
                       coord(on_right ? right + 6 : left - 6), py, on_right ? "start" : "end",
                       escape(tick_label(a, s, l, t)));
  }
  const double mid = (s.from + s.to) / 2;
  const double at = on_right ? width - 10 : 14;
  out += fmt::format(R"svg(<text transform="rotate(-90)" x="{}" y="{}" text-anchor="middle">{}</text>)svg", coord(-mid),
                     coord(at), axis_title(a, s, l));
  return out;
}

struct extents {
  extent x, y, y_right;
};

extents measure(const chart& c) {
  extents e;
  for (const series& s : c.data) {
    extent& y = s.right_axis ? e.y_right : e.y;
    for (const point& p : s.points) {
      e.x.add(p.x);
      y.add(p.y);
    }
    for (const bar& b : s.bars) {
      e.x.add(b.x0);
      e.x.add(b.x1);
      y.add(b.y);
    }
  }
  return e;
}

}  // namespace

std::string escape(std::string_view text) { return html_escape(text); }

std::string_view colour(int index) {
  const auto n = static_cast<int>(palette.size());
  return palette[static_cast<std::size_t>(((index % n) + n) % n)];
}

bool has_data(const chart& c) {
  for (const series& s : c.data) {
    for (const point& p : s.points)
      if (std::isfinite(p.x) && std::isfinite(p.y)) return true;
    for (const bar& b : s.bars)
      if (b.y > 0 && std::isfinite(b.y)) return true;
  }
  return false;
}

std::string render(const chart& c) {
  if (!has_data(c)) return {};
  double rows = 0;
  const std::vector<legend_item> items = place_legend(c, &rows);
  const bool right = std::any_of(c.data.begin(), c.data.end(), [](const series& s) { return s.right_axis; });
  const double top = title_height + rows * legend_row + 6;
  const double bottom = top + plot_height;
  const double left = margin_left, right_edge = width - (right ? margin_right_axis : margin_right);
  const double height = bottom + margin_bottom;

  const extents e = measure(c);
  const scale x = make_scale(c.x, e.x, left, right_edge, false);
  const scale y = make_scale(c.y, e.y, bottom, top, true);
  const scale y2 = make_scale(c.y_right, e.y_right, bottom, top, true);

  std::string out = fmt::format(
      R"(<svg class="chart" data-chart="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" font-family="sans-serif" font-size="11" fill="#333">)",
      escape(c.id), coord(width), coord(height), escape(c.title));
  out += fmt::format(R"(<text x="{}" y="18" text-anchor="middle" font-size="14" font-weight="bold">{}</text>)",
                     coord(width / 2), escape(c.title));
  out += legend(c, items);
  out += x_axis(c.x, x, top, bottom);
  out += y_axis(c.y, y, left, right_edge, false);
  if (right) out += y_axis(c.y_right, y2, left, right_edge, true);
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999"/>)", coord(left),
                     coord(top), coord(right_edge - left), coord(plot_height));
  // Bars first, so that lines stay visible over them.
  for (const bool bars : {true, false})
    for (const series& s : c.data)
      if (s.bars.empty() != bars) out += series_path(s, x, s.right_axis ? y2 : y);
  return out + "</svg>";
}

}  // namespace loadgen::svg
