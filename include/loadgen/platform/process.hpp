#pragma once
// What this process may use of the machine: CPUs (affinity and cgroup quota) and file
// descriptors. Shared by the client (thread count, -c 20000) and the server (threads, accepts);
// the cgroup files' text is parsed by core/cpu_limit.hpp, this module only reads them.
#include <cstdint>
#include <optional>

namespace loadgen {

// The CPUs this process may run on (sched_getaffinity); at least 1.
int affinity_cpus();

// The number of CPUs this process may use: the ones it may run on (sched_getaffinity), capped by
// its cgroup CPU limit rounded up (see cpu_limit.hpp); at least 1. The default thread count.
int available_cpus();

// This process's cgroup CPU limit in CPUs (v2 cpu.max, else v1 cfs quota), or nullopt for none.
std::optional<double> cgroup_cpu_limit();

// Lifts the soft limit on open files to the hard limit (so -c 20000 works where allowed) and
// returns the limit now in force.
std::uint64_t raise_fd_limit();

}  // namespace loadgen
