// `loadgen merge a.json b.json ...`: results of runs made at the same time combined into one
// (report/result_merge), printed as the usual text report, optionally written as JSON and HTML,
// and checked against -assert.
#include <cstdio>

#include "cli_common.hpp"
#include "commands.hpp"
#include "result_outputs.hpp"
#include "saved_results.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/report/assertions.hpp"
#include "loadgen/report/html_report.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "loadgen/report/result_merge.hpp"

namespace loadgen::cli {

int run_merge(const std::vector<std::string>& args) {
  CLI::App app("Merge results of runs made at the same time (several pods or processes) into one report: counts add up, "
               "latency histograms merge exactly (loadgen's JSON), so the merged p99 is the p99 of all calls.",
               "merge");
  app.set_help_flag("--help", "Show this help");
  std::vector<std::string> files, asserts;
  std::string json_path, html_path, level;
  bool quiet = false;
  app.add_option("results", files, "JSON results written by loadgen (-json, -a) or Fortio, or logs with one in them (kubectl logs of a -json /dev/stderr pod)");
  app.add_option("--json", json_path, "Write the merged JSON result to this file, or - for stdout")->type_name("path")->group("Output");
  app.add_option("--html", html_path, "Write the merged HTML report (the merged run and each input) to this file")->type_name("path")->group("Output");
  app.add_option("--assert", asserts, "Threshold checked on the merged result, repeatable (as `load -assert`); any FAIL exits 3")
      ->type_name("check")->group("Output");
  add_logging_flags(app, level, quiet);
  if (auto rc = parse(app, args)) return *rc;
  try {
    run_options report_level;
    report_level.level = setup_logging(level, quiet);
    // A malformed -assert is a bad flag (exit 2) whatever the files hold: checked before reading.
    for (const auto& text : asserts) parse_assertion(text);
    std::vector<saved_result> runs = read_saved_results(files, "merge");
    saved_result merged = merge_results(runs);
    merged.options.level = report_level.level;
    const std::vector<assertion> checks = parse_assertions(asserts, merged.options);
    if (!html_path.empty()) check_writable(html_path, "-html");
    std::string head = fallback_note(runs);
    head += "Merged " + std::to_string(runs.size()) + " results (" +
            (merged.exact ? "exact histograms" : "approximate: see above") + "): ";
    for (std::size_t i = 0; i < runs.size(); ++i) head += (i ? ", " : "") + runs[i].name;
    head += "\n";
    head += shard_coverage(runs);
    head += format_report(merged.options, merged.result);
    std::fwrite(head.data(), 1, head.size(), stderr);
    std::fflush(stderr);
    if (!json_path.empty()) write_json_to(format_json(merged.options, merged.result), json_path, "-json");
    if (!html_path.empty()) {
      std::vector<html_run> shown{{&merged.options, &merged.result, "merged", "merged from " + std::to_string(runs.size()) + " results"}};
      for (const auto& r : runs) shown.push_back({&r.options, &r.result, r.name, r.exact ? "" : "Fortio JSON: approximate percentiles"});
      write_html_to(format_html(shown, "loadgen merge of " + std::to_string(runs.size()) + " results"), html_path);
    }
    return report_assertions(checks, merged.options, merged.result);
  } catch (const loadgen::error& e) {
    print_error("merge", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error("merge", e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
