#include "loadgen/report/report_text.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "loadgen/core/access_log_line.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/echo.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/core/go_format.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/core/outcome.hpp"
#include "loadgen/core/version.hpp"

namespace loadgen {
namespace {

// Fortio prints a line when the log level lets a message of that level through.
bool shows(const run_options& o, log_level at) { return o.level <= at; }

// The URL as Fortio prints it: normalised (scheme added), user info left out.
std::string shown_url(const run_options& o) {
  return o.target.scheme.empty() ? o.url_text : o.target.to_string();
}

// Go's Duration.Seconds(): whole seconds plus the remainder, so the last digit of a qps matches.
double go_seconds(nanos d) {
  return static_cast<double>(d / ns_per_s) + static_cast<double>(d % ns_per_s) / 1e9;
}

}  // namespace

double achieved_qps(const run_result& r) {
  const double s = go_seconds(r.elapsed);
  return s > 0 ? static_cast<double>(r.stats.calls()) / s : 0;
}

// The rate the schedule delivered, for the "Requested qps" line: the calls over the requested
// window (-t, or -n/-qps), or over the run when it took longer or was stopped early. Fortio's
// calls/elapsed (the other lines) reads over 100% when the last calls were due a little before
// the end: with -c 1000 at 10 qps each, the last burst is due 100 ms before the end of -t.
double scheduled_qps(const run_options& o, const run_result& r) {
  double window = go_seconds(r.elapsed);
  if (!r.interrupted && !r.aborted && o.qps > 0) {
    if (o.count_mode()) window = std::max(window, static_cast<double>(o.calls) / o.qps);
    else if (!o.until_interrupted()) window = std::max(window, go_seconds(o.duration));
  }
  return window > 0 ? static_cast<double>(r.stats.calls()) / window : 0;
}

namespace {

fortio_histogram export_seconds(const histogram& h, const run_options& o) {
  return export_fortio(h, 1e-9, o.resolution, o.offset, o.percentiles, o.fortio_buckets);
}

// Fortio's counter line: "<title> : count %d avg %.8g +/- %.4g min %g max %g sum %.9g".
std::string counter_line(std::string_view title, std::int64_t count, double avg, double stddev,
                         double min, double max, double sum) {
  return fmt::format("{} : count {} avg {} +/- {} min {} max {} sum {}\n", title, count, go_g_prec(avg, 8),
                     go_g_prec(stddev, 4), go_g(min), go_g(max), go_g_prec(sum, 9));
}

std::string counter_line(std::string_view title, const fortio_histogram& e) {
  return counter_line(title, e.count, e.avg, e.stddev, e.min, e.max, e.sum);
}

std::string counter_line(std::string_view title, const counter_stats& c) {
  return counter_line(title, c.count, c.mean(), c.stddev(), c.min, c.max, c.sum);
}

std::string target_lines(const fortio_histogram& e) {
  std::string out;
  for (const auto& p : e.percentiles)
    out += fmt::format("# target {}% {}\n", go_g(p.percentile), go_g_prec(p.value, 6));
  return out;
}

// Fortio's full histogram: counter line, "# range" header, one line per non-empty bucket, targets.
std::string histogram_block(std::string_view title, const fortio_histogram& e) {
  if (e.data.empty()) return fmt::format("{} : no data\n", title);
  std::string out = counter_line(title, e);
  out += "# range, mid point, percentile, count\n";
  bool first = true;
  for (const auto& b : e.data) {
    out += fmt::format("{} {} <= {} , {} , {}, {}\n", first ? ">=" : ">", go_g_prec(b.start, 6), go_g_prec(b.end, 6),
                       go_g_prec((b.start + b.end) / 2, 6), go_f(b.percent, 2), b.count);
    first = false;
  }
  return out + target_lines(e);
}

// loadgen's one-line summary of a latency histogram (seconds, %.6g), percentiles straight from the
// fine histogram: "count N avg X p50 X p99 X max X".
std::string summary(const histogram& h) {
  const auto s = [](double ns) { return go_g_prec(ns / 1e9, 6); };
  return fmt::format("count {} avg {} p50 {} p99 {} max {}", h.count(), s(h.mean()),
                     s(static_cast<double>(h.value_at_percentile(50))),
                     s(static_cast<double>(h.value_at_percentile(99))), s(static_cast<double>(h.max())));
}

// "ip:port" alone, or "[ip1 (n1), ip2 (n2)]" for several (sorted by address; Fortio's order is random).
std::string resolved_to(const std::map<std::string, std::int64_t>& ips) {
  if (ips.size() == 1) return ips.begin()->first;
  std::string out = "[";
  for (const auto& [ip, n] : ips) {
    if (out.size() > 1) out += ", ";
    out += fmt::format("{} ({})", ip, n);
  }
  return out + "]";
}

// One entry per connection slot 0..connections-1 (a slot that never connected shows 0 sockets),
// plus any other slot the statistics know about.
std::vector<connection_stats> connection_slots(const run_result& r) {
  std::map<int, connection_stats> by_index;
  for (int i = 0; i < r.connections; ++i) by_index[i].index = i;
  for (const auto& c : r.stats.connections) by_index[c.index] = c;
  std::vector<connection_stats> out;
  for (auto& [i, c] : by_index) out.push_back(std::move(c));
  return out;
}

std::string socket_lines(const run_options& o, const run_result& r) {
  std::string out = "# Socket and IP used for each connection:\n";
  std::int64_t sockets = 0;
  std::map<std::string, std::int64_t> ips;
  for (const auto& c : connection_slots(r)) {
    out += fmt::format("[{}] {:3d} socket used, resolved to {}, ", c.index, c.sockets, resolved_to(c.ips));
    out += counter_line("connection timing", c.connect_time);
    sockets += c.sockets;
    for (const auto& [ip, n] : c.ips) ips[ip] += n;
  }
  if (shows(o, log_level::info)) {
    out += histogram_block("Connection time histogram (s)", export_seconds(r.stats.connect, o));
  } else if (shows(o, log_level::warning)) {
    out += counter_line("Connection time (s)", export_fortio(r.stats.connect, 1e-9, o.resolution, o.offset, {}));
  }
  // -h2: the slots of a connection's streams share its socket.
  const int perfect = o.h2 && o.streams > 1 ? (r.connections + o.streams - 1) / o.streams : r.connections;
  out += fmt::format("Sockets used: {} (for perfect keepalive, would be {})\n", sockets, perfect);
  out += fmt::format("Uniform: {}, Jitter: {}, Catchup allowed: {}\n", o.uniform, o.jitter, !o.nocatchup);
  out += "IP addresses distribution:\n";
  std::vector<std::pair<std::string, std::int64_t>> by_count(ips.begin(), ips.end());
  std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [ip, n] : by_count) out += fmt::format("{}: {}\n", ip, n);
  return out;
}

std::string code_lines(const run_result& r) {
  std::string out;
  const double calls = static_cast<double>(r.stats.calls());
  for (const auto& [code, n] : r.stats.codes())
    out += fmt::format("Code {:3d} : {} ({} %)\n", code, n, go_f(100.0 * static_cast<double>(n) / calls, 1));
  return out;
}

// Fortio's gRPC runner lines in place of the HTTP ones: "Jitter: false", then one line per
// outcome by its name, SERVING first: "Ping SERVING : 20", "Health NOT_SERVING : 3", and for
// calls that ended with a gRPC error its status name ("Ping UNAVAILABLE : 6"; Fortio counts
// those as "ERROR", the name of a call with no gRPC answer at all, which loadgen keeps for that).
std::string grpc_lines(const run_options& o, const run_result& r) {
  const std::string which = o.grpc_ping ? "Ping" : "Health";
  std::string out = fmt::format("Jitter: {}\n", o.jitter);
  const auto codes = r.stats.codes();
  if (const auto it = codes.find(status_grpc_serving); it != codes.end())
    out += fmt::format("{} SERVING : {}\n", which, it->second);
  for (const auto& [code, n] : codes)
    if (code != status_grpc_serving) out += fmt::format("{} {} : {}\n", which, grpc_code_name(code), n);
  return out;
}

// Fortio's TCP/UDP runner lines in place of the HTTP ones: sockets, bytes, then one line per
// outcome named as Fortio names it, in its (string) order: "tcp OK : 50 (100.0 %)".
std::string echo_lines(const run_options& o, const run_result& r) {
  std::int64_t sockets = 0;
  for (const auto& c : r.stats.connections) sockets += c.sockets;
  std::string out = fmt::format("Sockets used: {} (for perfect no error run, would be {})\n", sockets, r.connections);
  out += fmt::format("Total Bytes sent: {}, received: {}\n", r.stats.bytes_sent, r.stats.bytes_received);
  const double calls = static_cast<double>(r.stats.calls());
  for (const auto& [key, n] : echo_ret_codes(r.stats, o.target.scheme, r.endpoint))
    out += fmt::format("{} {} : {} ({} %)\n", o.target.scheme, key, n, go_f(100.0 * static_cast<double>(n) / calls, 1));
  return out;
}

std::string transport_error_line(const run_stats& s) {
  std::string parts;
  for (std::size_t i = 1; i < transport_error_kinds; ++i) {
    if (s.transport_counts[i] == 0) continue;
    if (!parts.empty()) parts += ", ";
    parts += fmt::format("{} {}", describe(static_cast<transport_error>(i)), s.transport_counts[i]);
  }
  if (parts.empty()) return {};
  std::string out = "Transport errors : " + parts + "\n";
  // The first TLS or proxy failure in words (expired certificate, wrong host, unknown CA, ...).
  if (!s.failure_detail.empty()) out += "First failure : " + s.failure_detail + "\n";
  return out;
}

// -h2: what the connections spoke. "Protocol : h2 8 connections, 16 streams max", then what
// changed it: the server's SETTINGS_MAX_CONCURRENT_STREAMS below -streams, HTTP/1.1 fallbacks
// (https servers that did not offer h2 in ALPN), calls made again after a GOAWAY. "" without -h2.
std::string protocol_line(const run_options& o, const run_stats& s) {
  if (!o.h2 || o.target.is_echo()) return {};
  const protocol_stats& p = s.protocol;
  std::string out = "Protocol : ";
  if (p.h2_connections > 0 || p.http1_fallbacks == 0) {
    out += fmt::format("h2 {} connections, {} streams max", p.h2_connections, p.streams_max);
    if (p.server_cap > 0)
      out += fmt::format(" (-streams {} capped by the server's SETTINGS_MAX_CONCURRENT_STREAMS {})", o.streams, p.server_cap);
    if (p.http1_fallbacks > 0) out += "; ";
  }
  if (p.http1_fallbacks > 0)
    out += fmt::format("http/1.1 {} connections (the server did not offer h2 in ALPN)", p.http1_fallbacks);
  if (p.goaway_retries > 0) out += fmt::format("; {} calls retried on a new connection after GOAWAY", p.goaway_retries);
  return out + "\n";
}

// Responses that carried x-envoy-overloaded, one line per status: the 503 line first (Envoy's
// circuit-breaker overflow), then any other status that carried the header, in status order.
std::string envoy_overflow_lines(const run_options& o, const run_stats& s) {
  const auto of = [&s](int status) {
    return status >= 0 && status < static_cast<int>(s.status_counts.size())
               ? s.status_counts[static_cast<std::size_t>(status)]
               : std::int64_t{0};
  };
  std::string out;
  if (o.target.grpc) {
    // Envoy answers a gRPC call it sheds with grpc-status 14 UNAVAILABLE and x-envoy-overloaded.
    if (const std::int64_t shed = s.envoy_overloaded_for(status_grpc_unavailable); shed > 0)
      out += fmt::format("Envoy overflow : {} of {} UNAVAILABLE calls carried x-envoy-overloaded (shed by an Envoy "
                         "circuit breaker, not by the service)\n",
                         shed, of(status_grpc_unavailable));
    return out;
  }
  if (const std::int64_t shed = s.envoy_overloaded_for(503); shed > 0) {
    out += fmt::format(
        "Envoy overflow : {} of {} 503 responses carried x-envoy-overloaded (shed by an Envoy circuit breaker, not "
        "by the service)\n",
        shed, of(503));
  }
  for (const auto& [status, n] : s.envoy_overloaded_by_status) {
    if (status == 503 || n == 0) continue;
    out += fmt::format(
        "Envoy overflow : {} of {} {} responses carried x-envoy-overloaded (marked by an Envoy; only a 503 is a "
        "circuit-breaker overflow)\n",
        n, of(status), status);
  }
  return out;
}

// 5xx and 429 answers by Envoy's reason (core/envoy_reply), when there were any:
// "Envoy reasons : overflow 19, no healthy upstream 1; application 2" (application: no sign of
// Envoy, the service's own answer). Not for gRPC, whose errors are statuses, not bodies.
std::string envoy_reason_line(const run_options& o, const run_stats& s) {
  if (o.target.grpc || o.target.is_echo()) return {};
  std::string parts;
  for (const auto& e : envoy_replies()) {
    const std::int64_t n = s.envoy_reasons[static_cast<std::size_t>(e.reason)];
    if (n > 0) parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", e.label, n);
  }
  const std::int64_t app = s.envoy_reasons[static_cast<std::size_t>(envoy_reason::application)];
  if (parts.empty() && app == 0) return {};
  return fmt::format("Envoy reasons : {}; application {}\n", parts.empty() ? "none" : parts, app);
}

// -envoy-admin: what moved in the sidecar's cluster, its breaker gauges, and whether its overflow
// count agrees with the x-envoy-overloaded answers loadgen saw; or the one notice.
std::string envoy_admin_lines(const run_options& o, const run_result& r) {
  if (!r.envoy) return {};
  const envoy_cluster_delta& e = *r.envoy;
  if (e.cluster.empty()) return "Envoy admin : " + e.notice + "\n";
  std::string moved;
  for (const auto& [name, d] : e.delta)
    if (d != 0) moved += fmt::format("{}{} {:+d}", moved.empty() ? "" : ", ", name, d);
  std::string out = fmt::format("Envoy cluster {} : {}\n", e.cluster, moved.empty() ? "no counter moved" : moved);
  if (!e.gauges.empty()) {
    std::string gauges;
    for (const auto& [name, v] : e.gauges)
      gauges += fmt::format("{}{} {}", gauges.empty() ? "" : ", ", name.substr(std::string_view("circuit_breakers.").size()), v);
    out += "Envoy circuit breakers after : " + gauges + "\n";
  }
  const std::int64_t counted = e.delta_of("upstream_rq_pending_overflow") + e.delta_of("upstream_cx_overflow");
  const int shed_status = o.target.grpc ? status_grpc_unavailable : 503;
  const std::int64_t seen = r.stats.envoy_overloaded_for(shed_status);
  const std::string what = o.target.grpc ? "UNAVAILABLE calls" : "503s";
  if (counted == seen) {
    out += fmt::format("Envoy check : the cluster's overflows (+{}) and the {} with x-envoy-overloaded ({}) agree\n", counted,
                       what, seen);
  } else {
    out += fmt::format(
        "Envoy check : the cluster counted {} overflows, loadgen saw {} {} with x-envoy-overloaded (other clients of "
        "this proxy, retries, or another cluster count too)\n",
        counted, seen, what);
  }
  return out;
}

// loadgen's own lines, just before "All done". None starts with a prefix Fortio uses.
std::string insight_lines(const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  // An echo run's failures are already named one per line by echo_lines().
  const std::string transport = protocol_line(o, s) + (o.target.is_echo() ? std::string() : transport_error_line(s));
  if (!shows(o, log_level::warning)) return transport + envoy_overflow_lines(o, s) + envoy_reason_line(o, s) + envoy_admin_lines(o, r);

  // Service time is loadgen's own measure: a result read from Fortio's JSON has none to show.
  std::string out = s.service.count() > 0 ? "Service time (from send) : " + summary(s.service) + "\n" : std::string();
  if (!o.max_speed()) {
    const double achieved = scheduled_qps(o, r);
    out += fmt::format("Requested qps {}, achieved {} ({} %)\n", go_g(o.qps), go_f(achieved, 1),
                       go_f(100.0 * achieved / o.qps, 1));
    // A late call had one of two causes. Either its connection was still busy with the previous
    // call (the server's latency: more connections would have sent it on time), or the connection
    // was free and loadgen itself sent it late (CPU, threads, a burst of calls due at once). Only
    // the second makes the generator the bottleneck.
    if (s.waited_for_connection > 0) {
      out += fmt::format(
          "Waited for a busy connection : {} of {} calls ({} %) fell due while the previous call on their "
          "connection was still running (server latency; more connections, -c, would send them on time)\n",
          s.waited_for_connection, s.dispatch_lag.count(),
          go_f(100.0 * static_cast<double>(s.waited_for_connection) / static_cast<double>(s.dispatch_lag.count()), 1));
    }
    const std::int64_t own_p99 = s.generator_lag.value_at_percentile(99);
    if (s.generator_lag.count() > 0 && own_p99 > ns_per_ms) {
      out += fmt::format(
          "WARNING: loadgen fell behind schedule: calls whose connection was free left {} s late at p99; the "
          "generator, not the server, is the bottleneck (raise -threads, give it more CPU,{} or lower -qps)\n",
          go_g_prec(static_cast<double>(own_p99) / 1e9, 6), o.uniform ? "" : " use -uniform,");
    }
  }
  if (s.skipped > 0) out += fmt::format("Skipped calls (-nocatchup) : {}\n", s.skipped);
  if (o.latency_from == measure_from::sent) {
    out += "Latency measured from: send time (as Fortio)\n";
  } else if (!o.max_speed()) {
    out += "Latency measured from: due time (open loop; -measure-from sent gives Fortio's figures)\n";
  }

  std::vector<const std::pair<int, histogram>*> by_code;
  for (const auto& entry : s.latency_by_status) by_code.push_back(&entry);
  std::sort(by_code.begin(), by_code.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : by_code) {
    if (entry->second.count() == 0) continue;
    out += fmt::format("Latency for {} : {}\n", status_label(o.target, entry->first), summary(entry->second));
  }

  if (s.tls_handshake.count() > 0)
    out += fmt::format("TLS handshakes : {} (resumed {})\n", summary(s.tls_handshake), s.tls_resumed);
  out += transport;
  out += envoy_overflow_lines(o, s);
  out += envoy_reason_line(o, s);
  out += envoy_admin_lines(o, r);
  if (s.upstream_service_time.count() > 0)
    out += "Envoy upstream service time : " + summary(s.upstream_service_time) + "\n";
  return out;
}

std::string thread_info(const run_result& r) {
  return fmt::format("{} thread(s) [gomax {}]", r.connections, r.threads);
}

}  // namespace

