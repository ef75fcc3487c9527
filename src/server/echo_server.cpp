#include "loadgen/server/echo_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "admin_stats.hpp"
#include "connection.hpp"
#include "listen.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/platform/process.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/server/echo_listeners.hpp"
#include "server_state.hpp"
#include "side_servers.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::ip::tcp;
using boost::system::error_code;

namespace {

// grpc: the acceptor is the gRPC port's (its connections speak HTTP/2 gRPC only).
net::awaitable<void> accept_loop(server_thread& t, shared_state& sh, tcp::acceptor& acceptor, bool grpc) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors, say: keep serving the others, and try again a little later
      // instead of spinning on the error.
      net::steady_timer pause(t.ctx, std::chrono::milliseconds(10));
      co_await pause.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    spawn_connection(std::move(socket), t, sh, grpc);
  }
}

// Once a second: refresh the Date header, close idle connections, and at stop close the idle
// ones at once so the thread can finish.
void start_tick(server_thread& t, const server_options& o) {
  t.tick->expires_after(std::chrono::milliseconds(t.stopping ? 50 : 1000));
  t.tick->async_wait([&t, &o](error_code ec) {
    if (ec) return;
    t.date = http_date();
    const nanos now = steady_clock::now();
    for (connection_state* c : t.connections) {
      if (c->idle && (t.stopping || now - c->idle_since > o.idle_timeout)) {
        error_code ignored;
        c->socket->close(ignored);
      }
    }
    if (t.stopping && t.connections.empty()) return;
    start_tick(t, o);
  });
}

void init_shared(shared_state& sh, const server_options& o) {
  sh.options = &o;
  sh.started = steady_clock::now();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  sh.hostname = host;
  if (o.max_active > 0) sh.breaker_ = std::make_unique<breaker>(o.max_active, o.max_pending);
  sh.random_bytes.resize(static_cast<std::size_t>(std::max<std::int64_t>(o.limits.max_size, 0)));
  std::mt19937 rng(42);
  for (auto& c : sh.random_bytes) c = static_cast<char>('a' + rng() % 26);
  if (!o.cert.empty() || !o.key.empty()) {
    if (o.cert.empty() || o.key.empty()) throw run_error("TLS needs both -cert and -key");
    sh.tls = make_server_tls(o.cert, o.key);
    if (o.mtls) require_client_certificates(*sh.tls, o.ca_cert);
  }
}

// One io_context per thread, and on it one acceptor per port (HTTP, gRPC), every thread's on the
// same port (SO_REUSEPORT): the kernel spreads connections over threads with no shared accept
// queue. A null endpoint is a disabled port; an endpoint's port 0 becomes the chosen one.
std::vector<std::unique_ptr<server_thread>> make_threads(const server_options& o, tcp::endpoint* http, tcp::endpoint* grpc) {
  if (http) check_port_is_free(*http, "-http-port " + o.listen);
  if (grpc) check_port_is_free(*grpc, "-grpc-port " + o.grpc_listen);
  const int nthreads = std::max(1, o.threads > 0 ? o.threads : available_cpus());
  std::vector<std::unique_ptr<server_thread>> threads;
  for (int i = 0; i < nthreads; ++i) {
    auto t = std::make_unique<server_thread>();
    t->date = http_date();
    if (http) {
      t->acceptor = open_acceptor(t->ctx, *http, "-http-port " + o.listen);
      if (http->port() == 0) *http = t->acceptor->local_endpoint();  // the others join the port the kernel chose
    }
    if (grpc) {
      t->grpc_acceptor = open_acceptor(t->ctx, *grpc, "-grpc-port " + o.grpc_listen);
      if (grpc->port() == 0) *grpc = t->grpc_acceptor->local_endpoint();
    }
    t->tick = std::make_unique<net::steady_timer>(t->ctx);
    threads.push_back(std::move(t));
  }
  return threads;
}

// The breaker's side of the story, once a second while it sheds, until done.
std::thread start_reporter(const shared_state& sh, const server_options& o, const std::atomic<bool>& done) {
  if (!sh.breaker_) return {};
  return std::thread([&sh, &o, &done] {
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      const auto [n, active, pending] = sh.breaker_->take_report();
      if (n > 0)
        spdlog::info("Circuit breaker: shed {} request(s) in the last second (active {}/{}, pending {}/{})", n, active,
                     o.max_active, pending, o.max_pending);
    }
  });
}

// Waits for SIGINT or SIGTERM (blocked in every thread), then lets a second one exit at once.
void wait_for_stop_signal(const sigset_t& set) {
  int sig = 0;
  sigset_t s = set;
  sigwait(&s, &sig);
  spdlog::info("{} received: stopping (signal again to exit now)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  std::thread second([set] {
    int again = 0;
    sigset_t s2 = set;
    if (sigwait(&s2, &again) == 0) _exit(128 + again);
  });
  second.detach();
}

// Stops accepting, closes idle connections, and gives in-flight requests the longest echo delay
// plus a second before everything stops.
void stop_threads(std::vector<std::unique_ptr<server_thread>>& threads, shared_state& sh, const server_options& o) {
  if (sh.breaker_) sh.breaker_->release_all();
  for (auto& t : threads) {
    net::post(t->ctx, [&t = *t, &o] {
      t.stopping = true;
      error_code ec;
      if (t.acceptor) t.acceptor->close(ec);
      if (t.grpc_acceptor) t.grpc_acceptor->close(ec);
      t.tick->cancel();
      start_tick(t, o);
    });
  }
  const auto grace = std::chrono::nanoseconds(o.limits.max_delay) + std::chrono::seconds(1);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& t : threads) {
    while (!t->ctx.stopped() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    t->ctx.stop();
  }
}

