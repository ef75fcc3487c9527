// HTTP/2 (-h2) in the one client engine: Asio does the I/O, libnghttp2 the framing, HPACK and
// flow control (nghttp2_session_mem_recv / nghttp2_session_mem_send on our own buffers).
//
// Shape: the call slots of one HTTP/2 connection (index / streams) share an h2_group. The group
// owns the connection in use (h2_connection); each slot is an h2_stream_session that queues its
// call on that connection and waits for it to end. The connection submits queued calls as
// streams while fewer than min(-streams, the server's SETTINGS_MAX_CONCURRENT_STREAMS) are open,
// reads while it has something to wait for, and wakes each slot when its stream ends. A GOAWAY
// (or a lost connection) detaches the connection from the group: the streams the server did not
// process are made again on the group's next connection, the others fail with a named error.
//
// Everything here runs on one worker's io_context thread; nothing is locked.
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "connect_gate.hpp"
#include "plain_io.hpp"
#include "tls_steps.hpp"
#include "loadgen/client/session.hpp"
#include "loadgen/platform/socket_tls.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/gunzip_observer.hpp"
#include "loadgen/wire/h2_memory.hpp"
#include "loadgen/wire/h2_rules.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/wire/redirect.hpp"
#include "route.hpp"

namespace loadgen {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// h2c, per connection: where Asio's reads land. Against nginx a wake-up reads one response or
// part of one (nginx writes HEADERS and DATA apart): under 1 KB in 99.9% of reads at -c 8
// -streams 32. A read that fills it goes on synchronously in the thread's 64 KB read_spill, so a
// larger wake-up costs one more recv(), not a wait. 2 KB, not 8: 6 MB less at -c 1000.
constexpr std::size_t read_buffer_size = 2 * 1024;
constexpr std::size_t write_batch = 64 * 1024;        // frames gathered per socket write
constexpr std::int32_t stream_window = 1 << 20;       // our SETTINGS_INITIAL_WINDOW_SIZE (1 MiB per stream)
constexpr std::int32_t connection_window = 16 << 20;  // the connection's receive window (16 MiB)
constexpr int tls_reads_per_turn = 64;                // then other connections of the worker go

class h2_group;
class h2_connection;

// How a call on a connection ended, for the slot.
enum class call_end : std::uint8_t {
  done,      // rec holds the outcome (a response, or a transport error)
  retry,     // the server did not process the stream (GOAWAY): make the call again, counted
  requeue,   // never sent (its connection went away first): make it on the next connection
  fallback,  // the https server chose HTTP/1.1 in ALPN: the slot speaks HTTP/1.1 from now on
  abandoned  // the run stopped while the call waited for a stream: not a call
};

// What a slot gives the connection for one call, and what it gets back.
struct h2_call {
  call_record* rec = nullptr;
  const h2_request* request = nullptr;
  std::size_t body_sent = 0;
  std::int32_t stream_id = -1;
  bool started = false;        // a final (non-1xx) HEADERS block arrived
  int block_status = 0;        // :status of the header block being decoded
  std::int64_t block_bytes = 0;
  std::int64_t header_bytes = 0, body_bytes = 0;
  bool overloaded = false;
  bool ratelimited = false;   // x-envoy-ratelimited
  std::string envoy_prefix;   // a 5xx or 429's first body bytes (core/envoy_reply), else empty
  std::int64_t upstream_ms = -1;
  std::string head_text;  // curl only: "HTTP/2 200\r\nname: value\r\n...\r\n"
  std::string location;
  // -grpc: the answer's grpc-status (headers or trailers) and its DATA, judged at the stream's end.
  std::optional<int> grpc_status;
  bool grpc_gzip = false;  // the answer said grpc-encoding: gzip
  std::string grpc_body;
};

class h2_stream_session;

// One HTTP/2 connection of a group: socket (TLS or plain), nghttp2 client session, queued and
// active calls. Shared by the group (while current) and by its own pending I/O handlers.
class h2_connection : public std::enable_shared_from_this<h2_connection> {
public:
  enum class state : std::uint8_t { connecting, waiting_settings, open, draining, closed };

  h2_connection(h2_group& group, const session_env& env);
  ~h2_connection();
  h2_connection(const h2_connection&) = delete;
  h2_connection& operator=(const h2_connection&) = delete;

  void start();  // connect, TLS, preface: on its own coroutine
  state current() const noexcept { return state_; }
  bool accepts_calls() const noexcept { return state_ != state::draining && state_ != state::closed; }

