#pragma once
// HTTP/1.1 over one connection (plain TCP, Unix socket, or TLS, possibly through a CONNECT
// tunnel): keep-alive with one request in flight, a dead kept-alive socket retried once on a new
// one, -connection-reuse, the server's Connection: close honoured, same-origin redirects followed
// on the same connection (-L).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connect_gate.hpp"
#include "loadgen/wire/gunzip_observer.hpp"
#include "route.hpp"
#include "loadgen/client/session.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace loadgen {

class http1_session final : public session {
public:
  explicit http1_session(const session_env& env);
  ~http1_session() override;
  http1_session(const http1_session&) = delete;
  http1_session& operator=(const http1_session&) = delete;

  boost::asio::awaitable<bool> call(call_record& rec) override;
  void abort() noexcept override;
  void stop() noexcept override;
  connect_queue_state connect_queue() const noexcept override { return {waiting_for_gate_, queue_left_at_}; }
  void close() noexcept override { close_socket(); }
  const std::string& failure() const noexcept override { return failure_; }
  const std::string& location() const noexcept override { return location_; }

private:
  using socket_type = boost::asio::generic::stream_protocol::socket;

  // Connect (after a slot of the gate), tunnel, TLS. Sets rec.sent when the connect starts.
  // false: abandoned (stopped while waiting for a slot). A failed connect is true with rec failed.
  boost::asio::awaitable<bool> connect(call_record& rec);
  boost::asio::awaitable<bool> open_connection(call_record& rec);
  boost::asio::awaitable<bool> open_tunnel(call_record& rec);
  boost::asio::awaitable<bool> handshake(call_record& rec);
  // Write + read on the current socket. Returns true when the request may be retried because a
  // reused socket turned out to be dead before any response byte.
  template <class Stream>
  boost::asio::awaitable<bool> exchange(Stream& stream, call_record& rec, bool reused, std::string_view request);
  // One request on this connection, connecting (again) when needed; sets rec.done when it ends.
  // false: abandoned (stopped).
  boost::asio::awaitable<bool> request_once(call_record& rec, std::string_view request, bool head);
  boost::asio::awaitable<void> follow_redirects(call_record& rec);
  // call() with -L: the first request, then the same-origin redirects.
  boost::asio::awaitable<bool> call_following(call_record& rec, std::string_view request);
  std::string_view next_request();
  void take_response(call_record& rec);
  socket_type& lowest() noexcept { return tls_ ? tls_->next_layer() : socket_; }
  // Where the next asynchronous read lands: small_ on plain TCP, tls_buffer_ on TLS.
  boost::asio::mutable_buffer read_target() noexcept {
    return tls_ ? boost::asio::buffer(tls_buffer_) : boost::asio::buffer(small_);
  }
  void close_socket() noexcept;
  // Marks the call failed and closes the socket. why() builds the one-line reason, and only when
  // this session keeps reasons (curl): a failed call on the load path allocates nothing.
  template <class Why>
  void fail(call_record& rec, transport_error kind, Why&& why) {
    rec.status = status_transport_error;
    rec.error = kind;
    if (env_.describe_failures) failure_ = why();
    close_socket();
  }
  std::int64_t draw_reuse_limit();

  session_env env_;
  std::unique_ptr<std::mt19937_64> own_rng_;  // only without env.rng (curl): 2.5 KB not paid per load connection
  std::mt19937_64& rng_;
  const address_book::entry* address_ = nullptr;  // this connection's address (-no-reresolve keeps it)
  std::unique_ptr<address_book::entry> fresh_address_;  // a per-connection resolution's answer (rr, first, rnd)
  std::unique_ptr<gunzip_observer> gunzip_;  // -compression only: inflates gzip bodies, counts their size
  socket_type socket_;                                        // plain http
  std::unique_ptr<boost::asio::ssl::stream<socket_type>> tls_;  // https: a new one per connection
  SSL_SESSION* tls_session_ = nullptr;                        // to resume TLS on reconnect
  boost::asio::steady_timer gate_timer_;                      // waiting for a connect slot
  connect_gate::waiter gate_waiter_;
  // Reads land in small_ (enough for a whole small response); when one fills it, the rest is
  // read at once through the worker's shared env.read_spill (plain TCP). TLS reads use
  // tls_buffer_, allocated with the first TLS connection. A plain connection then costs 1.5 KB
  // less than with a 2 KB buffer of its own (about 15 MB at -c 10000).
  std::array<char, 512> small_;
  std::vector<char> tls_buffer_;
  response_parser parser_;
  bool timed_out_ = false;            // abort() ended the pending operation
  bool stopping_ = false;             // stop(): do not wait for a connect slot
  bool waiting_for_gate_ = false;
  nanos queue_left_at_ = 0;           // this call's connect started after a wait in the queue (0: none)
  std::int64_t socket_requests_ = 0;  // requests made on the current socket
  std::int64_t reuse_limit_ = 0;      // close after this many (0: unlimited)
  std::size_t next_request_ = 0;      // round robin over the request set (-payload-lines)
  std::string rendered_;              // this call's request when it carries a fresh {uuid}
  std::string redirect_request_;      // -L: the request for the next hop
  std::string failure_;               // describe_failures: why the last call failed
  std::string location_;              // a redirect that was not followed
};

}  // namespace loadgen
