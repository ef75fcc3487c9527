#include "access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <spdlog/spdlog.h>

#include "loadgen/core/error.hpp"

namespace loadgen {

access_log_file::access_log_file(const std::string& path) : path_(path) {
  // A reader that goes away (`-access-log-file - | head`, a FIFO) must be a write error like any
  // other, not SIGPIPE killing the run before its report. The sockets never raise it (Asio sends
  // with MSG_NOSIGNAL), so ignoring it process-wide changes nothing else.
  std::signal(SIGPIPE, SIG_IGN);
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw run_error("Unable to open access log " + path + ": " + std::strerror(errno));
  owned_ = true;
}

access_log_file::~access_log_file() {
  if (owned_) ::close(fd_);
}

bool access_log_file::failed() const noexcept {
  std::lock_guard lock(mutex_);
  return failed_;
}

void access_log_file::write(std::string_view bytes) noexcept {
  std::lock_guard lock(mutex_);
  while (!failed_ && !bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      const char* why = n < 0 ? std::strerror(errno) : "nothing written";
      spdlog::error("access log {}: write failed: {}; the rest of the access log is dropped",
                    path_ == "-" ? "stdout" : path_, why);
      return;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

access_log_buffer::access_log_buffer(access_log_file& file, access_log_format format, access_log_request request)
    : file_(file), format_(format), request_(std::move(request)) {
  // A line is at most ~130 bytes (siege: plus the URL): room for a full buffer plus one line, so
  // the per-call path never allocates.
  buffer_.reserve(flush_bytes + 1024 + request_.display.size());
}

void access_log_buffer::add(nanos start, nanos done, nanos latency, int thread, std::int64_t iter, int status,
                            std::int64_t body_bytes) noexcept {
  if (buffer_.empty()) oldest_done_ = done;
  access_log_entry e;
  e.latency = latency;
  e.unix_ns = start + offset_;
  e.thread = thread;
  e.iter = iter;
  e.status = status;
  e.body_bytes = body_bytes;
  try {
    append_access_log_line(buffer_, format_, e, request_);
  } catch (...) {  // out of memory: this line is lost, the run is not
    return;
  }
  if (buffer_.size() >= flush_bytes || done - oldest_done_ >= flush_age) flush();
}

void access_log_buffer::flush() noexcept {
  if (buffer_.empty()) return;
  file_.write(buffer_);
  buffer_.clear();  // keeps the capacity
}

}  // namespace loadgen
