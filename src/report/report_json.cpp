#include "loadgen/report/report_json.hpp"

#include "loadgen/core/grpc_outcome.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "loadgen/core/access_log_line.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/echo.hpp"
#include "loadgen/core/go_format.hpp"
#include "loadgen/core/base64.hpp"
#include "loadgen/core/civil_time.hpp"
#include "loadgen/core/histogram_codec.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/report/json_writer.hpp"
#include "loadgen/core/outcome.hpp"
#include "loadgen/core/version.hpp"

namespace loadgen {
namespace {

std::string normalised_url(const run_options& o) {
  return o.target.scheme.empty() ? o.url_text : o.target.to_string();
}

// Go's Duration.Seconds(): whole seconds plus the remainder (so ActualQPS matches Fortio's digits).
double go_seconds(nanos d) {
  return static_cast<double>(d / ns_per_s) + static_cast<double>(d % ns_per_s) / 1e9;
}

// Local wall-clock seconds and the nanosecond part of the start time.
std::pair<std::int64_t, std::int64_t> local_start(const run_result& r) {
  std::int64_t sec = r.start_unix_ns / ns_per_s;
  std::int64_t nsec = r.start_unix_ns % ns_per_s;
  if (nsec < 0) {
    nsec += ns_per_s;
    --sec;
  }
  return {sec + r.utc_offset_seconds, nsec};
}

// Go's time.RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00" (fraction without trailing zeros,
// none at all on a whole second; "Z" for offset 0).
std::string rfc3339_nano(const run_result& r) {
  const auto [sec, nsec] = local_start(r);
  const civil_time t = civil_from_seconds(sec);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", t.year, t.month, t.day, t.hour,
                                t.minute, t.second);
  if (nsec != 0) {
    std::string frac = fmt::format("{:09d}", nsec);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  const int off = r.utc_offset_seconds;
  if (off == 0) return out + "Z";
  const int a = off < 0 ? -off : off;
  return out + fmt::format("{}{:02d}:{:02d}", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

void write_histogram(json_writer& w, const fortio_histogram& e, bool with_percentiles) {
  w.begin_object();
  w.field("Count", e.count);
  w.field("Min", e.min);
  w.field("Max", e.max);
  w.field("Sum", e.sum);
  w.field("Avg", e.avg);
  w.field("StdDev", e.stddev);
  w.key("Data");
  if (e.data.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& b : e.data) {
      w.begin_object();
      w.field("Start", b.start);
      w.field("End", b.end);
      w.field("Percent", b.percent);
      w.field("Count", b.count);
      w.end_object();
    }
    w.end_array();
  }
  // Fortio leaves the key out when there is no data (omitempty).
  if (with_percentiles && !e.percentiles.empty()) {
    w.key("Percentiles");
    w.begin_array();
    for (const auto& p : e.percentiles) {
      w.begin_object();
      w.field("Percentile", p.percentile);
      w.field("Value", p.value);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_latency(json_writer& w, std::string_view key, const histogram& h, const run_options& o) {
  w.key(key);
  write_histogram(w, export_fortio(h, 1e-9, o.resolution, o.offset, o.percentiles, o.fortio_buckets), true);
}

// Go marshals map keys sorted as strings ("-1" < "200" < "503").
template <class Map>
std::vector<std::pair<std::string, std::int64_t>> string_keyed(const Map& m) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& [k, v] : m) out.emplace_back(fmt::format("{}", k), v);
  std::sort(out.begin(), out.end());
  return out;
}

void write_counts(json_writer& w, std::string_view key, const std::vector<std::pair<std::string, std::int64_t>>& m) {
  w.key(key);
  w.begin_object();
  for (const auto& [k, v] : m) {
    w.field(k, v);
  }
  w.end_object();
}

std::string requested_duration(const run_options& o, const run_result& r) {
  if (o.count_mode()) {
    std::string out = fmt::format("exactly {} calls", o.calls);
    if (r.interrupted) out += fmt::format(", interrupted after {}", r.stats.calls());
    return out;
  }
  if (o.until_interrupted()) return "until stop";
  return format_go_duration(o.duration);
}

// Sockets opened per connection slot (every slot 0..connections-1, in order, 0 when it never
// connected) and connects per "ip:port", for Fortio's Sockets, SocketCount and IPCountMap.
struct socket_summary {
  std::map<std::string, std::int64_t> ips;
  std::vector<std::int64_t> per_slot;
  std::int64_t total = 0;
};

socket_summary summarise_sockets(const run_result& r) {
  socket_summary out;
  std::map<int, std::int64_t> by_index;
  for (int i = 0; i < r.connections; ++i) by_index[i] = 0;
  for (const auto& c : r.stats.connections) {
    by_index[c.index] += c.sockets;
    for (const auto& [ip, n] : c.ips) out.ips[ip] += n;
  }
  for (const auto& [i, n] : by_index) {
    out.per_slot.push_back(n);
    out.total += n;
  }
  return out;
}

// Fortio's RunType: "HTTP", "TCP", "UDP", or for gRPC "GRPC Ping[ Delay=D]" / "GRPC Health for
// 'NAME'", then " PayloadLength=N" when there is a payload.
std::string run_type(const run_options& o) {
  if (!o.target.grpc) return o.target.scheme == "tcp" ? "TCP" : o.target.scheme == "udp" ? "UDP" : "HTTP";
  std::string t = o.grpc_ping ? "GRPC Ping" : "GRPC Health for '" + o.grpc_health_service + "'";
  if (o.grpc_ping && o.grpc_ping_delay > 0) t += " Delay=" + format_go_duration(o.grpc_ping_delay);
  if (!o.payload.empty()) t += " PayloadLength=" + std::to_string(o.payload.size());
  return t;
}

// Fortio's RunnerResults: RunType .. ID.
void write_run_results(json_writer& w, const run_options& o, const run_result& r) {
  const double seconds = go_seconds(r.elapsed);
  w.field("RunType", run_type(o));
  w.field("Labels", o.labels.empty() ? default_labels(o, r.hostname) : o.labels);
  w.field("StartTime", rfc3339_nano(r));
  w.field("RequestedQPS", o.max_speed() ? std::string("max") : go_g_prec(o.qps, 9));
  w.field("RequestedDuration", requested_duration(o, r));
  w.field("ActualQPS", seconds > 0 ? static_cast<double>(r.stats.calls()) / seconds : 0.0);
  w.field("ActualDuration", static_cast<std::int64_t>(r.elapsed));  // integer ns, as Go's time.Duration
  w.field("NumThreads", r.connections);
  w.field("Version", version);
  write_latency(w, "DurationHistogram", r.stats.latency, o);
  write_latency(w, "ErrorsDurationHistogram", r.stats.errors, o);
  w.field("Exactly", o.count_mode() ? o.calls : std::int64_t{0});
  w.field("Jitter", o.jitter);
  w.field("Uniform", o.uniform);
  w.field("NoCatchUp", o.nocatchup);
  w.field("RunID", o.run_id);
  w.field("AccessLoggerInfo", access_logger_info(o.access_log_path, o.access_log));
  w.field("ID", run_id(o, r));
}

// Fortio's HTTPOptions: Insecure .. Resolution.
void write_http_options(json_writer& w, const run_options& o) {
  w.field("Insecure", o.insecure);
  // Fortio's MTLS is its -mtls flag; loadgen has no such flag, so it is true when the run used
  // mutual TLS: a client certificate and its key were both given (-cert and -key).
  w.field("MTLS", !o.cert.empty() && !o.key.empty());
  w.field("CACert", o.ca_cert);  // file paths as given, never the contents
  w.field("Cert", o.cert);
  w.field("Key", o.key);
  w.field("UnixDomainSocket", o.unix_socket);
  w.field("URL", normalised_url(o));
  w.field("NumConnections", 1);
  w.field("Compression", false);
  w.field("DisableFastClient", false);
  w.field("HTTP10", o.http10);
  w.field("H2", o.h2);
  w.field("DisableKeepAlive", !o.keepalive);
  w.field("AllowHalfClose", false);
  w.field("FollowRedirects", o.follow_redirects);
  w.field("Resolve", o.resolve_ip);
  w.field("HTTPReqTimeOut", static_cast<std::int64_t>(o.timeout));
  // Deliberately always empty: Fortio writes the URL's user:password here in plain text.
  w.field("UserCredentials", "");
  w.field("ContentType", o.content_type);
  w.field("Payload", o.has_payload ? base64_encode(o.payload) : std::string());
  w.field("MethodOverride", o.method);
  w.field("LogErrors", true);
  w.field("SequentialWarmup", false);
  w.key("ConnReuseRange");
  w.begin_array();
  w.value(o.reuse_min);
  w.value(o.reuse_max);
  w.end_array();
  w.field("NoResolveEachConn", false);
  w.field("Offset", static_cast<std::int64_t>(std::llround(o.offset * 1e9)));
  w.field("Resolution", o.resolution);
}

// The rest of Fortio's HTTPRunnerResults: Sizes .. AbortOn.
void write_sizes_and_sockets(json_writer& w, const run_options& o, const run_stats& s, const socket_summary& sockets) {
  w.key("Sizes");
  write_histogram(w, export_fortio(s.total_sizes, 1, 100, 0, {}), false);
  w.key("HeaderSizes");
  write_histogram(w, export_fortio(s.header_sizes, 1, 5, 0, {}), false);
  w.key("Sockets");
  w.begin_array();
  for (const std::int64_t n : sockets.per_slot) w.value(n);
  w.end_array();
  w.field("SocketCount", sockets.total);
  write_latency(w, "ConnectionStats", s.connect, o);
  w.field("AbortOn", o.abort_on);
}

// Transport error kind (its JSON key) -> count, sorted by key; kinds that did not happen left out.
std::vector<std::pair<std::string, std::int64_t>> transport_counts(const run_stats& s) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::size_t i = 1; i < transport_error_kinds; ++i)
    if (s.transport_counts[i] != 0)
      out.emplace_back(std::string(json_key(static_cast<transport_error>(i))), s.transport_counts[i]);
  std::sort(out.begin(), out.end());
  return out;
}

// LatencyByCode: one latency histogram per status seen, keyed and sorted as strings.
void write_latency_by_code(json_writer& w, const run_options& o, const run_stats& s) {
  std::vector<std::pair<std::string, const histogram*>> by_code;
  for (const auto& [code, h] : s.latency_by_status)
    if (h.count() > 0) by_code.emplace_back(status_label(o.target, code), &h);
  std::sort(by_code.begin(), by_code.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  w.key("LatencyByCode");
  w.begin_object();
  for (const auto& [code, h] : by_code) write_latency(w, code, *h, o);
  w.end_object();
}

// loadgen's own fields, after Fortio's: LatencyFrom .. FailureDetail.
void write_loadgen_fields(json_writer& w, const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  w.field("LatencyFrom", o.latency_from == measure_from::sent ? "sent" : "due");
  write_latency(w, "ServiceTimeHistogram", s.service, o);
  write_latency(w, "DispatchLagHistogram", s.dispatch_lag, o);
  write_latency(w, "GeneratorLagHistogram", s.generator_lag, o);
  w.field("WaitedForConnection", s.waited_for_connection);
  write_counts(w, "TransportErrors", transport_counts(s));
  w.field("EnvoyOverloaded", s.envoy_overloaded);
  std::vector<std::pair<std::string, std::int64_t>> reasons;  // 5xx and 429 by Envoy's reason, sorted by key
  for (std::size_t i = 1; i < envoy_reason_kinds; ++i)
    if (s.envoy_reasons[i] > 0) reasons.emplace_back(std::string(envoy_reason_key(static_cast<envoy_reason>(i))), s.envoy_reasons[i]);
  std::sort(reasons.begin(), reasons.end());
  write_counts(w, "EnvoyReasons", reasons);
  if (r.envoy) {  // -envoy-admin only
    const envoy_cluster_delta& e = *r.envoy;
    w.key("EnvoyStats");
    w.begin_object();
    w.field("Admin", e.admin);
    w.field("Cluster", e.cluster);
    w.field("Notice", e.notice);
    write_counts(w, "Before", e.before);
    write_counts(w, "After", e.after);
    write_counts(w, "Delta", e.delta);
    write_counts(w, "CircuitBreakers", e.gauges);
    w.end_object();
  }
  if (o.h2 && !o.target.is_echo()) {  // -h2 only: what the connections spoke (the text's "Protocol :" line)
    w.key("Protocol");
    w.begin_object();
    w.field("Name", "h2");
    w.field("Connections", s.protocol.h2_connections);
    w.field("StreamsMax", s.protocol.streams_max);
    w.field("ServerMaxConcurrentStreams", s.protocol.server_cap);
    w.field("HTTP11Fallbacks", s.protocol.http1_fallbacks);
    w.field("GoawayRetries", s.protocol.goaway_retries);
    w.end_object();
  }
  write_latency(w, "UpstreamServiceTimeHistogram", s.upstream_service_time, o);
  write_latency_by_code(w, o, s);
  w.field("Skipped", s.skipped);
  w.field("Interrupted", r.interrupted);
  w.field("Aborted", r.aborted);
  write_latency(w, "TLSHandshakeHistogram", s.tls_handshake, o);
  w.field("TLSResumed", s.tls_resumed);
  w.field("FailureDetail", s.failure_detail);
}

// TimeSeries: one entry per -interval (1 s by default), what happened in that slice of the run.
void write_time_series(json_writer& w, const run_options& o, const run_result& r) {
  w.key("TimeSeries");
  w.begin_array();
  for (const time_slice& t : r.series) {
    w.begin_object();
    w.field("Start", t.start);
    w.field("Duration", t.duration);
    w.field("Calls", t.calls);
    w.field("OK", t.ok);
    w.field("QPS", t.qps);
    std::vector<std::pair<std::string, std::int64_t>> codes;
    for (const auto& [code, n] : t.codes) codes.emplace_back(status_label(o.target, code), n);
    std::sort(codes.begin(), codes.end());
    write_counts(w, "RetCodes", codes);
    w.field("WaitedForConnection", t.waited);
    w.field("P50", t.p50);
    w.field("P99", t.p99);
    w.field("Max", t.max);
    w.end_object();
  }
  w.end_array();
}

// Exact: loadgen's lossless copy of what `loadgen merge` and `loadgen report` need to rebuild
// the run (core/histogram_codec's LGH1 strings for every histogram, codes by number, the
// per-connection slots with their connect-time counters in hex floats, the start on the Unix
// clock), after everything else. Fortio ignores it.
// Hex floats (C's "%a"), so the doubles read back bit for bit (a decimal form would need a
// correctly rounded parser to round-trip).
std::string hex_double(double v) { return fmt::format("{:a}", v); }

void write_counter(json_writer& w, std::string_view key, const counter_stats& c) {
  w.key(key);
  w.begin_object();
  w.field("Count", c.count);
  w.field("Sum", hex_double(c.sum));
  w.field("SumOfSquares", hex_double(c.sum_of_squares));
  w.field("Min", hex_double(c.min));
  w.field("Max", hex_double(c.max));
  w.end_object();
}

void write_exact(json_writer& w, const run_options& o, const run_result& r) {
  const run_stats& s = r.stats;
  w.key("Exact");
  w.begin_object();
  w.field("Format", "LGH1");
  // Histograms rebuilt from Fortio's buckets (a merge with Fortio's JSON): still reported with
  // Fortio's percentiles when read back.
  if (o.fortio_buckets) w.field("FortioBuckets", true);
  if (o.sharded()) {  // -shards: which part of a distributed run this is (read back by merge)
    w.field("ShardIndex", o.shard_index);
    w.field("ShardCount", o.shard_count);
  }
  w.field("StartUnixNs", r.start_unix_ns);
  w.field("UTCOffsetSeconds", r.utc_offset_seconds);
  w.field("Threads", r.threads);
  w.field("CPUs", r.cpus);
  w.field("WarmupCalls", r.warmup_calls);
  w.field("PlannedPerConnection", r.planned_per_connection);
  w.field("Hostname", r.hostname);
  w.field("Endpoint", r.endpoint);
  w.field("BytesSent", s.bytes_sent);
  w.field("BytesReceived", s.bytes_received);
  write_counts(w, "Codes", string_keyed(s.codes()));
  write_counts(w, "EnvoyOverloadedByCode", string_keyed(s.envoy_overloaded_by_status));
  w.key("Histograms");
  w.begin_object();
  const std::pair<std::string_view, const histogram*> named[] = {
      {"Duration", &s.latency},         {"Errors", &s.errors},           {"ServiceTime", &s.service},
      {"DispatchLag", &s.dispatch_lag}, {"GeneratorLag", &s.generator_lag}, {"Connection", &s.connect},
      {"Sizes", &s.total_sizes},        {"HeaderSizes", &s.header_sizes},  {"UpstreamServiceTime", &s.upstream_service_time},
      {"TLSHandshake", &s.tls_handshake}};
  for (const auto& [name, h] : named) w.field(name, encode_histogram(*h));
  w.end_object();
  std::vector<std::pair<std::string, std::string>> by_code;
  for (const auto& [code, h] : s.latency_by_status)
    if (h.count() > 0) by_code.emplace_back(fmt::format("{}", code), encode_histogram(h));
  std::sort(by_code.begin(), by_code.end());
  w.key("LatencyByCode");
  w.begin_object();
  for (const auto& [code, text] : by_code) w.field(code, text);
  w.end_object();
  w.key("Slots");
  w.begin_array();
  for (const auto& c : s.connections) {
    w.begin_object();
    w.field("Index", c.index);
    w.field("Sockets", c.sockets);
    write_counts(w, "IPs", string_keyed(c.ips));
    write_counter(w, "ConnectTime", c.connect_time);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string default_labels(const run_options& options, const std::string& hostname) {
  const std::string url = normalised_url(options);
  std::string_view u = url;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (u.substr(0, scheme.size()) == scheme) {
      u.remove_prefix(scheme.size());
      break;
    }
  }
  return std::string(u) + " , " + hostname;
}

std::string run_id(const run_options& options, const run_result& result) {
  const civil_time t = civil_from_seconds(local_start(result).first);
  std::string id = fmt::format("{:04d}-{:02d}-{:02d}-{:02d}{:02d}{:02d}", t.year, t.month, t.day, t.hour, t.minute,
                               t.second);
  if (options.run_id != 0) id += fmt::format("_{}", options.run_id);  // Fortio: "_<runid>" after the date
  const std::string labels = options.labels.empty() ? default_labels(options, result.hostname) : options.labels;
  if (labels.empty()) return id;
  char last = '_';
  id.push_back(last);
  for (const char ch : labels) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (alnum) {
      last = ch;
    } else {
      if (last == '_') continue;
      last = '_';
    }
    id.push_back(last);
  }
  if (last == '_') id.pop_back();
  if (id.size() > 96) id.resize(96);
  // The shards of a distributed run share their labels and often their start second: their -a
  // files must not overwrite each other on a shared volume.
  if (options.sharded()) id += fmt::format("_shard{}of{}", options.shard_index, options.shard_count);
  return id;
}

std::string auto_save_path(const std::string& data_dir, const std::string& id) {
  std::string dir = data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty() || dir == ".") return id + ".json";
  return dir == "/" ? "/" + id + ".json" : dir + "/" + id + ".json";
}

namespace {

// Fortio's TCP/UDP RunnerResults: RunType .. ID, then Destination .. BytesReceived.
void write_echo_results(json_writer& w, const run_options& o, const run_result& r, const socket_summary& sockets) {
  write_run_results(w, o, r);
  w.field("Destination", normalised_url(o));
  // Fortio never copies the payload and timeout into its result: they always read null and 0.
  w.key("Payload");
  w.null();
  if (o.target.scheme == "tcp") w.field("UnixDomainSocket", o.unix_socket);
  w.field("ReqTimeout", std::int64_t{0});
  const auto codes = echo_ret_codes(r.stats, o.target.scheme, r.endpoint);
  write_counts(w, "RetCodes", std::vector<std::pair<std::string, std::int64_t>>(codes.begin(), codes.end()));
  w.field("SocketCount", sockets.total);
  w.field("BytesSent", r.stats.bytes_sent);
  w.field("BytesReceived", r.stats.bytes_received);
}

// Fortio's GRPCRunnerResults: RunType .. ID, then RetCodes (by Fortio's names), Destination,
// Streams, Ping.
void write_grpc_results(json_writer& w, const run_options& o, const run_result& r) {
  write_run_results(w, o, r);
  std::vector<std::pair<std::string, std::int64_t>> codes;
  for (const auto& [code, n] : r.stats.codes()) codes.emplace_back(grpc_code_name(code), n);
  write_counts(w, "RetCodes", codes);
  w.field("Destination", o.target.authority());
  w.field("Streams", static_cast<std::int64_t>(o.streams));
  w.field("Ping", o.grpc_ping);
}

}  // namespace

std::string format_json(const run_options& options, const run_result& result) {
  const socket_summary sockets = summarise_sockets(result);
  json_writer w;
  w.begin_object();
  if (options.target.is_echo() || options.target.grpc) {
    if (options.target.grpc) write_grpc_results(w, options, result);
    else write_echo_results(w, options, result, sockets);
    write_loadgen_fields(w, options, result);
    write_time_series(w, options, result);
    write_exact(w, options, result);
    w.end_object();
    return w.str();
  }
  write_run_results(w, options, result);
  write_counts(w, "RetCodes", string_keyed(result.stats.codes()));
  write_counts(w, "IPCountMap", string_keyed(sockets.ips));
  write_http_options(w, options);
  write_sizes_and_sockets(w, options, result.stats, sockets);
  write_loadgen_fields(w, options, result);
  write_time_series(w, options, result);
  write_exact(w, options, result);
  w.end_object();
  return w.str();
}

}  // namespace loadgen