  void enqueue(h2_stream_session& s);
  // The slot's deadline passed (abort) or the run stops (stop: only a call still queued on an
  // open connection is given up). Returns true when the slot was handled (woken).
  void abort(h2_stream_session& s);
  bool stop(h2_stream_session& s);
  void close() noexcept;
  // The connection waits in the worker's connect queue, or when it left it (see connect_gate):
  // its calls are the ones waiting, and the watchdog treats them as HTTP/1.1 calls in the queue.
  connect_queue_state connect_queue() const noexcept { return {waiting_for_gate_, queue_left_at_}; }

private:
  using socket_type = net::generic::stream_protocol::socket;
  net::awaitable<void> establish();
  net::awaitable<bool> open_tunnel();
  bool start_h2();
  void pump();
  void flush();
  void read_more();
  void on_read(const error_code& ec, std::size_t n);
  void on_tls_readable(const error_code& ec);
  bool deliver(const char* data, std::size_t n);  // to nghttp2; false: the connection was lost
  void after_reads();
  void write_tls();
  void write_plain();
  void lose_write(const error_code& ec);  // a write failed: the connection is lost
  // The connection ended (EOF, error, protocol error, close): every call on it ends.
  void lose(transport_error active_kind, transport_error queued_kind, const std::string& why);
  void finish(h2_stream_session& s, call_end how);
  // A stream answered in full: its fast call ends in after_reads() when it was read there (see
  // gathering_), else from a posted handler.
  void finish_done(h2_stream_session& s);
  void end_gathered();  // ends the fast calls finish_done() held, each in turn, here
  void post_gathered();  // posts them instead (a read that ends without after_reads())
  // Holds the fast calls that end in one read until that read's after_reads(): see gathering_.
  struct gather_scope {
    h2_connection& c;
    bool before;
    explicit gather_scope(h2_connection& conn) noexcept : c(conn), before(std::exchange(conn.gathering_, true)) {}
    ~gather_scope() {
      c.gathering_ = before;
      if (!before) c.post_gathered();
    }
    gather_scope(const gather_scope&) = delete;
    gather_scope& operator=(const gather_scope&) = delete;
  };
  void fail_call(h2_stream_session& s, transport_error kind, const std::string& why);
  void remove_active(h2_stream_session& s) noexcept;
  socket_type& lowest() noexcept { return socket_; }
  bool wants_read() const noexcept;

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_header(nghttp2_session*, const nghttp2_frame*, const uint8_t*, size_t, const uint8_t*, size_t, uint8_t, void*);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t, const uint8_t*, size_t, void*);
  static int on_stream_close(nghttp2_session*, int32_t, uint32_t, void*);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame*, void*);
  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t*, size_t, uint32_t*, nghttp2_data_source*, void*);

  h2_group& group_;
  session_env env_;
  socket_type socket_;
  // https: OpenSSL on the socket itself (platform/socket_tls.hpp), Asio only for readiness.
  std::optional<socket_tls> tls_;
  std::unique_ptr<address_book::entry> fresh_address_;
  nghttp2_session* h2_ = nullptr;
  state state_ = state::connecting;
  std::deque<h2_stream_session*> queued_;   // waiting for the connection or for a free stream
  std::vector<h2_stream_session*> active_;  // with a stream open
  std::int64_t limit_ = 1;                  // streams allowed at once (min of -streams, server's cap)
  bool goaway_ = false;
  std::int32_t last_stream_id_ = 0;
  bool protocol_error_ = false;  // we sent GOAWAY with an error: the server's bytes were bad
  std::uint32_t goaway_sent_ = 0;  // that GOAWAY's error code (COMPRESSION_ERROR, PROTOCOL_ERROR, ...)
  bool reading_ = false, writing_ = false, in_recv_ = false;
  bool send_posted_ = false;  // enqueue() posted the submit-and-write of queued calls
  // In a read's handler: the fast calls it ends are held (gathered_) and ended by after_reads()
  // itself, before it submits and writes, so that the next calls of their slots (at -qps 0 made
  // at once) are submitted in the same write as each other, and enqueue() posts nothing. Posted
  // one by one, each ended in its own pass of the event loop and went out in its own write: one
  // request per write at -c 8 -streams 32 on h2c, a pass of the loop (an epoll_wait) per call.
  bool gathering_ = false;
  std::vector<h2_stream_session*> gathered_, ending_;
  bool tls_held_ = false;     // OpenSSL may hold records not read yet: read_more reads, not waits
  std::vector<char> in_;  // h2c: where Asio's reads land (empty over TLS when there is a read_spill)
  // Where the synchronous reads land: TLS records decrypted by SSL_read, and on h2c what follows a
  // read that filled in_. The thread's env.read_spill (64 KB, shared with its other sessions:
  // each read goes to nghttp2 at once, never held across a wait), else in_.
  std::vector<char>& sync_buffer() noexcept { return env_.read_spill ? *env_.read_spill : in_; }
  std::string out_;
  std::vector<nghttp2_nv> nv_;  // the request's header list being submitted
  // The worker's connect queue (env_.gate): h2 connections take a connect slot as HTTP/1.1 ones.
  net::steady_timer gate_timer_;
  connect_gate::waiter gate_waiter_;
  bool waiting_for_gate_ = false;
  bool gate_given_up_ = false;  // lose() or close() ended the wait
  nanos queue_left_at_ = 0;
  // Ends a wait for a connect slot (the connection is being given up).
  void leave_gate_queue() noexcept {
    gate_given_up_ = true;
    if (waiting_for_gate_) gate_timer_.cancel();
  }
};

// The slots of one HTTP/2 connection.
class h2_group {
public:
  h2_group(const session_env& env, int streams) : env_(env), streams_(streams) {
    env_.observer = nullptr;  // the connection's env: observers and failure text are per slot
    env_.describe_failures = env.describe_failures;
  }
  ~h2_group() {
    for (auto& c : connections_)
      if (auto p = c.lock()) p->close();
    if (tls_session_) SSL_SESSION_free(tls_session_);
  }
  h2_group(const h2_group&) = delete;
  h2_group& operator=(const h2_group&) = delete;

  // The connection new calls go on: the current one, or a new one (connecting) after a GOAWAY,
  // a loss, or at first.
  std::shared_ptr<h2_connection> connection() {
    if (current_ && current_->accepts_calls()) return current_;
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(), [](const auto& w) { return w.expired(); }),
                       connections_.end());
    current_ = std::make_shared<h2_connection>(*this, env_);
    connections_.push_back(current_);
    current_->start();
    return current_;
  }
  void detach(const h2_connection* c) noexcept {
    if (current_.get() == c) current_.reset();
  }
  void join() noexcept { ++members_; }
  // A slot closed (end of run): the last one closes every connection of the group.
  void leave() noexcept {
    if (--members_ > 0) return;
    for (auto& c : connections_)
      if (auto p = c.lock()) p->close();
    current_.reset();
  }
  int streams() const noexcept { return streams_; }
  // The current connection is up (SETTINGS in): a call can go on it at once.
  bool open() const noexcept { return current_ && current_->current() == h2_connection::state::open; }
  bool fallback = false;  // the server chose HTTP/1.1 in ALPN: every slot speaks it

  // The TLS session of the group's latest connection: the next one (after a GOAWAY, a loss)
  // resumes it instead of a full handshake, as HTTP/1.1 connections do. Owns one reference.
  SSL_SESSION* tls_session() const noexcept { return tls_session_; }
  void keep_tls_session(SSL_SESSION* fresh) noexcept {
    if (!fresh) return;
    if (tls_session_) SSL_SESSION_free(tls_session_);
    tls_session_ = fresh;
  }

  // The request for a call: prepared once per distinct request (no {uuid}), else per call.
  const std::vector<h2_request>& prepared() {
    if (!prepared_ && env_.options.target.grpc) {
      // -grpc: one unary call, the same for every stream (Fortio: seq is the thread, ts the start).
      const run_options& o = env_.options;
      grpc_call_spec spec;
      spec.ping = o.grpc_ping;
      spec.health_service = o.grpc_health_service;
      spec.payload = o.payload;
      spec.delay_nanos = o.grpc_ping_delay;
      spec.gzip = o.grpc_gzip;
      spec.timeout = o.timeout;
      spec.seq = env_.index;
      spec.ts = wall_clock::now();
      prepared_.emplace();
      prepared_->push_back(grpc_request(spec, o.target.scheme, o.target.authority(), o.user_agent, o.headers));
    }
    if (!prepared_) {
      prepared_.emplace();
      const std::string_view scheme = env_.options.target.scheme;
      for (const auto& bytes : env_.requests.bytes) {
        auto r = h2_request_from_http1(bytes, scheme);
        prepared_->push_back(r ? std::move(*r) : h2_request{});
      }
    }
    return *prepared_;
  }

private:
  session_env env_;
  int streams_;
  int members_ = 0;
  std::shared_ptr<h2_connection> current_;
  std::vector<std::weak_ptr<h2_connection>> connections_;  // current and draining ones
  std::optional<std::vector<h2_request>> prepared_;
  SSL_SESSION* tls_session_ = nullptr;
};

