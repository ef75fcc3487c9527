#include "http1_session.hpp"

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/redirect.hpp"
#include "next_turn.hpp"
#include "plain_io.hpp"
#include "tls_steps.hpp"
#include "route.hpp"

namespace loadgen {

namespace net = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

// Where TLS records decrypt when the session was made without env.read_spill: a record's
// plaintext, at most.
constexpr std::size_t tls_buffer_size = 16 * 1024;

}  // namespace

std::unique_ptr<session> make_http1_session(const session_env& env) { return std::make_unique<http1_session>(env); }

namespace {

// Whether a session needs its extras from the start (see http1_session::extras). What is known
// only later (a resolution per connection) makes them on first use, through more().
bool needs_extras(const session_env& env) {
  return env.rng == nullptr || env.doorbell == nullptr || env.describe_failures || env.where.tls ||
         env.options.compression || env.options.follow_redirects || env.requests.per_call_uuid;
}

}  // namespace

http1_session::extras::~extras() {
  if (tls_session) SSL_SESSION_free(tls_session);
}

const std::string& http1_session::no_text() noexcept {
  static const std::string empty;
  return empty;
}

http1_session::extras& http1_session::more() {
  if (!extras_) extras_ = std::make_unique<extras>();
  return *extras_;
}

// Each member initialiser runs in declaration order: extras_ first, so that rng_ and gate_timer_
// can refer into it.
http1_session::http1_session(const session_env& env)
    : env_(env),
      extras_(needs_extras(env) ? std::make_unique<extras>() : nullptr),
      rng_(env.rng ? *env.rng : *(extras_->own_rng = std::make_unique<std::mt19937_64>(std::random_device{}()))),
      socket_(env.io),
      gate_timer_(env.doorbell ? *env.doorbell : *(extras_->own_timer = std::make_unique<net::steady_timer>(env.io))) {
  gate_waiter_.timer = &gate_timer_;
  if (env.options.compression) extras_->gunzip = std::make_unique<gunzip_observer>(env.observer);
  next_request_ = static_cast<std::size_t>(env.index);  // connections start at different -payload-lines
  parser_.use_head_cache(env.heads);  // the parser leaves it alone when curl observes or -L keeps a Location
  fast_capable_ = !env.where.tls && env.where.tunnel_request.empty() && !env.options.follow_redirects &&
                  env.observer == nullptr && !gunzip() && env.read_spill != nullptr;
}

http1_session::~http1_session() = default;

void http1_session::close_socket() noexcept {
  // Closing without a TLS close_notify would make OpenSSL mark the session unresumable; load
  // tests close connections on purpose (-connection-reuse, keepalive=false), so say the shutdown
  // was clean and keep the session for the next handshake.
  if (tls_) tls_->forget();
  error_code ignored;
  socket_.close(ignored);
  socket_requests_ = 0;
}

void http1_session::abort() noexcept {
  timed_out_ = true;
  if (waiting_for_gate_) gate_timer_.cancel();
  error_code ignored;
  socket_.close(ignored);  // the pending connect/handshake/write/read completes with operation_aborted
}

void http1_session::stop() noexcept {
  stopping_ = true;
  if (waiting_for_gate_) gate_timer_.cancel();
}

std::int64_t http1_session::draw_reuse_limit() {
  const run_options& o = env_.options;
  if (o.reuse_max <= 0) return 0;
  if (o.reuse_min == o.reuse_max) return o.reuse_min;
  return std::uniform_int_distribution<std::int64_t>(o.reuse_min, o.reuse_max)(rng_);
}

net::awaitable<bool> http1_session::connect(call_record& rec) {
  const gate_result entry =
      co_await wait_for_slot(env_.gate, gate_waiter_, gate_timer_, waiting_for_gate_, timed_out_, stopping_,
                        queue_left_at_);
  if (entry == gate_result::stopped) co_return false;
  if (entry == gate_result::timed_out) {
    if (rec.sent == 0) rec.sent = steady_clock::now();
    fail(rec, transport_error::connect_timeout,
         [&] { return "no connect slot within the -timeout for " + env_.where.peer_text; });
    co_return true;
  }
  gate_pass pass(env_.gate);
  co_await open_connection(rec);
  pass.answered = !timed_out_;  // the network answered, or our -timeout ended it (see connect_gate)
  co_return true;
}

