#pragma once
// The CPU limit a container runtime puts on this process through cgroups (Kubernetes'
// resources.limits.cpu), parsed from the cgroup files' text (pure). platform/process.cpp reads
// the files.
//
// Why it matters: sched_getaffinity reports every CPU of the node, but a pod limited to 1.5 CPUs
// that runs one thread per node CPU, or busy-waits, is throttled by the kernel for the rest of
// each 100 ms period, and the throttling shows as tens of milliseconds of dispatch lag.
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

// This process's cgroup path for one controller, from the text of /proc/self/cgroup (lines
// "id:controllers:path"). controller "" means the cgroup v2 line ("0::/path"); "cpu" matches a
// v1 line whose controller list holds cpu ("4:cpu,cpuacct:/path"). nullopt: no such line.
std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup, std::string_view controller);

// cgroup v2 "cpu.max": "<quota_us> <period_us>", or "max <period_us>" for no limit.
// Returns the limit in CPUs (quota / period), or nullopt for no limit or text it cannot read.
std::optional<double> parse_cpu_max(std::string_view text);

// cgroup v1 "cpu.cfs_quota_us" ("-1" for no limit) and "cpu.cfs_period_us". Same result.
std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us);

// Threads to use by default: the CPUs the process may run on, capped by the limit rounded up
// (a 1.5 CPU limit allows 2 threads), and at least 1.
int threads_for(int affinity_cpus, std::optional<double> limit);

}  // namespace loadgen