// One call slot: its calls go on its group's connection as streams.
class h2_stream_session final : public session {
public:
  h2_stream_session(const session_env& env, std::shared_ptr<h2_group> group)
      : env_(env),
        own_rng_(env.rng ? nullptr : std::make_unique<std::mt19937_64>(std::random_device{}())),
        rng_(env.rng ? *env.rng : *own_rng_),
        group_(std::move(group)),
        signal_(env.io),
        next_request_(static_cast<std::size_t>(env.index)) {
    // -compression: gzip bodies are inflated and counted at their decompressed size, as on HTTP/1.1.
    if (env.options.compression) gunzip_ = std::make_unique<gunzip_observer>(env.observer);
    observer_ = gunzip_ ? gunzip_.get() : env.observer;
    group_->join();
  }
  ~h2_stream_session() override { close(); }

  net::awaitable<bool> call(call_record& rec) override;
  // The fast path: a call on the group's open connection without -L, its end reported by a
  // posted callback instead of a timer's cancel resuming this slot's coroutines. Anything but a
  // done call (GOAWAY retry, requeue, stop) goes back to call(), with the same request.
  bool can_call_fast() const noexcept override {
    return !group_->fallback && !env_.options.follow_redirects && !stopping_ && !closed_ && group_->open();
  }
  void call_fast(call_record& rec, fast_done done, void* ctx) override;
  void abort() noexcept override;
  void stop() noexcept override;
  void close() noexcept override {
    if (http1_) http1_->close();
    if (!closed_) {
      closed_ = true;
      group_->leave();
    }
  }
  connect_queue_state connect_queue() const noexcept override {
    if (http1_ && group_->fallback) return http1_->connect_queue();
    return conn_ ? conn_->connect_queue() : connect_queue_state{};
  }
  const std::string& failure() const noexcept override { return http1_ && group_->fallback ? http1_->failure() : failure_; }
  const std::string& location() const noexcept override { return http1_ && group_->fallback ? http1_->location() : location_; }

  // Used by h2_connection.
  h2_call call_;
  std::string failure_, location_;
  // The call ended (the connection says how). Called from inside the connection's work (an
  // nghttp2 callback, lose()), so a fast call's end is posted, never run from here. (The post
  // takes Asio's recycled handler memory; failing to get it ends the process, noexcept.)
  void wake(call_end how) noexcept {
    mark_ended(how);
    if (fast_done_) {
      post_end_fast();
      return;
    }
    signal_.cancel();
  }
  // A fast call (call_fast()) is in flight: its end may be held by the connection (see
  // h2_connection::gathering_) and run by end_fast() later, outside the connection's callbacks.
  bool fast() const noexcept { return fast_done_ != nullptr; }
  void mark_ended(call_end how) noexcept {
    end_ = how;
    signalled_ = true;
  }
  void post_end_fast() noexcept { net::post(env_.io, [this] { end_fast(); }); }
  void end_fast();
  const session_env& env() const noexcept { return env_; }
  response_observer* observer() const noexcept { return observer_; }  // curl's printer and/or -compression
  std::int64_t body_bytes(std::int64_t on_the_wire) const noexcept {
    return gunzip_ && gunzip_->gzip() ? gunzip_->body_bytes() : on_the_wire;
  }

private:
  const h2_request* next_request();
  net::awaitable<call_end> attempt(call_record& rec);
  // -L: the request for the same-origin redirect rec ended with, or null when the 3xx is the
  // answer (no usable Location, another origin: location() says where, or 10 hops made).
  const h2_request* next_hop(const call_record& rec);

  session_env env_;
  std::unique_ptr<std::mt19937_64> own_rng_;
  std::mt19937_64& rng_;
  std::shared_ptr<h2_group> group_;
  std::shared_ptr<h2_connection> conn_;  // the connection of the call in flight
  net::steady_timer signal_;
  bool signalled_ = false;
  call_end end_ = call_end::done;
  bool closed_ = false;
  bool stopping_ = false;
  std::size_t next_request_;
  std::string rendered_;
  std::optional<h2_request> own_request_;  // {uuid}: this call's request
  std::unique_ptr<run_options> hop_;       // -L: the options of the redirect being followed (1.2 KB: not kept in every slot)
  std::optional<h2_request> hop_request_;  // -L: its request
  int hops_ = 0;                           // -L: redirects followed in this call
  std::unique_ptr<session> http1_;         // after an ALPN fallback
  std::unique_ptr<gunzip_observer> gunzip_;
  response_observer* observer_ = nullptr;
  fast_done fast_done_ = nullptr;  // set while a fast call is in flight
  void* fast_ctx_ = nullptr;
  const h2_request* fast_request_ = nullptr;
  bool retry_fast_request_ = false;  // call() makes fast_request_ again
};

// ---- h2_connection ----------------------------------------------------------------------------

h2_connection::h2_connection(h2_group& group, const session_env& env)
    : group_(group), env_(env), socket_(env.io), in_(env.where.tls && env.read_spill ? 0 : read_buffer_size),
      gate_timer_(env.io) {
  limit_ = group.streams();
  gate_waiter_.timer = &gate_timer_;
}

h2_connection::~h2_connection() {
  if (h2_) nghttp2_session_del(h2_);
}

void h2_connection::start() {
  net::co_spawn(env_.io, [self = shared_from_this()]() -> net::awaitable<void> { co_await self->establish(); },
                net::detached);
}