net::awaitable<bool> http1_session::open_connection(call_record& rec) {
  const route& where = env_.where;
  const nanos began = steady_clock::now();
  if (rec.sent == 0) rec.sent = began;  // the wait for a connect slot is dispatch lag, not service time
  if (where.tls) {
    // A fresh SSL object per connection; its record buffers kept or not as in socket_tls.
    tls_ = std::make_unique<socket_tls>(where.tls->native_handle(), socket_tls::keep_buffers_for(env_.options.connections));
  }
  if (!address_ || !env_.options.no_reresolve) {
    address_ = only_address(where);
    if (!address_) {
      std::unique_ptr<address_book::entry>& fresh = more().fresh_address;  // named first: see call_following()
      const address_book::entry* chosen = co_await next_address(where, rng_, fresh);
      address_ = chosen;
    }
  }
  error_code ec;
  socket_.open(address_->where.protocol(), ec);
  if (!ec) std::tie(ec) = co_await socket_.async_connect(address_->where, use_tuple);
  if (env_.stats) env_.stats->record_connect(env_.index, address_->text, steady_clock::now() - began);
  if (ec) {
    const transport_error kind = timed_out_ ? transport_error::connect_timeout
                                 : ec == net::error::connection_refused ? transport_error::refused
                                                                        : transport_error::connect_failed;
    fail(rec, kind, [&] {
      return "cannot connect to " + where.peer_text + ": " +
             (kind == transport_error::connect_timeout ? std::string("no answer within the -timeout") : ec.message());
    });
    co_return false;
  }
  if (where.tcp) socket_.set_option(net::ip::tcp::no_delay(true), ec);
  // Synchronous reads (exchange()'s spill) must say "would block" rather than wait.
  socket_.non_blocking(true, ec);
  if (!where.tunnel_request.empty() && !co_await open_tunnel(rec)) co_return false;
  if (tls_ && !co_await handshake(rec)) co_return false;
  socket_requests_ = 0;
  reuse_limit_ = draw_reuse_limit();
  co_return true;
}

net::awaitable<bool> http1_session::open_tunnel(call_record& rec) {
  // CONNECT through the proxy; its answer has no body we care about (head only).
  auto [wec, written] = co_await net::async_write(socket_, net::buffer(env_.where.tunnel_request), use_tuple);
  parser_.reset(true);
  while (!wec && !parser_.done() && !parser_.failed()) {
    auto [rec_ec, n] = co_await socket_.async_read_some(net::buffer(small_), use_tuple);
    if (rec_ec) {
      parser_.on_eof();
      break;
    }
    parser_.feed(small_.data(), n);
  }
  if (timed_out_) {
    fail(rec, transport_error::timeout,
         [&] { return "no answer to CONNECT from " + env_.where.peer_text + " within the -timeout"; });
    co_return false;
  }
  if (wec || !parser_.done() || parser_.status() != 200) {
    // The run keeps the first failure's detail only: no string is built for the others.
    if (parser_.done() && env_.stats && env_.stats->failure_detail.empty())
      env_.stats->note_failure("proxy answered CONNECT with " + std::to_string(parser_.status()));
    fail(rec, transport_error::proxy, [&] {
      return env_.where.peer_text + " refused the tunnel to " + env_.options.target.authority() +
             (parser_.done() ? " with status " + std::to_string(parser_.status()) : "");
    });
    co_return false;
  }
  co_return true;
}

