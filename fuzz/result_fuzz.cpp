// Saved results read back (report/result_reader): any bytes either are refused with a
// loadgen::error (one line naming the file) or give a result whose text and JSON reports can be
// written; a result read from loadgen's own JSON reads back to the same text report, and merging
// it with itself doubles its calls.
#include <string>

#include "fuzz_input.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "loadgen/report/result_merge.hpp"
#include "loadgen/report/result_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  loadgen::saved_result r;
  try {
    r = loadgen::read_result(text, "f.json");
  } catch (const loadgen::error& e) {
    const std::string what = e.what();
    LOADGEN_FUZZ_CHECK(what.rfind("f.json: ", 0) == 0);
    LOADGEN_FUZZ_CHECK(what.find('\n') == std::string::npos);
    return 0;
  }
  r.options.level = loadgen::log_level::verbose;
  const std::string report = loadgen::format_report(r.options, r.result);
  const std::string json = loadgen::format_json(r.options, r.result);
  LOADGEN_FUZZ_CHECK(!report.empty() && !json.empty());
  // What loadgen wrote, loadgen reads back: the same report.
  loadgen::saved_result back = loadgen::read_result(json, "again.json");
  back.options.level = loadgen::log_level::verbose;
  LOADGEN_FUZZ_CHECK(back.exact);
  LOADGEN_FUZZ_CHECK(back.result.stats.calls() == r.result.stats.calls());
  const loadgen::saved_result twice = loadgen::merge_results({back, back});
  LOADGEN_FUZZ_CHECK(twice.result.stats.calls() == 2 * r.result.stats.calls());
  LOADGEN_FUZZ_CHECK(!loadgen::format_report(twice.options, twice.result).empty());
  return 0;
}
