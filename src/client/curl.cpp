#include "loadgen/client/curl.hpp"

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <optional>
#include <random>

#include "loadgen/core/error.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/wire/response_parser.hpp"
#include "loadgen/wire/proxy.hpp"
#include "loadgen/platform/tls.hpp"

namespace loadgen {

namespace net = boost::asio;
using boost::system::error_code;
using net::generic::stream_protocol;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

class stream_observer : public response_observer {
public:
  stream_observer(std::ostream& head, std::ostream& body, bool following) : head_(head), body_(body), following_(following) {}
  void on_head(std::string_view text) override {
    head_.write(text.data(), static_cast<std::streamsize>(text.size()));
    head_.flush();
    // With -L, a redirect's own body is not the answer: only the final body goes to stdout.
    const std::string_view code = text.size() > 12 ? text.substr(9, 3) : std::string_view();
    skip_body_ = following_ && (code == "301" || code == "302" || code == "303" || code == "307" || code == "308");
  }
  void on_body(std::string_view bytes) override {
    if (!skip_body_) body_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

private:
  std::ostream& head_;
  std::ostream& body_;
  bool following_;
  bool skip_body_ = false;
};

struct target {
  stream_protocol::endpoint endpoint;
  std::string text;
  bool tcp = true;
};

target resolve(net::io_context& ctx, const run_options& o) {
  if (!o.unix_socket.empty()) return {net::local::stream_protocol::endpoint(o.unix_socket), o.unix_socket, false};
  const std::string host = o.proxy ? o.proxy->host : o.resolve_ip.empty() ? o.target.host : o.resolve_ip;
  const std::uint16_t port = o.proxy ? o.proxy->port : o.target.port;
  net::ip::tcp::resolver resolver(ctx);
  error_code ec;
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) throw run_error("cannot resolve host \"" + host + "\": " + (ec ? ec.message() : "no address"));
  net::ip::tcp::endpoint chosen = results.begin()->endpoint();
  for (const auto& r : results)
    if (r.endpoint().address().is_v4()) {
      chosen = r.endpoint();
      break;
    }
  return {stream_protocol::endpoint(chosen), o.proxy ? "proxy " + o.proxy->authority() : o.target.authority(), true};
}

// Write the request and read the whole response on an open stream (plain or TLS).
template <class Stream>
net::awaitable<void> request_response(Stream& stream, const target& t, const std::string& request, bool head_request,
                                      response_observer& observer, fetch_result& out) {
  auto [wec, n] = co_await net::async_write(stream, net::buffer(request), use_tuple);
  if (wec) {
    out.error = transport_error::write_failed;
    out.message = "cannot send the request to " + t.text + ": " + wec.message();
    co_return;
  }
  response_parser parser;
  parser.reset(head_request, &observer, true);
  std::array<char, 16384> buf;
  while (!parser.done() && !parser.failed()) {
    auto [rec, got] = co_await stream.async_read_some(net::buffer(buf), use_tuple);
    if (rec == net::error::eof || rec == net::ssl::error::stream_truncated) {
      parser.on_eof();
      break;
    }
    if (rec) {
      out.error = transport_error::reset;
      out.message = "reading the response from " + t.text + ": " + rec.message();
      co_return;
    }
    parser.feed(buf.data(), got);
  }
  if (parser.failed()) {
    out.error = parser.total_bytes() == 0 ? transport_error::closed : transport_error::bad_response;
    out.message = std::string("bad response from ") + t.text + ": " + parser.error();
    co_return;
  }
  out.status = parser.status();
  if (parser.is_redirect()) out.location = parser.location();
}

// Connect (and handshake for https), then the exchange; the caller bounds it with run_for(timeout).
net::awaitable<void> exchange(net::io_context& ctx, const run_options& o, const target& t, response_observer& observer,
                              fetch_result& out) {
  std::shared_ptr<net::ssl::context> tls_ctx;
  std::optional<net::ssl::stream<stream_protocol::socket>> tls;
  stream_protocol::socket plain(ctx);
  if (o.target.is_https()) {
    tls_ctx = make_client_tls(o);
    tls.emplace(ctx, *tls_ctx);
  }
  stream_protocol::socket& socket = tls ? tls->next_layer() : plain;
  error_code ec;
  socket.open(t.endpoint.protocol(), ec);
  if (!ec) std::tie(ec) = co_await socket.async_connect(t.endpoint, use_tuple);
  if (ec) {
    out.error = ec == net::error::connection_refused ? transport_error::refused : transport_error::connect_failed;
    out.message = "cannot connect to " + t.text + ": " + ec.message();
    co_return;
  }
  if (t.tcp) socket.set_option(net::ip::tcp::no_delay(true), ec);
  std::string request;
  std::mt19937_64 rng(std::random_device{}());
  render_request(build_request(o), rng, request);
  const bool head = request_method(o) == "HEAD";
  if (tls && o.proxy) {
    // https through a proxy: CONNECT first, then TLS inside the tunnel.
    auto [tec, tn] = co_await net::async_write(socket, net::buffer(connect_request(o.target, *o.proxy)), use_tuple);
    response_parser parser;
    parser.reset(true);
    std::array<char, 4096> buf;
    while (!tec && !parser.done() && !parser.failed()) {
      auto [rec, got] = co_await socket.async_read_some(net::buffer(buf), use_tuple);
      if (rec) break;
      parser.feed(buf.data(), got);
    }
    if (!parser.done() || parser.status() != 200) {
      out.error = transport_error::proxy;
      out.message = t.text + " refused the tunnel to " + o.target.authority() +
                    (parser.done() ? " with status " + std::to_string(parser.status()) : "");
      co_return;
    }
  }
  if (tls) {
    prepare_client_ssl(tls->native_handle(), o);
    auto [hec] = co_await tls->async_handshake(net::ssl::stream_base::client, use_tuple);
    if (hec) {
      out.error = transport_error::tls;
      out.message = "TLS with " + t.text + ": " + describe_tls_failure(tls->native_handle(), hec);
      co_return;
    }
    co_await request_response(*tls, t, request, head, observer, out);
  } else {
    co_await request_response(plain, t, request, head, observer, out);
  }
}

}  // namespace

