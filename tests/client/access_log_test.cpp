// The access log's buffer and file (src/client/access_log.hpp) in-process: lines reach the file
// only when the buffer is full, old, or flushed, each time as one block; a write error is said
// once and the rest dropped.
#include "access_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class access_log_buffer_test : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/loadgen-access-unit-XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { unlink(path_.c_str()); }
  std::string path_;
};

TEST_F(access_log_buffer_test, writes_only_when_full_old_or_flushed) {
  access_log_file file(path_);
  access_log_buffer buffer(file, access_log_format::influx, {});
  buffer.set_clock_offset(1'000'000'000'000'000'000);
  // Calls 1 ms apart: ~60 bytes a line, so the 64 KB threshold comes after ~1100 lines, long
  // before the 1 s age.
  std::size_t lines = 0;
  nanos t = 0;
  while (read_all(path_).empty()) {
    ASSERT_LT(lines, 2000u) << "never flushed";
    t += ns_per_ms;
    buffer.add(t - 500'000, t, 500'000, 0, static_cast<std::int64_t>(lines), 200, 0);
    ++lines;
  }
  const std::string first = read_all(path_);
  EXPECT_GE(first.size(), access_log_buffer::flush_bytes);
  EXPECT_LT(first.size(), access_log_buffer::flush_bytes + 100);
  EXPECT_EQ(static_cast<std::size_t>(std::count(first.begin(), first.end(), '\n')), lines);
  EXPECT_EQ(first.substr(0, first.find('\n')),
            "latency,thread=0,ok=true value=0.000500,details=\"200\" 1000000000000500000");

  // One more line stays in the buffer until a line 1 s younger than it comes (call times, no clock).
  const auto lines_in_file = [&] {
    const std::string now = read_all(path_);
    return static_cast<std::size_t>(std::count(now.begin(), now.end(), '\n'));
  };
  buffer.add(t, t + ns_per_ms, ns_per_ms, 1, 0, 503, 0);
  EXPECT_EQ(lines_in_file(), lines);
  buffer.add(t + ns_per_s, t + ns_per_ms + ns_per_s, ns_per_ms, 1, 1, 503, 0);
  EXPECT_EQ(lines_in_file(), lines + 2);

  // flush() writes the rest; nothing is written twice.
  buffer.add(t + 2 * ns_per_s, t + 2 * ns_per_s + 1, 1, 2, 0, -1, 0);
  EXPECT_EQ(lines_in_file(), lines + 2);
  buffer.flush();
  buffer.flush();
  EXPECT_EQ(lines_in_file(), lines + 3);
  const std::string last = "latency,thread=2,ok=false value=0.000000,details=\"-1\" " +
                           std::to_string(1'000'000'000'000'000'000 + t + 2 * ns_per_s) + "\n";
  EXPECT_TRUE(read_all(path_).ends_with(last)) << last;
}

TEST_F(access_log_buffer_test, appends_and_reports_open_failure) {
  { std::ofstream(path_) << "before\n"; }
  {
    access_log_file file(path_);
    access_log_buffer buffer(file, access_log_format::json, {});
    buffer.add(0, 1000, 1000, 0, 0, 200, 0);
  }  // the buffer flushes when destroyed
  EXPECT_EQ(read_all(path_), "before\n{\"latency\":0.000001,\"timestamp\":0,\"thread\":0,\"iter\":0,\"ok\":true,\"details\":\"200\"}\n");
  try {
    access_log_file bad("/nonexistent-dir/x.log");
    FAIL() << "opened a file in a missing directory";
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_STREQ(e.what(), "Unable to open access log /nonexistent-dir/x.log: No such file or directory");
  }
}

TEST(access_log_file, a_write_error_drops_the_rest) {
  access_log_file full("/dev/full");
  EXPECT_FALSE(full.failed());
  full.write("line\n");
  EXPECT_TRUE(full.failed());
  full.write("more\n");  // dropped, no second message
  EXPECT_TRUE(full.failed());
}

}  // namespace
}  // namespace loadgen
