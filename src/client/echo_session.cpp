// Fortio's TCP and UDP echo runners as sessions (tcp://host:port, udp://host:port): each call
// writes its payload, reads the echo back and checks it is the same bytes. The connection slot,
// the schedule and the statistics are the HTTP ones: only the I/O differs.
//
// As Fortio's: a connection (a connected UDP socket) is kept while calls succeed and replaced
// after any failure; a write that fails on a kept connection is retried once on a new one; the
// payload is -payload / -payload-size / -payload-file, or Fortio's generated 24 bytes that name
// the connection and the message; bytes are counted as written and read, warmup included.
#include <cstring>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "connect_gate.hpp"
#include "loadgen/client/session.hpp"
#include "loadgen/core/echo.hpp"
#include "route.hpp"

namespace loadgen {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// What both echo sessions share: the payload of each call, the counters, the failure line.
class echo_session : public session {
public:
  explicit echo_session(const session_env& env) : env_(env), next_line_(static_cast<std::size_t>(env.index)) {}

  const std::string& failure() const noexcept override { return failure_; }
  const std::string& location() const noexcept override { return no_location_; }

protected:
  // The next call's bytes: the -payload-lines line (round robin, each connection starting at its
  // own), the payload given, or Fortio's generated one for this connection and message.
  std::string_view next_payload() {
    ++messages_;
    const run_options& o = env_.options;
    if (!o.payload_lines.empty()) return o.payload_lines[next_line_++ % o.payload_lines.size()];
    if (o.has_payload) return o.payload;
    default_echo_payload(env_.index, messages_, generated_);
    return generated_;
  }

  void count_bytes(std::size_t sent, std::size_t received) noexcept {
    if (env_.stats) env_.stats->record_bytes(static_cast<std::int64_t>(sent), static_cast<std::int64_t>(received));
  }

  // A call that got `received` back for `sent`: OK, or failed as judge_echo() says.
  void judge(call_record& rec, std::string_view sent, std::string_view received) {
    rec.total_bytes = static_cast<std::int64_t>(received.size());
    const transport_error verdict = judge_echo(sent, received);
    if (verdict != transport_error::none) {
      fail(rec, verdict);
      return;
    }
    rec.status = status_echo_ok;
    rec.error = transport_error::none;
  }

  // Marks the call failed and drops the connection (the next call makes a new one, as Fortio).
  void fail(call_record& rec, transport_error kind) {
    rec.status = status_transport_error;
    rec.error = kind;
    if (env_.describe_failures)
      failure_ = echo_ret_code(env_.options.target.scheme, rec.status, kind, env_.where.endpoint_text);
    close();
  }

  void begin_call(call_record& rec) {
    timed_out_ = false;
    failure_.clear();
    rec.error = transport_error::none;
  }

  void mark_sent(call_record& rec) const {
    if (rec.sent == 0) rec.sent = steady_clock::now();
  }

  session_env env_;
  std::vector<char> buffer_;
  bool timed_out_ = false;  // abort() ended the pending operation

private:
  std::size_t next_line_;
  std::int64_t messages_ = 0;  // messages sent on this connection slot (Fortio's messageCount)
  std::string generated_;
  std::string failure_;
  std::string no_location_;
};

// tcp://: one TCP (or -unix-socket) stream per connection slot, kept while calls succeed.
class tcp_echo_session final : public echo_session {
public:
  explicit tcp_echo_session(const session_env& env) : echo_session(env), socket_(env.io), gate_timer_(env.io) {
    gate_waiter_.timer = &gate_timer_;
  }

