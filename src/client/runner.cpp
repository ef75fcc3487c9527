#include "loadgen/client/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <barrier>
#include <ctime>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>

#include "access_log.hpp"
#include "loadgen/core/clock.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/platform/process.hpp"
#include "signal_watch.hpp"
#include "worker.hpp"

namespace loadgen {

namespace {

// How far ahead of the barrier release a QPS schedule starts: releasing the worker threads takes
// a futex wake-up each (tens of microseconds on a VM), and the first calls would otherwise all be
// late by it. At max speed there is no schedule: calls start at once.
constexpr nanos startup_margin = ns_per_ms;

using worker_list = std::vector<std::unique_ptr<worker>>;

worker_list make_workers(run_context& run) {
  const load_plan& plan = *run.plan;
  std::vector<std::vector<int>> owned(static_cast<std::size_t>(plan.threads));
  // An HTTP/2 connection's stream slots (plan.streams consecutive indexes) stay on one worker.
  for (int i = 0; i < plan.connections; ++i)
    owned[static_cast<std::size_t>((i / plan.streams) % plan.threads)].push_back(i);
  worker_list workers;
  for (auto& indexes : owned) workers.push_back(std::make_unique<worker>(run, std::move(indexes)));
  return workers;
}

// Unix ns minus steady-clock ns, now: one pair of clock reads per run, so that a call's wall-clock
// time is its steady time plus this (the access log reads no clock per call).
nanos unix_minus_steady() {
  const nanos steady = steady_clock::now();
  return wall_clock::now() - steady;
}

// -access-log-file: the file (opened now, so a bad path fails before any call) and what the siege
// lines say of the request.
std::unique_ptr<access_log_file> open_access_log(const run_options& o, run_context& run) {
  if (o.access_log_path.empty()) return nullptr;
  auto file = std::make_unique<access_log_file>(o.access_log_path);
  run.access_log = file.get();
  run.access_request.method = request_method(o);
  // siege shows the request target for GET and the absolute URL for other methods.
  run.access_request.display = run.access_request.method == "GET" ? o.target.target : o.target.to_string();
  run.access_request.grpc = o.target.grpc;
  return file;
}

void stamp_wall_clock(run_result& result) {
  result.start_unix_ns = wall_clock::now();
  const time_t seconds = static_cast<time_t>(result.start_unix_ns / ns_per_s);
  tm local{};
  localtime_r(&seconds, &local);
  result.utc_offset_seconds = static_cast<int>(local.tm_gmtoff);
}

// -start-at: sleeps until the wall clock reads start_at (Unix ns), in slices of at most 20 ms so
// that a signal (stop) ends the wait at once. A start time already past starts now, with a
// warning past 10 ms: the shards of a distributed run would not overlap as planned.
void wait_for_start_time(std::int64_t start_at, const std::atomic<bool>& stop) {
  if (start_at <= 0) return;
  const std::int64_t late = wall_clock::now() - start_at;
  if (late > 10 * ns_per_ms) {
    spdlog::warn("-start-at: the start time passed {:.3f}s before this run was ready: starting now", to_seconds(late));
    return;
  }
  if (late < 0) spdlog::info("Waiting {:.3f}s for the start time (-start-at)", to_seconds(-late));
  for (;;) {
    const std::int64_t remaining = start_at - wall_clock::now();
    if (remaining <= 0 || stop.load()) return;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(remaining, 20 * ns_per_ms)));
  }
}

// Every worker's counters merged; the latency of their calls since the last call into `recent`.
snapshot_source source_of(worker_list& workers) {
  return [&workers](histogram& recent) {
    live_snapshot all;
    all.at = steady_clock::now();
    for (auto& w : workers) all.merge(w->snapshot(recent));
    return all;
  };
}

// The phases on the worker threads: warmup, then (once the main thread has fixed the start
// time) the run. Returns the first warmup failure, if any; the caller joins on `finished`.
struct phases {
  std::barrier<> sync;
  std::vector<std::optional<warmup_failure>> failures;
  std::vector<std::thread> pool;

  phases(run_context& run, worker_list& workers)
      : sync(static_cast<std::ptrdiff_t>(workers.size()) + 1), failures(workers.size()) {
    for (std::size_t t = 0; t < workers.size(); ++t) {
      pool.emplace_back([this, &run, &workers, t] {
        if (run.options->warmup()) failures[t] = workers[t]->warmup();
        sync.arrive_and_wait();  // 1: warmup over
        sync.arrive_and_wait();  // 2: start time set
        workers[t]->run();  // returns at once when stopped before the start
      });
    }
  }
  std::optional<warmup_failure> first_failure() const {
    for (const auto& f : failures)
      if (f) return f;
    return std::nullopt;
  }
  void join() {
    for (auto& th : pool) th.join();
  }
};