std::string format_histogram(std::string_view title, const fortio_histogram& h) { return histogram_block(title, h); }

std::string format_banner(const run_options& options, int cpus, int threads) {
  std::string out = fmt::format("loadgen {} running at {} queries per second, {}->{} procs", version,
                                go_g(options.qps), cpus, threads);
  if (options.count_mode()) {
    out += fmt::format(", for {} calls: ", options.calls);
  } else if (options.until_interrupted()) {
    out += ", until interrupted: ";
  } else {
    out += fmt::format(", for {}: ", format_go_duration(options.duration));
  }
  return out + shown_url(options) + "\n";
}

std::string format_starting(const run_options& options, const run_result& started) {
  const bool interrupted_only = options.until_interrupted();
  if (!interrupted_only && !shows(options, log_level::warning)) return {};
  const std::string rate = options.max_speed() ? "max" : go_g(options.qps);
  std::string out = fmt::format("Starting at {} qps with {}", rate, thread_info(started));
  const std::int64_t c = std::max(started.connections, 1);
  if (interrupted_only) {
    out += " until interrupted";
  } else if (options.count_mode()) {
    const std::int64_t per = options.calls / c;
    const std::int64_t rem = options.calls % c;
    if (options.max_speed()) {
      out += fmt::format(" for exactly {} calls ({} per thread + {})", options.calls, per, rem);
    } else {
      out += fmt::format(" : exactly {}, {} calls each (total {} + {})", options.calls, per, per * c, rem);
    }
  } else if (options.max_speed()) {
    out += fmt::format(" for {}", format_go_duration(options.duration));
  } else {
    const std::int64_t per = started.planned_per_connection;
    out += fmt::format(" for {} : {} calls each (total {})", format_go_duration(options.duration), per,
                       per * started.connections);
  }
  if (!options.access_log_path.empty())
    out += " with access logger " + access_logger_info(options.access_log_path, options.access_log);
  return out + "\n";
}