net::awaitable<bool> http1_session::handshake(call_record& rec) {
  SSL* ssl = tls_->native_handle();
  error_code hec;
  if (!tls_->valid() || !tls_->attach(socket_.native_handle())) hec = net::error::no_memory;
  if (!hec) {
    prepare_client_ssl(ssl, env_.options);
    if (extras_->tls_session) SSL_set_session(ssl, extras_->tls_session);
  }
  const nanos began = steady_clock::now();
  if (!hec) hec = co_await run_handshake(*tls_, socket_);  // abort() closes the socket: operation_aborted
  if (hec) {
    // Described only when someone keeps it: the run's first failure, or curl's message.
    const bool keep = (env_.stats && env_.stats->failure_detail.empty()) || env_.describe_failures;
    const std::string detail = keep ? describe_tls_failure(ssl, hec) : std::string();
    if (env_.stats) env_.stats->note_failure(detail);
    fail(rec, timed_out_ ? transport_error::timeout : transport_error::tls,
         [&] { return "TLS with " + env_.where.peer_text + ": " + detail; });
    co_return false;
  }
  if (env_.stats) env_.stats->record_handshake(steady_clock::now() - began, SSL_session_reused(ssl) == 1);
  co_return true;
}

std::string_view http1_session::next_request() {
  // The common case is one prebuilt request, written as is; per-call variation costs only when used.
  const auto& all = env_.requests.bytes;
  const std::string& base = all.size() == 1 ? all.front() : all[next_request_++ % all.size()];
  if (!env_.requests.per_call_uuid) return base;
  render_request(base, rng_, extras_->rendered);
  return extras_->rendered;
}

http1_session::next_io http1_session::after_write(call_record& rec, const error_code& ec, bool reused) {
  if (ec) {
    const std::string& peer = env_.where.peer_text;
    if (timed_out_) {
      fail(rec, transport_error::timeout, [&] { return "no complete response from " + peer + " within the -timeout"; });
    } else if (reused) {
      close_socket();
      return next_io::retry;
    } else {
      fail(rec, transport_error::write_failed, [&] { return "cannot send the request to " + peer + ": " + ec.message(); });
    }
    return next_io::done;
  }
  ++socket_requests_;
  if (env_.options.halfclose && !env_.options.keepalive) {
    // -halfclose (Fortio's): the request is all we send on this connection, so say so with a FIN.
    error_code ignored;
    socket_.shutdown(net::socket_base::shutdown_send, ignored);
  }
  return next_io::read;
}

http1_session::next_io http1_session::after_read(call_record& rec, error_code ec, const char* data, std::size_t n,
                                                 bool reused, bool spilled) {
  const std::string& peer = env_.where.peer_text;
  // Closed without close_notify. (ec first: its == is an out-of-line call, made on every read.)
  if (ec && ec == net::ssl::error::stream_truncated) ec = net::error::eof;
  if (ec) {
    if (timed_out_) {
      fail(rec, transport_error::timeout, [&] { return "no complete response from " + peer + " within the -timeout"; });
      return next_io::done;
    }
    if (ec == net::error::eof) parser_.on_eof();
    const bool nothing_yet = parser_.total_bytes() == 0;
    if (reused && nothing_yet && (ec == net::error::eof || ec == net::error::connection_reset)) {
      // A kept-alive socket the server had already closed: retry once on a new one.
      close_socket();
      return next_io::retry;
    }
    if (!parser_.done()) {
      if (ec == net::error::eof) {
        fail(rec, transport_error::closed, [&] {
          return "bad response from " + peer + ": " +
                 (parser_.failed() ? parser_.error() : "connection closed before a complete response");
        });
      } else {
        fail(rec, transport_error::reset, [&] { return "reading the response from " + peer + ": " + ec.message(); });
      }
      return next_io::done;
    }
    take_response(rec);  // a close-delimited body ended with EOF
    return next_io::done;
  }
  const std::size_t used = parser_.feed(data, n);
  if (parser_.failed()) {
    fail(rec, transport_error::bad_response, [&] { return "bad response from " + peer + ": " + parser_.error(); });
    return next_io::done;
  }
  if (parser_.done()) {
    if (used != n) close_socket();  // bytes nobody asked for: do not trust this socket again
    take_response(rec);
    return next_io::done;
  }
  if (tls_) return next_io::read;  // exchange_tls reads on as OpenSSL says
  // A read that filled its buffer likely left more in the socket: read it at once (plain TCP).
  const bool full = n == (spilled ? env_.read_spill->size() : small_.size());
  return env_.read_spill != nullptr && full ? next_io::spill : next_io::read;
}