  net::awaitable<bool> call(call_record& rec) override;
  void abort() noexcept override {
    timed_out_ = true;
    if (waiting_for_gate_) gate_timer_.cancel();
    close();  // the pending connect, write or read completes with operation_aborted
  }
  void stop() noexcept override {
    stopping_ = true;
    if (waiting_for_gate_) gate_timer_.cancel();
  }
  connect_queue_state connect_queue() const noexcept override { return {waiting_for_gate_, queue_left_at_}; }
  void close() noexcept override {
    error_code ignored;
    socket_.close(ignored);
  }

private:
  // Opens the connection (after a slot of the gate); a failed connect fails rec. false:
  // abandoned, the run stopped while it waited for a slot.
  net::awaitable<bool> connect(call_record& rec);
  // Writes and reads back one payload. true: the write failed on a kept connection, which may
  // be retried once on a new one.
  net::awaitable<bool> exchange(call_record& rec, bool reused);

  net::generic::stream_protocol::socket socket_;
  net::steady_timer gate_timer_;
  connect_gate::waiter gate_waiter_;
  bool waiting_for_gate_ = false;
  nanos queue_left_at_ = 0;  // this call's connect started after a wait in the queue (0: none)
  bool stopping_ = false;
};

net::awaitable<bool> tcp_echo_session::connect(call_record& rec) {
  const gate_result entry =
      co_await wait_for_slot(env_.gate, gate_waiter_, gate_timer_, waiting_for_gate_, timed_out_, stopping_,
                        queue_left_at_);
  if (entry == gate_result::stopped) co_return false;
  mark_sent(rec);  // the wait for a connect slot is dispatch lag, not service time
  if (entry == gate_result::timed_out) {
    fail(rec, transport_error::connect_timeout);
    co_return true;
  }
  gate_pass pass(env_.gate);
  const route& where = env_.where;
  const nanos began = steady_clock::now();
  error_code ec;
  socket_.open(where.endpoint.protocol(), ec);
  if (!ec) std::tie(ec) = co_await socket_.async_connect(where.endpoint, use_tuple);
  if (env_.stats) env_.stats->record_connect(env_.index, where.endpoint_text, steady_clock::now() - began);
  pass.answered = !timed_out_;  // the network answered, or our -timeout ended it (see connect_gate)
  if (ec) {
    fail(rec, timed_out_                              ? transport_error::connect_timeout
              : ec == net::error::connection_refused ? transport_error::refused
                                                     : transport_error::connect_failed);
    co_return true;
  }
  if (where.tcp) socket_.set_option(net::ip::tcp::no_delay(true), ec);
  co_return true;
}

net::awaitable<bool> tcp_echo_session::exchange(call_record& rec, bool reused) {
  const std::string_view payload = next_payload();
  auto [wec, written] = co_await net::async_write(socket_, net::buffer(payload.data(), payload.size()), use_tuple);
  count_bytes(written, 0);
  if (wec) {
    if (timed_out_) fail(rec, transport_error::timeout);
    else if (reused) {
      close();
      co_return true;
    } else fail(rec, transport_error::write_failed);
    co_return false;
  }
  if (buffer_.size() < payload.size()) buffer_.resize(payload.size());
  auto [rec_ec, got] = co_await net::async_read(socket_, net::buffer(buffer_.data(), payload.size()), use_tuple);
  count_bytes(0, got);
  rec.total_bytes = static_cast<std::int64_t>(got);
  if (rec_ec) {
    fail(rec, timed_out_ ? transport_error::timeout
              : rec_ec == net::error::eof ? transport_error::closed
                                          : transport_error::reset);
    co_return false;
  }
  judge(rec, payload, std::string_view(buffer_.data(), got));
  co_return false;
}

net::awaitable<bool> tcp_echo_session::call(call_record& rec) {
  begin_call(rec);
  queue_left_at_ = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = socket_.is_open();
    if (!reused) {
      const bool made = co_await connect(rec);
      if (!made) co_return false;  // abandoned: the run stopped
      if (rec.error != transport_error::none) break;
    } else {
      mark_sent(rec);
    }
    const bool retry = co_await exchange(rec, reused);
    if (!retry) break;
  }
  rec.done = steady_clock::now();
  co_return true;
}