std::string format_report(const run_options& options, const run_result& result) {
  const run_options& o = options;
  const run_stats& s = result.stats;
  const bool warning = shows(o, log_level::warning);
  const std::int64_t calls = s.calls();
  std::string out;

  if (warning) {
    out += fmt::format("Ended after {} : {} calls. qps={}\n", format_go_duration(result.elapsed), calls,
                       go_g_prec(achieved_qps(result), 5));
    // Where Fortio prints its "Sleep times" (QPS mode), loadgen prints how late calls left.
    if (!o.max_speed()) out += "Dispatch lag (due to send) : " + summary(s.dispatch_lag) + "\n";
  }

  const fortio_histogram latency = export_seconds(s.latency, o);
  const fortio_histogram errors = export_seconds(s.errors, o);
  if (warning) {
    out += histogram_block("Aggregated Function Time", latency);
    out += histogram_block("Error cases", errors);
  } else {
    out += counter_line("Aggregated Function Time", latency) + target_lines(latency);
    out += counter_line("Error cases", errors);
  }

  if (o.target.is_echo()) {
    out += echo_lines(o, result);
  } else if (o.target.grpc) {
    out += grpc_lines(o, result);
  } else {
    out += socket_lines(o, result);
    out += code_lines(result);
  }

  if (o.target.is_echo() || o.target.grpc) {
    // Fortio's echo and gRPC runners print no size lines (an echo's is the payload's).
  } else if (shows(o, log_level::verbose)) {
    out += histogram_block("Response Header Sizes Histogram", export_fortio(s.header_sizes, 1, 5, 0, {50}));
    out += histogram_block("Response Body/Total Sizes Histogram", export_fortio(s.total_sizes, 1, 100, 0, {50}));
  } else if (warning) {
    out += counter_line("Response Header Sizes", export_fortio(s.header_sizes, 1, 5, 0, {}));
    out += counter_line("Response Body/Total Sizes", export_fortio(s.total_sizes, 1, 100, 0, {}));
  }

  if (o.compression)
    out += "Compression: gzip asked for (-compression); gzip bodies are counted at their decompressed size\n";
  out += insight_lines(o, result);

  out += fmt::format("All done {} calls (plus {} warmup) {} ms avg, {} qps\n", calls, result.warmup_calls,
                     go_f(latency.avg * 1000.0, 3), go_f(achieved_qps(result), 1));
  return out;
}

}  // namespace loadgen