void print_summary(const std::vector<std::unique_ptr<server_thread>>& threads, shared_state& sh, const server_options& o) {
  std::int64_t served = 0, failed = 0;
  for (auto& t : threads) {
    served += t->served;
    failed += t->failed;
  }
  std::fprintf(stderr, "loadgen server: served %lld requests\n", static_cast<long long>(served));
  if (failed > 0)
    std::fprintf(stderr, "loadgen server: %lld connection%s ended by an internal error\n", static_cast<long long>(failed),
                 failed == 1 ? "" : "s");
  if (sh.breaker_)
    std::fprintf(stderr, "Circuit breaker: shed %lld of %lld requests (max-active %d, max-pending %d)\n",
                 static_cast<long long>(sh.breaker_->shed()), static_cast<long long>(served), o.max_active,
                 o.max_pending);
}

// With a circuit breaker, GET /stats is Envoy's admin page for it (admin_stats.hpp), answered
// before any other page the CLI wired in. Called once the HTTP port is known.
void serve_admin_stats(server_options& o, const shared_state& sh, int port) {
  if (!sh.breaker_) return;
  breaker* b = sh.breaker_.get();
  const std::string cluster = o.cluster_name.empty() ? default_cluster_name(port) : o.cluster_name;
  auto match = std::move(o.pages_match);
  auto pages = std::move(o.pages);
  o.pages_match = [match](std::string_view target) { return is_admin_stats_target(target) || (match && match(target)); };
  o.pages = [b, cluster, pages](std::string_view target, std::string_view host) {
    if (is_admin_stats_target(target)) return admin_stats_page(target, b->snapshot(), cluster);
    return pages(target, host);
  };
  o.start_notes.push_back("Envoy admin /stats of the breaker on the HTTP port, cluster \"" + cluster + "\"");
}

}  // namespace

int run_echo_server(const server_options& given) {
  server_options o = given;  // the pages seam gains /stats (serve_admin_stats)
  // Blocked before anything listens or logs "listening": a signal from then on is a clean stop.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  raise_fd_limit();
  shared_state sh;
  init_shared(sh, o);
  tcp::endpoint ep, grpc_ep;
  const bool http = o.listen != "disabled", grpc = o.grpc_listen != "disabled";
  if (http) ep = listen_endpoint(o.listen);  // a bad value fails before anything binds
  if (grpc) grpc_ep = listen_endpoint(o.grpc_listen);
  // Every listener is bound before anything is said, so a taken port is the only line.
  side_servers side(o);  // -redirect-port, -P, -M
  const bool tcp_echo = o.tcp_listen != "disabled", udp_echo = o.udp_listen != "disabled";
  if (!http && !grpc && side.empty() && !tcp_echo && !udp_echo) {
    spdlog::warn("-http-port, -grpc-port, -tcp-port and -udp-port disabled, and no -redirect-port, -P or -M: nothing to serve");
    return 0;
  }
  std::vector<std::unique_ptr<server_thread>> threads;
  if (http || grpc) threads = make_threads(o, http ? &ep : nullptr, grpc ? &grpc_ep : nullptr);
  if (http) serve_admin_stats(o, sh, ep.port());
  net::io_context echo_ctx(1);  // Fortio's TCP and UDP echo, on a thread of their own
  if (tcp_echo) start_tcp_echo(echo_ctx, o.tcp_listen);
  if (udp_echo) start_udp_echo(echo_ctx, o.udp_listen);
  for (const auto& w : o.start_warnings) spdlog::warn("{}", w);
  if (grpc)
    spdlog::info("loadgen {} gRPC server (fgrpc.PingServer, grpc.health.v1.Health) listening on {}:{}{}", version,
                 grpc_ep.address().to_string(), grpc_ep.port(), sh.tls ? " (TLS)" : "");
  if (http)
    spdlog::info("loadgen {} echo server listening on {}:{}{}{}", version, ep.address().to_string(), ep.port(),
                 sh.tls ? " (TLS)" : "",
                 sh.breaker_ ? fmt::format(" with a circuit breaker: max-active {}, max-pending {}", o.max_active, o.max_pending) : "");
  for (const auto& n : o.start_notes) spdlog::info("{}", n);

  std::vector<std::thread> pool;
  for (auto& t : threads) {
    // Not expected (accept errors are values); if it happens, say so instead of silently no
    // longer accepting on this thread.
    const auto on_end = [](std::exception_ptr e) {
      if (e) spdlog::error("a server thread stopped accepting connections after an internal error");
    };
    if (t->acceptor) net::co_spawn(t->ctx, accept_loop(*t, sh, *t->acceptor, false), on_end);
    if (t->grpc_acceptor) net::co_spawn(t->ctx, accept_loop(*t, sh, *t->grpc_acceptor, true), on_end);
    start_tick(*t, o);
    pool.emplace_back([&ctx = t->ctx] { ctx.run(); });
  }
  if (tcp_echo || udp_echo) pool.emplace_back([&echo_ctx] { echo_ctx.run(); });
  side.start();
  std::atomic<bool> done{false};
  std::thread reporter = start_reporter(sh, o, done);

  wait_for_stop_signal(set);
  side.stop();
  stop_threads(threads, sh, o);
  echo_ctx.stop();
  for (auto& th : pool) th.join();
  done.store(true);
  if (reporter.joinable()) reporter.join();
  print_summary(threads, sh, o);
  return 0;
}

}  // namespace loadgen