net::awaitable<void> h2_connection::establish() {
  const route& where = env_.where;
  // At most N connects in flight per worker, as for HTTP/1.1: -h2 -c 10000 is no SYN storm.
  const gate_result entry = co_await wait_for_slot(env_.gate, gate_waiter_, gate_timer_, waiting_for_gate_, gate_given_up_,
                                                   gate_given_up_, queue_left_at_);
  if (entry != gate_result::entered || state_ == state::closed) co_return;  // lose()/close() failed its calls
  if (queue_left_at_ != 0) {
    // The wait in the queue was dispatch lag: the calls' service time starts with the connect, as
    // on HTTP/1.1.
    for (auto* q : queued_) q->call_.rec->sent = queue_left_at_;
  }
  gate_pass pass(env_.gate);
  const nanos began = steady_clock::now();
  // OpenSSL's record buffers (about 34 KB) stay with each connection in runs of up to 256, and
  // are given back between records beyond that, as Asio's ssl::stream does.
  if (where.tls) tls_.emplace(where.tls->native_handle(), socket_tls::keep_buffers_for(env_.options.connections));
  std::mt19937_64 own_rng(std::random_device{}());
  const address_book::entry* address = co_await next_address(where, env_.rng ? *env_.rng : own_rng, fresh_address_);
  if (state_ == state::closed) co_return;
  socket_type& socket = lowest();
  error_code ec;
  socket.open(address->where.protocol(), ec);
  if (!ec) std::tie(ec) = co_await socket.async_connect(address->where, use_tuple);
  if (env_.stats) env_.stats->record_connect(env_.index, address->text, steady_clock::now() - began);
  if (state_ == state::closed) co_return;
  pass.answered = true;  // the network answered (connected, refused, ...): see connect_gate
  if (ec) {
    const transport_error kind = ec == net::error::connection_refused ? transport_error::refused : transport_error::connect_failed;
    lose(kind, kind, "cannot connect to " + where.peer_text + ": " + ec.message());
    co_return;
  }
  if (where.tcp) socket.set_option(net::ip::tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);  // the synchronous reads and writes (TLS, h2c) never block the worker
  if (!where.tunnel_request.empty()) {
    const bool tunnelled = co_await open_tunnel();
    if (!tunnelled) co_return;
  }
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    if (!tls_->valid() || !tls_->attach(socket.native_handle())) {
      lose(transport_error::internal, transport_error::internal, "cannot start TLS with " + where.peer_text);
      co_return;
    }
    prepare_client_ssl(ssl, env_.options);
    if (SSL_SESSION* kept = group_.tls_session()) SSL_set_session(ssl, kept);
    const nanos hs_began = steady_clock::now();
    const error_code hec = co_await run_handshake(*tls_, socket);
    if (state_ == state::closed) co_return;  // close() or the call's deadline: the socket is gone
    if (hec) {
      const std::string detail = describe_tls_failure(ssl, hec);
      if (env_.stats) env_.stats->note_failure(detail);
      lose(transport_error::tls, transport_error::tls, "TLS with " + where.peer_text + ": " + detail);
      co_return;
    }
    if (env_.stats) env_.stats->record_handshake(steady_clock::now() - hs_began, SSL_session_reused(ssl) == 1);
    const unsigned char* proto = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl, &proto, &length);
    const bool h2 = proto && std::string_view(reinterpret_cast<const char*>(proto), length) == "h2";
    if (!h2) {
      // The server did not offer h2: each slot goes on with HTTP/1.1 on a connection of its own.
      group_.fallback = true;
      tls_->forget();
      state_ = state::closed;
      group_.detach(this);
      error_code ignored;
      lowest().close(ignored);
      auto queued = std::move(queued_);
      queued_.clear();
      for (auto* s : queued) finish(*s, call_end::fallback);
      co_return;
    }
  }
  if (!start_h2()) {
    lose(transport_error::internal, transport_error::internal, "cannot start an HTTP/2 session");
    co_return;
  }
  state_ = state::waiting_settings;
  tls_held_ = tls_ && SSL_has_pending(tls_->native_handle()) == 1;
  flush();
  read_more();
}

net::awaitable<bool> h2_connection::open_tunnel() {
  socket_type& socket = lowest();
  auto [wec, written] = co_await net::async_write(socket, net::buffer(env_.where.tunnel_request), use_tuple);
  response_parser parser;
  parser.reset(true);
  std::vector<char> answer(4096);  // the proxy's answer head (nothing follows it before our TLS hello)
  while (!wec && !parser.done() && !parser.failed()) {
    auto [rec_ec, n] = co_await socket.async_read_some(net::buffer(answer), use_tuple);
    if (rec_ec) {
      parser.on_eof();
      break;
    }
    parser.feed(answer.data(), n);
  }
  if (state_ == state::closed) co_return false;
  if (wec || !parser.done() || parser.status() != 200) {
    if (parser.done() && env_.stats) env_.stats->note_failure("proxy answered CONNECT with " + std::to_string(parser.status()));
    lose(transport_error::proxy, transport_error::proxy, env_.where.peer_text + " refused the tunnel");
    co_return false;
  }
  co_return true;
}

bool h2_connection::start_h2() {
  nghttp2_session_callbacks* cb = nullptr;
  if (nghttp2_session_callbacks_new(&cb) != 0) return false;
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, on_frame_send);
  nghttp2_mem mem = nghttp2_thread_memory();  // the thread's free lists (wire/h2_memory.hpp)
  const int rv = nghttp2_session_client_new3(&h2_, cb, this, nullptr, &mem);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) return false;
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, stream_window}};
  nghttp2_submit_settings(h2_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(h2_, NGHTTP2_FLAG_NONE, 0, connection_window);
  return true;
}

bool h2_connection::wants_read() const noexcept {
  return state_ == state::waiting_settings || !active_.empty() || (state_ == state::open && !queued_.empty());
}

