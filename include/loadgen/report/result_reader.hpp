#pragma once
// A saved JSON result (loadgen's, or Fortio's) read back into the run's options and result (pure:
// text in, data out), so that `loadgen merge` and `loadgen report` print, merge and chart it with
// the same code as a live run.
//
// loadgen's JSON carries an "Exact" block (report_json.cpp): every histogram losslessly
// (core/histogram_codec), codes by number, the connection slots and the start on the Unix clock.
// From it the run is rebuilt exactly. A result without it (Fortio's own JSON) is rebuilt from
// Fortio's fields: its histograms from Fortio's coarse buckets (each bucket's count spread evenly
// over its range, which is what Fortio's own percentile interpolation assumes), so percentiles are
// approximate; `exact` is false then, and callers say so.
#include <string>
#include <string_view>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"

namespace loadgen {

struct saved_result {
  run_options options;  // what the report needs: target, qps, -n/-t, connections, -p, -r, -offset, labels, ...
  run_result result;
  bool exact = false;   // rebuilt from loadgen's Exact block (else from Fortio's buckets)
  std::string id;       // the JSON's "ID" (Fortio's run ID), "" when absent
  std::string name;     // as given by the caller (usually the file name)
};

// Throws loadgen::error (exit 1) with one line naming `name` when the text is not JSON, not an
// object, or not a result (no RunType), or when a field has the wrong type or an Exact histogram
// does not decode.
saved_result read_result(std::string_view json, const std::string& name);

// The JSON result in text: text itself when it starts with '{' (after blanks); else the first
// object that starts a line, up to its closing brace (strings and escapes respected). This is
// how `kubectl logs` of a `load -json /dev/stderr` pod reads: the report and the JSON
// in one stream (deploy/k8s/distributed-load.yaml gives -json /dev/stderr, after the report).
// text itself when there is no such object, for read_result to refuse.
std::string_view json_in_log(std::string_view text) noexcept;

}  // namespace loadgen
