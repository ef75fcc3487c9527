// Fortio's TCP echo server: every byte a connection sends is written back until it closes. And
// run_echo_listeners(), the loop of `loadgen tcp-echo` / `udp-echo`.
#include <signal.h>

#include <array>
#include <memory>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "listen.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/platform/process.hpp"
#include "loadgen/server/echo_listeners.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// One connection: read what is there, write it back, until EOF or an error (32 KB at a time,
// Fortio's socket buffer size for its echo).
net::awaitable<void> echo_connection(tcp::socket socket) {
  auto buffer = std::make_unique<std::array<char, 32 * 1024>>();
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  for (;;) {
    auto [rec, n] = co_await socket.async_read_some(net::buffer(*buffer), use_tuple);
    if (rec) break;
    auto [wec, written] = co_await net::async_write(socket, net::buffer(buffer->data(), n), use_tuple);
    if (wec) break;
  }
  socket.close(ignored);
}

net::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec == net::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {
      // Out of file descriptors, say: pause rather than spin on the error.
      net::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    net::co_spawn(acceptor->get_executor(), echo_connection(std::move(socket)), net::detached);
  }
}

}  // namespace

unsigned short start_tcp_echo(net::io_context& ctx, const std::string& listen) {
  const tcp::endpoint ep = listen_endpoint(listen, "-tcp-port");
  auto acceptor = std::make_shared<tcp::acceptor>(ctx);
  error_code ec;
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw run_error("cannot listen on tcp " + ep.address().to_string() + ":" + std::to_string(ep.port()) +
                    " for -tcp-port: " + ec.message());
  const tcp::endpoint bound = acceptor->local_endpoint(ec);
  spdlog::info("loadgen {} tcp-echo server listening on tcp {}:{}", version, bound.address().to_string(), bound.port());
  net::co_spawn(ctx, accept_loop(acceptor), net::detached);
  return bound.port();
}

int run_echo_listeners(const std::string& tcp_listen, const std::string& udp_listen) {
  raise_fd_limit();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts: sigwait() below gets them
  net::io_context ctx(1);
  if (!tcp_listen.empty() && tcp_listen != "disabled") start_tcp_echo(ctx, tcp_listen);
  if (!udp_listen.empty() && udp_listen != "disabled") start_udp_echo(ctx, udp_listen);
  auto work = net::make_work_guard(ctx);
  std::thread runner([&ctx] { ctx.run(); });
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("{} received: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  ctx.stop();
  runner.join();
  return 0;
}

}  // namespace loadgen