// udp://: one connected UDP socket per connection slot, kept while calls succeed. One datagram
// out, one back: a shorter one (or none, the port being closed) is a short read, a longer or
// different one is not an echo, none within -udp-timeout is a timeout.
class udp_echo_session final : public echo_session {
public:
  explicit udp_echo_session(const session_env& env) : echo_session(env), socket_(env.io) {
    // The route resolved the target as a stream endpoint: the same sockaddr, as UDP.
    std::memcpy(peer_.data(), env.where.endpoint.data(), env.where.endpoint.size());
    peer_.resize(env.where.endpoint.size());
  }

  net::awaitable<bool> call(call_record& rec) override;
  void abort() noexcept override {
    timed_out_ = true;
    close();
  }
  void stop() noexcept override {}
  void close() noexcept override {
    error_code ignored;
    socket_.close(ignored);
  }

private:
  // Opens and connects the socket (no packet is sent: it only fixes the peer). false: failed.
  bool open(call_record& rec);
  net::awaitable<bool> exchange(call_record& rec, bool reused);

  net::ip::udp::socket socket_;
  net::ip::udp::endpoint peer_;
};

bool udp_echo_session::open(call_record& rec) {
  const nanos began = steady_clock::now();
  error_code ec;
  socket_.open(peer_.protocol(), ec);
  if (!ec) socket_.connect(peer_, ec);
  if (env_.stats) env_.stats->record_connect(env_.index, env_.where.endpoint_text, steady_clock::now() - began);
  if (ec) fail(rec, transport_error::connect_failed);
  return !ec;
}

net::awaitable<bool> udp_echo_session::exchange(call_record& rec, bool reused) {
  const std::string_view payload = next_payload();
  auto [wec, written] = co_await socket_.async_send(net::buffer(payload.data(), payload.size()), use_tuple);
  count_bytes(written, 0);
  if (wec) {
    if (timed_out_) fail(rec, transport_error::timeout);
    else if (reused) {
      close();
      co_return true;
    } else fail(rec, transport_error::write_failed);
    co_return false;
  }
  // One byte more than sent, to tell a longer datagram from an echo.
  if (buffer_.size() < payload.size() + 1) buffer_.resize(payload.size() + 1);
  auto [rec_ec, got] = co_await socket_.async_receive(net::buffer(buffer_.data(), payload.size() + 1), use_tuple);
  count_bytes(0, got);
  rec.total_bytes = static_cast<std::int64_t>(got);
  if (rec_ec) {
    // A closed port answers with ICMP: the receive fails with "connection refused", which Fortio
    // counts as a short read (nothing came back), as any other receive failure.
    fail(rec, timed_out_ ? transport_error::timeout : transport_error::closed);
    co_return false;
  }
  judge(rec, payload, std::string_view(buffer_.data(), got));
  co_return false;
}

net::awaitable<bool> udp_echo_session::call(call_record& rec) {
  begin_call(rec);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = socket_.is_open();
    mark_sent(rec);
    if (!reused && !open(rec)) break;
    const bool retry = co_await exchange(rec, reused);
    if (!retry) break;
  }
  rec.done = steady_clock::now();
  co_return true;
}

}  // namespace

std::unique_ptr<session> make_tcp_echo_session(const session_env& env) { return std::make_unique<tcp_echo_session>(env); }
std::unique_ptr<session> make_udp_echo_session(const session_env& env) { return std::make_unique<udp_echo_session>(env); }

session_factory session_for(const url& target) {
  if (target.scheme == "tcp") return make_tcp_echo_session;
  if (target.scheme == "udp") return make_udp_echo_session;
  return make_http1_session;
}

session_factory session_for(const run_options& options, int streams_per_connection) {
  if (options.h2 && !options.target.is_echo()) return make_h2_sessions(streams_per_connection);
  return session_for(options.target);
}

}  // namespace loadgen