void h2_connection::read_more() {
  if (reading_ || !h2_ || state_ == state::closed || !wants_read()) return;
  reading_ = true;
  if (tls_) {
    auto on_ready = [self = shared_from_this()](const error_code& ec) { self->on_tls_readable(ec); };
    // Records OpenSSL may hold already (taken in with the handshake's last ones, or left by the
    // cap on reads per turn) are no reason for the socket to wake: read them on the next turn.
    // Once: a part of a record is "pending" too, and only the socket can complete it.
    if (tls_held_) {
      tls_held_ = false;
      net::post(env_.io, [on_ready = std::move(on_ready)] { on_ready(error_code{}); });
      return;
    }
    // A wait, not a read: Asio re-arms the descriptor for it (EPOLL_CTL_MOD), so bytes that came
    // before the wait wake it at once, as do those that come after.
    socket_.async_wait(socket_type::wait_read, std::move(on_ready));
    return;
  }
  socket_.async_read_some(net::buffer(in_), [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void h2_connection::on_read(const error_code& ec, std::size_t n) {
  reading_ = false;
  if (state_ == state::closed) return;
  const gather_scope gather(*this);
  if (ec) {
    const bool eof = ec == net::error::eof || ec == net::ssl::error::stream_truncated;
    const transport_error kind = goaway_ ? transport_error::h2_goaway : eof ? transport_error::closed : transport_error::reset;
    lose(kind, state_ == state::waiting_settings ? kind : transport_error::none,
         "connection to " + env_.where.peer_text + (eof ? " closed" : ": " + ec.message()));
    return;
  }
  if (!deliver(in_.data(), n)) return;
  if (n == in_.size()) {
    // The read filled the connection's buffer and likely left more: read on now, into the
    // thread's large buffer, until a read comes back short or finds nothing.
    std::vector<char>& more = sync_buffer();  // in_ itself when there is none: nghttp2 took its bytes
    for (;;) {
      error_code rec;
      const std::size_t m = plain_io::receive(socket_, more.data(), more.size(), rec);
      if (rec == net::error::would_block || rec == net::error::try_again) break;
      if (rec) {
        on_read(rec, 0);
        return;
      }
      if (!deliver(more.data(), m)) return;
      if (m < more.size()) break;
    }
  }
  after_reads();
}

// Over TLS the socket is read until it is dry (or for tls_reads_per_turn records): a read gives
// one record, often one response, and the calls that all of them end are then sent again
// together (one record, one write) rather than one write per response. Dry: OpenSSL's last
// socket read was short and it holds nothing more (socket_tls::drained), so no read() is spent
// finding nothing.
void h2_connection::on_tls_readable(const error_code& ec) {
  reading_ = false;
  if (state_ == state::closed) return;
  const gather_scope gather(*this);
  if (ec) {
    on_read(ec, 0);
    return;
  }
  std::vector<char>& plain = sync_buffer();
  int reads = 0;
  for (; reads < tls_reads_per_turn; ++reads) {
    const socket_tls::outcome got = tls_->read(plain.data(), plain.size());
    if (got.then == socket_tls::next::failed) {
      on_read(tls_->error(), 0);
      return;
    }
    if (got.then == socket_tls::next::write) {
      // OpenSSL must send before it can read on (a TLS 1.3 KeyUpdate's answer): wait, then read again.
      reading_ = true;
      socket_.async_wait(socket_type::wait_write, [self = shared_from_this()](const error_code& wec) { self->on_tls_readable(wec); });
      return;
    }
    if (got.then == socket_tls::next::read) break;
    if (!deliver(plain.data(), got.bytes)) return;
    if (tls_->drained()) break;
  }
  tls_held_ = reads == tls_reads_per_turn;  // the cap, not the socket, ended these reads
  after_reads();
}

bool h2_connection::deliver(const char* data, std::size_t n) {
  in_recv_ = true;
  const auto rv = nghttp2_session_mem_recv(h2_, reinterpret_cast<const uint8_t*>(data), n);
  in_recv_ = false;
  if (rv >= 0) return state_ != state::closed;
  lose(transport_error::h2_protocol, transport_error::h2_protocol,
       "bad HTTP/2 from " + env_.where.peer_text + ": " + nghttp2_strerror(static_cast<int>(rv)));
  return false;
}

// What was read went through nghttp2: submit the calls waiting, write, and read on.
void h2_connection::after_reads() {
  end_gathered();  // their slots' next calls join queued_ (enqueue() posts nothing while gathering_)
  pump();
  flush();
  if (state_ == state::closed) return;
  if (state_ == state::draining && active_.empty() && !writing_) {
    // After a GOAWAY, once its last streams are answered, the connection has nothing more to give.
    lose(transport_error::h2_goaway, transport_error::none, "GOAWAY from " + env_.where.peer_text);
    return;
  }
  read_more();
}

void h2_connection::flush() {
  while (!writing_ && h2_ && state_ != state::closed && state_ != state::connecting) {
    out_.clear();
    while (out_.size() < write_batch) {
      const uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(h2_, &data);
      if (n < 0) {
        lose(transport_error::h2_protocol, transport_error::h2_protocol, std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n)));
        return;
      }
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (out_.empty()) {
      // nghttp2 is done with this connection (it sent GOAWAY after bad bytes, or both sides did).
      if (!nghttp2_session_want_read(h2_) && !nghttp2_session_want_write(h2_)) {
        const transport_error kind = protocol_error_ ? transport_error::h2_protocol : goaway_ ? transport_error::h2_goaway : transport_error::closed;
        lose(kind, kind, protocol_error_ ? "bad HTTP/2 from " + env_.where.peer_text : "HTTP/2 session ended");
      }
      return;
    }
    writing_ = true;
    // Both clear writing_ when the socket took every byte at once: then gather more.
    if (tls_)
      write_tls();
    else
      write_plain();
  }
}

// h2c: hands out_ to the socket (writing_ is set) with one non-blocking send. All taken: writing_
// is cleared, with no handler to run later (an Asio write that completes at once still ends in a
// posted handler: a pass of the event loop per write). Else Asio writes the rest, then flush()
// and read_more() go on.
void h2_connection::write_plain() {
  error_code ec;
  const std::size_t n = plain_io::send(socket_, out_.data(), out_.size(), ec);
  if (!ec && n == out_.size()) {
    writing_ = false;
    return;
  }
  if (ec && ec != net::error::would_block && ec != net::error::try_again) {
    writing_ = false;
    lose_write(ec);
    return;
  }
  out_.erase(0, ec ? 0 : n);
  net::async_write(socket_, net::buffer(out_), [self = shared_from_this()](const error_code& wec, std::size_t) {
    self->writing_ = false;
    if (self->state_ == state::closed) return;
    if (wec) {
      self->lose_write(wec);
      return;
    }
    self->flush();
    self->read_more();
  });
}

void h2_connection::lose_write(const error_code& ec) {
  lose(transport_error::write_failed, transport_error::none, "cannot write to " + env_.where.peer_text + ": " + ec.message());
}

// Hands out_ to OpenSSL (writing_ is set). Done at once: writing_ is cleared. Else a readiness
// wait, after which the same bytes are offered again, then flush() and read_more() go on.
void h2_connection::write_tls() {
  const socket_tls::outcome put = tls_->write(out_.data(), out_.size());
  if (put.then == socket_tls::next::done) {
    writing_ = false;
    return;
  }
  if (put.then == socket_tls::next::failed) {
    writing_ = false;
    const error_code ec = tls_->error();
    lose_write(ec);
    return;
  }
  socket_.async_wait(wait_for(put.then), [self = shared_from_this()](const error_code& ec) {
    if (self->state_ == state::closed) return;
    if (ec) {
      self->writing_ = false;
      self->lose_write(ec);
      return;
    }
    self->write_tls();
    if (self->writing_ || self->state_ == state::closed) return;
    self->flush();
    self->read_more();
  });
}

void h2_connection::enqueue(h2_stream_session& s) {
  queued_.push_back(&s);
  if (state_ != state::open || send_posted_ || gathering_) return;  // gathering_: after_reads() sends it
  if (limit_ == 1 && !in_recv_) {
    // One stream per connection: no other slot's call can join this one's write, so it goes now
    // (a posted handler per call was a pass of the event loop for nothing).
    pump();
    flush();
    read_more();
    return;
  }
  // Submitted and written from a posted handler, not now: the slots woken by the same read
  // enqueue their next calls in this turn of the event loop, and all their HEADERS then go out
  // in one write (over TLS: one record and one sendto, instead of one per call).
  send_posted_ = true;
  net::post(env_.io, [self = shared_from_this()] {
    self->send_posted_ = false;
    if (self->state_ != state::open) return;
    self->pump();
    self->flush();
    self->read_more();
  });
}

// Submits queued calls while streams are free. Only on an open connection (the server's
// SETTINGS, and with it its stream cap, has arrived).
void h2_connection::pump() {
  if (state_ != state::open || in_recv_) return;
  while (!queued_.empty() && static_cast<std::int64_t>(active_.size()) < limit_) {
    h2_stream_session& s = *queued_.front();
    queued_.pop_front();
    h2_call& c = s.call_;
    std::vector<nghttp2_nv>& nv = nv_;  // reused: no allocation per call once grown
    nv.clear();
    // A request prepared once for the run outlives every frame of it: nghttp2 may point at its
    // strings instead of copying them per call. A per-call request ({uuid}, a -L hop) is copied.
    const std::vector<h2_request>& prepared = group_.prepared();
    const std::less<const h2_request*> before;
    const bool run_long = !prepared.empty() && !before(c.request, prepared.data()) &&
                          before(c.request, prepared.data() + prepared.size());
    const std::uint8_t flags = run_long ? NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE : NGHTTP2_NV_FLAG_NONE;
    for (const auto& [name, value] : c.request->headers) {
      nv.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                              reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(), flags});
    }
    nghttp2_data_provider body{};
    body.read_callback = read_body;
    const bool has_body = !c.request->body.empty();
    const std::int32_t id = nghttp2_submit_request(h2_, nullptr, nv.data(), nv.size(), has_body ? &body : nullptr, &s);
    if (c.rec->sent == 0) c.rec->sent = steady_clock::now();
    if (id < 0) {
      if (id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE) {  // stream ids ran out: a new connection
        queued_.push_front(&s);
        state_ = state::draining;
        group_.detach(this);
        auto queued = std::move(queued_);
        queued_.clear();
        for (auto* q : queued) finish(*q, call_end::requeue);
        return;
      }
      fail_call(s, transport_error::internal, std::string("cannot submit the request: ") + nghttp2_strerror(id));
      continue;
    }
    c.stream_id = id;
    active_.push_back(&s);
  }
}

