#pragma once
// What bench/floor_client.cpp and bench/floor_uring.cpp print at the end, the lines compare.sh
// reads: "<tool>: N calls in S s", then the CPU the process used (getrusage) per call.
#include <sys/resource.h>

#include <cstdio>

inline void print_cpu_per_call(const char* tool, long calls, double seconds) {
  rusage used{};
  getrusage(RUSAGE_SELF, &used);
  auto cpu_seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  const double user = cpu_seconds(used.ru_utime), sys = cpu_seconds(used.ru_stime);
  std::printf("%s: %ld calls in %.0f s\n", tool, calls, seconds);
  if (calls > 0)
    std::printf("CPU per call: %.2f us (user %.2f, sys %.2f)\n", (user + sys) * 1e6 / static_cast<double>(calls),
                user * 1e6 / static_cast<double>(calls), sys * 1e6 / static_cast<double>(calls));
}
