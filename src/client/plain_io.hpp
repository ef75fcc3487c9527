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
#include <cstdint>

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
// A system call of up to six arguments. On x86-64 it is the instruction itself (the kernel's
// ABI: number in rax, arguments in rdi rsi rdx r10 r8 r9, rcx and r11 clobbered, -errno back in
// rax), so the per-call path runs no libc code and no errno access for it. Elsewhere, libc's
// syscall(). Returns the result, or -errno.
inline long call6(long n, long a1, long a2, long a3, long a4, long a5, long a6) noexcept {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  register long r9 __asm__("r9") = a6;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
#else
  const long r = ::syscall(n, a1, a2, a3, a4, a5, a6);
  return r < 0 ? -errno : r;
#endif
}

// r: a call6() result. Sets ec; returns the bytes moved (0 on an error).
inline std::size_t result(long r, boost::system::error_code& ec) noexcept {
  if (r < 0) {
    ec.assign(static_cast<int>(-r), boost::asio::error::get_system_category());
    return 0;
  }
  ec.clear();
  return static_cast<std::size_t>(r);
}

inline long as_arg(const void* p) noexcept { return static_cast<long>(reinterpret_cast<std::uintptr_t>(p)); }
}  // namespace detail

template <class Socket>
std::size_t send(Socket& socket, const char* data, std::size_t size, boost::system::error_code& ec) {
  if constexpr (!raw) return socket.send(boost::asio::buffer(data, size), 0, ec);
  long r;
  do r = detail::call6(SYS_sendto, socket.native_handle(), detail::as_arg(data), static_cast<long>(size), MSG_NOSIGNAL, 0, 0);
  while (r == -EINTR);
  return detail::result(r, ec);
}

template <class Socket>
std::size_t receive(Socket& socket, char* data, std::size_t size, boost::system::error_code& ec) {
  if constexpr (!raw) return socket.receive(boost::asio::buffer(data, size), 0, ec);
  long r;
  do r = detail::call6(SYS_recvfrom, socket.native_handle(), detail::as_arg(data), static_cast<long>(size), 0, 0, 0);
  while (r == -EINTR);
  const std::size_t n = detail::result(r, ec);
  if (r == 0 && size > 0) ec = boost::asio::error::eof;
  return n;
}

}  // namespace loadgen::plain_io
