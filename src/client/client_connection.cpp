#include "client_connection.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "loadgen/wire/http_request.hpp"
#include "loadgen/platform/tls.hpp"
#include "worker.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::use_awaitable;
using boost::system::error_code;
constexpr auto use_tuple = net::as_tuple(use_awaitable);

namespace {

// Every connection starts with a small read buffer and grows it once when a response fills it:
// small responses then cost 2 KB per connection (20,000 connections fit), large ones few reads.
constexpr std::size_t small_buffer = 2 * 1024;
constexpr std::size_t large_buffer = 64 * 1024;

std::chrono::steady_clock::time_point to_time_point(nanos t) {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(t));
}

}  // namespace

client_connection::client_connection(worker& owner, int index, std::int64_t calls, std::int64_t planned_cap)
    : owner_(owner),
      index_(index),
      calls_left_(calls),
      planned_cap_(planned_cap),
      socket_(owner.context()),
      timer_(owner.context()),
      buffer_(small_buffer) {
  next_request_ = static_cast<std::size_t>(index);  // connections start at different -payload-lines
}

client_connection::~client_connection() {
  if (session_) SSL_SESSION_free(session_);
}

void client_connection::close_socket() noexcept {
  // Closing without a TLS close_notify would make OpenSSL mark the session unresumable; load
  // tests close connections on purpose (-connection-reuse, keepalive=false), so say the shutdown
  // was clean and keep the session for the next handshake.
  if (tls_) SSL_set_shutdown(tls_->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  error_code ignored;
  lowest().close(ignored);
  socket_requests_ = 0;
}

void client_connection::fail(call_record& rec, transport_error kind) noexcept {
  rec.status = status_transport_error;
  rec.error = kind;
  close_socket();
}

std::int64_t client_connection::draw_reuse_limit() {
  const run_options& o = *owner_.plan().options;
  if (o.reuse_max <= 0) return 0;
  if (o.reuse_min == o.reuse_max) return o.reuse_min;
  return std::uniform_int_distribution<std::int64_t>(o.reuse_min, o.reuse_max)(owner_.rng());
}

void client_connection::check_deadline(nanos now) {
  if (deadline_ != 0 && now >= deadline_) {
    timed_out_ = true;
    deadline_ = 0;
    error_code ignored;
    lowest().close(ignored);  // the pending connect/handshake/write/read completes with operation_aborted
  }
}

void client_connection::grant_connect() {
  connect_granted_ = true;
  timer_.cancel();
}

void client_connection::wake() {
  if (sleeping_) timer_.cancel();
}

net::awaitable<bool> client_connection::open_tunnel(call_record& rec) {
  // CONNECT through the proxy; its answer has no body we care about (head only).
  socket_type& socket = lowest();
  auto [wec, written] = co_await net::async_write(socket, net::buffer(owner_.plan().tunnel_request), use_tuple);
  parser_.reset(true);
  while (!wec && !parser_.done() && !parser_.failed()) {
    auto [rec_ec, n] = co_await socket.async_read_some(net::buffer(buffer_), use_tuple);
    if (rec_ec) {
      parser_.on_eof();
      break;
    }
    parser_.feed(buffer_.data(), n);
  }
  if (timed_out_) {
    fail(rec, transport_error::timeout);
    co_return false;
  }
  if (wec || !parser_.done() || parser_.status() != 200) {
    if (parser_.done()) owner_.stats().note_failure("proxy answered CONNECT with " + std::to_string(parser_.status()));
    fail(rec, transport_error::proxy);
    co_return false;
  }
  co_return true;
}

net::awaitable<bool> client_connection::connect(call_record& rec) {
  if (!owner_.try_start_connect(this)) {
    // Wait for one of the worker's connect slots (see worker::max_connects_in_flight).
    // The wait is our own queueing, not the server's slowness: -timeout starts once the
    // connect does.
    const nanos deadline = deadline_;
    deadline_ = 0;
    connect_granted_ = false;
    timer_.expires_at(net::steady_timer::time_point::max());
    while (!connect_granted_) co_await timer_.async_wait(use_tuple);
    if (deadline != 0) deadline_ = steady_clock::now() + owner_.plan().options->timeout;
  }
  const bool ok = co_await open_connection(rec);
  owner_.end_connect();
  co_return ok;
}

net::awaitable<bool> client_connection::open_connection(call_record& rec) {
  const run_plan& plan = owner_.plan();
  const nanos began = steady_clock::now();
  if (plan.tls) tls_.emplace(owner_.context(), *plan.tls);  // a fresh SSL object per connection
  socket_type& socket = lowest();
  error_code ec;
  socket.open(plan.endpoint.protocol(), ec);
  if (!ec) {
    auto [cec] = co_await socket.async_connect(plan.endpoint, use_tuple);
    ec = cec;
  }
  owner_.stats().record_connect(index_, plan.endpoint_text, steady_clock::now() - began);
  if (ec) {
    if (timed_out_) fail(rec, transport_error::connect_timeout);
    else if (ec == net::error::connection_refused) fail(rec, transport_error::refused);
    else fail(rec, transport_error::connect_failed);
    co_return false;
  }
  if (plan.tcp) socket.set_option(net::ip::tcp::no_delay(true), ec);
  if (!plan.tunnel_request.empty() && !co_await open_tunnel(rec)) co_return false;
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    prepare_client_ssl(ssl, *plan.options);
    if (session_) SSL_set_session(ssl, session_);
    const nanos hs_began = steady_clock::now();
    auto [hec] = co_await tls_->async_handshake(net::ssl::stream_base::client, use_tuple);
    if (hec) {
      fail(rec, timed_out_ ? transport_error::timeout : transport_error::tls);
      owner_.stats().note_failure(describe_tls_failure(ssl, hec));
      co_return false;
    }
    owner_.stats().record_handshake(steady_clock::now() - hs_began, SSL_session_reused(ssl) == 1);
  }
  socket_requests_ = 0;
  reuse_limit_ = draw_reuse_limit();
  co_return true;
}

