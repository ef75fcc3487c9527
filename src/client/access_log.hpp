#pragma once
// The access log's I/O (-access-log-file): one file shared by the run, one buffer per worker.
// A worker appends each finished call's line (core/access_log_line.hpp) to its own buffer, which
// takes no lock and makes no syscall; the buffer goes to the file in one write(2), under the
// file's mutex, when it passes flush_bytes, when its oldest line is flush_age old (judged from the
// calls' own times: no clock read), and when the worker's run ends. So a worker's lines are in
// the order its calls finished, lines are never torn or interleaved, and the per-call cost is
// the formatting alone.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "loadgen/core/access_log_line.hpp"
#include "loadgen/core/clock.hpp"

namespace loadgen {

class access_log_file {
public:
  // Opens path for appending (created 0644 if missing); "-" is stdout. Throws run_error (exit 1,
  // as Fortio) "Unable to open access log <path>: <reason>". Sets SIGPIPE to ignored, so that a
  // reader going away is a write error (below), not the end of the process.
  explicit access_log_file(const std::string& path);
  ~access_log_file();
  access_log_file(const access_log_file&) = delete;
  access_log_file& operator=(const access_log_file&) = delete;

  // Any thread: writes all of bytes (one write(2) unless the kernel takes only part) under the
  // mutex. On the first failure (disk full, EIO, ...) one line goes to the log ("access log
  // <path>: write failed: <reason>; the rest of the access log is dropped") and later writes are
  // dropped; the run goes on (Fortio ignores such errors, and its exit code stays 0).
  void write(std::string_view bytes) noexcept;
  bool failed() const noexcept;

private:
  std::string path_;
  int fd_ = -1;
  bool owned_ = false;  // not stdout
  mutable std::mutex mutex_;
  bool failed_ = false;
};

class access_log_buffer {
public:
  static constexpr std::size_t flush_bytes = 64 * 1024;
  static constexpr nanos flush_age = ns_per_s;

  access_log_buffer(access_log_file& file, access_log_format format, access_log_request request);
  ~access_log_buffer() { flush(); }
  access_log_buffer(const access_log_buffer&) = delete;
  access_log_buffer& operator=(const access_log_buffer&) = delete;

  // Unix ns minus steady-clock ns, taken once at the run's start: a call's wall-clock start is
  // its steady start plus this (no clock read per call).
  void set_clock_offset(nanos unix_minus_steady) noexcept { offset_ = unix_minus_steady; }

  // One finished call (the worker's thread). start: steady time the latency is measured from
  // (due, or sent with -measure-from sent); done: steady time it ended.
  void add(nanos start, nanos done, nanos latency, int thread, std::int64_t iter, int status,
           std::int64_t body_bytes) noexcept;
  // Writes what is buffered (the worker's thread).
  void flush() noexcept;

private:
  access_log_file& file_;
  access_log_format format_;
  access_log_request request_;
  nanos offset_ = 0;
  nanos oldest_done_ = 0;  // done time of the oldest buffered line
  std::string buffer_;
};

}  // namespace loadgen
