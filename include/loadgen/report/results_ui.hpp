#pragma once
// The results UI (pure: a request target and a view of the data directory in, an answer out), as
// served by `loadgen report` and by `loadgen server` under -ui-path (Fortio's /fortio/):
//
//   <ui>                      the saved results, newest first, with a summary of each (labels,
//   <ui>browse                start, qps, calls, p50/p99, errors); tick several to compare or merge
//   <ui>browse?url=F.json     one result's HTML report (Fortio's browse URL form; url may be a
//                             full URL, its last path segment names the file)
//   <ui>browse?sel=A&sel=B    several results: overlaid latency curves and a side-by-side table
//   <ui>browse?sel=..&merge=1 the selected results merged (report/result_merge), then each
//   <ui>data/index.tsv        Fortio's index: "TsvHttpData-1.0", then URL, size, base64 MD5 per file
//   <ui>data/ (index.html)    Fortio's plain list of links
//   <ui>data/F.json           the file itself (application/json, CORS allowed, as Fortio)
//
// Only names the data directory lists are ever read: a name with '/' or "..", or one not listed,
// is a 404.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loadgen {

struct result_entry {
  std::string name;         // "2026-11-29-095942_x.json"
  std::int64_t size = 0;    // bytes
  std::string md5_base64;   // for index.tsv (Google Cloud transfer's URL list format)
};

// The data directory as the UI sees it (the CLI implements it on the file system).
class results_source {
public:
  virtual ~results_source() = default;
  // The *.json files, newest first.
  virtual std::vector<result_entry> list() const = 0;
  // A listed file's content; nullopt when it cannot be read.
  virtual std::optional<std::string> read(const std::string& name) const = 0;
};

struct results_ui_config {
  std::string ui_path = "/fortio/";  // starts and ends with '/'
  std::string base_url;              // -base-url: prefix of index.tsv's URLs; "" uses http://<Host>
};

struct ui_answer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (CORS, Location)
};

// Whether target (path and query) is the UI's to answer.
bool is_results_ui_target(std::string_view target, const results_ui_config& config);

// host: the request's Host header (for index.tsv when there is no base_url).
ui_answer answer_results_ui(std::string_view target, std::string_view host, const results_ui_config& config,
                            const results_source& data);

}  // namespace loadgen
