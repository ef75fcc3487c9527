#include "route.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "loadgen/core/error.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/proxy.hpp"

namespace loadgen {

namespace net = boost::asio;

namespace {

net::ip::tcp::endpoint resolve_tcp(const std::string& host, std::uint16_t port) {
  net::io_context ctx;
  net::ip::tcp::resolver resolver(ctx);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty())
    throw run_error("cannot resolve host \"" + host + "\": " + (ec ? ec.message() : "no address"));
  for (const auto& r : results)
    if (r.endpoint().address().is_v4()) return r.endpoint();
  return results.begin()->endpoint();
}

}  // namespace

route make_route(const run_options& o) {
  route r;
  if (!o.unix_socket.empty()) {
    r.endpoint = net::local::stream_protocol::endpoint(o.unix_socket);
    r.endpoint_text = r.peer_text = o.unix_socket;
    r.tcp = false;
  } else {
    // Through a proxy, the connection goes to the proxy; -resolve applies to the target only.
    const std::string host = o.proxy ? o.proxy->host : o.resolve_ip.empty() ? o.target.host : o.resolve_ip;
    const std::uint16_t port = o.proxy ? o.proxy->port : o.target.port;
    const net::ip::tcp::endpoint chosen = resolve_tcp(host, port);
    r.endpoint = net::generic::stream_protocol::endpoint(chosen);
    const auto addr = chosen.address();
    r.endpoint_text = (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(chosen.port());
    r.peer_text = o.proxy ? "proxy " + o.proxy->authority() : o.target.authority();
  }
  if (o.target.is_https()) r.tls = make_client_tls(o);
  if (o.target.is_https() && o.proxy) r.tunnel_request = connect_request(o.target, *o.proxy);
  return r;
}

}  // namespace loadgen
