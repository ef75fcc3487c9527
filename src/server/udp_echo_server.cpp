// Fortio's UDP echo server: each datagram goes back to its sender, one at a time.
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "listen.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/server/echo_listeners.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::ip::udp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Fortio reads into 2 KB and cuts longer datagrams; loadgen echoes any datagram whole.
constexpr std::size_t max_datagram = 65535;

net::awaitable<void> echo_loop(std::shared_ptr<udp::socket> socket) {
  std::vector<char> buffer(max_datagram);
  udp::endpoint from;
  for (;;) {
    auto [rec, n] = co_await socket->async_receive_from(net::buffer(buffer), from, use_tuple);
    if (rec == net::error::operation_aborted || !socket->is_open()) co_return;
    if (rec) continue;  // an ICMP error from an earlier reply, say: keep serving
    // A failed reply (the sender is gone) is the sender's loss, not the server's.
    co_await socket->async_send_to(net::buffer(buffer.data(), n), from, use_tuple);
  }
}

}  // namespace

unsigned short start_udp_echo(net::io_context& ctx, const std::string& listen) {
  const auto tcp_ep = listen_endpoint(listen, "-udp-port");  // same forms; only address and port are used
  const udp::endpoint ep(tcp_ep.address(), tcp_ep.port());
  auto socket = std::make_shared<udp::socket>(ctx);
  error_code ec;
  socket->open(ep.protocol(), ec);
  if (!ec) socket->bind(ep, ec);
  if (ec)
    throw run_error("cannot listen on udp " + ep.address().to_string() + ":" + std::to_string(ep.port()) +
                    " for -udp-port: " + ec.message());
  const udp::endpoint bound = socket->local_endpoint(ec);
  spdlog::info("loadgen {} udp-echo server listening on udp {}:{}", version, bound.address().to_string(), bound.port());
  net::co_spawn(ctx, echo_loop(socket), net::detached);
  return bound.port();
}

}  // namespace loadgen