http1_session::next_io http1_session::read_spill_now(call_record& rec, bool reused) {
  next_io next = next_io::spill;
  while (next == next_io::spill) {
    error_code ec;
    const std::size_t n = plain_io::receive(socket_, env_.read_spill->data(), env_.read_spill->size(), ec);
    if (ec && (ec == net::error::would_block || ec == net::error::try_again)) return next_io::read;
    next = after_read(rec, ec, env_.read_spill->data(), n, reused, true);
  }
  return next;
}

net::awaitable<bool> http1_session::exchange(call_record& rec, bool reused, std::string_view request) {
  auto [wec, written] = co_await net::async_write(socket_, net::buffer(request.data(), request.size()), use_tuple);
  next_io next = after_write(rec, wec, reused);
  while (next == next_io::read || next == next_io::spill) {
    if (next == next_io::spill) {
      next = read_spill_now(rec, reused);  // a spill that finds nothing goes back to waiting
    } else {
      auto [ec, n] = co_await socket_.async_read_some(net::buffer(small_), use_tuple);
      next = after_read(rec, ec, small_.data(), n, reused, false);
    }
  }
  co_return next == next_io::retry;
}

net::awaitable<bool> http1_session::exchange_tls(call_record& rec, bool reused, std::string_view request) {
  socket_tls& tls = *tls_;
  error_code wec;
  for (;;) {
    const socket_tls::outcome put = tls.write(request.data(), request.size());
    if (put.then == socket_tls::next::done) break;
    if (put.then == socket_tls::next::failed) {
      wec = tls.error();
      break;
    }
    std::tie(wec) = co_await socket_.async_wait(wait_for(put.then), use_tuple);
    if (wec) break;
  }
  next_io next = after_write(rec, wec, reused);
  // Records decrypt into the thread's spill buffer, parsed before anything is awaited (as the
  // plain path's synchronous reads), or into this session's own when it was given none.
  std::vector<char>& plain = env_.read_spill ? *env_.read_spill : more().tls_buffer;
  if (plain.empty()) plain.resize(tls_buffer_size);
  // Right after the request the answer cannot be there yet, unless OpenSSL holds bytes already:
  // wait for the socket first rather than spend a read() that finds nothing.
  bool wait = SSL_has_pending(tls.native_handle()) == 0;
  socket_tls::next need = socket_tls::next::read;  // what the wait is for
  while (next == next_io::read) {
    if (wait) {
      auto [ec] = co_await socket_.async_wait(wait_for(need), use_tuple);
      if (ec) {
        next = after_read(rec, ec, nullptr, 0, reused, false);
        break;
      }
    }
    const socket_tls::outcome got = tls.read(plain.data(), plain.size());
    if (got.then == socket_tls::next::read || got.then == socket_tls::next::write) {
      // The socket is dry, or OpenSSL must send before it reads on (a TLS 1.3 KeyUpdate's answer).
      need = got.then;
      wait = true;
      continue;
    }
    if (got.then == socket_tls::next::failed) {
      next = after_read(rec, tls.error(), nullptr, 0, reused, false);
      break;
    }
    next = after_read(rec, {}, plain.data(), got.bytes, reused, false);
    need = socket_tls::next::read;
    wait = tls.drained();  // the socket was dry at the last read and OpenSSL holds nothing more
  }
  co_return next == next_io::retry;
}

void http1_session::call_fast(call_record& rec, fast_done done, void* ctx) {
  timed_out_ = false;
  queue_left_at_ = 0;
  rec.error = transport_error::none;
  fast_rec_ = &rec;
  fast_done_ = done;
  fast_ctx_ = ctx;
  fast_request_ = next_request();
  fast_written_ = 0;
  if (rec.sent == 0) rec.sent = steady_clock::now();
  parser_.reset(env_.requests.head, nullptr, false);
  send_fast();
}