fetch_result fetch_once(const run_options& o, std::ostream& head, std::ostream& body);

fetch_result fetch(const run_options& options, std::ostream& head, std::ostream& body) {
  // -L: follow up to 10 redirects; each hop's status line and headers go to `head`.
  run_options o = options;
  for (int hop = 0;; ++hop) {
    fetch_result r = fetch_once(o, head, body);
    if (!options.follow_redirects || r.location.empty()) return r;
    if (hop == 10) {
      r.message = "stopped after 10 redirects";
      return r;
    }
    const url next = resolve_location(o.target, r.location);
    if (next.authority() != o.target.authority() || next.scheme != o.target.scheme) o.host_override.clear();
    // 303 always, and 301/302 after a POST, continue as a GET without a body (as browsers do).
    if (r.status == 303 || ((r.status == 301 || r.status == 302) && request_method(o) == "POST")) {
      o.method = o.method == "HEAD" ? "HEAD" : "GET";
      o.payload.clear();
      o.has_payload = false;
      o.content_type.clear();
    }
    o.target = next;
    o.proxy = choose_proxy(o.target, o.proxy_flag, [](const char* name) { return std::getenv(name); });
  }
}

fetch_result fetch_once(const run_options& o, std::ostream& head, std::ostream& body) {
  net::io_context ctx;
  const target t = resolve(ctx, o);
  stream_observer observer(head, body, o.follow_redirects);
  fetch_result out;
  bool finished = false;
  std::exception_ptr failure;
  net::co_spawn(ctx, exchange(ctx, o, t, observer, out), [&](std::exception_ptr e) {
    finished = true;
    failure = e;
  });
  ctx.run_for(std::chrono::nanoseconds(o.timeout));
  body.flush();
  if (failure) std::rethrow_exception(failure);  // set-up errors (TLS files) are loadgen::error
  if (!finished) {
    out = fetch_result{};
    out.error = transport_error::timeout;
    out.message = "no complete response from " + t.text + " within the -timeout";
  }
  return out;
}

}  // namespace loadgen
