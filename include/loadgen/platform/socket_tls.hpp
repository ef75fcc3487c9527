#pragma once
// TLS with OpenSSL on the socket itself: OpenSSL reads and writes the descriptor (through a BIO
// of ours, below) and the caller waits for readiness (Asio's socket.async_wait). Nothing here
// waits: each call tries once and says what it needs before it can go on.
//
// The client's HTTP/1.1 and HTTP/2 sessions use it; the server and its forwarder keep Asio's.
//
// Why not Asio's ssl::stream: it passes every
// byte through a memory BIO pair (one more copy each way, and a socket operation of Asio's own
// after each OpenSSL one), it clears the thread's OpenSSL error queue before each of its engine
// steps (several per read and per write; ERR_clear_error alone was 3.5% of the HTTP/2 client's
// CPU at -c 8 -streams 32), and it asks OpenSSL to free and allocate its record buffers between
// records (SSL_MODE_RELEASE_BUFFERS). h2load drives OpenSSL this way too.
//
// OpenSSL reaches the socket through a BIO of ours rather than its socket BIO: that one writes
// with write(2), and a write to a connection the peer has reset would raise SIGPIPE and end the
// run without its report. Ours sends with MSG_NOSIGNAL (as Asio does) and notes short reads.
//
// Also tried: Asio reading the socket (async_read_some: no epoll_ctl per wait) and OpenSSL
// decrypting what it was given. It made fewer system calls (2.0 per call against 2.2 at -c 8
// -streams 32) for the same instructions, yet 4-5% more CPU per call in two head-to-head sets of
// 7 and 9 runs, so OpenSSL reads.
// And (2026-12-01): after a read that came back short, waiting on Asio's reactor queue directly
// (no epoll_ctl, no speculative recv), on the reasoning that later bytes raise a new edge. It
// took 1.0 epoll_ctl per call off -c 64 -streams 1 (3.0 to 2.0 system calls per call under
// strace), but it is wrong: a FIN (or RST) that came in the same wakeup as the last bytes is
// seen only by the next read, the epoll_wait that woke us has taken its edge, and the wait then
// lasts until -timeout (shown on loopback: "hello" then close() before the client's epoll_wait;
// the wait never ended). Only a read that finds nothing (EAGAIN) proves the socket dry, and it
// costs the system call the wait would save: the wait stays async_wait (an EPOLL_CTL_MOD).
//
// The error queue: OpenSSL's SSL_get_error reads the thread's error queue, so it must hold
// nothing stale when a call fails. handshake() clears it once per connection; every failure
// here clears what it left; nothing else on a worker thread leaves entries behind for long (Asio's
// engine clears before each of its own steps).
#include <cstddef>
#include <cstdint>

#include <openssl/ssl.h>

#include <boost/system/error_code.hpp>

namespace loadgen {

class socket_tls {
public:
  // What a call needs before it can go on.
  enum class next : std::uint8_t {
    done,    // it did what was asked (bytes says how much was read or written)
    read,    // wait for the socket to be readable, then make the same call again
    write,   // wait for the socket to be writable, then make the same call again
    failed,  // the connection is over: error() says why
  };
  struct outcome {
    std::size_t bytes = 0;
    next then = next::done;
  };

  // A client SSL object made from ctx (SNI, verification and ALPN are the caller's, on
  // native_handle()). keep_buffers false frees OpenSSL's two record buffers (about 17 KB each)
  // whenever they are empty, as Asio does: memory over CPU, for many connections. valid() is
  // false when OpenSSL could not make the object.
  socket_tls(SSL_CTX* ctx, bool keep_buffers) noexcept;
  // The keep_buffers a run with this many connections (-c) gets: up to 256, whose buffers take
  // at most about 9 MB.
  static bool keep_buffers_for(int connections) noexcept { return connections <= 256; }
  ~socket_tls();
  socket_tls(const socket_tls&) = delete;
  socket_tls& operator=(const socket_tls&) = delete;

  bool valid() const noexcept { return ssl_ != nullptr; }
  SSL* native_handle() const noexcept { return ssl_; }

  // Gives OpenSSL the connected, non-blocking socket; the caller keeps owning (and closes) it.
  // Once, before handshake(). False when OpenSSL cannot.
  bool attach(int fd) noexcept;

  // The client's handshake step: done once the handshake is over.
  outcome handshake() noexcept;
  // Up to size decrypted bytes (one record's at most). With read-ahead on, each socket read takes
  // all the socket holds, up to OpenSSL's buffer (about 17 KB).
  outcome read(void* into, std::size_t size) noexcept;
  // After a read that gave bytes: OpenSSL holds nothing more, and its last socket read took less
  // than it asked for, so the socket was dry then. Reading on would most likely cost a read()
  // that finds nothing; wait for readiness instead (whatever came since makes the socket ready).
  bool drained() const noexcept;
  // All of size bytes or none: after next::read or next::write, repeat with the same bytes.
  outcome write(const void* from, std::size_t size) noexcept;

  // Why the last call failed, in the words Asio's ssl::stream uses, so that reports read the same:
  // net::error::eof (close_notify), ssl::error::stream_truncated (the peer closed without one), a
  // system error (ECONNRESET), or OpenSSL's reason in Asio's ssl category.
  const boost::system::error_code& error() const noexcept { return error_; }

  // The connection is being dropped: no close_notify will be sent or expected.
  void forget() noexcept;

private:
  outcome settle(int rv) noexcept;
  friend struct socket_bio;

  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool last_read_short_ = false;  // the last recv() returned less than OpenSSL asked for
  bool eof_ = false;              // a recv() returned 0: the peer closed its side
  boost::system::error_code error_;
};

}  // namespace loadgen