void h2_connection::remove_active(h2_stream_session& s) noexcept {
  active_.erase(std::remove(active_.begin(), active_.end(), &s), active_.end());
}

void h2_connection::finish(h2_stream_session& s, call_end how) { s.wake(how); }

void h2_connection::finish_done(h2_stream_session& s) {
  if (!gathering_ || !s.fast()) return finish(s, call_end::done);
  s.mark_ended(call_end::done);
  gathered_.push_back(&s);
}

void h2_connection::end_gathered() {
  // Walked in a list of its own (ending_, kept to spare an allocation per read): what a slot does
  // when its call ends (record it, start its next call, stop the run) must not find gathered_
  // being walked.
  std::swap(gathered_, ending_);
  for (h2_stream_session* s : ending_) s->end_fast();
  ending_.clear();
}

void h2_connection::post_gathered() {
  for (h2_stream_session* s : gathered_) s->post_end_fast();
  gathered_.clear();
}

void h2_connection::fail_call(h2_stream_session& s, transport_error kind, const std::string& why) {
  call_record& rec = *s.call_.rec;
  rec.status = status_transport_error;
  rec.error = kind;
  if (s.env().describe_failures) s.failure_ = why;
  finish(s, call_end::done);
}

void h2_connection::abort(h2_stream_session& s) {
  h2_call& c = s.call_;
  if (auto it = std::find(queued_.begin(), queued_.end(), &s); it != queued_.end()) {
    if (state_ == state::connecting || state_ == state::waiting_settings) {
      // The connection itself did not come up within the call's -timeout: give it up, and with
      // it every call waiting for it.
      const transport_error kind = state_ == state::connecting ? transport_error::connect_timeout : transport_error::h2_no_settings;
      lose(kind, kind,
           state_ == state::connecting ? "cannot connect to " + env_.where.peer_text + ": no answer within the -timeout"
                                       : env_.where.peer_text + " sent no HTTP/2 SETTINGS within the -timeout");
      return;
    }
    queued_.erase(it);
    fail_call(s, transport_error::timeout, "no free stream within the -timeout");
    return;
  }
  if (std::find(active_.begin(), active_.end(), &s) != active_.end()) {
    // Tell the server to drop the stream (RST_STREAM CANCEL); its late frames find no call.
    nghttp2_session_set_stream_user_data(h2_, c.stream_id, nullptr);
    nghttp2_submit_rst_stream(h2_, NGHTTP2_FLAG_NONE, c.stream_id, NGHTTP2_CANCEL);
    remove_active(s);
    fail_call(s, transport_error::timeout, "no complete response from " + env_.where.peer_text + " within the -timeout");
    pump();
    flush();
  }
}

bool h2_connection::stop(h2_stream_session& s) {
  if (waiting_for_gate_) {
    // Nothing was sent yet: the connection and the calls waiting for it end now.
    close();
    return true;
  }
  if (state_ != state::open) return false;  // the connect in flight goes on
  const auto it = std::find(queued_.begin(), queued_.end(), &s);
  if (it == queued_.end()) return false;
  queued_.erase(it);
  finish(s, call_end::abandoned);
  return true;
}

void h2_connection::lose(transport_error active_kind, transport_error queued_kind, const std::string& why) {
  if (state_ == state::closed) return;
  const bool before_settings = state_ == state::connecting || state_ == state::waiting_settings;
  const bool in_gate_queue = waiting_for_gate_;
  state_ = state::closed;
  leave_gate_queue();
  group_.detach(this);
  if (tls_) tls_->forget();
  error_code ignored;
  lowest().close(ignored);
  auto active = std::move(active_);
  active_.clear();
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto* s : active) {
    const h2_fate fate = h2_stream_fate(s->call_.stream_id, goaway_, last_stream_id_, s->call_.started);
    if (fate == h2_fate::retry) finish(*s, call_end::retry);
    else fail_call(*s, active_kind == transport_error::none ? transport_error::reset : active_kind, why);
  }
  const nanos now = steady_clock::now();
  for (auto* s : queued) {
    // Calls that were waiting for this connection to come up fail with it; calls only waiting
    // for a free stream go on the next connection. A call that never left the connect queue was
    // not served at all: no service time, as on HTTP/1.1.
    if (before_settings && queued_kind != transport_error::none) {
      if (in_gate_queue) s->call_.rec->sent = now;
      fail_call(*s, queued_kind, why);
    } else {
      finish(*s, call_end::requeue);
    }
  }
}

void h2_connection::close() noexcept {
  if (state_ == state::closed) return;
  if (h2_ && state_ != state::connecting) {
    nghttp2_session_terminate_session(h2_, NGHTTP2_NO_ERROR);
  }
  state_ = state::closed;
  leave_gate_queue();
  group_.detach(this);
  if (tls_) tls_->forget();
  error_code ignored;
  lowest().close(ignored);
  auto active = std::move(active_);
  active_.clear();
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto* s : active) fail_call(*s, transport_error::closed, "connection closed");
  for (auto* s : queued) finish(*s, call_end::abandoned);
}