void http1_session::send_fast() {
  // The socket is non-blocking: a request it takes whole (the usual case) costs one send() and
  // no reactor operation. Anything else (would block, a short send, an error) goes on with the
  // asynchronous write, which finishes the request or reports the error.
  error_code ec;
  const std::size_t n = plain_io::send(socket_, fast_request_.data(), fast_request_.size(), ec);
  if (ec || n < fast_request_.size()) {
    fast_written_ = ec ? 0 : n;
    return write_fast();
  }
  after_write(*fast_rec_, ec, true);  // counts the request; -halfclose's FIN
  // Read on a later turn of the loop, not now: with many connections the handlers queued ahead
  // give the server time to answer, and a response already in costs one recv() and no reactor
  // operation (read_fast_now()). Posted also because the call's end is never reported from
  // inside call_fast(). One batch per turn for all sessions of the thread (next_turn).
  if (env_.turns) env_.turns->defer([](void* self) { static_cast<http1_session*>(self)->on_fast_sent(); }, this);
  else net::post(env_.io, [this] { on_fast_sent(); });
}

void http1_session::on_fast_sent() {
  // After a read found nothing (few connections: the answer takes longer than the loop's turn),
  // the next calls leave the first read to the reactor for a while (its own attempt, then the
  // wait), so that each costs one failed recv() at most, not two.
  if (fast_skip_probe_ > 0) {
    --fast_skip_probe_;
    return read_fast();
  }
  read_fast_now();
}

void http1_session::write_fast() {
  const auto rest = net::buffer(fast_request_.data() + fast_written_, fast_request_.size() - fast_written_);
  socket_.async_write_some(rest, [this](const error_code& ec, std::size_t n) { on_fast_write(ec, n); });
}

void http1_session::on_fast_write(const error_code& ec, std::size_t n) {
  next_io next = next_io::done;
  try {
    fast_written_ += n;
    if (!ec && fast_written_ < fast_request_.size()) return write_fast();
    next = after_write(*fast_rec_, ec, true);
  } catch (...) {
    return end_fast(fast_outcome::crashed, std::current_exception());
  }
  continue_fast(next);
}

void http1_session::read_fast() {
  socket_.async_read_some(net::buffer(small_), [this](const error_code& ec, std::size_t n) { on_fast_read(ec, n); });
}

void http1_session::on_fast_read(const error_code& ec, std::size_t n) {
  next_io next = next_io::done;
  try {
    next = after_read(*fast_rec_, ec, small_.data(), n, true, false);
  } catch (...) {
    return end_fast(fast_outcome::crashed, std::current_exception());
  }
  continue_fast(next);
}

void http1_session::read_fast_now() {
  next_io next = next_io::done;
  try {
    // A synchronous read (the socket is non-blocking); a dry socket goes to the reactor. It lands
    // in the thread's shared spill buffer, not small_: parsed at once, so nothing needs it after,
    // and its first lines stay in cache, where small_ is a few cold lines per connection.
    error_code ec;
    std::vector<char>& spill = *env_.read_spill;  // fast_capable_ needs it
    const std::size_t n = plain_io::receive(socket_, spill.data(), spill.size(), ec);
    if (ec && (ec == net::error::would_block || ec == net::error::try_again)) {
      fast_skip_probe_ = 8;
      return read_fast();
    }
    next = after_read(*fast_rec_, ec, spill.data(), n, true, true);
  } catch (...) {
    return end_fast(fast_outcome::crashed, std::current_exception());
  }
  continue_fast(next);
}

void http1_session::continue_fast(next_io next) {
  try {
    if (next == next_io::spill) next = read_spill_now(*fast_rec_, true);
    if (next == next_io::read) return read_fast();
  } catch (...) {
    return end_fast(fast_outcome::crashed, std::current_exception());
  }
  // Outside the try: the report may start the next call, and must not be made twice.
  end_fast(next == next_io::retry ? fast_outcome::retry : fast_outcome::done);
}

void http1_session::end_fast(fast_outcome outcome, std::exception_ptr error) {
  if (outcome == fast_outcome::done) fast_rec_->done = steady_clock::now();
  retry_fast_request_ = outcome == fast_outcome::retry;
  // The callback may start the next call on this session: nothing here is touched after it.
  fast_done_(fast_ctx_, outcome, std::move(error));
}

