// `loadgen load`: Fortio's load command line bound to run_options, then run, report, exit code.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "commands.hpp"
#include "http_flags.hpp"
#include "profile_files.hpp"
#include "result_outputs.hpp"
#include "loadgen/report/html_report.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/report/report_json.hpp"
#include "loadgen/report/report_text.hpp"
#include "loadgen/report/live_view.hpp"
#include "loadgen/platform/process.hpp"
#include "loadgen/wire/proxy.hpp"
#include "loadgen/client/envoy_admin_read.hpp"
#include "loadgen/client/runner.hpp"
#include "loadgen/core/civil_time.hpp"
#include "loadgen/core/clock.hpp"
#include "loadgen/core/plan.hpp"
#include "loadgen/core/shard.hpp"

namespace loadgen::cli {
namespace {

struct load_flags {
  http_flags http;
  std::string duration = "5s";
  std::string percentiles = "50,75,90,99,99.9";
  std::string reuse;
  std::string offset = "0s";
  std::string measure = "due";
  std::string arrival = "constant";
  std::string ramp = "0s";
  std::string interval = "0s";
  std::string busy_wait = "0s";   // -busy-wait: off unless asked (loadgen often shares its machine)
  std::string access_log_format = "json";
  std::string udp_timeout = "750ms";  // -udp-timeout: a udp:// call's timeout (Fortio's)
  // Fortio flags accepted for compatibility; loadgen's behaviour already covers them.
  bool log_errors = true, httpccch = false, stdclient = false, sequential_warmup = false;
  int httpbufferkb = 128;
  bool curl = false;      // -curl: behave as `loadgen curl URL` (Istio how-tos use `fortio load -curl`)
  bool calc_qps = false;  // -calc-qps: qps = -n / -t
  int gomaxprocs = 0;     // -gomaxprocs: Fortio's name for the worker thread count
  std::string profile;    // -profile FILE: CPU and memory summary to FILE.cpu and FILE.mem
  // Fortio's gRPC load flags.
  bool grpc = false, ping = false, grpc_compression = false;
  int grpc_streams = 1;                // -s: streams per gRPC connection
  std::string grpc_ping_delay = "0s";  // -grpc-ping-delay
  std::string healthservice;           // -healthservice
  std::string html;                    // -html FILE: the self-contained HTML report
  std::vector<std::string> asserts;    // -assert, repeatable
  std::string envoy_admin;             // -envoy-admin URL (or auto)
  std::string envoy_cluster;           // -envoy-cluster NAME
  int shards = 1;                      // -shards N: this process makes 1/N of the load
  int shard_index = -1;                // -shard-index I; -1: from JOB_COMPLETION_INDEX
  std::string start_at;                // -start-at RFC 3339 time
  std::string start_in;                // -start-in duration
};

// How long each read of the admin /stats may take: the run waits for it before its first call
// and after its last, so it stays short whatever -timeout says.
constexpr nanos envoy_admin_timeout = ns_per_s;

// -envoy-admin: the sidecar's counters read around the run (client/envoy_admin_read).
struct envoy_watch {
  std::string admin;  // "" when not asked
  bool quiet = false; // auto: say nothing when no admin port answers
  std::string cluster;
  std::optional<envoy_stats> before;
  std::string before_notice;