template <class Stream>
net::awaitable<bool> client_connection::exchange(Stream& stream, call_record& rec, bool reused, std::string_view request) {
  const run_plan& plan = owner_.plan();
  if (request.empty()) {
    // The common case is one prebuilt request, written as is; per-call variation costs only when used.
    const std::string& base = plan.requests.size() == 1 ? plan.requests.front()
                                                        : plan.requests[next_request_++ % plan.requests.size()];
    request = base;
    if (plan.per_call_uuid) {
      render_request(base, owner_.rng(), rendered_);
      request = rendered_;
    }
  }
  auto [wec, written] = co_await net::async_write(stream, net::buffer(request.data(), request.size()), use_tuple);
  if (wec) {
    if (timed_out_) fail(rec, transport_error::timeout);
    else if (reused) {
      close_socket();
      co_return true;
    } else fail(rec, transport_error::write_failed);
    co_return false;
  }
  ++socket_requests_;
  parser_.reset(plan.head_request, nullptr, plan.options->follow_redirects);
  for (;;) {
    auto [rec_ec, n] = co_await stream.async_read_some(net::buffer(buffer_), use_tuple);
    if (rec_ec == net::ssl::error::stream_truncated) rec_ec = net::error::eof;  // closed without close_notify
    if (rec_ec) {
      if (timed_out_) {
        fail(rec, transport_error::timeout);
        co_return false;
      }
      if (rec_ec == net::error::eof) parser_.on_eof();
      const bool nothing_yet = parser_.total_bytes() == 0;
      if (reused && nothing_yet && (rec_ec == net::error::eof || rec_ec == net::error::connection_reset)) {
        // A kept-alive socket the server had already closed: retry once on a new one.
        close_socket();
        co_return true;
      }
      if (!parser_.done()) {
        fail(rec, rec_ec == net::error::eof ? transport_error::closed : transport_error::reset);
        co_return false;
      }
      break;  // a close-delimited body ended with EOF
    }
    const std::size_t used = parser_.feed(buffer_.data(), n);
    if (parser_.failed()) {
      fail(rec, transport_error::bad_response);
      co_return false;
    }
    if (parser_.done()) {
      if (used != n) close_socket();  // bytes nobody asked for: do not trust this socket again
      break;
    }
    if (n == buffer_.size() && buffer_.size() < large_buffer) buffer_.resize(large_buffer);
  }
  if (tls_ && socket_requests_ == 1) {
    // Keep this connection's session for the next handshake. Taken after the first response:
    // TLS 1.3 session tickets arrive after the handshake.
    if (SSL_SESSION* fresh = SSL_get1_session(tls_->native_handle())) {
      if (session_) SSL_SESSION_free(session_);
      session_ = fresh;
    }
  }
  rec.status = parser_.status();
  rec.header_bytes = parser_.header_bytes();
  rec.total_bytes = parser_.total_bytes();
  rec.envoy_overloaded = parser_.envoy_overloaded();
  rec.upstream_service_time_ms = parser_.upstream_service_time_ms();
  const run_options& o = *plan.options;
  if (!parser_.keep_alive() || !o.keepalive || (reuse_limit_ > 0 && socket_requests_ >= reuse_limit_))
    close_socket();
  co_return false;
}