// ---- nghttp2 callbacks (during nghttp2_session_mem_recv/mem_send, on this thread) -----------

int h2_connection::on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void*) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (!s) return 0;
  s->call_.block_status = 0;
  s->call_.block_bytes = 0;
  return 0;
}

int h2_connection::on_header(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                             const uint8_t* value, size_t valuelen, uint8_t, void*) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
  if (!s) return 0;
  h2_call& c = s->call_;
  const std::string_view n(reinterpret_cast<const char*>(name), namelen);
  const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
  c.block_bytes += h2_header_bytes(namelen, valuelen);
  if (n == ":status") {
    int status = 0;
    std::from_chars(v.data(), v.data() + v.size(), status);
    c.block_status = status;
    if (s->observer() && status >= 200) c.head_text = "HTTP/2 " + std::string(v) + "\r\n";
    return 0;
  }
  if (c.block_status >= 200 || c.started) {  // a final response's headers (or its trailers)
    if (n == "grpc-status") c.grpc_status = parse_grpc_status(v);
    else if (n == "grpc-encoding") c.grpc_gzip = v == "gzip";
    else if (n == "x-envoy-overloaded") c.overloaded = true;
    else if (n == "x-envoy-ratelimited") c.ratelimited = true;
    else if (n == "x-envoy-upstream-service-time") {
      std::int64_t ms = -1;
      if (std::from_chars(v.data(), v.data() + v.size(), ms).ec == std::errc()) c.upstream_ms = ms;
    } else if (n == "location") c.location = v;
    if (s->observer()) c.head_text.append(n).append(": ").append(v).append("\r\n");
  }
  return 0;
}

int h2_connection::on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
  auto* self = static_cast<h2_connection*>(user);
  switch (frame->hd.type) {
    case NGHTTP2_SETTINGS: {
      if (frame->hd.flags & NGHTTP2_FLAG_ACK) break;
      const std::uint32_t server_max = nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
      const std::int64_t wanted = self->group_.streams();
      self->limit_ = std::max<std::int64_t>(1, h2_stream_limit(wanted, server_max));
      if (self->env_.stats) {
        protocol_stats& p = self->env_.stats->protocol;
        p.streams_max = std::max(p.streams_max, self->limit_);
        if (self->limit_ < wanted && (p.server_cap == 0 || static_cast<std::int64_t>(server_max) < p.server_cap))
          p.server_cap = server_max;
      }
      if (self->state_ == state::waiting_settings) {
        self->state_ = state::open;
        if (self->env_.stats) ++self->env_.stats->protocol.h2_connections;  // counted once it speaks h2
        // TLS 1.3 session tickets come before the server's first SETTINGS: keep the session now.
        if (self->tls_) self->group_.keep_tls_session(SSL_get1_session(self->tls_->native_handle()));
      }
      break;
    }
    case NGHTTP2_GOAWAY:
      self->goaway_ = true;
      self->last_stream_id_ = frame->goaway.last_stream_id;
      if (self->state_ == state::open || self->state_ == state::waiting_settings) {
        self->state_ = state::draining;
        self->group_.detach(self);
        // Calls not yet submitted go on the group's next connection.
        auto queued = std::move(self->queued_);
        self->queued_.clear();
        for (auto* s : queued) self->finish(*s, call_end::requeue);
      }
      break;
    case NGHTTP2_HEADERS: {
      auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
      if (!s) break;  // called once per whole header block (CONTINUATIONs included)
      h2_call& c = s->call_;
      if (c.block_status >= 100 && c.block_status < 200) break;  // an interim response: not the answer
      c.header_bytes += c.block_bytes;
      if (!c.started && c.block_status >= 200) {
        c.started = true;
        c.rec->status = c.block_status;
        if (auto* observer = s->observer()) {
          c.head_text += "\r\n";
          observer->on_head(c.head_text);
        }
      }
      break;
    }
    default:
      break;
  }
  return 0;
}

int h2_connection::on_data_chunk(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t* data, size_t len, void*) {
  auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, stream_id));
  if (!s) return 0;
  h2_call& c = s->call_;
  c.body_bytes += static_cast<std::int64_t>(len);
  if ((c.block_status == 429 || c.block_status >= 500) && c.envoy_prefix.size() < envoy_body_prefix_max)
    c.envoy_prefix.append(reinterpret_cast<const char*>(data), std::min(len, envoy_body_prefix_max - c.envoy_prefix.size()));
  if (s->env().options.target.grpc && s->call_.grpc_body.size() < grpc_max_response + grpc_prefix_size + 1)
    s->call_.grpc_body.append(reinterpret_cast<const char*>(data), len);  // past the limit: judged too large
  if (auto* observer = s->observer()) observer->on_body(std::string_view(reinterpret_cast<const char*>(data), len));
  return 0;
}

int h2_connection::on_stream_close(nghttp2_session* session, int32_t stream_id, uint32_t code, void* user) {
  auto* self = static_cast<h2_connection*>(user);
  auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, stream_id));
  if (!s) return 0;  // a stream we gave up (RST_STREAM CANCEL on timeout)
  self->remove_active(*s);
  h2_call& c = s->call_;
  call_record& rec = *c.rec;
  if (code == NGHTTP2_NO_ERROR && c.started) {
    rec.error = transport_error::none;
    rec.header_bytes = c.header_bytes;
    rec.total_bytes = c.header_bytes + s->body_bytes(c.body_bytes);
    rec.envoy_overloaded = c.overloaded;
    rec.upstream_service_time_ms = c.upstream_ms;
    if (!s->env().options.target.grpc)
      rec.envoy_cause = classify_envoy_reply(rec.status, c.overloaded, c.ratelimited, c.envoy_prefix);
    if (s->env().options.target.grpc) {
      std::string why;
      rec.status = judge_grpc_answer(rec.status, c.grpc_status, c.grpc_body, !s->env().options.grpc_ping, &why, c.grpc_gzip);
      if (!why.empty() && s->env().describe_failures) s->failure_ = why;
    } else if (is_redirect_status(rec.status)) {
      s->location_ = c.location;
    }
    self->finish_done(*s);
    return 0;
  }
  if (self->protocol_error_) {
    // nghttp2 closes our streams (as REFUSED_STREAM) after the GOAWAY it sent because the
    // server's bytes were bad (a header over HPACK's limits, a malformed frame): name that.
    self->fail_call(*s, transport_error::h2_protocol,
                    "bad HTTP/2 from " + self->env_.where.peer_text + ": ended with GOAWAY " + h2_error_name(self->goaway_sent_));
    return 0;
  }
  if (h2_stream_fate(stream_id, self->goaway_, self->last_stream_id_, c.started) == h2_fate::retry) {
    self->finish(*s, call_end::retry);
    return 0;
  }
  self->fail_call(*s, h2_stream_error(code, self->goaway_), "stream closed by " + self->env_.where.peer_text + ": " + h2_error_name(code));
  return 0;
}

