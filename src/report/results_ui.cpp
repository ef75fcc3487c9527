#include "loadgen/report/results_ui.hpp"

#include <algorithm>
#include <exception>
#include <variant>

#include <fmt/format.h>

#include "loadgen/core/error.hpp"
#include "loadgen/core/go_format.hpp"
#include "loadgen/core/text.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/report/html_report.hpp"
#include "loadgen/report/result_merge.hpp"
#include "loadgen/report/result_reader.hpp"
#include "loadgen/wire/echo_params.hpp"

namespace loadgen {
namespace {

// The most results the listing page opens to summarise (older ones are listed by name only).
constexpr std::size_t summarised_max = 200;

// The query's values for key, decoded, in order.
std::vector<std::string> query_values(std::string_view query, std::string_view key) {
  std::vector<std::string> out;
  for (auto& [k, v] : parse_query(query))
    if (k == key) out.push_back(std::move(v));
  return out;
}

std::string escape(std::string_view text) { return html_escape(text); }

// A query component: unreserved characters (RFC 3986) kept, every other byte %XX.
std::string form_encode(std::string_view in) {
  std::string out;
  for (const char c : in) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) out.push_back(c);
    else out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

// A file name from a browse parameter: the last path segment of a URL or path, ".json" added
// when missing (Fortio's links carry it, hand-typed ones may not).
std::string file_of(std::string_view value) {
  const std::size_t q = value.find_first_of("?#");
  value = value.substr(0, q);
  const std::size_t slash = value.rfind('/');
  std::string name(slash == std::string_view::npos ? value : value.substr(slash + 1));
  if (name.size() < 5 || name.substr(name.size() - 5) != ".json") name += ".json";
  return name;
}

ui_answer text_answer(int status, std::string body) {
  return {status, "text/plain; charset=UTF-8", std::move(body) + "\n", {}};
}

ui_answer html_answer(std::string body) { return {200, "text/html; charset=UTF-8", std::move(body), {}}; }

const result_entry* find_listed(const std::vector<result_entry>& listed, const std::string& name) {
  if (name.find('/') != std::string::npos || name.find("..") != std::string::npos) return nullptr;
  const auto it = std::find_if(listed.begin(), listed.end(), [&](const result_entry& e) { return e.name == name; });
  return it == listed.end() ? nullptr : &*it;
}

// Reads and parses the named results; the first that is missing or bad ends in an answer.
std::variant<std::vector<saved_result>, ui_answer> load_results(const std::vector<std::string>& names, const results_source& data) {
  const std::vector<result_entry> listed = data.list();
  std::vector<saved_result> out;
  for (const auto& n : names) {
    const std::string name = file_of(n);
    if (!find_listed(listed, name)) return text_answer(404, "no result named \"" + name + "\" in the data directory");
    const auto text = data.read(name);
    if (!text) return text_answer(404, "cannot read \"" + name + "\"");
    try {
      out.push_back(read_result(*text, name));
    } catch (const error& e) {
      return text_answer(422, e.what());
    }
  }
  return out;
}

std::string page_head(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title><style>"
      "body{{font-family:system-ui,sans-serif;margin:1.5em;color:#222}}table{{border-collapse:collapse}}"
      "th,td{{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}}"
      "th:nth-child(2),td:nth-child(2),td:nth-child(3){{text-align:left}}tr:hover td{{background:#f4f7fb}}"
      "button{{margin:.8em .5em .8em 0;padding:.3em 1em}}.bad{{color:#b00}}</style></head><body>\n<h1>{0}</h1>\n",
      escape(title));
}

// One row of the listing: the summary of a result, or why it has none.
std::string listing_row(const result_entry& e, const results_source& data, bool summarise) {
  std::string cells = fmt::format("<td><input type=\"checkbox\" name=\"sel\" value=\"{0}\"></td>"
                                  "<td><a href=\"browse?url={1}\">{0}</a></td>",
                                  escape(e.name), form_encode(e.name));
  if (!summarise) return "<tr>" + cells + "<td colspan=\"7\"></td><td><a href=\"data/" + escape(e.name) + "\">json</a></td></tr>\n";
  const auto text = data.read(e.name);
  try {
    if (!text) throw run_error("cannot read it");
    const saved_result r = read_result(*text, e.name);
    const run_stats& s = r.result.stats;
    const std::int64_t calls = s.calls();
    const double seconds = static_cast<double>(r.result.elapsed) / 1e9;
    cells += fmt::format(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", escape(r.options.labels),
        r.options.max_speed() ? std::string("max") : go_g(r.options.qps), go_f(seconds > 0 ? static_cast<double>(calls) / seconds : 0, 1),
        calls, go_f(latency_percentile(s.latency, 50, r.options) / 1e6, 3),
        go_f(latency_percentile(s.latency, 99, r.options) / 1e6, 3),
        go_f(calls > 0 ? 100.0 * static_cast<double>(calls - s.ok_calls()) / static_cast<double>(calls) : 0, 2));
  } catch (const std::exception& ex) {
    cells += "<td colspan=\"7\" class=\"bad\">not a result: " + escape(ex.what()) + "</td>";
  }
  return "<tr>" + cells + "<td><a href=\"data/" + escape(e.name) + "\">json</a></td></tr>\n";
}

ui_answer listing(const results_source& data) {
  const std::vector<result_entry> listed = data.list();
  std::string out = page_head("loadgen results");
  if (listed.empty()) {
    out += "<p>No results in the data directory yet: save some with <code>loadgen load -a -data-dir DIR</code> "
           "(or <code>-json DIR/name.json</code>).</p>";
    return html_answer(out + "</body></html>\n");
  }
  out += fmt::format("<p>{} result(s), newest first. Open one, or tick several to compare or merge them.</p>\n"
                     "<form action=\"browse\" method=\"get\"><table>\n<tr><th></th><th>Result</th><th>Labels</th>"
                     "<th>Requested qps</th><th>Actual qps</th><th>Calls</th><th>p50 ms</th><th>p99 ms</th>"
                     "<th>Errors %</th><th></th></tr>\n",
                     listed.size());
  for (std::size_t i = 0; i < listed.size(); ++i) out += listing_row(listed[i], data, i < summarised_max);
  out += "</table>\n<button type=\"submit\">Compare selected</button>"
         "<button type=\"submit\" name=\"merge\" value=\"1\">Merge selected</button></form>\n"
         "<p><a href=\"data/index.tsv\">data/index.tsv</a></p></body></html>\n";
  return html_answer(std::move(out));
}

ui_answer browse(std::string_view query, const results_source& data) {
  std::vector<std::string> names = query_values(query, "url");
  const bool single = !names.empty();
  for (auto& s : query_values(query, "sel")) names.push_back(std::move(s));
  if (names.empty()) return listing(data);
  auto loaded = load_results(names, data);
  if (auto* answer = std::get_if<ui_answer>(&loaded)) return std::move(*answer);
  auto& runs = std::get<std::vector<saved_result>>(loaded);
  const auto note = [](const saved_result& r) { return r.exact ? std::string() : std::string("Fortio JSON: approximate percentiles"); };
  std::vector<html_run> shown;
  std::optional<saved_result> merged;
  const bool merge = !query_values(query, "merge").empty() && runs.size() > 1;
  if (merge) {
    if (const std::string why = merge_refusal(runs); !why.empty()) return text_answer(422, why);
    merged = merge_results(runs);
    shown.push_back({&merged->options, &merged->result, "merged", "merged from " + std::to_string(runs.size()) + " results"});
  }
  for (const auto& r : runs) shown.push_back({&r.options, &r.result, r.name, note(r)});
  const std::string title = single && runs.size() == 1 ? runs.front().name
                            : merge ? fmt::format("merge of {} results", runs.size())
                                    : fmt::format("comparison of {} results", runs.size());
  return html_answer(format_html(shown, title));
}

ui_answer tsv_index(std::string_view host, const results_ui_config& config, const results_source& data) {
  const std::string prefix = (config.base_url.empty() ? "http://" + std::string(host) : config.base_url) + config.ui_path + "data/";
  std::string out = "TsvHttpData-1.0\n";
  for (const auto& e : data.list()) out += fmt::format("{}{}\t{}\t{}\n", prefix, e.name, e.size, e.md5_base64);
  return {200, "text/plain; charset=UTF-8", std::move(out), {{"Access-Control-Allow-Origin", "*"}}};
}

ui_answer data_links(const results_source& data) {
  std::string out = "<html><body><ul>\n";
  for (const auto& e : data.list()) out += fmt::format("<li><a href=\"{0}\">{1}</a>\n", escape(e.name), escape(e.name.substr(0, e.name.size() - 5)));
  return html_answer(out + "</ul></body></html>");
}

}  // namespace

