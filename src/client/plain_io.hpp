#pragma once
// send() and recv() on a non-blocking socket as one system call each, for the keep-alive fast
// path. libc's wrappers are cancellation points: each brackets its system call with
// __pthread_enable_asynccancel and __pthread_disable_asynccancel, about 60 instructions per call
// pair at max speed, for worker threads that are never cancelled. What they return is what Asio's
// synchronous send and receive return on a non-blocking socket: the bytes moved, or the error
// (would_block when the socket is full or dry; eof for a receive that got 0 bytes). EINTR is
// retried. Under ThreadSanitizer Asio's calls are used instead: its interceptors of send() and
// recv() are how it orders memory between threads that talk through a socket.
#include <cerrno>
#include <cstddef>

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

namespace loadgen::plain_io {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool raw = false;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool raw = false;
#else
inline constexpr bool raw = true;
#endif
#else
inline constexpr bool raw = true;
#endif

namespace detail {
// r: a system call's result. Sets ec; returns the bytes moved (0 on an error).
inline std::size_t result(long r, boost::system::error_code& ec) noexcept {
  if (r < 0) {
    ec.assign(errno, boost::asio::error::get_system_category());
    return 0;
  }
  ec.clear();
  return static_cast<std::size_t>(r);
}
}  // namespace detail

template <class Socket>
std::size_t send(Socket& socket, const char* data, std::size_t size, boost::system::error_code& ec) {
  if constexpr (!raw) return socket.send(boost::asio::buffer(data, size), 0, ec);
  long r;
  do r = ::syscall(SYS_sendto, socket.native_handle(), data, size, MSG_NOSIGNAL, nullptr, 0);
  while (r < 0 && errno == EINTR);
  return detail::result(r, ec);
}

template <class Socket>
std::size_t receive(Socket& socket, char* data, std::size_t size, boost::system::error_code& ec) {
  if constexpr (!raw) return socket.receive(boost::asio::buffer(data, size), 0, ec);
  long r;
  do r = ::syscall(SYS_recvfrom, socket.native_handle(), data, size, 0, nullptr, nullptr);
  while (r < 0 && errno == EINTR);
  const std::size_t n = detail::result(r, ec);
  if (r == 0 && size > 0) ec = boost::asio::error::eof;
  return n;
}

}  // namespace loadgen::plain_io
