#include "listen.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

#include <boost/asio/ip/v6_only.hpp>

#include "loadgen/core/error.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::ip::tcp;
using boost::system::error_code;

namespace {

[[noreturn]] void cannot_listen(const tcp::endpoint& ep, const error_code& ec, const std::string& what) {
  std::string why = ec.message();
  if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
  if (!what.empty()) throw run_error(what + ": " + why);
  throw run_error("cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + why);
}

// "port" and ":port" listen on every address, as Go's ":port": IPv6 and IPv4 both ("::" with
// IPV6_V6ONLY off) where the kernel has IPv6, else every IPv4 address.
std::string any_address() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return "0.0.0.0";
  ::close(fd);
  return "::";
}

// An IPv6 wildcard takes IPv4 connections too, whatever net.ipv6.bindv6only says.
void dual_stack(tcp::acceptor& a, const tcp::endpoint& ep, error_code& ec) {
  if (!ec && ep.address().is_v6() && ep.address().is_unspecified()) a.set_option(net::ip::v6_only(false), ec);
}

}  // namespace

tcp::endpoint listen_endpoint(const std::string& spec, const std::string& flag) {
  if (spec.find('/') != std::string::npos)
    throw run_error(flag + " " + spec + ": Unix domain socket listeners are not supported yet; use port or host:port");
  std::string host = any_address(), port = spec;
  if (const auto colon = spec.rfind(':'); colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = any_address();
  }
  int p = -1;
  try {
    std::size_t used = 0;
    p = std::stoi(port, &used);
    if (used != port.size()) p = -1;
  } catch (...) {
  }
  if (p < 0 || p > 65535) throw flag_error("invalid " + flag + " \"" + spec + "\" (want port, host:port or disabled)");
  error_code ec;
  const auto addr = net::ip::make_address(host, ec);
  if (!ec) return {addr, static_cast<unsigned short>(p)};
  net::io_context ctx;
  tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) throw run_error("cannot resolve " + flag + " host \"" + host + "\"");
  return results.begin()->endpoint();
}

void check_port_is_free(const tcp::endpoint& ep, const std::string& what) {
  net::io_context probe_ctx;
  tcp::acceptor probe(probe_ctx);
  error_code ec;
  probe.open(ep.protocol(), ec);
  if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
  dual_stack(probe, ep, ec);
  if (!ec) probe.bind(ep, ec);
  if (ec) cannot_listen(ep, ec, what);
}

std::unique_ptr<tcp::acceptor> open_acceptor(net::io_context& ctx, const tcp::endpoint& ep, const std::string& what) {
  auto acceptor = std::make_unique<tcp::acceptor>(ctx);
  error_code ec;
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  dual_stack(*acceptor, ep, ec);
  if (!ec) {
    const int one = 1;
    setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor->bind(ep, ec);
  }
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) cannot_listen(ep, ec, what);
  return acceptor;
}

std::string peer_text(const tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

}  // namespace loadgen