  void read_before() {
    if (admin.empty()) return;
    envoy_admin_read rd = read_envoy_admin(admin, envoy_admin_timeout, quiet);
    before = std::move(rd.stats);
    before_notice = std::move(rd.notice);
  }
  // After the run: the second read (only when the first worked) and the story of the two.
  void finish(const run_options& o, run_result& r) const {
    if (admin.empty()) return;
    envoy_admin_read after;
    if (before) after = read_envoy_admin(admin, envoy_admin_timeout, false);
    r.envoy = envoy_around_run(admin, before, before_notice, after.stats, after.notice, o.target.host, o.target.port, cluster);
  }
};


// -json and -a (both may be given: the same JSON goes to both places).
void write_json(const run_options& o, const run_result& r) {
  if (o.json_path.empty() && !o.auto_save) return;
  const std::string json = format_json(o, r);
  if (!o.json_path.empty()) write_json_to(json, o.json_path, "-json");
  if (o.auto_save) write_json_to(json, auto_save_path(o.data_dir, run_id(o, r)), "-a");
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

// The parsed flags into o (durations, enums, ranges), validated, with the proxy chosen.
// Throws loadgen::error for a bad value.
void apply_load_flags(const load_flags& f, run_options& o) {
    o.level = setup_logging(f.http.level, f.http.quiet);
    http_flags http = f.http;
    if (http.stream && !f.curl) {  // as Fortio: -stream is curl's (a load would read stdin for every call)
      spdlog::warn("-stream is for curl (and load -curl): ignored");
      http.stream = false;
    }
    apply_http_flags(http, o);
    o.duration = duration_flag("t", f.duration);
    o.offset = to_seconds(duration_flag("offset", f.offset));
    o.ramp = duration_flag("ramp", f.ramp);
    o.interval = duration_flag("interval", f.interval);
    o.busy_wait = duration_flag("busy-wait", f.busy_wait);
    o.udp_timeout = duration_flag("udp-timeout", f.udp_timeout);
    if (f.gomaxprocs > 0 && o.threads == 0) o.threads = f.gomaxprocs;
    if (f.sequential_warmup)
      spdlog::warn("-sequential-warmup: loadgen warms every connection up at once (one call each), not one after another");
    if (f.calc_qps) {
      // Fortio's rule and words (and its exit code, 1): the rate that spreads -n calls over -t.
      if (o.calls <= 0 || o.duration <= 0) throw run_error("can't use `-calc-qps` without also specifying `-n` and `-t`");
      o.qps = static_cast<double>(o.calls) / to_seconds(o.duration);
    }
    o.progress = isatty(STDERR_FILENO) && !f.http.quiet;
    o.percentiles = parse_percentiles(f.percentiles);
    if (!f.reuse.empty()) std::tie(o.reuse_min, o.reuse_max) = parse_reuse_range(f.reuse);
    if (f.measure == "due") o.latency_from = measure_from::due;
    else if (f.measure == "sent") o.latency_from = measure_from::sent;
    else throw flag_error("invalid -measure-from \"" + f.measure + "\" (want due or sent)");
    if (f.arrival == "constant") o.arrival = arrival_kind::constant;
    else if (f.arrival == "poisson") o.arrival = arrival_kind::poisson;
    else throw flag_error("invalid -arrival \"" + f.arrival + "\" (want constant or poisson)");
    if (const auto format = parse_access_log_format(f.access_log_format)) o.access_log = *format;
    else throw flag_error("invalid -access-log-format \"" + f.access_log_format + "\" (want json, influx or siege)");
    if (f.grpc) {
      // gRPC rides the HTTP/2 engine: -s streams per connection, every stream a unary call.
      o.url_text = grpc_target(o.url_text, o);
      o.h2 = true;
      o.streams = f.grpc_streams;
      o.grpc_ping = f.ping;
      o.grpc_health_service = f.healthservice;
      o.grpc_ping_delay = duration_flag("grpc-ping-delay", f.grpc_ping_delay);
      if (f.grpc_streams < 1) throw flag_error("-s must be at least 1");
      std::size_t padded = 0;
      o.payload = valid_utf8_payload(o.payload, &padded);  // a proto3 string field
      if (padded > 0) spdlog::info("Padded payload with {} extra Xs to make valid UTF-8 after filtering invalid sequences", padded);
      o.grpc_gzip = f.grpc_compression;
    } else if (f.ping || !f.healthservice.empty() || f.grpc_streams != 1) {
      spdlog::warn("-ping, -healthservice and -s are for gRPC runs (-grpc): ignored");
    }
    bool assumed = false;
    validate(o, &assumed);
    o.target.grpc = f.grpc;
    select_proxy(o);
    if (assumed) spdlog::warn("Assuming http:// on missing scheme for '{}'", o.url_text);
    if (o.streams > 1 && !o.h2) spdlog::warn("-streams {} is for HTTP/2 connections (-h2): ignored", o.streams);
}

// -shards, -shard-index (or JOB_COMPLETION_INDEX, which a Kubernetes Indexed Job gives each
// pod), -start-at and -start-in. Returns the shard line for the report ("" when not sharded).
// Throws flag_error (exit 2).
std::string apply_distribution(const load_flags& f, run_options& o) {
  if (!f.start_at.empty() && !f.start_in.empty()) throw flag_error("-start-at and -start-in: give one of them");
  if (!f.start_at.empty()) {
    const auto t = parse_rfc3339(f.start_at);
    if (!t) throw flag_error("invalid -start-at \"" + f.start_at + "\" (want an RFC 3339 time with its zone, e.g. 2026-11-29T23:30:00Z)");
    o.start_at_unix_ns = t->unix_ns;
  } else if (!f.start_in.empty()) {
    const nanos in = duration_flag("start-in", f.start_in);
    if (in < 0) throw flag_error("-start-in must not be negative");
    o.start_at_unix_ns = wall_clock::now() + in;
  }
  if (f.shards < 1) throw flag_error(fmt::format("-shards must be at least 1 (got {})", f.shards));
  if (f.shards == 1 && f.shard_index <= 0) return "";
  int index = f.shard_index;
  if (index < 0) {
    const char* env = std::getenv("JOB_COMPLETION_INDEX");
    if (env == nullptr)
      throw flag_error(fmt::format("-shards {}: which shard is this? Give -shard-index, or set JOB_COMPLETION_INDEX "
                                   "(a Kubernetes Indexed Job sets it in each pod)", f.shards));
    const std::optional<int> parsed = parse_shard_index(env);
    if (!parsed) throw flag_error(fmt::format("JOB_COMPLETION_INDEX=\"{}\" is not a shard index (0, 1, ...)", env));
    index = *parsed;
  }
  const std::string whole = shard_flags_text(o);
  apply_shard(o, index, f.shards);
  return fmt::format("Shard {} of {} (indexes 0..{}): {}, its share of {}\n", index, f.shards, f.shards - 1,
                     shard_flags_text(o), whole);
}

// The command line into o and f; a value when the command ends here (help, a bad flag). The
// CLI11 app lives only inside: its options and help texts are freed before the run, whose
// allocations reuse that memory instead of adding to the peak RSS (measured together with
// runner.cpp's move of the statistics: 6.5 -> 6.0 MB at -c 64). Nothing may keep a pointer
// into the app past this function (see cli_common.cpp's logger_style).
std::optional<int> parse_load_command(const std::vector<std::string>& args, run_options& o, load_flags& f) {
  CLI::App app("Run a load test against a URL, Fortio-style.", "load");
  app.set_help_flag("--help", "Show this help");
  app.add_option("url", o.url_text, "Target URL (http:// is assumed when there is no scheme); tcp://host:port or udp://host:port for Fortio's echo runs");
  const auto load = [](CLI::Option* opt) { opt->group("Load"); };
  const auto output = [](CLI::Option* opt) { opt->group("Output"); };
  const auto own = [](CLI::Option* opt) { opt->group("loadgen"); };
  load(app.add_option("--c", o.connections, "Number of connections (Fortio's goroutines/threads)"));
  load(app.add_option("--qps", o.qps, "Queries per second over all connections, or 0 (or negative) for as fast as possible"));
  load(app.add_option("--n", o.calls, "Exact number of calls (overrides -t; no warmup)"));
  load(app.add_option("--t", f.duration, "How long to run (Go duration, plus d and w), or 0 to run until interrupted")->type_name("duration"));
  load(app.add_flag("--calc-qps", f.calc_qps, "Set -qps to -n / -t (both needed)"));
  load(app.add_flag("--allow-initial-errors", o.allow_initial_errors, "Do not abort when a warmup call fails"));
  load(app.add_option("--abort-on", o.abort_on, "HTTP status that stops the run when seen (-1: transport errors)")->type_name("code"));
  load(app.add_option("--connection-reuse", f.reuse, "Reopen each connection after min:max calls (or a fixed n)")->type_name("min:max"));
  load(app.add_flag("--uniform", o.uniform, "Stagger connection start times evenly (QPS mode)"));
  load(app.add_flag("--jitter", o.jitter, "Move each call's due time by up to +/-10% (QPS mode)"));
  load(app.add_flag("--nocatchup", o.nocatchup, "Skip calls whose slot passed while the connection was busy"));
  load(app.add_option("--gomaxprocs", f.gomaxprocs, "Fortio's Go runtime threads: loadgen's worker threads (-threads)"));
  load(app.add_flag("--curl", f.curl, "Make one request and print it, as `loadgen curl` (the load flags are ignored)"));
  load(app.add_flag("--sequential-warmup", f.sequential_warmup, "Accepted with a warning: the warmup call of every connection is made in parallel"));
  load(app.add_flag("--stdclient", f.stdclient, "Accepted for Fortio compatibility; loadgen has one HTTP client, its own"));
  load(app.add_flag("--httpccch", f.httpccch, "Accepted for Fortio compatibility; Connection: close is always honoured"));
  load(app.add_option("--httpbufferkb", f.httpbufferkb, "Accepted for Fortio compatibility; responses of any size are read")->type_name("kbytes"));
  load(app.add_flag("--log-errors", f.log_errors, "Accepted for Fortio compatibility; failures are summarised in the report")->default_str("true"));
  output(app.add_option("--r", o.resolution, "Resolution of the histogram's lowest buckets, in seconds"));
  output(app.add_option("--offset", f.offset, "Histogram offset")->type_name("duration"));
  output(app.add_option("--p", f.percentiles, "Percentiles to report, comma-separated"));
  output(app.add_option("--labels", o.labels, "Free-text label for the JSON result (and -a's file name)"));
  output(app.add_option("--json", o.json_path, "Write the JSON result to this file, or - for stdout")->type_name("path"));
  output(app.add_flag("--a", o.auto_save, "Also save the JSON result as <data-dir>/<ID>.json, Fortio's file name (ID: date, -runid, -labels)"));
  output(app.add_option("--data-dir", o.data_dir, "Directory where -a saves results")->type_name("Directory"));
  output(app.add_option("--runid", o.run_id, "Run ID (an integer) written to the JSON RunID and into its ID, as Fortio"));
  output(app.add_option("--profile", f.profile, "Write a CPU and memory summary of the run to <file>.cpu and <file>.mem (text, not pprof)")->type_name("file"));
  own(app.add_option("--shards", f.shards, "Distributed run: this process makes 1/N of -c, -qps and -n (shares add up exactly); "
                                          "the shard is -shard-index or $JOB_COMPLETION_INDEX (Kubernetes Indexed Job)"));
  own(app.add_option("--shard-index", f.shard_index, "With -shards: this process's shard, 0..N-1 (default: $JOB_COMPLETION_INDEX)"));
  own(app.add_option("--start-at", f.start_at, "Make the first call at this wall-clock time (RFC 3339 with zone, e.g. 2026-11-29T23:30:00Z), "
                                                "after the warmup: every shard starts the same moment")->type_name("time"));
  own(app.add_option("--start-in", f.start_in, "Make the first call this long after the process starts (after the warmup)")->type_name("duration"));
  own(app.add_option("--threads", o.threads, "Worker threads (default: the CPUs this process may run on, capped by its cgroup CPU limit)"));
  own(app.add_option("--measure-from", f.measure, "Latency from the schedule's due time (due, default) or the send (sent, as Fortio)"));
  own(app.add_option("--streams", o.streams, "With -h2: concurrent streams per connection, each a call slot (-c 8 -streams 16: 128 slots); never more than the server allows"));
  own(app.add_option("--arrival", f.arrival, "Arrival process in QPS mode: constant (default) or poisson"));
  own(app.add_option("--ramp", f.ramp, "Ramp the rate linearly from 0 to -qps over this duration")->type_name("duration"));
  own(app.add_option("--busy-wait", f.busy_wait, "QPS mode: busy-wait this long before each call is due instead of sleeping "
                                                  "(e.g. 100us: dispatch lag p99 ~35 us instead of ~85 us, for a whole core; 0: sleep only)")->type_name("duration"));
  own(app.add_flag("--busy-poll", o.busy_poll, "Poll for responses instead of sleeping in epoll_wait (a whole core per thread; "
                                               "fastest at -c 1 or 2 at max speed, on cores of its own)"));
  own(app.add_option("--interval", f.interval, "Print calls, qps, codes and p50/p99 every interval (e.g. 1s) while running")->type_name("duration"));
  output(app.add_option("--access-log-file", o.access_log_path,
                        "Append one line per call to this file (- for stdout), in -access-log-format")->type_name("path"));
  output(app.add_option("--access-log-format", f.access_log_format,
                        "Access log line format: json, influx, or siege (as siege -v prints)")->type_name("format"));
  load(app.add_option("--udp-timeout", f.udp_timeout, "Timeout of each udp:// call (-timeout is for the others)")->type_name("duration"));
  load(app.add_flag("--grpc", f.grpc, "gRPC load: a health check by default, Fortio's ping with -ping (target host:port or http(s)://host:port)"));
  load(app.add_flag("--ping", f.ping, "-grpc: call Fortio's fgrpc.PingServer/Ping (with -payload) instead of the health check"));
  load(app.add_option("--healthservice", f.healthservice, "-grpc: the service name the health check asks about"));
  load(app.add_option("--s", f.grpc_streams, "-grpc: streams per connection, each a call slot (-c 2 -s 4: 8 slots)"));
  load(app.add_option("--grpc-ping-delay", f.grpc_ping_delay, "-grpc -ping: delay the server waits before answering")->type_name("duration"));
  load(app.add_flag("--grpc-compression", f.grpc_compression, "-grpc: gzip the messages (grpc-encoding: gzip)"));
  own(app.add_option("--envoy-admin", f.envoy_admin,
                     "Envoy's admin URL (the sidecar's: http://127.0.0.1:15000, or auto for that and silence when absent): "
                     "its cluster counters are read before the first call and after the last, and what moved is reported")
          ->type_name("URL"));
  own(app.add_option("--envoy-cluster", f.envoy_cluster,
                     "-envoy-admin: the cluster to report (default: the target's, by Istio's outbound|<port>||<host> naming)")
          ->type_name("name"));
  output(app.add_option("--html", f.html, "Also write a self-contained HTML report (charts inline, opens offline) to this file")->type_name("path"));
  output(app.add_option("--assert", f.asserts,
                        "Threshold checked after the report, repeatable: p99<250ms, errors<1%, code503<=10, qps>=0.99*requested "
                        "(metrics: p<N> min avg max service_p<N> qps calls ok errors code<N> transport envoy_overflow); "
                        "any FAIL exits 3")->type_name("check"));
  add_http_flags(app, f.http);
  return parse(app, args);
}

}  // namespace

int run_load(const std::vector<std::string>& args) {
  run_options o;
  load_flags f;
  if (auto rc = parse_load_command(args, o, f)) return *rc;

  try {
    apply_load_flags(f, o);
    const std::string shard_line = apply_distribution(f, o);
    if (f.curl) return fetch_and_report(o, f.http.curl_stdout_headers);
    if (!f.profile.empty()) check_profile_writable(f.profile);  // as Fortio: fail before the run, not after
    const std::vector<assertion> asserts = parse_assertions(f.asserts, o);  // bad ones stop here, exit 2
    if (!f.html.empty()) check_writable(f.html, "-html");
    envoy_watch envoy;
    if (!f.envoy_cluster.empty() && f.envoy_admin.empty()) throw flag_error("-envoy-cluster needs -envoy-admin");
    if (!f.envoy_admin.empty()) {
      envoy.quiet = f.envoy_admin == "auto";
      envoy.admin = envoy.quiet ? std::string(envoy_admin_auto) : f.envoy_admin;
      check_envoy_admin_url(envoy.admin);
      envoy.cluster = f.envoy_cluster;
    }

    const load_plan plan = make_plan(o, affinity_cpus(), cgroup_cpu_limit());
    print(format_banner(o, plan.cpus, plan.threads));
    if (!shard_line.empty()) print(shard_line);
    const auto live = make_live_view(o, o.interval > 0 ? o.interval : ns_per_s, o.progress, o.interval > 0);
    run_hooks hooks;
    hooks.on_start = [&](const run_result& started) {
      print(format_starting(o, started));
      envoy.read_before();  // just before the first call: the run's start time is not fixed yet
    };
    hooks.monitor = live.get();
    run_result r = run_load(o, plan, hooks);
    envoy.finish(o, r);
    print(format_report(o, r));
    write_json(o, r);
    if (!f.html.empty()) write_html_to(format_html({{&o, &r, run_id(o, r), {}}}, "loadgen " + run_id(o, r)), f.html);
    if (!f.profile.empty()) write_profile(f.profile, r.stats.calls(), r.elapsed);
    return report_assertions(asserts, o, r);
  } catch (const loadgen::error& e) {
    print_error("load", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error("load", e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
