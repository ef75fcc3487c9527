#pragma once
// The outcome of one `load` run as plain data (pure): what the reports print from.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/envoy_cluster.hpp"
#include "loadgen/core/time_series.hpp"
#include "loadgen/core/run_stats.hpp"

namespace loadgen {

struct run_result {
  run_stats stats;                  // merged over all workers
  std::int64_t start_unix_ns = 0;   // wall-clock start (after warmup), for StartTime and ID
  int utc_offset_seconds = 0;       // local offset at start, for StartTime
  nanos elapsed = 0;                // run time, warmup excluded (ActualDuration)
  int connections = 0;              // effective connections (Fortio's "threads")
  int threads = 0;                  // worker threads (Fortio's "gomax")
  int cpus = 0;                     // CPUs this process may use
  std::int64_t warmup_calls = 0;    // one per connection in duration mode
  bool interrupted = false;         // a signal stopped it early
  bool aborted = false;             // -abort-on matched
  std::int64_t planned_per_connection = 0;  // for the "Starting at" line
  std::string hostname;             // for the default labels
  std::string endpoint;             // the resolved "ip:port" (or socket path) connections went to
  std::vector<time_slice> series;   // one slice per -interval (1 s by default)
  std::optional<envoy_cluster_delta> envoy;  // -envoy-admin: the sidecar's counters around the run
};

}  // namespace loadgen
