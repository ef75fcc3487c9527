#pragma once
// Saved JSON results read from files, for `merge` and `report`.
#include <string>
#include <vector>

#include "loadgen/report/result_reader.hpp"

namespace loadgen::cli {

// Reads and parses each file (named by its path in errors). Throws loadgen::error (exit 1, one
// line) for a file that cannot be read or is not a result; exit 2 when paths is empty.
std::vector<saved_result> read_saved_results(const std::vector<std::string>& paths, const char* command);

// The note for results rebuilt from Fortio's buckets ("" when every one is exact): one line
// naming them, said before the report.
std::string fallback_note(const std::vector<saved_result>& results);

}  // namespace loadgen::cli