net::awaitable<void> client_connection::call(call_record& rec) {
  const run_plan& plan = owner_.plan();
  rec.sent = steady_clock::now();
  deadline_ = rec.sent + plan.options->timeout;
  timed_out_ = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = lowest().is_open();
    if (!reused && !co_await connect(rec)) break;
    const bool retry = tls_ ? co_await exchange(*tls_, rec, reused) : co_await exchange(socket_, rec, reused);
    if (!retry) break;
  }
  if (plan.options->follow_redirects && rec.status != status_transport_error && parser_.is_redirect())
    co_await follow_redirects(rec);
  deadline_ = 0;
  rec.done = steady_clock::now();
}

net::awaitable<void> client_connection::follow_redirects(call_record& rec) {
  const run_plan& plan = owner_.plan();
  run_options hop = *plan.options;  // copied only when a redirect is followed
  for (int n = 0; n < 10 && rec.status != status_transport_error && parser_.is_redirect() && !parser_.location().empty(); ++n) {
    url next;
    try {
      next = resolve_location(hop.target, parser_.location());
    } catch (const std::exception&) {
      co_return;  // a Location we cannot follow: the 3xx is the answer
    }
    // Another origin would need another connection pool: the 3xx counts as the final status.
    if (next.scheme != hop.target.scheme || next.authority() != hop.target.authority()) co_return;
    if (rec.status == 303 || ((rec.status == 301 || rec.status == 302) && request_method(hop) == "POST")) {
      hop.method = "GET";
      hop.payload.clear();
      hop.has_payload = false;
      hop.content_type.clear();
    }
    hop.target = next;
    redirect_request_ = build_request(hop);
    if (!lowest().is_open() && !co_await connect(rec)) co_return;
    if (tls_) co_await exchange(*tls_, rec, false, redirect_request_);
    else co_await exchange(socket_, rec, false, redirect_request_);
  }
}

net::awaitable<void> client_connection::warmup(call_record* result) {
  result->due = steady_clock::now();
  co_await call(*result);
}

net::awaitable<void> client_connection::wait_until(nanos due, nanos busy_wait) {
  const std::atomic<bool>& stop = owner_.plan().stop;
  if (due - busy_wait > steady_clock::now()) {
    timer_.expires_at(to_time_point(due - busy_wait));
    sleeping_ = true;
    co_await timer_.async_wait(use_tuple);
    sleeping_ = false;
  }
  // Spin for the last stretch, going round the event loop each time so that the other
  // connections' I/O (and their response timestamps) is not held up.
  const auto executor = owner_.context().get_executor();
  while (steady_clock::now() < due && !stop.load(std::memory_order_relaxed))
    co_await net::post(executor, use_awaitable);
}

net::awaitable<void> client_connection::run() {
  const run_plan& plan = owner_.plan();
  const run_options& o = *plan.options;
  if (plan.qps_per_connection > 0) {
    schedule_config sc;
    sc.qps = plan.qps_per_connection;
    sc.connection_index = index_;
    sc.connections = plan.connections;
    sc.uniform = o.uniform;
    sc.jitter = o.jitter;
    sc.arrival = o.arrival;
    sc.ramp = o.ramp;
    sc.seed = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(index_ + 1);
    schedule_.emplace(sc, plan.start);
  }
  std::int64_t made = 0;
  nanos previous_done = 0;  // when the previous call on this connection ended
  const int abort_on = o.abort_on;
  for (;;) {
    if (plan.stop.load(std::memory_order_relaxed)) break;
    if (calls_left_ == 0) break;
    if (planned_cap_ > 0 && made >= planned_cap_) break;
    call_record rec;
    if (schedule_) {
      rec.due = schedule_->next();
      if (rec.due >= plan.end) break;
      rec.connection_busy = previous_done > rec.due;
      nanos now = steady_clock::now();
      if (o.nocatchup && now > rec.due + schedule_->interval()) {
        // This slot passed while the connection was busy: skip it rather than send late.
        owner_.stats().record_skipped();
        if (calls_left_ > 0) --calls_left_;
        ++made;
        continue;
      }
      if (rec.due > now) {
        co_await wait_until(rec.due, o.busy_wait);
        if (plan.stop.load(std::memory_order_relaxed)) break;
      }
    } else {
      rec.due = steady_clock::now();
      if (rec.due >= plan.end) break;
    }
    if (calls_left_ > 0) --calls_left_;
    ++made;
    co_await call(rec);
    previous_done = rec.done;
    owner_.stats().record(rec);
    if (abort_on != 0 && rec.status == abort_on) {
      owner_.abort_run();
      break;
    }
  }
  close_socket();
  owner_.connection_done();
}

}  // namespace loadgen
