// `loadgen report`: Fortio's `fortio report`, the results UI over a data directory (browse,
// compare, merge, and Fortio's data endpoints), served until SIGINT/SIGTERM; or, with -html, the
// HTML report of saved results written to a file (one result: its report; several: compared).
#include <exception>

#include "cli_common.hpp"
#include "commands.hpp"
#include "result_outputs.hpp"
#include "results_pages.hpp"
#include "saved_results.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/report/html_report.hpp"
#include "loadgen/server/echo_server.hpp"

namespace loadgen::cli {

int run_report(const std::vector<std::string>& args) {
  CLI::App app("Serve the results UI for a data directory (Fortio's `fortio report`): saved results listed newest first, "
               "each one's HTML report, several compared or merged, and Fortio's data endpoints "
               "(/data/index.tsv, /data/<file>.json; /fortio/... redirects there, as Fortio's). With -html OUT.html RESULT.json...: write the HTML "
               "report of those results instead.",
               "report");
  app.set_help_flag("--help", "Show this help");
  server_options o;
  results_pages_flags pages;
  pages.ui_path = "/";  // as `fortio report`: the UI at the root (/fortio/... is sent there)
  std::vector<std::string> files;
  std::string html, level;
  bool quiet = false;
  app.add_option("results", files, "With -html: the JSON results to show");
  app.add_option("--http-port", o.listen, "Port to serve the UI on: port, :port, host:port")->group("Server");
  app.add_option("--data-dir", pages.data_dir, "Directory of the saved results (JSON files; loadgen's or Fortio's)")->type_name("Directory")->group("Server");
  app.add_option("--ui-path", pages.ui_path, "URL path of the UI (the root, as `fortio report`)")->group("Server");
  app.add_option("--base-url", pages.base_url, "URL prefix for data/index.tsv's links (default: http://<Host header>)")->group("Server");
  app.add_option("--html", html, "Write the HTML report of the results given to this file (- for stdout) and exit")->type_name("path")->group("Output");
  add_logging_flags(app, level, quiet);
  if (auto rc = parse(app, args)) return *rc;
  try {
    setup_logging(level, quiet);
    if (!html.empty()) {
      const std::vector<saved_result> runs = read_saved_results(files, "report -html");
      const std::string note = fallback_note(runs);
      if (!note.empty()) std::fputs(note.c_str(), stderr);
      std::vector<html_run> shown;
      for (const auto& r : runs) shown.push_back({&r.options, &r.result, r.name, r.exact ? "" : "Fortio JSON: approximate percentiles"});
      write_html_to(format_html(shown, runs.size() == 1 ? runs.front().name : "comparison of " + std::to_string(runs.size()) + " results"), html);
      return exit_ok;
    }
    if (!files.empty()) throw flag_error("result files are for -html; the UI serves -data-dir");
    o.tcp_listen = o.udp_listen = o.grpc_listen = o.redirect_listen = "disabled";
    o.debug_path.clear();
    serve_results_pages(o, pages, true);
    return run_echo_server(o);
  } catch (const loadgen::error& e) {
    print_error("report", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error("report", e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
