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
#include <boost/asio/steady_timer.hpp>

#include "connect_gate.hpp"
#include "loadgen/wire/gunzip_observer.hpp"
#include "route.hpp"
#include "loadgen/client/session.hpp"
#include "loadgen/platform/socket_tls.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace loadgen {

class http1_session final : public session {
public:
  explicit http1_session(const session_env& env);
  ~http1_session() override;
  http1_session(const http1_session&) = delete;
  http1_session& operator=(const http1_session&) = delete;

  boost::asio::awaitable<bool> call(call_record& rec) override;
  // Plain TCP (or a Unix socket) kept alive, no -L, no observer (curl) or gzip counting: the
  // request and its response on the open socket, by callbacks.
  bool can_call_fast() const noexcept override { return fast_capable_ && socket_.is_open(); }
  void call_fast(call_record& rec, fast_done done, void* ctx) override;
  void abort() noexcept override;
  void stop() noexcept override;
  connect_queue_state connect_queue() const noexcept override { return {waiting_for_gate_, queue_left_at_}; }
  void close() noexcept override { close_socket(); }
  const std::string& failure() const noexcept override { return extras_ ? extras_->failure : no_text(); }
  const std::string& location() const noexcept override { return extras_ ? extras_->location : no_text(); }

private:
  using socket_type = boost::asio::generic::stream_protocol::socket;

  // Connect (after a slot of the gate), tunnel, TLS. Sets rec.sent when the connect starts.
  // false: abandoned (stopped while waiting for a slot). A failed connect is true with rec failed.
  boost::asio::awaitable<bool> connect(call_record& rec);
  boost::asio::awaitable<bool> open_connection(call_record& rec);
  boost::asio::awaitable<bool> open_tunnel(call_record& rec);
  boost::asio::awaitable<bool> handshake(call_record& rec);
  // What an exchange does after a write or a read: one rule for the coroutine path (exchange())
  // and the callback path (call_fast()).
  enum class next_io {
    read,   // read on, asynchronously
    spill,  // the read filled its buffer: read on at once, synchronously, into env_.read_spill
    done,   // the call ended: rec has its response or its failure
    retry,  // a reused socket was dead before any response byte (it is closed): try a new one
  };
  next_io after_write(call_record& rec, const boost::system::error_code& ec, bool reused);
  // A read's result: n bytes at data, or the error. spilled: they came from env_.read_spill.
  next_io after_read(call_record& rec, boost::system::error_code ec, const char* data, std::size_t n, bool reused,
                     bool spilled);
  // next_io::spill, on plain TCP: reads on synchronously into env_.read_spill (the socket is
  // non-blocking) while the reads fill it; "would block" gives next_io::read. Never held across
  // an await, so one spill buffer per thread suffices.
  next_io read_spill_now(call_record& rec, bool reused);
  // Write + read on the current socket. Returns true when the request may be retried because a
  // reused socket turned out to be dead before any response byte.
  boost::asio::awaitable<bool> exchange(call_record& rec, bool reused, std::string_view request);
  // The same over TLS: OpenSSL writes and reads the socket itself (platform/socket_tls), the
  // coroutine waits for readiness only.
  boost::asio::awaitable<bool> exchange_tls(call_record& rec, bool reused, std::string_view request);
  // One request on this connection, connecting (again) when needed; sets rec.done when it ends.
  // false: abandoned (stopped).
  boost::asio::awaitable<bool> request_once(call_record& rec, std::string_view request, bool head);
  boost::asio::awaitable<void> follow_redirects(call_record& rec);
  // call() with -L: the first request, then the same-origin redirects.
  boost::asio::awaitable<bool> call_following(call_record& rec, std::string_view request);
  std::string_view next_request();
  void take_response(call_record& rec);
  gunzip_observer* gunzip() const noexcept { return extras_ ? extras_->gunzip.get() : nullptr; }
  static const std::string& no_text() noexcept;
  void close_socket() noexcept;
  // Marks the call failed and closes the socket. why() builds the one-line reason, and only when
  // this session keeps reasons (curl): a failed call on the load path allocates nothing.
  template <class Why>
  void fail(call_record& rec, transport_error kind, Why&& why) {
    rec.status = status_transport_error;
    rec.error = kind;
    if (env_.describe_failures) extras_->failure = why();  // describe_failures made the extras
    close_socket();
  }
  std::int64_t draw_reuse_limit();
  // The callback path: send the request (send_fast(), or write_fast() for what the socket did
  // not take at once), read the response (read_fast_now() on a later turn of the loop, or the
  // reactor's read_fast() when the socket is dry), and end by calling fast_done_ (end_fast()).
  void send_fast();
  void on_fast_sent();
  void write_fast();
  void on_fast_write(const boost::system::error_code& ec, std::size_t n);
  void read_fast();
  void on_fast_read(const boost::system::error_code& ec, std::size_t n);
  void read_fast_now();
  // Where the callback path goes after an I/O step: a spill read at once, on reading
  // (next_io::read), or to the call's end.
  void continue_fast(next_io next);
  void end_fast(fast_outcome outcome, std::exception_ptr error = nullptr);

