#include "results_pages.hpp"

#include <memory>

#include "data_dir_source.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/report/results_ui.hpp"

namespace loadgen::cli {

void serve_results_pages(server_options& o, const results_pages_flags& f, bool only) {
  results_ui_config config;
  config.ui_path = f.ui_path;
  if (config.ui_path.empty() || config.ui_path.front() != '/') config.ui_path.insert(config.ui_path.begin(), '/');
  if (config.ui_path.back() != '/') config.ui_path.push_back('/');
  if (config.ui_path.find_first_of("?# ") != std::string::npos) throw flag_error("-ui-path \"" + f.ui_path + "\" is not a URL path");
  config.base_url = f.base_url;
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
  const auto data = std::make_shared<data_dir_source>(f.data_dir);
  o.pages_match = [config, only](std::string_view target) { return only || is_results_ui_target(target, config); };
  o.pages = [config, data](std::string_view target, std::string_view host) {
    // `fortio report` serves its browse-only UI at the root and sends /fortio/... there: so do we,
    // keeping the rest of the path (so /fortio/data/index.tsv still finds the index).
    if (config.ui_path == "/" && (target == "/fortio" || target.rfind("/fortio/", 0) == 0))
      return served_page{303, "text/plain; charset=UTF-8", "", {{"Location", "/" + std::string(target.substr(std::min<std::size_t>(target.size(), 8)))}}};
    if (!is_results_ui_target(target, config)) {
      const std::string_view path = target.substr(0, target.find('?'));
      if (path == "/") return served_page{303, "text/plain; charset=UTF-8", "", {{"Location", config.ui_path}}};
      return served_page{404, "text/plain; charset=UTF-8", "not found: the results UI is at " + config.ui_path + "\n", {}};
    }
    ui_answer a = answer_results_ui(target, host, config, *data);
    // Outside the circuit breaker: a person browsing results is not load, and a full breaker
    // must not hide the results of the run that filled it.
    return served_page{a.status, std::move(a.content_type), std::move(a.body), std::move(a.headers), true};
  };
  o.start_notes.push_back("results UI at " + config.ui_path + " on the HTTP port, data directory \"" + f.data_dir + "\"");
}

}  // namespace loadgen::cli
