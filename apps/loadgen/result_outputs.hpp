#pragma once
// What `load` and `merge` do with a finished result besides the text report: the JSON file (-json,
// -a), the HTML file (-html) and the -assert lines with their exit code. Shared so both commands
// say the same thing in the same words.
#include <string>
#include <vector>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"
#include "loadgen/report/assertions.hpp"

namespace loadgen::cli {

// Writes text to path ("-": stdout). Throws loadgen::error (exit 1) naming the flag when the file
// cannot be written.
void write_output(const std::string& text, const std::string& path, const char* flag);

// Fails now (exit 1, one line) when path ("-" always passes) cannot be opened for writing, so a
// long run does not end in an unwritable file. Creates the file if it is missing (left empty).
void check_writable(const std::string& path, const char* flag);

// Writes the JSON to path and says so as Fortio does ("Successfully wrote N bytes of Json data to X").
void write_json_to(const std::string& json, const std::string& path, const char* flag);

// Writes the HTML report of one run to path and says so ("Wrote the HTML report (N bytes) to X").
void write_html_to(const std::string& html, const std::string& path);

// Parses every -assert (exit 2 on the first malformed one, or one that cannot apply to options).
std::vector<assertion> parse_assertions(const std::vector<std::string>& texts, const run_options& options);

// Prints one line per assertion on stderr; returns exit_assertion_failed when any failed, else exit_ok.
int report_assertions(const std::vector<assertion>& assertions, const run_options& options, const run_result& result);

}  // namespace loadgen::cli
