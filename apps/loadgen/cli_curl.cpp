// `loadgen curl`: one request. Status line and headers on stderr, body on stdout (Fortio's
// streams, for every status). Exit 0 for a 2xx, 1 otherwise with a one-line reason.
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "commands.hpp"
#include "http_flags.hpp"
#include "loadgen/client/curl.hpp"
#include "loadgen/wire/proxy.hpp"
#include "loadgen/core/error.hpp"

namespace loadgen::cli {

int fetch_and_report(const run_options& o, bool headers_to_stdout) {
  if (o.target.is_echo())
    throw run_error("curl fetches http and https URLs; " + o.target.scheme + ":// is for `loadgen load` (an echo run)");
  std::ios::sync_with_stdio(false);
  const fetch_result r = fetch(o, headers_to_stdout ? std::cout : std::cerr, std::cout);
  std::cout.flush();
  if (r.status == status_transport_error) {
    print_error("curl", r.message);
    return exit_run_failed;
  }
  if (!r.message.empty()) {
    print_error("curl", r.message + " (last status " + std::to_string(r.status) + ")");
    return exit_run_failed;
  }
  if (r.status < 200 || r.status >= 300) {
    print_error("curl", "error status " + std::to_string(r.status));
    return exit_run_failed;
  }
  return exit_ok;
}

int run_curl(const std::vector<std::string>& args) {
  CLI::App app("Fetch one URL: status line and headers on stderr, body on stdout.", "curl");
  app.set_help_flag("--help", "Show this help");
  run_options o;
  http_flags f;
  app.add_option("url", o.url_text, "Target URL (http:// is assumed when there is no scheme)");
  add_http_flags(app, f);
  if (auto rc = parse(app, args)) return *rc;
  try {
    setup_logging(f.level, f.quiet);
    apply_http_flags(f, o);
    bool assumed = false;
    validate(o, &assumed);
    select_proxy(o);
    if (assumed) spdlog::warn("Assuming http:// on missing scheme for '{}'", o.url_text);
    return fetch_and_report(o, f.curl_stdout_headers);
  } catch (const loadgen::error& e) {
    print_error("curl", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error("curl", e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
