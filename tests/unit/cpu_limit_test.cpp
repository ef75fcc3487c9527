#include "loadgen/core/cpu_limit.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

TEST(cpu_limit, cgroup_path_from_proc_self_cgroup) {
  const std::string v1 = "12:pids:/a\n4:cpu,cpuacct:/kubepods/pod1/c1\n1:name=systemd:/x\n0::/\n";
  EXPECT_EQ(cgroup_path(v1, "cpu"), "/kubepods/pod1/c1");
  EXPECT_EQ(cgroup_path(v1, "cpuacct"), "/kubepods/pod1/c1");
  EXPECT_EQ(cgroup_path(v1, ""), "/");
  EXPECT_EQ(cgroup_path(v1, "memory"), std::nullopt);
  EXPECT_EQ(cgroup_path("0::/system.slice/x.service\n", ""), "/system.slice/x.service");
  EXPECT_EQ(cgroup_path("0::/system.slice/x.service\n", "cpu"), std::nullopt);
  EXPECT_EQ(cgroup_path("garbage\n\n", ""), std::nullopt);
  EXPECT_EQ(cgroup_path("", "cpu"), std::nullopt);
}

TEST(cpu_limit, cgroup_v2_cpu_max) {
  EXPECT_EQ(parse_cpu_max("max 100000\n"), std::nullopt);
  EXPECT_DOUBLE_EQ(parse_cpu_max("150000 100000\n").value(), 1.5);
  EXPECT_DOUBLE_EQ(parse_cpu_max("50000 100000").value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_cpu_max("200000 50000").value(), 4.0);
  EXPECT_EQ(parse_cpu_max(""), std::nullopt);
  EXPECT_EQ(parse_cpu_max("150000"), std::nullopt);
  EXPECT_EQ(parse_cpu_max("abc 100000"), std::nullopt);
  EXPECT_EQ(parse_cpu_max("150000 0"), std::nullopt);
}

TEST(cpu_limit, cgroup_v1_cfs_quota) {
  EXPECT_EQ(parse_cfs_quota("-1\n", "100000\n"), std::nullopt);
  EXPECT_DOUBLE_EQ(parse_cfs_quota("250000\n", "100000\n").value(), 2.5);
  EXPECT_EQ(parse_cfs_quota("x", "100000"), std::nullopt);
  EXPECT_EQ(parse_cfs_quota("100000", ""), std::nullopt);
}

TEST(cpu_limit, threads_follow_affinity_capped_by_the_limit_rounded_up) {
  EXPECT_EQ(threads_for(8, std::nullopt), 8);
  EXPECT_EQ(threads_for(8, 1.5), 2);
  EXPECT_EQ(threads_for(8, 2.0), 2);
  EXPECT_EQ(threads_for(8, 0.25), 1);
  EXPECT_EQ(threads_for(2, 16.0), 2);
  EXPECT_EQ(threads_for(0, std::nullopt), 1);
}

}  // namespace
}  // namespace loadgen
