#pragma once
// The JSON result in Fortio's schema (pure): same field names, order, types and units (durations
// in ns), Go's number and string formats, 2-space indentation and a trailing newline, so tools
// that read Fortio's JSON read ours. loadgen's extra fields come after Fortio's.
#include <string>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"

namespace loadgen {

std::string format_json(const run_options& options, const run_result& result);

// Fortio's default label: the URL without "http://" or "https://", " , ", the host name.
std::string default_labels(const run_options& options, const std::string& hostname);

// Fortio's run ID: "YYYY-MM-DD-HHMMSS[_<-runid>]_<labels, non-alphanumerics collapsed to one _>",
// trailing '_' trimmed, cut at 96 bytes; the -runid part only when it is not 0. Local time.
std::string run_id(const run_options& options, const run_result& result);

// Where -a saves the result: "<data_dir>/<ID>.json", joined as Go's path.Join does it ("." or ""
// gives the bare file name, trailing slashes are dropped), so the report names the file as
// Fortio's does ("dd/2026-11-29-095942_7_ci_run_1_A.json").
std::string auto_save_path(const std::string& data_dir, const std::string& id);

}  // namespace loadgen
