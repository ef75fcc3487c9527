#include "side_servers.hpp"

#include <array>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "echo_handler.hpp"
#include "forwarder.hpp"
#include "listen.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/forward_specs.hpp"
#include "loadgen/wire/https_redirect.hpp"

namespace loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::uint64_t redirect_body_limit = 1 << 20;  // a body sent to the redirector is read and dropped

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

bool is_parse_error(const error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

// -redirect-port: every request gets Fortio's 303 to the same URL on https.
net::awaitable<void> serve_redirect(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  std::string out;
  error_code ig;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(redirect_body_limit);
    parser.header_limit(64 * 1024);
    auto [ec, n] = co_await http::async_read(socket, buffer, parser, use_tuple);
    out.clear();
    if (ec) {
      if (is_parse_error(ec)) {
        append_go_bad_request(out);
        co_await net::async_write(socket, net::buffer(out), use_tuple);
      }
      break;
    }
    const auto& req = parser.get();
    if (req.version() >= 11 && req.find(http::field::host) == req.end()) {
      append_go_bad_request(out, "missing required Host header");
      co_await net::async_write(socket, net::buffer(out), use_tuple);
      break;
    }
    const auto location = https_redirect_location(req[http::field::host], req.target());
    if (!location) {
      append_go_bad_request(out);
      co_await net::async_write(socket, net::buffer(out), use_tuple);
      break;
    }
    spdlog::debug("Redirecting to {}", *location);
    const bool keep_alive = req.keep_alive();
    append_https_redirect(out, req.method_string(), *location, http_date(), keep_alive, req.version() == 10 ? 10 : 11);
    auto [wec, w] = co_await net::async_write(socket, net::buffer(out), use_tuple);
    if (wec || !keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ig);
  socket.close(ig);
}

// -P: both directions of one proxied connection; the sockets close when both have ended.
struct proxy_pair {
  tcp::socket client, upstream;
  int ended = 0;
};

// Copies one direction until its reader ends (end of stream or error), then passes the half-close
// on (shutdown of the other side's sending half), as Fortio's transfer() does.
net::awaitable<void> pump(std::shared_ptr<proxy_pair> p, bool to_upstream) {
  tcp::socket& from = to_upstream ? p->client : p->upstream;
  tcp::socket& to = to_upstream ? p->upstream : p->client;
  std::array<char, 16 * 1024> buf;
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(net::buffer(buf), use_tuple);
    if (n > 0) {
      auto [wec, w] = co_await net::async_write(to, net::buffer(buf.data(), n), use_tuple);
      if (wec) break;
    }
    if (ec) break;
  }
  error_code ig;
  from.shutdown(tcp::socket::shutdown_receive, ig);
  to.shutdown(tcp::socket::shutdown_send, ig);
  if (++p->ended == 2) {
    p->client.close(ig);
    p->upstream.close(ig);
  }
}

struct proxy_listener {
  std::unique_ptr<tcp::acceptor> acceptor;
  tcp::resolver::results_type destination;  // resolved once at start, as Fortio
  std::string flag_text;                    // -P "8888 host:80", for messages
};

net::awaitable<void> serve_proxy(tcp::socket client, const proxy_listener& l) {
  tcp::socket upstream(client.get_executor());
  auto [ec, ep] = co_await net::async_connect(upstream, l.destination, use_tuple);
  error_code ig;
  if (ec) {
    spdlog::error("{}: cannot connect to the destination: {}", l.flag_text, ec.message());
    client.close(ig);
    co_return;
  }
  client.set_option(tcp::no_delay(true), ig);
  upstream.set_option(tcp::no_delay(true), ig);
  auto p = std::make_shared<proxy_pair>(proxy_pair{std::move(client), std::move(upstream)});
  const auto ex = p->client.get_executor();
  net::co_spawn(ex, pump(p, true), net::detached);
  net::co_spawn(ex, pump(p, false), net::detached);
}

// Accepts until the acceptor is closed; on_accept spawns the connection's coroutine.
net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::function<void(tcp::socket)> on_accept) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {  // out of file descriptors, say: try again a little later instead of spinning
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    on_accept(std::move(socket));
  }
}

void log_spawn_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::debug("side server connection ended by an internal error: {}", ex.what());
  } catch (...) {
  }
}

}  // namespace

struct side_servers::impl {
  // Declared first, destroyed last: the -M pools hold sockets of ctx, emptied in ~impl first.
  std::vector<std::unique_ptr<multi_server>> multis;
  net::io_context ctx{1};
  std::unique_ptr<tcp::acceptor> redirect;
  std::vector<proxy_listener> proxies;
  std::vector<std::unique_ptr<tcp::acceptor>> multi_acceptors;  // multi_acceptors[i] serves multis[i]
  std::thread thread;
  std::vector<std::string> listening;  // logged at start(), once every listener is bound

