#include "loadgen/server/echo_server.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "loadgen/core/error.hpp"
#include "loadgen/platform/process.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/core/version.hpp"

namespace loadgen {

namespace net = boost::asio;
namespace http = boost::beast::http;
using net::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {

// The circuit breaker, shared by all threads: at most max_active requests are served at once
// and at most max_pending wait for a slot; the rest are shed at once. Only touched when
// -max-active is set, so the normal path pays nothing for it.
class breaker {
public:
  breaker(int max_active, int max_pending) : max_active_(max_active), max_pending_(max_pending) {}

  struct waiter {
    std::shared_ptr<net::steady_timer> timer;  // cancelled (on its own thread) when a slot is granted
    std::shared_ptr<std::atomic<bool>> granted;
  };
  enum class admission { now, queued, shed };

  admission enter(const waiter& w) {
    std::lock_guard lock(mutex_);
    if (active_ < max_active_) {
      ++active_;
      return admission::now;
    }
    if (static_cast<int>(queue_.size()) < max_pending_) {
      queue_.push_back(w);
      return admission::queued;
    }
    ++shed_;
    ++shed_since_report_;
    return admission::shed;
  }

  // A served request leaves: its slot goes to the oldest waiter, if any.
  void leave() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      --active_;
      return;
    }
    waiter w = queue_.front();
    queue_.pop_front();
    w.granted->store(true);
    net::post(w.timer->get_executor(), [t = w.timer] { t->cancel(); });
  }

  // At stop: wake every waiter (they are served, the server finishes what it accepted).
  void release_all() {
    std::lock_guard lock(mutex_);
    for (auto& w : queue_) {
      w.granted->store(true);
      net::post(w.timer->get_executor(), [t = w.timer] { t->cancel(); });
    }
    active_ += static_cast<int>(queue_.size());
    queue_.clear();
  }

  std::int64_t shed() {
    std::lock_guard lock(mutex_);
    return shed_;
  }
  // For the once-a-second line: how many were shed since the last call, and the state now.
  std::tuple<std::int64_t, int, int> take_report() {
    std::lock_guard lock(mutex_);
    const std::int64_t n = shed_since_report_;
    shed_since_report_ = 0;
    return {n, active_, static_cast<int>(queue_.size())};
  }

private:
  std::mutex mutex_;
  int max_active_, max_pending_;
  int active_ = 0;
  std::deque<waiter> queue_;
  std::int64_t shed_ = 0, shed_since_report_ = 0;
};

// One connection as the idle/stop watchdog sees it.
struct connection_state {
  tcp::socket* socket = nullptr;
  bool idle = true;       // waiting for a request (safe to close at stop or after idle_timeout)
  nanos idle_since = 0;
};