  // What only some runs use: TLS, curl (its own random source, failure descriptions), -L,
  // -compression, a resolution per connection, a fresh {uuid} per call, a session without a
  // lent timer. One allocation for the sessions that need it; a plain load connection pays 8
  // bytes for all of it. With the lent timer (env.doorbell), a plain load session went from
  // 1,520 to 1,240 bytes: 0.28 MB less at -c 1000.
  struct extras {
    std::unique_ptr<std::mt19937_64> own_rng;  // only without env.rng (curl): 2.5 KB
    std::unique_ptr<address_book::entry> fresh_address;  // a per-connection resolution's answer (rr, first, rnd)
    std::unique_ptr<gunzip_observer> gunzip;  // -compression only: inflates gzip bodies, counts their size
    std::unique_ptr<boost::asio::steady_timer> own_timer;  // for connect-slot waits without env.doorbell
    SSL_SESSION* tls_session = nullptr;  // to resume TLS on reconnect
    std::vector<char> tls_buffer;        // TLS records decrypt here when env.read_spill is null
    std::string rendered;                // this call's request when it carries a fresh {uuid}
    std::string redirect_request;        // -L: the request for the next hop
    std::string failure;                 // describe_failures: why the last call failed
    std::string location;                // a redirect that was not followed
    ~extras();
  };
  extras& more();  // the extras, made on first use

  session_env env_;
  std::unique_ptr<extras> extras_;
  std::mt19937_64& rng_;
  const address_book::entry* address_ = nullptr;  // this connection's address (-no-reresolve keeps it)
  socket_type socket_;                                        // the connection (plain or under TLS)
  std::unique_ptr<socket_tls> tls_;                           // https: a new one per connection
  boost::asio::steady_timer& gate_timer_;                     // waiting for a connect slot: env.doorbell or own_timer
  connect_gate::waiter gate_waiter_;
  response_parser parser_;
  bool timed_out_ = false;            // abort() ended the pending operation
  bool stopping_ = false;             // stop(): do not wait for a connect slot
  bool waiting_for_gate_ = false;
  nanos queue_left_at_ = 0;           // this call's connect started after a wait in the queue (0: none)
  std::int64_t socket_requests_ = 0;  // requests made on the current socket
  std::int64_t reuse_limit_ = 0;      // close after this many (0: unlimited)
  std::size_t next_request_ = 0;      // round robin over the request set (-payload-lines)
  // The callback path's call: its record, where it reports, its request and how much is sent.
  bool fast_capable_ = false;         // what this run asks for allows the callback path
  call_record* fast_rec_ = nullptr;
  fast_done fast_done_ = nullptr;
  void* fast_ctx_ = nullptr;
  std::string_view fast_request_;
  std::size_t fast_written_ = 0;
  bool retry_fast_request_ = false;   // call() sends fast_request_ again (fast_outcome::retry)
  int fast_skip_probe_ = 0;           // calls left whose first read is the reactor's (on_fast_sent())
  // Asynchronous reads land in small_ (enough for a whole small response); when one fills it, the
  // rest is read at once through the worker's shared env.read_spill (plain TCP), where the fast
  // path's synchronous reads land too, and TLS records are decrypted (reads over TLS are all
  // synchronous). A plain connection then costs 1.5 KB less than with a 2 KB buffer of
  // its own (about 15 MB at -c 10000). Last: the fields above, used by every call, share lines.
  std::array<char, 512> small_;
};

}  // namespace loadgen
