#include "profile_files.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "loadgen/core/error.hpp"

namespace loadgen::cli {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw run_error("cannot write -profile file \"" + path + "\": " + std::strerror(errno));
  std::fprintf(stderr, "Wrote profile to %s\n", path.c_str());
}

}  // namespace

void check_profile_writable(const std::string& file) {
  std::ofstream out(file + ".cpu", std::ios::binary | std::ios::trunc);
  if (!out) throw run_error("cannot write -profile file \"" + file + ".cpu\": " + std::strerror(errno));
}

void write_profile(const std::string& file, std::int64_t calls, nanos elapsed) {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const double user = seconds(u.ru_utime), sys = seconds(u.ru_stime), wall = to_seconds(elapsed);
  const double per_call_us = calls > 0 ? (user + sys) * 1e6 / static_cast<double>(calls) : 0;
  write_text(file + ".cpu",
             fmt::format("# loadgen CPU profile (getrusage of the whole process, set-up and report included)\n"
                         "calls {}\nelapsed_seconds {:.6f}\nuser_cpu_seconds {:.6f}\nsystem_cpu_seconds {:.6f}\n"
                         "cpu_us_per_call {:.3f}\ncpu_utilisation {:.3f}\nvoluntary_context_switches {}\n"
                         "involuntary_context_switches {}\n",
                         calls, wall, user, sys, per_call_us, wall > 0 ? (user + sys) / wall : 0.0, u.ru_nvcsw, u.ru_nivcsw));
  write_text(file + ".mem", fmt::format("# loadgen memory profile (getrusage of the whole process)\n"
                                        "peak_rss_kb {}\nminor_page_faults {}\nmajor_page_faults {}\n",
                                        u.ru_maxrss, u.ru_minflt, u.ru_majflt));
}

}  // namespace loadgen::cli