struct server_thread {
  net::io_context ctx{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unordered_set<connection_state*> connections;
  std::string date;       // the Date header value, refreshed once a second
  std::mt19937_64 rng{std::random_device{}()};
  std::int64_t served = 0;
  bool stopping = false;
  std::unique_ptr<net::steady_timer> tick;
};

struct shared_state {
  const server_options* options = nullptr;
  std::unique_ptr<breaker> breaker_;
  std::string random_bytes;  // the payload for size=N, made once
  std::shared_ptr<net::ssl::context> tls;
  nanos started = 0;
  std::string hostname;
};

std::string http_date() {
  char buf[64];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string gzip(std::string_view in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // 15+16: gzip
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

bool accepts_gzip(const http::request<http::string_body>& req) {
  const auto it = req.find(http::field::accept_encoding);
  return it != req.end() && it->value().find("gzip") != boost::beast::string_view::npos;
}

// Fortio's /debug page: who asked for what, with which headers and body.
std::string debug_page(const http::request<http::string_body>& req, const shared_state& sh, const std::string& peer) {
  std::string out = fmt::format("Φορτίο version {} echo debug server up for {:.1f}s on {} - request from {}\n\n",
                                version, to_seconds(steady_clock::now() - sh.started), sh.hostname, peer);
  out += fmt::format("{} {} HTTP/{}.{}\n\nheaders:\n\n", std::string(req.method_string()), std::string(req.target()),
                     req.version() / 10, req.version() % 10);
  std::vector<std::pair<std::string, std::string>> headers;
  std::string host;
  for (const auto& f : req) {
    if (f.name() == http::field::host) host = std::string(f.value());
    else headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out += "Host: " + host + "\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\n";
  const std::string& body = req.body();
  out += fmt::format("\nbody:\n\n{}\n", body.size() > 512 ? body.substr(0, 512) + fmt::format("... ({} bytes)", body.size()) : body);
  return out;
}

// Appends a whole response (head and body) to out.
void build_response(std::string& out, int status, const std::string& date, std::string_view content_type,
                    std::string_view body, const echo_plan& plan, bool keep_alive, bool gzipped) {
  out += fmt::format("HTTP/1.1 {} {}\r\nDate: {}\r\n", status, std::string(http::obsolete_reason(static_cast<http::status>(status))), date);
  if (!content_type.empty()) out += fmt::format("Content-Type: {}\r\n", content_type);
  if (gzipped) out += "Content-Encoding: gzip\r\n";
  for (const auto& [k, v] : plan.headers) out += k + ": " + v + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += fmt::format("Content-Length: {}\r\n\r\n", body.size());
  out.append(body);
}

template <class Stream>
tcp::socket& lowest(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) return s;
  else return s.next_layer();
}

template <class Stream>
net::awaitable<void> serve(Stream stream, server_thread& t, shared_state& sh) {
  tcp::socket& socket = lowest(stream);
  connection_state state;
  state.socket = &socket;
  state.idle_since = steady_clock::now();
  t.connections.insert(&state);
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  std::string peer;
  if (auto ep = socket.remote_endpoint(ec); !ec) peer = ep.address().to_string() + ":" + std::to_string(ep.port());
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
    if (hec) {
      t.connections.erase(&state);
      co_return;
    }
  }
  const server_options& o = *sh.options;
  boost::beast::flat_buffer buffer;
  std::string out;
  net::steady_timer timer(t.ctx);
  std::uniform_real_distribution<double> percent(0, 100);
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
      const bool body = rec == http::error::body_limit;
      build_response(out, body ? 413 : 431, t.date, "text/plain", body ? "request body too large\n" : "request header too large\n", {}, false, false);
      co_await net::async_write(stream, net::buffer(out), use_tuple);
      break;
    }
    if (rec) break;
    http::request<http::string_body>& req = parser.get();
    const std::string_view target(req.target().data(), req.target().size());
    const std::size_t qmark = target.find('?');
    const std::string_view path = target.substr(0, qmark);
    const std::string_view query = qmark == std::string_view::npos ? std::string_view(o.default_params) : target.substr(qmark + 1);
    bool keep_alive = req.keep_alive() && !t.stopping;
    auto planned = plan_echo(query, o.limits, accepts_gzip(req), [&] { return percent(t.rng); });
    ++t.served;
    if (std::holds_alternative<std::string>(planned)) {
      build_response(out, 400, t.date, "text/plain", std::get<std::string>(planned) + "\n", {}, keep_alive, false);
    } else {
      echo_plan& plan = std::get<echo_plan>(planned);
      const bool debug = !o.debug_path.empty() && path == o.debug_path;
      // The circuit breaker decides before any delay: a shed request is answered at once.
      bool admitted = false;
      if (sh.breaker_) {
        breaker::waiter w{std::make_shared<net::steady_timer>(t.ctx), std::make_shared<std::atomic<bool>>(false)};
        switch (sh.breaker_->enter(w)) {
          case breaker::admission::now:
            admitted = true;
            break;
          case breaker::admission::queued:
            w.timer->expires_at(net::steady_timer::time_point::max());
            while (!w.granted->load()) co_await w.timer->async_wait(use_tuple);
            admitted = true;
            break;
          case breaker::admission::shed:
            break;
        }
        if (!admitted) {
          echo_plan overflow;
          overflow.headers = {{"x-envoy-overloaded", "true"}};
          build_response(out, 503, t.date, "text/plain", envoy_overflow_body, overflow, keep_alive, false);
          co_await net::async_write(stream, net::buffer(out), use_tuple);
          if (!keep_alive) break;
          continue;
        }
      }
      if (plan.delay > 0) {
        timer.expires_after(std::chrono::nanoseconds(plan.delay));
        co_await timer.async_wait(use_tuple);
      }
      if (plan.close) keep_alive = false;
      std::string_view body;
      std::string content_type;
      std::string page;
      if (debug) {
        page = debug_page(req, sh, peer);
        body = page;
        content_type = "text/plain; charset=UTF-8";
        plan.status = 200;
      } else if (plan.size >= 0) {
        body = std::string_view(sh.random_bytes).substr(0, static_cast<std::size_t>(plan.size));
        content_type = "application/octet-stream";
      } else {
        body = req.body();
        if (auto it = req.find(http::field::content_type); it != req.end()) content_type = std::string(it->value());
      }
      std::string compressed;
      if (plan.gzip) {
        compressed = gzip(body);
        body = compressed;
      }
      build_response(out, plan.status, t.date, content_type, body, plan, keep_alive, plan.gzip);
      if (sh.breaker_) sh.breaker_->leave();
    }
    auto [wec, written] = co_await net::async_write(stream, net::buffer(out), use_tuple);
    if (wec || !keep_alive) break;
  }
  t.connections.erase(&state);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

net::awaitable<void> accept_loop(server_thread& t, shared_state& sh) {
  for (;;) {
    auto [ec, socket] = co_await t.acceptor->async_accept(use_tuple);
    if (ec == net::error::operation_aborted || !t.acceptor->is_open()) co_return;
    if (ec) {
      // Out of file descriptors, say: keep serving the others, and try again a little later
      // instead of spinning on the error.
      net::steady_timer pause(t.ctx, std::chrono::milliseconds(10));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (sh.tls) {
      net::co_spawn(t.ctx, serve(net::ssl::stream<tcp::socket>(std::move(socket), *sh.tls), t, sh), net::detached);
    } else {
      net::co_spawn(t.ctx, serve(std::move(socket), t, sh), net::detached);
    }
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

tcp::endpoint listen_endpoint(const std::string& spec) {
  std::string host = "0.0.0.0", port = spec;
  if (const auto colon = spec.rfind(':'); colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "0.0.0.0";
  }
  int p = -1;
  try {
    std::size_t used = 0;
    p = std::stoi(port, &used);
    if (used != port.size()) p = -1;
  } catch (...) {
  }
  if (p < 0 || p > 65535) throw flag_error("invalid -http-port \"" + spec + "\" (want port, host:port or disabled)");
  error_code ec;
  const auto addr = net::ip::make_address(host, ec);
  if (!ec) return {addr, static_cast<unsigned short>(p)};
  net::io_context ctx;
  tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) throw run_error("cannot resolve -http-port host \"" + host + "\"");
  return results.begin()->endpoint();
}

}  // namespace

int run_echo_server(const server_options& o) {
  if (o.listen == "disabled") {
    spdlog::warn("-http-port disabled: nothing to serve");
    return 0;
  }
  raise_fd_limit();
  shared_state sh;
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
  }

  // One io_context and one acceptor per thread, all on the same port (SO_REUSEPORT): the kernel
  // spreads connections over threads with no shared accept queue.
  tcp::endpoint ep = listen_endpoint(o.listen);
  {
    // SO_REUSEPORT would let us share the port with another server already on it: check first
    // with a plain bind, so "address in use" is reported instead of silently splitting traffic.
    net::io_context probe_ctx;
    tcp::acceptor probe(probe_ctx);
    error_code ec;
    probe.open(ep.protocol(), ec);
    if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) probe.bind(ep, ec);
    if (ec) throw run_error("cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message());
  }
  const int nthreads = std::max(1, o.threads > 0 ? o.threads : available_cpus());
  std::vector<std::unique_ptr<server_thread>> threads;
  for (int i = 0; i < nthreads; ++i) {
    auto t = std::make_unique<server_thread>();
    t->date = http_date();
    t->acceptor = std::make_unique<tcp::acceptor>(t->ctx);
    error_code ec;
    t->acceptor->open(ep.protocol(), ec);
    if (!ec) t->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) {
      const int one = 1;
      setsockopt(t->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      t->acceptor->bind(ep, ec);
    }
    if (!ec) t->acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw run_error("cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message());
    if (ep.port() == 0) ep = t->acceptor->local_endpoint();  // the others join the port the kernel chose
    t->tick = std::make_unique<net::steady_timer>(t->ctx);
    threads.push_back(std::move(t));
  }
  spdlog::info("loadgen {} echo server listening on {}:{}{}{}", version, ep.address().to_string(), ep.port(),
               sh.tls ? " (TLS)" : "",
               sh.breaker_ ? fmt::format(" with a circuit breaker: max-active {}, max-pending {}", o.max_active, o.max_pending) : "");

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::vector<std::thread> pool;
  for (auto& t : threads) {
    net::co_spawn(t->ctx, accept_loop(*t, sh), net::detached);
    start_tick(*t, o);
    pool.emplace_back([&ctx = t->ctx] { ctx.run(); });
  }
  // The breaker's side of the story, once a second while it sheds.
  std::atomic<bool> done{false};
  std::thread reporter;
  if (sh.breaker_) {
    reporter = std::thread([&] {
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const auto [n, active, pending] = sh.breaker_->take_report();
        if (n > 0)
          spdlog::info("Circuit breaker: shed {} request(s) in the last second (active {}/{}, pending {}/{})", n, active,
                       o.max_active, pending, o.max_pending);
      }
    });
  }

  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("{} received: stopping (signal again to exit now)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  std::thread second([set] {
    int again = 0;
    sigset_t s = set;
    if (sigwait(&s, &again) == 0) _exit(128 + again);
  });
  second.detach();
  if (sh.breaker_) sh.breaker_->release_all();
  for (auto& t : threads) {
    net::post(t->ctx, [&t = *t, &o] {
      t.stopping = true;
      error_code ec;
      t.acceptor->close(ec);
      t.tick->cancel();
      start_tick(t, o);
    });
  }
  // In-flight requests get the longest echo delay plus a second, then everything stops.
  const auto grace = std::chrono::nanoseconds(o.limits.max_delay) + std::chrono::seconds(1);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& t : threads) {
    while (!t->ctx.stopped() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    t->ctx.stop();
  }
  for (auto& th : pool) th.join();
  done.store(true);
  if (reporter.joinable()) reporter.join();
  std::int64_t served = 0;
  for (auto& t : threads) served += t->served;
  std::fprintf(stderr, "loadgen server: served %lld requests\n", static_cast<long long>(served));
  if (sh.breaker_)
    std::fprintf(stderr, "Circuit breaker: shed %lld of %lld requests (max-active %d, max-pending %d)\n",
                 static_cast<long long>(sh.breaker_->shed()), static_cast<long long>(served), o.max_active,
                 o.max_pending);
  return 0;
}

}  // namespace loadgen
