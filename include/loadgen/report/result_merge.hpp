#pragma once
// Results of runs made at the same time (several pods, several processes) combined into one
// (pure), as if one generator had made every call.
//
// - Counts, codes, sockets, bytes and every histogram add up. Histograms merge exactly when every
//   input is exact (loadgen's JSON): the merged p99 is the p99 of all calls, not an average of p99s.
// - Connections (Fortio's "threads") and worker threads add up; connection slots are numbered on
//   from one run to the next ([0, c1) for the first, [c1, c1+c2) for the second, ...).
// - The merged run starts at the earliest start and ends at the latest end (wall clock), so its
//   qps is all calls over that span. Requested qps adds up (each process paced its own share);
//   "max" when any run was at max speed. -n adds up when every run was -n; -t is the longest.
// - The time series merge by wall-clock slice: a slice of a run goes to the merged slice its own
//   start falls in (slices as long as the longest first slice, the -interval: 1 s by default). Calls, codes and waits add
//   up; a merged slice's p50, p99 and max are the highest of its runs' (an upper bound: slices
//   carry no histogram).
// - Labels: the first run's when all agree, else all of them joined with " | ". The options that
//   shape the report (-p, -r, -offset, latency measured from) are the first run's.
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/report/result_reader.hpp"

namespace loadgen {

// "Shards : 3 of 3; start times within 1.4 ms" when the runs are shards of a distributed run
// (-shards): how many of the N there are, which are missing or given twice, and how far apart
// they started. "" when no run is a shard. runs must not be empty.
std::string shard_coverage(const std::vector<saved_result>& runs);

// What kind of calls a result holds: "HTTP" (HTTP/1.1 or HTTP/2), "gRPC", "TCP" or "UDP".
std::string_view run_kind(const saved_result& run) noexcept;

// "" when the runs may merge; else why not, in one line naming two files: runs of different
// kinds (an HTTP run's 200 and a gRPC run's SERVING share a code, a TCP run's errors are not
// HTTP codes) would add up to a report of neither.
std::string merge_refusal(const std::vector<saved_result>& runs);

// runs must not be empty. exact is true when every run's is. Throws run_error (merge_refusal's
// line) when the runs are of different kinds.
saved_result merge_results(const std::vector<saved_result>& runs);

}  // namespace loadgen
