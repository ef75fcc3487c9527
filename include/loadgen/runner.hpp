#pragma once
// Runs one `load`: resolves the target once, builds the request once, starts the worker threads,
// warms up, stops on count / duration / signal / -abort-on, joins and merges.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "loadgen/options.hpp"
#include "loadgen/run_result.hpp"

namespace loadgen {

// Called once the run really starts (after warmup), with the effective connection and thread
// counts and the per-connection plan, so the CLI can print Fortio's "Starting at ..." line.
using on_start_fn = std::function<void(const run_result& partial)>;

// Throws loadgen::error (exit 1) when the run cannot start: the host does not resolve, or a
// warmup call failed without -allow-initial-errors ("Aborting because of error 503 for URL (N
// bytes)"). Handles SIGINT and SIGTERM alike while it runs: the first stops new calls and waits
// for in-flight ones (bounded by -timeout), a second exits at once.
run_result run_load(const run_options& options, const on_start_fn& on_start = {});

// The number of CPUs this process may use: the ones it may run on (sched_getaffinity), capped by
// its cgroup CPU limit rounded up (see cpu_limit.hpp); at least 1. The default thread count.
int available_cpus();

// This process's cgroup CPU limit in CPUs (v2 cpu.max, else v1 cfs quota), or nullopt for none.
std::optional<double> cgroup_cpu_limit();

// Lifts the soft limit on open files to the hard limit (so -c 20000 works where allowed) and
// returns the limit now in force.
std::uint64_t raise_fd_limit();

}  // namespace loadgen
