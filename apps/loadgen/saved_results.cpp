#include "saved_results.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "loadgen/core/error.hpp"

namespace loadgen::cli {

std::vector<saved_result> read_saved_results(const std::vector<std::string>& paths, const char* command) {
  if (paths.empty()) throw flag_error(std::string("no result file given (usage: loadgen ") + command + " [flags] RESULT.json...)");
  std::vector<saved_result> out;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw run_error("cannot read \"" + path + "\": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw run_error("cannot read \"" + path + "\": " + std::strerror(errno));
    // A result file, or a log with one in it (`kubectl logs` of a `load -json -` pod).
    const std::string all = text.str();
    out.push_back(read_result(json_in_log(all), path));
  }
  return out;
}

std::string fallback_note(const std::vector<saved_result>& results) {
  std::string names;
  for (const auto& r : results)
    if (!r.exact) names += (names.empty() ? "" : ", ") + r.name;
  if (names.empty()) return {};
  return "Fortio's JSON (no exact histogram) in " + names +
         ": latency rebuilt from Fortio's buckets, so percentiles are approximate (within a bucket)\n";
}

}  // namespace loadgen::cli