int h2_connection::on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) {
    auto* self = static_cast<h2_connection*>(user);
    self->protocol_error_ = true;
    self->goaway_sent_ = frame->goaway.error_code;
  }
  return 0;
}

ssize_t h2_connection::read_body(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length, uint32_t* flags,
                                 nghttp2_data_source*, void*) {
  auto* s = static_cast<h2_stream_session*>(nghttp2_session_get_stream_user_data(session, stream_id));
  if (!s) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return 0;
  }
  h2_call& c = s->call_;
  const std::string& body = c.request->body;
  const std::size_t n = std::min(length, body.size() - c.body_sent);
  std::copy_n(body.data() + c.body_sent, n, buf);
  c.body_sent += n;
  if (c.body_sent == body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

// ---- h2_stream_session ------------------------------------------------------------------------

const h2_request* h2_stream_session::next_request() {
  const auto& all = group_->prepared();
  const std::size_t i = all.size() == 1 ? 0 : next_request_++ % all.size();
  if (!env_.requests.per_call_uuid) return &all[i];
  render_request(env_.requests.bytes[i], rng_, rendered_);
  own_request_ = h2_request_from_http1(rendered_, env_.options.target.scheme);
  return own_request_ ? &*own_request_ : &all[i];
}

net::awaitable<call_end> h2_stream_session::attempt(call_record& rec) {
  conn_ = group_->connection();
  if (conn_->current() != h2_connection::state::open && rec.sent == 0) rec.sent = steady_clock::now();  // a connect for this call
  signalled_ = false;
  conn_->enqueue(*this);
  signal_.expires_at(net::steady_timer::time_point::max());
  while (!signalled_) co_await signal_.async_wait(use_tuple);
  conn_.reset();
  co_return end_;
}

const h2_request* h2_stream_session::next_hop(const call_record& rec) {
  if (!env_.options.follow_redirects || rec.status == status_transport_error || location_.empty() || hops_ >= 10)
    return nullptr;
  auto next = next_redirect(hop_ ? *hop_ : env_.options, rec.status, location_);
  if (!next || !next->same_origin) return nullptr;  // curl follows another origin itself
  hop_ = std::make_unique<run_options>(std::move(next->next));
  hop_request_ = h2_request_from_http1(build_request(*hop_), env_.options.target.scheme);
  if (!hop_request_) return nullptr;
  ++hops_;
  location_.clear();
  return &*hop_request_;
}

net::awaitable<bool> h2_stream_session::call(call_record& rec) {
  failure_.clear();
  location_.clear();
  hop_.reset();
  hops_ = 0;
  rec.error = transport_error::none;
  if (group_->fallback) {
    if (!http1_) {
      http1_ = make_http1_session(env_);
      if (env_.stats) ++env_.stats->protocol.http1_fallbacks;
    }
    co_return co_await http1_->call(rec);
  }
  const h2_request* request = std::exchange(retry_fast_request_, false) ? fast_request_ : next_request();
  for (;;) {
    call_ = h2_call{};
    call_.rec = &rec;
    call_.request = request;
    rec.status = status_transport_error;
    rec.error = transport_error::none;
    if (stopping_) co_return false;
    const call_end how = co_await attempt(rec);
    switch (how) {
      case call_end::done:
        if (const h2_request* hop = next_hop(rec)) {  // -L: the next hop is another stream
          request = hop;
          continue;
        }
        rec.done = steady_clock::now();
        co_return true;
      case call_end::abandoned:
        co_return false;
      case call_end::retry:
        if (env_.stats) ++env_.stats->protocol.goaway_retries;
        continue;
      case call_end::requeue:
        continue;
      case call_end::fallback: {
        if (!http1_) {
          http1_ = make_http1_session(env_);
          if (env_.stats) ++env_.stats->protocol.http1_fallbacks;
        }
        const bool made = co_await http1_->call(rec);
        co_return made;
      }
    }
  }
}

void h2_stream_session::call_fast(call_record& rec, fast_done done, void* ctx) {
  failure_.clear();
  location_.clear();
  fast_request_ = next_request();
  call_ = h2_call{};
  call_.rec = &rec;
  call_.request = fast_request_;
  rec.status = status_transport_error;
  rec.error = transport_error::none;
  conn_ = group_->connection();  // the open one (can_call_fast())
  signalled_ = false;
  fast_done_ = done;
  fast_ctx_ = ctx;
  conn_->enqueue(*this);  // submitted and written from a posted handler: never ends in here
}

void h2_stream_session::end_fast() {
  conn_.reset();
  const fast_done done = std::exchange(fast_done_, nullptr);
  fast_outcome outcome = fast_outcome::done;
  if (end_ == call_end::done) {
    call_.rec->done = steady_clock::now();
  } else {
    // Not sent (requeue), not processed (GOAWAY: counted as a retry, as call() does), or the
    // run stopped while it waited for a stream: call() takes it from here.
    if (end_ == call_end::retry && env_.stats) ++env_.stats->protocol.goaway_retries;
    retry_fast_request_ = true;
    outcome = fast_outcome::retry;
  }
  done(fast_ctx_, outcome, nullptr);
}

void h2_stream_session::abort() noexcept {
  if (http1_ && group_->fallback) {
    http1_->abort();
    return;
  }
  if (conn_ && !signalled_) conn_->abort(*this);
}

void h2_stream_session::stop() noexcept {
  stopping_ = true;
  if (http1_) http1_->stop();
  if (conn_ && !signalled_) conn_->stop(*this);
}

}  // namespace

session_factory make_h2_sessions(int streams_per_connection) {
  struct registry {
    std::mutex mutex;
    std::map<std::pair<const void*, int>, std::weak_ptr<h2_group>> groups;  // (io_context, group) -> group
  };
  auto shared = std::make_shared<registry>();
  const int streams = std::max(1, streams_per_connection);
  return [shared, streams](const session_env& env) -> std::unique_ptr<session> {
    std::shared_ptr<h2_group> group;
    {
      std::lock_guard lock(shared->mutex);
      auto& slot = shared->groups[{&env.io, env.index / streams}];
      group = slot.lock();
      if (!group) {
        group = std::make_shared<h2_group>(env, streams);
        slot = group;
      }
    }
    return std::make_unique<h2_stream_session>(env, std::move(group));
  };
}

}  // namespace loadgen