  std::unique_ptr<tcp::acceptor> bind(const std::string& spec, const std::string& flag, const std::string& what) {
    tcp::endpoint ep = listen_endpoint(spec, flag);
    check_port_is_free(ep, what);
    return open_acceptor(ctx, ep, what);
  }
};

side_servers::side_servers(const server_options& o) : impl_(std::make_unique<impl>()) {
  impl& s = *impl_;
  if (o.redirect_listen != "disabled") {
    s.redirect = s.bind(o.redirect_listen, "-redirect-port", "-redirect-port " + o.redirect_listen);
    s.listening.push_back(fmt::format("loadgen {} https redirector listening on {}", version,
                                      endpoint_text(s.redirect->local_endpoint())));
  }
  for (const auto& value : o.tcp_proxies) {
    const tcp_proxy_spec spec = parse_tcp_proxy_spec(value);
    proxy_listener l;
    l.flag_text = "-P \"" + value + "\"";
    tcp::resolver resolver(s.ctx);
    error_code ec;
    l.destination = resolver.resolve(spec.host, spec.port, ec);
    if (ec || l.destination.empty())
      throw run_error(l.flag_text + ": cannot resolve \"" + spec.host + "\": " + (ec ? ec.message() : "no address"));
    l.acceptor = s.bind(spec.listen, "-P", "-P " + spec.listen);
    s.listening.push_back(fmt::format("loadgen {} TCP proxy to {}:{} listening on {}", version, spec.host, spec.port,
                                      endpoint_text(l.acceptor->local_endpoint())));
    s.proxies.push_back(std::move(l));
  }
  std::shared_ptr<net::ssl::context> client_tls;
  for (const auto& value : o.multi_servers) {
    const multi_spec spec = parse_multi_spec(value, o.multi_mirror_origin);
    for (const auto& t : spec.assumed_http) spdlog::info("Assuming http:// on missing scheme for '{}'", t);
    std::vector<url> targets;
    for (const auto& t : spec.targets) {
      url u = parse_url(t);
      if (u.is_https() && !client_tls) {
        run_options tls_opts;
        tls_opts.insecure = o.insecure;
        tls_opts.ca_cert = o.ca_cert;
        client_tls = make_client_tls(tls_opts);
      }
      targets.push_back(std::move(u));
    }
    auto acceptor = s.bind(spec.listen, "-M", "-M " + spec.listen);
    s.listening.push_back(fmt::format("loadgen {} multi-server ({}) to {} listening on {}", version,
                                      o.multi_serial ? "serial" : "parallel", fmt::join(spec.targets, " "),
                                      endpoint_text(acceptor->local_endpoint())));
    s.multis.push_back(std::make_unique<multi_server>(std::move(targets), o.multi_serial, o.multi_mirror_origin,
                                                      o.forward_timeout, client_tls, o.insecure));
    s.multi_acceptors.push_back(std::move(acceptor));
  }
}

side_servers::~side_servers() {
  stop();
  for (auto& m : impl_->multis) m->drop_idle();
}

bool side_servers::empty() const { return !impl_->redirect && impl_->proxies.empty() && impl_->multis.empty(); }

void side_servers::start() {
  impl& s = *impl_;
  if (empty() || s.thread.joinable()) return;
  for (const auto& line : s.listening) spdlog::info("{}", line);
  const auto ex = s.ctx.get_executor();
  if (s.redirect) {
    net::co_spawn(ex, accept_loop(*s.redirect, [ex](tcp::socket sock) {
      net::co_spawn(ex, serve_redirect(std::move(sock)), log_spawn_failure);
    }), log_spawn_failure);
  }
  for (auto& l : s.proxies) {
    net::co_spawn(ex, accept_loop(*l.acceptor, [ex, &l](tcp::socket sock) {
      net::co_spawn(ex, serve_proxy(std::move(sock), l), log_spawn_failure);
    }), log_spawn_failure);
  }
  for (std::size_t i = 0; i < s.multis.size(); ++i) {
    multi_server& m = *s.multis[i];
    net::co_spawn(ex, accept_loop(*s.multi_acceptors[i], [ex, &m](tcp::socket sock) {
      net::co_spawn(ex, serve_multi_connection(std::move(sock), m), log_spawn_failure);
    }), log_spawn_failure);
  }
  s.thread = std::thread([&ctx = s.ctx] { ctx.run(); });
}

void side_servers::stop() {
  impl& s = *impl_;
  if (!s.thread.joinable()) return;
  net::post(s.ctx, [&s] {
    error_code ig;
    if (s.redirect) s.redirect->close(ig);
    for (auto& l : s.proxies) l.acceptor->close(ig);
    for (auto& a : s.multi_acceptors) a->close(ig);
    s.ctx.stop();
  });
  s.thread.join();
}

}  // namespace loadgen
