#pragma once
// One connection slot of a load run (Fortio's "thread"): a keep-alive HTTP/1.1 client written as
// one coroutine that reads like the protocol: wait for the call's due time, connect if needed,
// write the prebuilt request, read and count the response, record it. Lives on one worker's
// io_context and is only touched from that thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/wire/response_parser.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/core/schedule.hpp"

namespace loadgen {

class worker;

class client_connection {
public:
  // index: global connection index. calls: how many calls to make (-n mode), or -1 for the
  // duration mode (then planned_cap > 0 caps the calls).
  client_connection(worker& owner, int index, std::int64_t calls, std::int64_t planned_cap);
  ~client_connection();
  client_connection(const client_connection&) = delete;
  client_connection& operator=(const client_connection&) = delete;

  // One uncounted call before the run (duration mode); its result is returned via *result.
  boost::asio::awaitable<void> warmup(call_record* result);
  // The measured calls, until done, stopped or past the end.
  boost::asio::awaitable<void> run();

  // Watchdog (same thread): abort the current call if it has run past its deadline.
  void check_deadline(nanos now);
  // Cut a pacing sleep short (same thread), so a stop is seen at once.
  void wake();
  // The worker hands this connection a connect slot it was waiting for (same thread).
  void grant_connect();

private:
  using socket_type = boost::asio::generic::stream_protocol::socket;

  // QPS mode: returns at `due` (or on a stop). Sleeps on the timer until busy_wait before it,
  // then busy-waits, so the call leaves within microseconds of its due time.
  boost::asio::awaitable<void> wait_until(nanos due, nanos busy_wait);
  // Makes one call (connect if needed, write, read) and fills rec (status, error, bytes, done).
  boost::asio::awaitable<void> call(call_record& rec);
  boost::asio::awaitable<bool> connect(call_record& rec);          // waits for a connect slot, then:
  boost::asio::awaitable<bool> open_connection(call_record& rec);  // TCP, tunnel, TLS
  // Opens the CONNECT tunnel (https through a proxy) on the freshly connected socket.
  boost::asio::awaitable<bool> open_tunnel(call_record& rec);
  // One attempt on the current socket: write + read. Returns true when the request may be retried
  // because a reused socket turned out to be dead before any response byte.
  // request: the bytes to send; empty means this call's own (plan.requests, with any {uuid}).
  template <class Stream>
  boost::asio::awaitable<bool> exchange(Stream& stream, call_record& rec, bool reused, std::string_view request = {});
  // -L: follows redirects to the same scheme, host and port on this connection (up to 10).
  boost::asio::awaitable<void> follow_redirects(call_record& rec);
  // The TCP (or Unix) socket under the TLS stream, or the plain one.
  socket_type& lowest() noexcept { return tls_ ? tls_->next_layer() : socket_; }
  void close_socket() noexcept;
  void fail(call_record& rec, transport_error kind) noexcept;
  std::int64_t draw_reuse_limit();

  worker& owner_;
  int index_;
  std::int64_t calls_left_;   // -1: not counting
  std::int64_t planned_cap_;  // 0: none
  socket_type socket_;                                        // plain http
  std::optional<boost::asio::ssl::stream<socket_type>> tls_;  // https: a new one per connection
  SSL_SESSION* session_ = nullptr;                            // to resume TLS on reconnect
  boost::asio::steady_timer timer_;
  std::vector<char> buffer_;
  response_parser parser_;
  std::optional<schedule> schedule_;
  nanos deadline_ = 0;       // 0: no call in flight
  bool timed_out_ = false;   // the watchdog closed the socket
  bool sleeping_ = false;
  bool connect_granted_ = false;     // the worker handed this connection a connect slot
  std::int64_t socket_requests_ = 0;  // requests made on the current socket
  std::int64_t reuse_limit_ = 0;      // close after this many (0: unlimited)
  std::size_t next_request_ = 0;      // round robin over plan.requests (-payload-lines)
  std::string rendered_;              // this call's request when it carries a fresh {uuid}
  std::string redirect_request_;      // -L: the request for the next hop
};

}  // namespace loadgen