[[noreturn]] void throw_warmup_failure(const run_options& o, const warmup_failure& f) {
  throw run_error("Aborting because of error " + std::to_string(f.status) + " for " + o.target.to_string() + " (" +
                  std::to_string(f.bytes) + " bytes)" +
                  (f.status == status_transport_error ? std::string(": ") + std::string(describe(f.error)) : ""));
}

// Fortio's rate lines and ActualDuration: a paced run that ran its course lasted at least its
// schedule's window (Fortio's own run does: its last call is due at the window's end), so a
// -qps 20 -t 3s run reads 20 qps and not calls / time-to-last-call.
nanos reported_elapsed(const load_plan& plan, nanos actual, bool cut_short) {
  return cut_short ? actual : std::max(actual, plan.window);
}

}  // namespace

run_result run_load(const run_options& o, const load_plan& plan, const run_hooks& hooks) {
  run_context run;
  run.options = &o;
  run.plan = &plan;
  run.where = make_route(o);
  if (!o.target.is_echo()) run.requests = make_request_set(o);  // echo sessions send the payload alone
  run.make_session = hooks.make_session ? hooks.make_session : session_for(o, plan.streams);
  for (const auto& w : plan.warnings) spdlog::warn("{}", w);
  if (const std::uint64_t fds = raise_fd_limit(); fds < static_cast<std::uint64_t>(plan.connections) + 64)
    spdlog::warn("{} connections but only {} file descriptors allowed (ulimit -n): some connects will fail",
                 plan.connections, fds);

  const std::unique_ptr<access_log_file> access_log = open_access_log(o, run);  // outlives the workers
  worker_list workers = make_workers(run);
  run.request_stop = [&run, &workers] {
    if (run.stop.exchange(true)) return;
    for (auto& w : workers) w->wake();
  };
  run_result result;
  result.connections = plan.connections;
  result.threads = plan.threads;
  result.cpus = plan.cpus;
  result.planned_per_connection = plan.planned_per_connection;
  result.warmup_calls = o.warmup() ? plan.connections : 0;

  signal_watch signals([&](int sig) {
    spdlog::warn("{} received: no new calls; in-flight calls get up to {:.3g}s (signal again to exit now)",
                 sig == SIGTERM ? "SIGTERM" : "SIGINT", to_seconds(o.timeout));
    run.request_stop();
  });
  phases threads(run, workers);
  threads.sync.arrive_and_wait();  // 1: warmup over
  const std::optional<warmup_failure> failed = threads.first_failure();
  if (failed && !o.allow_initial_errors) run.stop.store(true);
  if (!run.stop.load() && hooks.on_start) hooks.on_start(result);
  if (!run.stop.load()) wait_for_start_time(o.start_at_unix_ns, run.stop);
  run.start = steady_clock::now() + (o.max_speed() ? 0 : startup_margin);
  run.unix_offset = unix_minus_steady();
  if (!o.count_mode() && !o.until_interrupted()) run.end = run.start + o.duration;
  stamp_wall_clock(result);
  const bool watched = hooks.monitor && !run.stop.load();
  if (watched) hooks.monitor->start(run.start, source_of(workers));
  threads.sync.arrive_and_wait();  // 2: start time set
  threads.join();
  const nanos ended = steady_clock::now();

  if (failed && !o.allow_initial_errors) throw_warmup_failure(o, *failed);
  result.interrupted = signals.interrupted();
  result.aborted = run.aborted.load();
  result.elapsed = reported_elapsed(plan, ended - run.start, result.interrupted || result.aborted);
  if (watched) result.series = hooks.monitor->finish(ended);  // its last snapshot reads the workers
  // The first worker's statistics are moved into the result, the others merged into them: a
  // copy would make every histogram page the run touched resident a second time, at the end of
  // the run, where the peak RSS is.
  result.stats = workers.empty() ? run_stats(o.latency_from == measure_from::sent) : std::move(workers.front()->stats());
  for (std::size_t i = 1; i < workers.size(); ++i) result.stats.merge(workers[i]->stats());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  result.hostname = host;
  result.endpoint = run.where.endpoint_text;
  return result;
}

}  // namespace loadgen