bool is_results_ui_target(std::string_view target, const results_ui_config& config) {
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string_view ui = config.ui_path;
  return path.substr(0, ui.size()) == ui || path == ui.substr(0, ui.size() - 1);
}

ui_answer answer_results_ui(std::string_view target, std::string_view host, const results_ui_config& config,
                            const results_source& data) {
  const std::size_t q = target.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  std::string_view path = target.substr(0, q);
  const std::string_view ui = config.ui_path;
  if (path == ui.substr(0, ui.size() - 1)) return {303, "text/plain; charset=UTF-8", "", {{"Location", std::string(ui)}}};
  path.remove_prefix(std::min(path.size(), ui.size()));
  if (path.empty() || path == "browse" || path == "browse/") return browse(query, data);
  if (path == "data/index.tsv") return tsv_index(host, config, data);
  if (path == "data/" || path == "data" || path == "data/index.html") return data_links(data);
  if (path.substr(0, 5) == "data/") {
    const std::string name = form_decode(path.substr(5));  // wire/echo_params
    const std::vector<result_entry> listed = data.list();
    if (!find_listed(listed, name)) return text_answer(404, "no result named \"" + name + "\" in the data directory");
    auto text = data.read(name);
    if (!text) return text_answer(404, "cannot read \"" + name + "\"");
    return {200, "application/json", std::move(*text), {{"Access-Control-Allow-Origin", "*"}}};
  }
  return text_answer(404, "not found: the results UI has browse, data/index.tsv and data/<result>.json");
}

}  // namespace loadgen
