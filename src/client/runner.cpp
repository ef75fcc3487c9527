#include "loadgen/client/runner.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <limits>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <spdlog/spdlog.h>

#include "loadgen/platform/process.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/wire/proxy.hpp"
#include "loadgen/platform/tls.hpp"
#include "worker.hpp"

namespace loadgen {

namespace net = boost::asio;

namespace {

// How far ahead of the barrier release a QPS schedule starts (see run_load).
constexpr nanos startup_margin = ns_per_ms;

// Resolves the target once, before the run (Fortio re-resolves on every new connection).
void resolve(const run_options& o, run_plan& plan) {
  if (!o.unix_socket.empty()) {
    plan.endpoint = net::local::stream_protocol::endpoint(o.unix_socket);
    plan.endpoint_text = o.unix_socket;
    plan.tcp = false;
    return;
  }
  // Through a proxy, the connection goes to the proxy; -resolve applies to the target only.
  const std::string host = o.proxy ? o.proxy->host : o.resolve_ip.empty() ? o.target.host : o.resolve_ip;
  const std::uint16_t port = o.proxy ? o.proxy->port : o.target.port;
  net::io_context ctx;
  net::ip::tcp::resolver resolver(ctx);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty())
    throw run_error("cannot resolve host \"" + host + "\": " + (ec ? ec.message() : "no address"));
  // Prefer IPv4, as Fortio does by default, but take IPv6 when that is all there is.
  net::ip::tcp::endpoint chosen = results.begin()->endpoint();
  for (const auto& r : results)
    if (r.endpoint().address().is_v4()) {
      chosen = r.endpoint();
      break;
    }
  plan.endpoint = net::generic::stream_protocol::endpoint(chosen);
  const auto addr = chosen.address();
  plan.endpoint_text = (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" +
                       std::to_string(chosen.port());
}

// Blocks SIGINT and SIGTERM in every thread and takes them on one thread with sigwait: the first
// asks for a stop, a second exits at once (128 + signal, as a shell reports it). SIGUSR2, sent
// by the destructor to this thread alone, ends the watch.
class signal_watch {
public:
  explicit signal_watch(run_plan& plan) : plan_(plan) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this] { loop(); });
  }
  ~signal_watch() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
    // Leave the signals blocked while the report is printed; a pending one is dropped on exit.
  }
  bool interrupted() const noexcept { return signals_.load() > 0; }

private:
  void loop() {
    while (!done_.load()) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0 || sig == SIGUSR2) continue;
      if (signals_.fetch_add(1) > 0) _exit(128 + sig);
      spdlog::warn("{} received: no new calls; in-flight calls get up to {:.3g}s (signal again to exit now)",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT", to_seconds(plan_.options->timeout));
      if (plan_.request_stop) plan_.request_stop();
    }
  }
  run_plan& plan_;
  sigset_t set_{}, old_{};
  std::atomic<bool> done_{false};
  std::atomic<int> signals_{0};
  std::thread thread_;
};

}  // namespace

