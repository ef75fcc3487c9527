#pragma once
// The results UI (report/results_ui) wired into a server's pages seam, over a data directory.
#include <string>

#include "loadgen/server/echo_server.hpp"

namespace loadgen::cli {

struct results_pages_flags {
  std::string data_dir = ".";       // -data-dir
  std::string ui_path = "/fortio/";  // -ui-path
  std::string base_url;             // -base-url: prefix of index.tsv's URLs
};

// Sets o.pages_match and o.pages to serve the UI under ui_path (made to start and end with '/').
// only: every other target is the UI's too ("/" redirects to it, the rest is 404), for
// `loadgen report`, whose UI is at "/" as `fortio report`'s (then /fortio/X redirects to /X). Adds a start note naming the UI's address and directory.
// Throws loadgen::error (exit 2) for a ui_path that is not a path.
void serve_results_pages(server_options& o, const results_pages_flags& f, bool only);

}  // namespace loadgen::cli
