// Reads /proc and /sys for platform/process.hpp; the parsing is core/cpu_limit.hpp's.
#include "loadgen/platform/process.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "loadgen/core/cpu_limit.hpp"

namespace loadgen {

std::uint64_t raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

namespace {
std::string read_file_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

std::optional<double> cgroup_cpu_limit() {
  // The process's own cgroup as /proc/self/cgroup names it, under the cgroup mount. A container
  // usually sees its own cgroup at the mount's root instead (a cgroup namespace gives the path
  // "/"; without one, the path names a directory the container cannot see), so the root's files
  // are the fallback. The host's root has no limit, so the fallback cannot invent one.
  const std::string self = read_file_text("/proc/self/cgroup");
  const auto first_readable = [](const std::string& mount, const std::optional<std::string>& path,
                                 const std::string& file) {
    std::string text;
    if (path && *path != "/") text = read_file_text(mount + *path + "/" + file);
    if (text.empty()) text = read_file_text(mount + "/" + file);
    return text;
  };
  if (const auto v2 = cgroup_path(self, "")) {
    const std::string cpu_max = first_readable("/sys/fs/cgroup", v2, "cpu.max");
    if (!cpu_max.empty()) return parse_cpu_max(cpu_max);
  }
  const auto v1 = cgroup_path(self, "cpu");
  for (const std::string mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    const std::string quota = first_readable(mount, v1, "cpu.cfs_quota_us");
    if (!quota.empty()) return parse_cfs_quota(quota, first_readable(mount, v1, "cpu.cfs_period_us"));
  }
  return std::nullopt;
}

int affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? std::max(1, CPU_COUNT(&set)) : 1;
}

int available_cpus() {
  static const std::optional<double> limit = cgroup_cpu_limit();
  return threads_for(affinity_cpus(), limit);
}

}  // namespace loadgen