run_result run_load(const run_options& o, const on_start_fn& on_start, run_monitor* monitor) {
  run_result result;
  run_plan plan;
  plan.options = &o;
  plan.requests = build_requests(o);
  for (const auto& r : plan.requests) plan.per_call_uuid |= r.find(uuid_marker) != std::string::npos;
  plan.head_request = request_method(o) == "HEAD";
  resolve(o, plan);
  if (o.target.is_https()) plan.tls = make_client_tls(o);
  if (o.target.is_https() && o.proxy) plan.tunnel_request = connect_request(o.target, *o.proxy);

  // Connections and their share of the calls.
  int connections = o.connections;
  if (o.count_mode()) {
    if (!o.max_speed() && 2 * static_cast<std::int64_t>(connections) > o.calls) {
      const int lowered = static_cast<int>(std::max<std::int64_t>(1, o.calls / 2));
      spdlog::warn("Lowering number of threads - total call {} -> lowering from {} to {} threads", o.calls,
                   connections, lowered);
      connections = lowered;
    }
    plan.calls_per_connection = split_calls(o.calls, connections);
    connections = static_cast<int>(plan.calls_per_connection.size());
  }
  plan.connections = connections;
  plan.qps_per_connection = o.max_speed() ? 0 : o.qps / connections;
  if (!o.count_mode() && !o.until_interrupted() && !o.max_speed() && o.arrival == arrival_kind::constant &&
      o.ramp == 0) {
    const auto total = static_cast<std::int64_t>(std::floor(o.qps * to_seconds(o.duration)));
    plan.planned_per_connection = std::max<std::int64_t>(1, total / connections);
  }
  if (const std::uint64_t fds = raise_fd_limit(); fds < static_cast<std::uint64_t>(connections) + 64)
    spdlog::warn("{} connections but only {} file descriptors allowed (ulimit -n): some connects will fail",
                 connections, fds);

  const int cpus = available_cpus();
  const int threads = std::min(o.threads > 0 ? o.threads : cpus, connections);
  std::vector<std::vector<int>> owned(static_cast<std::size_t>(threads));
  for (int i = 0; i < connections; ++i) owned[static_cast<std::size_t>(i % threads)].push_back(i);
  std::vector<std::unique_ptr<worker>> workers;
  for (auto& idx : owned) workers.push_back(std::make_unique<worker>(plan, idx));
  plan.request_stop = [&plan, &workers] {
    if (plan.stop.exchange(true)) return;
    for (auto& w : workers) w->wake();
  };

  result.connections = connections;
  result.threads = threads;
  result.cpus = cpus;
  result.planned_per_connection = plan.planned_per_connection;
  result.warmup_calls = o.warmup() ? connections : 0;

  std::vector<std::optional<warmup_failure>> failures(workers.size());
  std::barrier phase(threads + 1);
  signal_watch signals(plan);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < workers.size(); ++t) {
    pool.emplace_back([&, t] {
      if (o.warmup()) failures[t] = workers[t]->warmup();
      phase.arrive_and_wait();  // 1: warmup over
      phase.arrive_and_wait();  // 2: start time set
      if (!plan.stop.load()) workers[t]->run();
    });
  }
  phase.arrive_and_wait();
  std::optional<warmup_failure> failed;
  for (const auto& f : failures)
    if (f && !failed) failed = f;
  if (failed && !o.allow_initial_errors) plan.stop.store(true);
  if (!plan.stop.load() && on_start) on_start(result);
  // In QPS mode the schedule starts a millisecond from now: releasing the worker threads from the
  // barrier takes a futex wake-up each (tens of microseconds on a VM), and the first calls would
  // otherwise all be late by it. At max speed there is no schedule: calls start at once.
  plan.start = steady_clock::now() + (o.max_speed() ? 0 : startup_margin);
  plan.end = o.count_mode() || o.until_interrupted() ? std::numeric_limits<nanos>::max() : plan.start + o.duration;
  {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    result.start_unix_ns = static_cast<std::int64_t>(ts.tv_sec) * ns_per_s + ts.tv_nsec;
    tm local{};
    localtime_r(&ts.tv_sec, &local);
    result.utc_offset_seconds = static_cast<int>(local.tm_gmtoff);
  }
  const bool watched = monitor && !plan.stop.load();
  if (watched) {
    monitor->start(plan.start, [&workers] {
      live_snapshot all;
      all.at = steady_clock::now();
      for (auto& w : workers) all.merge(w->snapshot());
      return all;
    });
  }
  phase.arrive_and_wait();
  for (auto& th : pool) th.join();
  const nanos ended = steady_clock::now();
  result.elapsed = ended - plan.start;

  if (failed && !o.allow_initial_errors) {
    throw run_error("Aborting because of error " + std::to_string(failed->status) + " for " +
                    o.target.to_string() + " (" + std::to_string(failed->bytes) + " bytes)" +
                    (failed->status == status_transport_error ? std::string(": ") + std::string(describe(failed->error)) : ""));
  }
  result.interrupted = signals.interrupted();
  result.aborted = plan.aborted.load();
  result.stats = run_stats(o.latency_from == measure_from::sent);
  for (auto& w : workers) result.stats.merge(w->stats());
  if (watched) result.series = monitor->finish(result.stats, ended);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  result.hostname = host;
  return result;
}

}  // namespace loadgen
