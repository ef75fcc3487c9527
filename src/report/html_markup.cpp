#include "html_markup.hpp"

#include <fmt/format.h>

#include "loadgen/core/echo.hpp"
#include "loadgen/core/outcome.hpp"

namespace loadgen::html {

// Seconds as milliseconds with 3 decimals (microsecond precision): "1.402".
std::string ms(double seconds) { return fmt::format("{:.3f}", seconds * 1e3); }
std::string ms_of_ns(std::int64_t ns) { return ms(static_cast<double>(ns) / 1e9); }

// part/whole as "12.5 %", or "–" when whole is 0.
std::string percent(double part, double whole) {
  return whole > 0 ? fmt::format("{:.1f} %", 100 * part / whole) : "–";
}
std::string percent(std::int64_t part, std::int64_t whole) {
  return percent(static_cast<double>(part), static_cast<double>(whole));
}

// A table row; cells are markup already (escaped by the caller).
std::string row(const std::vector<std::string>& cells, bool header) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += header ? "<th>" + c + "</th>" : "<td>" + c + "</td>";
  return out + "</tr>\n";
}

std::string table(std::string_view css_class, const std::vector<std::string>& header, const std::string& rows) {
  return fmt::format("<table class=\"{}\">\n{}{}</table>\n", css_class, row(header, true), rows);
}

// A chart, or a line saying there was nothing to draw.
std::string figure(const svg::chart& c) {
  const std::string drawn = svg::render(c);
  return drawn.empty() ? "<p class=\"nodata\">" + escape(c.title) + ": no data.</p>\n" : drawn + "\n";
}

// Two renderings of one chart, with a linear and with a log time axis, and two radio buttons
// that show one or the other (CSS only, no script). group: unique in the page.
std::string axis_toggle(const std::string& group, const svg::chart& linear, const svg::chart& log) {
  return fmt::format(
      "<div class=\"toggle\">\n"
      "<input type=\"radio\" name=\"{0}\" id=\"{0}-lin\" class=\"lin\" checked><label for=\"{0}-lin\">linear</label>\n"
      "<input type=\"radio\" name=\"{0}\" id=\"{0}-log\" class=\"log\"><label for=\"{0}-log\">log</label> time axis\n"
      "<div class=\"view lin\">{1}</div>\n<div class=\"view log\">{2}</div>\n</div>\n",
      group, figure(linear), figure(log));
}

svg::axis calls_axis(std::string title) { return {std::move(title), svg::value_format::number, false, 0, 0, true}; }
svg::axis time_since_start() { return {"time since start (s)", svg::value_format::number}; }

std::string code_name(const run_options& o, int code) {
  if (code == status_transport_error) return "-1 (transport error)";
  const std::string label = status_label(o.target, code);
  return label == std::to_string(code) ? label : fmt::format("{} {}", code, label);
}

}  // namespace loadgen::html
