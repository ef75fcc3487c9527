#pragma once
// The live view of a load run on stderr: a self-rewriting progress line when stderr is a terminal,
// one line per -interval, and the per-interval time series for the JSON. It is a run_monitor: the
// runner feeds it snapshots; the reporting thread behind it is private to the report layer.
#include <memory>

#include "loadgen/core/options.hpp"
#include "loadgen/core/time_series.hpp"

namespace loadgen {

// interval: the time-series slice (and -interval print period). progress: rewrite a progress
// line (only when stderr is a terminal). print_intervals: print one line per slice.
std::unique_ptr<run_monitor> make_live_view(const run_options& options, nanos interval, bool progress,
                                            bool print_intervals);

}  // namespace loadgen