void http1_session::take_response(call_record& rec) {
  if (tls_ && socket_requests_ == 1) {
    // Keep this connection's session for the next handshake. Taken after the first response:
    // TLS 1.3 session tickets arrive after the handshake.
    if (SSL_SESSION* fresh = SSL_get1_session(tls_->native_handle())) {
      if (extras_->tls_session) SSL_SESSION_free(extras_->tls_session);
      extras_->tls_session = fresh;
    }
  }
  rec.status = parser_.status();
  rec.error = transport_error::none;
  rec.header_bytes = parser_.header_bytes();
  rec.total_bytes = parser_.total_bytes();
  // -compression: a gzip body counts at its decompressed size (what Fortio's std client reports).
  if (gunzip_observer* g = gunzip(); g && g->gzip()) rec.total_bytes = parser_.header_bytes() + g->body_bytes();
  rec.envoy_overloaded = parser_.envoy_overloaded();
  rec.envoy_cause = classify_envoy_reply(rec.status, rec.envoy_overloaded, parser_.envoy_ratelimited(), parser_.body_prefix());
  rec.upstream_service_time_ms = parser_.upstream_service_time_ms();
  const run_options& o = env_.options;
  if (!parser_.keep_alive() || !o.keepalive || (reuse_limit_ > 0 && socket_requests_ >= reuse_limit_)) close_socket();
}

net::awaitable<bool> http1_session::request_once(call_record& rec, std::string_view request, bool head) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = socket_.is_open();
    if (!reused) {
      if (!co_await connect(rec)) co_return false;  // abandoned: the run stopped
      if (rec.error != transport_error::none) {  // the connect failed: the call ends now
        rec.done = steady_clock::now();
        co_return true;
      }
    } else if (rec.sent == 0) {
      rec.sent = steady_clock::now();
    }
    gunzip_observer* g = gunzip();
    parser_.reset(head, g ? g : env_.observer, env_.options.follow_redirects);
    const bool retry = tls_ ? co_await exchange_tls(rec, reused, request) : co_await exchange(rec, reused, request);
    if (!retry) break;
  }
  rec.done = steady_clock::now();
  co_return true;
}

net::awaitable<void> http1_session::follow_redirects(call_record& rec) {
  run_options hop = env_.options;  // copied only when a redirect is followed
  for (int n = 0; n < 10 && rec.status != status_transport_error && parser_.is_redirect(); ++n) {
    auto next = next_redirect(hop, rec.status, parser_.location());
    if (!next) co_return;  // a Location we cannot follow: the 3xx is the answer
    // Another origin needs another connection: the 3xx is this session's answer (curl goes on).
    if (!next->same_origin) {
      extras_->location = parser_.location();
      co_return;
    }
    hop = std::move(next->next);
    extras_->redirect_request = build_request(hop);
    rec.error = transport_error::none;
    const bool head = request_method(hop) == "HEAD";
    const bool made = co_await request_once(rec, extras_->redirect_request, head);
    if (!made) co_return;
  }
  if (rec.status != status_transport_error && parser_.is_redirect()) extras_->location = parser_.location();
}

// Note for GCC 12: keep every co_await's operands plain values. `co_await f(g())` inside an `if`
// condition, with g() a call, built a frame whose ramp and body disagreed (a crash on the first
// resume); so results are named first, then awaited.
net::awaitable<bool> http1_session::call_following(call_record& rec, std::string_view request) {
  const bool made = co_await request_once(rec, request, env_.requests.head);
  if (!made) co_return false;
  if (rec.status != status_transport_error && parser_.is_redirect()) co_await follow_redirects(rec);
  co_return true;
}

// Not a coroutine: without -L the call is request_once's own frame, one level less for each of
// thousands of connections to keep while its call is in flight.
net::awaitable<bool> http1_session::call(call_record& rec) {
  timed_out_ = false;
  queue_left_at_ = 0;
  if (extras_) {
    extras_->failure.clear();
    extras_->location.clear();
  }
  rec.error = transport_error::none;
  // After a fast call found its kept-alive socket dead, the same request goes on a new one.
  const std::string_view request = std::exchange(retry_fast_request_, false) ? fast_request_ : next_request();
  if (!env_.options.follow_redirects) return request_once(rec, request, env_.requests.head);
  return call_following(rec, request);
}

}  // namespace loadgen
