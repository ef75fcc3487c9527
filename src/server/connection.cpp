#include "connection.hpp"
#include "h2_serve.hpp"
#include "listen.hpp"

#include <exception>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <spdlog/spdlog.h>

#include "loadgen/wire/h2_server_rules.hpp"

namespace loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

template <class Stream>
tcp::socket& lowest(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) return s;
  else return s.next_layer();
}

// One request with a plan: the circuit breaker (which decides before any delay: a shed request
// is answered at once), the delay, the answer. Returns false when the breaker shed it (out holds
// Envoy's 503).
net::awaitable<bool> answer_planned(server_thread& t, shared_state& sh, const echo_request& req,
                                    echo_decision& d, const echo_env& env, bool& keep_alive, std::string& out) {
  echo_plan& plan = *d.plan;
  std::optional<breaker_slot> slot;  // gives the slot back on every way out
  if (sh.breaker_ && !(d.page && d.page->outside_breaker)) {
    slot.emplace(*sh.breaker_, t.ctx.get_executor());
    co_await slot->wait();
    if (slot->shed()) {
      append_overflow(out, t.date, keep_alive);
      co_return false;
    }
  }
  if (sh.on_admitted) sh.on_admitted(req);
  if (plan.delay > 0) {
    net::steady_timer timer(t.ctx);
    timer.expires_after(std::chrono::nanoseconds(plan.delay));
    co_await timer.async_wait(use_tuple);
  }
  if (plan.close) keep_alive = false;
  // The once-a-second tick replaces t.date (a new string) while we wait above: a view taken
  // before the waits would dangle, so the Date is read now.
  echo_env now = env;
  now.date = t.date;
  append_echo_response(out, req, plan, d.debug, now, keep_alive, d.page ? &*d.page : nullptr);
  if (slot) slot->release();  // before the write, as the answer is complete
  co_return true;
}

std::string_view unread(const boost::beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.data().size()};
}

// A plain connection's first bytes: true when they are HTTP/2's client preface (h2c with prior
// knowledge), false for HTTP/1.1 (or a closed connection). What was read stays in buffer.
net::awaitable<bool> starts_with_h2_preface(tcp::socket& socket, boost::beast::flat_buffer& buffer) {
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), use_tuple);
    if (ec) co_return false;
    buffer.commit(n);
    const h2_preface_match m = match_h2_preface(unread(buffer));
    if (m != h2_preface_match::undecided) co_return m == h2_preface_match::h2;
  }
}

// An HTTP/1.1 request asking to switch to h2c (RFC 7540 §3.2): its decoded HTTP2-Settings.
std::optional<std::string> h2c_settings(const echo_request& req) {
  const auto upgrade = req.find(http::field::upgrade);
  if (upgrade == req.end()) return std::nullopt;
  const auto settings = req.find("HTTP2-Settings");
  std::optional<std::string_view> payload;
  if (settings != req.end()) payload = std::string_view(settings->value().data(), settings->value().size());
  return h2c_upgrade_settings(std::string_view(upgrade->value().data(), upgrade->value().size()), payload);
}

template <class Stream>
net::awaitable<void> serve_requests(Stream& stream, server_thread& t, shared_state& sh, connection_state& state,
                                    const std::string& peer) {
  const server_options& o = *sh.options;
  boost::beast::flat_buffer buffer;
  std::string out;
  std::uniform_real_distribution<double> percent(0, 100);
  constexpr bool plain = std::is_same_v<Stream, tcp::socket>;
  if constexpr (plain) {
    const bool h2 = co_await starts_with_h2_preface(stream, buffer);
    if (h2) {
      co_await serve_h2(stream, unread(buffer), nullptr, t, sh, state, peer, h2_service::echo);
      co_return;
    }
    if (buffer.size() == 0) co_return;  // closed before a byte
  }
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(static_cast<std::uint64_t>(o.limits.max_size));
    parser.header_limit(64 * 1024);
    state.idle = true;
    state.idle_since = steady_clock::now();
    auto [rec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    state.idle = false;
    out.clear();
    if (rec == http::error::body_limit || rec == http::error::header_limit) {
      append_too_large(out, rec == http::error::body_limit, t.date);
      co_await net::async_write(stream, net::buffer(out), use_tuple);
      break;
    }
    if (rec) break;
    const echo_request& req = parser.get();
    if constexpr (plain) {
      if (auto settings = h2c_settings(req)) {
        static constexpr std::string_view switching =
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
        auto [uec, uwritten] = co_await net::async_write(stream, net::buffer(switching), use_tuple);
        if (uec) break;
        h2c_upgrade upgrade{parser.release(), std::move(*settings)};
        co_await serve_h2(stream, unread(buffer), &upgrade, t, sh, state, peer, h2_service::echo);
        break;
      }
    }
    bool keep_alive = req.keep_alive() && !t.stopping;
    echo_decision d = decide_echo(req, o, [&] { return percent(t.rng); });
    ++t.served;
    if (!d.plan) {
      append_bad_request(out, d.error, t.date, keep_alive);
    } else {
      const echo_env env{&o, t.date, sh.random_bytes, sh.hostname, peer, sh.started};
      const bool answered = co_await answer_planned(t, sh, req, d, env, keep_alive, out);
      if (!answered) {
        co_await net::async_write(stream, net::buffer(out), use_tuple);
        if (!keep_alive) break;
        continue;
      }
    }
    auto [wec, written] = co_await net::async_write(stream, net::buffer(out), use_tuple);
    if (wec || !keep_alive) break;
  }
}

template <class Stream>
net::awaitable<void> serve(Stream stream, server_thread& t, shared_state& sh, bool grpc) {
  tcp::socket& socket = lowest(stream);
  connection_state state;
  state.socket = &socket;
  state.idle_since = steady_clock::now();
  const connection_registration registration(t, state);
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string peer;
  if (auto ep = socket.remote_endpoint(ec); !ec) peer = peer_text(ep);  // as Go: IPv4 unmapped, [v6]:port
  bool h2 = false;
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
    if (hec) co_return;
    const unsigned char* proto = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(stream.native_handle(), &proto, &length);
    h2 = proto && std::string_view(reinterpret_cast<const char*>(proto), length) == "h2";
  }
  if (grpc) co_await serve_h2(stream, {}, nullptr, t, sh, state, peer, h2_service::grpc);
  else if (h2) co_await serve_h2(stream, {}, nullptr, t, sh, state, peer, h2_service::echo);
  else co_await serve_requests(stream, t, sh, state, peer);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

}  // namespace

net::awaitable<void> serve_connection(tcp::socket socket, server_thread& t, shared_state& sh, bool grpc) {
  if (sh.tls) return serve(net::ssl::stream<tcp::socket>(std::move(socket), *sh.tls), t, sh, grpc);
  return serve(std::move(socket), t, sh, grpc);
}

void spawn_connection(tcp::socket socket, server_thread& t, shared_state& sh, bool grpc) {
  net::co_spawn(t.ctx, serve_connection(std::move(socket), t, sh, grpc), [&t](std::exception_ptr e) {
    if (!e) return;
    ++t.failed;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::debug("connection ended by an internal error: {}", ex.what());
    } catch (...) {
      spdlog::debug("connection ended by an internal error");
    }
  });
}

}  // namespace loadgen
