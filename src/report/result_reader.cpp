#include "loadgen/report/result_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "loadgen/core/civil_time.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/echo.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/core/histogram_codec.hpp"
#include "loadgen/core/outcome.hpp"

namespace loadgen {
namespace {

namespace json = boost::json;

// Bounds that keep every later computation (sums over runs, end = start + elapsed, slot numbers)
// far from overflow, whatever a file says.
constexpr std::int64_t max_count = 1'000'000'000'000'000;           // 1e15 calls, bytes, sockets
constexpr std::int64_t max_connections = 1'000'000;                 // NumThreads, slot index
constexpr std::int64_t max_unix_ns = 4'000'000'000'000'000'000;     // year 2096
constexpr std::int64_t max_elapsed_ns = 3'153'600'000'000'000'000;  // 100 years
constexpr double max_seconds = 1e9;                                 // a latency or a slice's start, ~31 years

// Field access that names the file and the field in its one-line error.
class fields {
public:
  fields(const json::object& o, const std::string& name, std::string path) : o_(o), name_(name), path_(std::move(path)) {}

  [[noreturn]] void fail(std::string_view key, std::string_view want) const {
    throw run_error(fmt::format("{}: field {}{} is not {}", name_, path_, key, want));
  }
  const json::value* find(std::string_view key) const { return o_.if_contains(key); }
  bool has(std::string_view key) const { return find(key) != nullptr && !find(key)->is_null(); }

  // A finite number in [lo, hi] (default: any magnitude a result can hold, 1e18).
  double number(std::string_view key, double otherwise = 0, double lo = -1e18, double hi = 1e18) const {
    const json::value* v = find(key);
    if (!v || v->is_null()) return otherwise;
    double d = 0;
    if (v->is_double()) d = v->get_double();
    else if (v->is_int64()) d = static_cast<double>(v->get_int64());
    else if (v->is_uint64()) d = static_cast<double>(v->get_uint64());
    else fail(key, "a number");
    if (!std::isfinite(d) || d < lo || d > hi) fail(key, fmt::format("a number from {} to {}", lo, hi));
    return d;
  }
  // An integer in [lo, hi]; by default a count: 0 to 1e15 (the sums of any number of them stay
  // far from int64's end).
  std::int64_t integer(std::string_view key, std::int64_t otherwise = 0, std::int64_t lo = 0,
                       std::int64_t hi = max_count) const {
    const json::value* v = find(key);
    if (!v || v->is_null()) return otherwise;
    std::int64_t n = 0;
    if (v->is_int64()) n = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) n = static_cast<std::int64_t>(v->get_uint64());
    else if (v->is_double() && std::abs(v->get_double()) < 9e18 && std::trunc(v->get_double()) == v->get_double())
      n = static_cast<std::int64_t>(v->get_double());
    else fail(key, "an integer");
    if (n < lo || n > hi) fail(key, fmt::format("an integer from {} to {}", lo, hi));
    return n;
  }
  std::string text(std::string_view key, std::string otherwise = {}) const {
    const json::value* v = find(key);
    if (!v || v->is_null()) return otherwise;
    if (!v->is_string()) fail(key, "a string");
    return std::string(v->get_string());
  }
  // A double written as a hex float string ("0x1.8p-10"), bit for bit.
  double hex_double(std::string_view key) const {
    const std::string t = text(key, "0x0p+0");
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size()) fail(key, "a hex float such as 0x1.8p-10");
    return v;
  }
  bool flag(std::string_view key) const {
    const json::value* v = find(key);
    if (!v || v->is_null()) return false;
    if (!v->is_bool()) fail(key, "true or false");
    return v->get_bool();
  }
  // The object at key (an empty one when absent).
  fields object(std::string_view key) const {
    static const json::object empty;
    const json::value* v = find(key);
    if (!v || v->is_null()) return fields(empty, name_, path_ + std::string(key) + ".");
    if (!v->is_object()) fail(key, "an object");
    return fields(v->get_object(), name_, path_ + std::string(key) + ".");
  }
  const json::array& array(std::string_view key) const {
    static const json::array empty;
    const json::value* v = find(key);
    if (!v || v->is_null()) return empty;
    if (!v->is_array()) fail(key, "an array");
    return v->get_array();
  }
  const json::object& raw() const { return o_; }
  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }

private:
  const json::object& o_;
  const std::string& name_;
  std::string path_;
};

// n added to total, a sum of counts that the reports add up again: fails (naming key) when the
// sum would pass max_count, so no sum of a file's counts can overflow.
void add_count(std::int64_t& total, std::int64_t n, const fields& f, std::string_view key) {
  if (n > max_count - total) f.fail(key, fmt::format("a count (the counts add up past {})", max_count));
  total += n;
}

// A number key of an object ("200", "-1") as an int; fails on anything else.
int code_key(const fields& f, std::string_view key) {
  int code = 0;
  const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), code);
  if (ec != std::errc() || end != key.data() + key.size() || code < -1 || code > 999) f.fail(key, "keyed by a status code");
  return code;
}

histogram decode(const fields& f, std::string_view key) {
  const std::string text = f.text(key);
  if (text.empty()) return histogram{};
  auto h = decode_histogram(text);
  if (!h) f.fail(key, "an LGH1 histogram");
  return std::move(*h);
}

// A Fortio histogram object (Count, Min, Max, Data[Start, End, Count]) back into a histogram of
// recorded units (unit: recorded units per JSON unit, 1e9 for seconds -> ns): each bucket's count
// spread evenly over the middle 90% of [Start, End], in at most 1000 steps per bucket. The margins
// keep every value inside its Fortio bucket when the reports export Fortio's buckets again (a
// fine bucket is ~0.1% of its value wide, a Fortio bucket at least ~8%), so that Fortio's
// percentiles, interpolated inside them (run_options::fortio_buckets), come out as Fortio's.
histogram from_fortio(const fields& f, double unit) {
  histogram h;
  for (const json::value& v : f.array("Data")) {
    if (!v.is_object()) f.fail("Data", "an array of objects");
    const fields b(v.get_object(), f.name(), f.path() + "Data.");
    // A latency of up to max_seconds in ns, a size of up to 1e18 bytes: both fit int64.
    const double limit = unit > 1 ? max_seconds : 1e18;
    const double start = b.number("Start", 0, -limit, limit) * unit, end = b.number("End", 0, -limit, limit) * unit;
    const std::int64_t count = b.integer("Count");
    if (count <= 0) continue;
    const std::int64_t steps = std::min<std::int64_t>(count, 1000);
    for (std::int64_t i = 0; i < steps; ++i) {
      const std::int64_t n = count / steps + (i < count % steps ? 1 : 0);
      const double at = start + (end - start) * (0.05 + 0.9 * (static_cast<double>(i) + 0.5) / static_cast<double>(steps));
      h.record_n(std::llround(at), static_cast<std::uint64_t>(n));
    }
  }
  // Fortio's Min, Max, Sum and StdDev are exact where its buckets are not: the report's avg,
  // min, max and +/- then read as Fortio printed them. Kept only when its Count is the buckets'
  // and they are in range (else the buckets' own figures stay: no file is refused for them).
  const auto exact = [&](std::string_view key) -> std::optional<double> {
    const json::value* v = f.find(key);
    if (!v || !v->is_number()) return std::nullopt;
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < 0 || d * unit > 9e18) return std::nullopt;
    return d * unit;
  };
  const json::value* count = f.find("Count");
  const auto min = exact("Min"), max = exact("Max"), sum = exact("Sum"), stddev = exact("StdDev");
  if (h.count() > 0 && count && count->is_int64() && count->get_int64() == static_cast<std::int64_t>(h.count()) && min &&
      max && sum)
    set_moments(h, std::llround(*min), std::llround(*max), std::llround(*sum), stddev.value_or(0));
  return h;
}

// The code of a RetCodes key: a number, or one of Fortio's gRPC names.
int code_of_label(const fields& f, std::string_view key) {
  if (!key.empty() && (key[0] == '-' || (key[0] >= '0' && key[0] <= '9'))) return code_key(f, key);
  for (int code : {-1, status_grpc_serving}) if (grpc_code_name(code) == key) return code;
  for (int base : {grpc_health_base, grpc_error_base})
    for (int i = 0; i < 100; ++i)
      if (grpc_code_name(base + i) == key) return base + i;
  f.fail(key, "keyed by a status code or gRPC status name");
}

transport_error transport_of(const fields& f, std::string_view key) {
  for (std::size_t i = 1; i < transport_error_kinds; ++i)
    if (json_key(static_cast<transport_error>(i)) == key) return static_cast<transport_error>(i);
  f.fail(key, "a known transport error kind");
}

// Counts per code into the stats: status_counts for HTTP codes, transport_counts for -1 (by kind
// from the TransportErrors object; the rest, e.g. all of a Fortio result's, under `none`: counted
// as transport errors, left out of the breakdown by kind).
void restore_codes(run_stats& s, const fields& codes, const fields& transport, bool by_label) {
  std::int64_t transport_total = 0, all = 0;
  for (const auto& [k, v] : codes.raw()) {
    const int code = by_label ? code_of_label(codes, k) : code_key(codes, k);
    const std::int64_t n = codes.integer(k);
    add_count(all, n, codes, k);
    if (code >= 0 && code < static_cast<int>(s.status_counts.size())) s.status_counts[static_cast<std::size_t>(code)] += n;
    else if (code >= 0) codes.fail(k, "a status below 1000");
    else transport_total += n;
  }
  std::int64_t named = 0;
  for (const auto& [k, v] : transport.raw()) {
    const std::int64_t n = transport.integer(k);
    add_count(named, n, transport, k);
    s.transport_counts[static_cast<std::size_t>(transport_of(transport, k))] += n;
  }
  if (transport_total > named) s.transport_counts[static_cast<std::size_t>(transport_error::none)] += transport_total - named;
}

void restore_exact(saved_result& out, const fields& top, const fields& exact) {
  run_result& r = out.result;
  run_stats& s = r.stats;
  r.start_unix_ns = exact.integer("StartUnixNs", 0, 0, max_unix_ns);
  out.options.fortio_buckets = exact.flag("FortioBuckets");
  out.options.shard_count = static_cast<int>(exact.integer("ShardCount", 1, 1, max_connections));
  out.options.shard_index = static_cast<int>(exact.integer("ShardIndex", 0, 0, out.options.shard_count - 1));
  r.utc_offset_seconds = static_cast<int>(exact.integer("UTCOffsetSeconds", 0, -86400, 86400));
  r.threads = static_cast<int>(exact.integer("Threads", 0, 0, max_connections));
  r.cpus = static_cast<int>(exact.integer("CPUs", 0, 0, max_connections));
  r.warmup_calls = exact.integer("WarmupCalls");
  r.planned_per_connection = exact.integer("PlannedPerConnection");
  r.hostname = exact.text("Hostname");
  r.endpoint = exact.text("Endpoint");
  s.bytes_sent = exact.integer("BytesSent");
  s.bytes_received = exact.integer("BytesReceived");
  restore_codes(s, exact.object("Codes"), top.object("TransportErrors"), false);
  const fields overloaded = exact.object("EnvoyOverloadedByCode");
  for (const auto& [k, v] : overloaded.raw())
    s.envoy_overloaded_by_status.emplace_back(code_key(overloaded, k), overloaded.integer(k));
  const fields h = exact.object("Histograms");
  s.latency = decode(h, "Duration");
  s.errors = decode(h, "Errors");
  s.service = decode(h, "ServiceTime");
  s.dispatch_lag = decode(h, "DispatchLag");
  s.generator_lag = decode(h, "GeneratorLag");
  s.connect = decode(h, "Connection");
  s.total_sizes = decode(h, "Sizes");
  s.header_sizes = decode(h, "HeaderSizes");
  s.upstream_service_time = decode(h, "UpstreamServiceTime");
  s.tls_handshake = decode(h, "TLSHandshake");
  const fields by_code = exact.object("LatencyByCode");
  for (const auto& [k, v] : by_code.raw()) s.latency_by_status.emplace_back(code_key(by_code, k), decode(by_code, k));
  std::int64_t sockets_total = 0;
  for (const json::value& v : exact.array("Slots")) {
    if (!v.is_object()) exact.fail("Slots", "an array of objects");
    const fields slot(v.get_object(), exact.name(), exact.path() + "Slots.");
    connection_stats c;
    c.index = static_cast<int>(slot.integer("Index", 0, 0, max_connections - 1));
    c.sockets = slot.integer("Sockets");
    // The reports add the slots' sockets up: their sum is a count too.
    sockets_total += c.sockets;
    if (sockets_total > max_count) slot.fail("Sockets", fmt::format("a count (the slots' add up past {})", max_count));
    const fields ips = slot.object("IPs");
    for (const auto& [ip, n] : ips.raw()) c.ips[std::string(ip)] = ips.integer(ip);
    const fields t = slot.object("ConnectTime");
    c.connect_time.count = t.integer("Count");
    c.connect_time.sum = t.hex_double("Sum");
    c.connect_time.sum_of_squares = t.hex_double("SumOfSquares");
    c.connect_time.min = t.hex_double("Min");
    c.connect_time.max = t.hex_double("Max");
    s.connections.push_back(std::move(c));
  }
}

// Fortio's TCP/UDP RetCodes ({"OK": n, "<error text>": n}): OK calls and transport errors by kind.
void restore_echo_codes(run_result& r, const fields& codes) {
  run_stats& s = r.stats;
  std::int64_t all = 0;
  for (const auto& [k, v] : codes.raw()) {
    const std::int64_t n = codes.integer(k);
    add_count(all, n, codes, k);
    const std::string_view key(k.data(), k.size());
    if (key == "OK") {
      s.status_counts[status_echo_ok] += n;
      continue;
    }
    s.transport_counts[static_cast<std::size_t>(echo_error_of_ret_code(key))] += n;
    if (r.endpoint.empty()) r.endpoint = echo_peer_of_ret_code(key);
  }
}

// Fortio's JSON only: what its fields say, histograms from its buckets.
void restore_from_fortio(saved_result& out, const fields& top) {
  run_result& r = out.result;
  run_stats& s = r.stats;
  s.latency = from_fortio(top.object("DurationHistogram"), 1e9);
  s.errors = from_fortio(top.object("ErrorsDurationHistogram"), 1e9);
  s.connect = from_fortio(top.object("ConnectionStats"), 1e9);
  s.total_sizes = from_fortio(top.object("Sizes"), 1);
  s.header_sizes = from_fortio(top.object("HeaderSizes"), 1);
  if (out.options.target.is_echo()) {
    // The TCP/UDP runners' results: codes by Go's error text, the byte totals, one socket count.
    restore_echo_codes(r, top.object("RetCodes"));
    s.bytes_sent = top.integer("BytesSent");
    s.bytes_received = top.integer("BytesReceived");
    if (r.endpoint.empty() && !out.options.target.host.empty()) r.endpoint = out.options.target.authority();
  } else {
    restore_codes(s, top.object("RetCodes"), top.object("TransportErrors"), true);
  }
  const auto& sockets = top.array("Sockets");
  // Counts that add up to a count (the reports sum them), for at most max_connections slots.
  std::int64_t sockets_total = 0;
  if (sockets.size() > static_cast<std::size_t>(max_connections)) top.fail("Sockets", "an array of counts, one per connection");
  for (std::size_t i = 0; i < sockets.size(); ++i) {
    connection_stats c;
    c.index = static_cast<int>(i);
    if (!sockets[i].is_int64() || sockets[i].get_int64() < 0 || sockets[i].get_int64() > max_count - sockets_total)
      top.fail("Sockets", "an array of counts");
    c.sockets = sockets[i].get_int64();
    sockets_total += c.sockets;
    s.connections.push_back(std::move(c));
  }
  if (sockets.empty() && top.has("SocketCount")) {
    // TCP/UDP results give the total only: all of it on the first slot.
    connection_stats c;
    c.sockets = top.integer("SocketCount");
    s.connections.push_back(std::move(c));
  }
  if (!s.connections.empty()) {
    // IPCountMap counts sockets per address over the whole run. With one address that counts
    // every socket, each connection's went there (each slot's line names it, as Fortio's did);
    // otherwise which connection used which is not in the file: all on the first slot (the
    // totals hold).
    const fields ips = top.object("IPCountMap");
    if (sockets.empty()) sockets_total = s.connections.front().sockets;  // SocketCount's
    if (ips.raw().size() == 1 && ips.integer(ips.raw().begin()->key()) == sockets_total) {
      const std::string ip(ips.raw().begin()->key());
      for (auto& c : s.connections)
        if (c.sockets > 0) c.ips[ip] = c.sockets;
    } else {
      for (const auto& [ip, n] : ips.raw()) s.connections.front().ips[std::string(ip)] = ips.integer(ip);
    }
  }
  r.threads = 0;
  r.hostname.clear();
  out.options.fortio_buckets = true;
}

// Go's RFC3339Nano start ("2026-11-29T09:59:42.123456789+01:00") -> Unix ns and the offset; left
// at 0 when it does not parse or is out of range (Fortio's JSON is the only one without
// Exact.StartUnixNs).
void parse_start(const std::string& text, run_result& r) {
  const std::optional<rfc3339_time> t = parse_rfc3339(text, true);
  if (!t || t->unix_ns >= max_unix_ns) return;
  r.start_unix_ns = t->unix_ns;
  r.utc_offset_seconds = t->utc_offset_seconds;
}

// The run's options from Fortio's fields (RunnerResults and HTTPOptions).
void restore_options(saved_result& out, const fields& top) {
  run_options& o = out.options;
  run_result& r = out.result;
  const std::string type = top.text("RunType");
  o.labels = top.text("Labels");
  const std::string requested = top.text("RequestedQPS");
  if (requested == "max" || requested.empty()) {
    o.qps = 0;
  } else {
    char* end = nullptr;
    o.qps = std::strtod(requested.c_str(), &end);
    if (end != requested.c_str() + requested.size() || !std::isfinite(o.qps) || o.qps < 0 || o.qps > max_qps)
      top.fail("RequestedQPS", "\"max\" or a rate up to 1e9");
  }
  o.calls = top.integer("Exactly");
  const std::string duration = top.text("RequestedDuration");
  if (o.calls <= 0) {
    const auto d = parse_go_duration(duration);
    o.duration = d && *d > 0 ? std::min(*d, max_duration) : 0;  // "until stop": 0, run until interrupted
  }
  r.elapsed = top.integer("ActualDuration", 0, 0, max_elapsed_ns);
  r.connections = static_cast<int>(top.integer("NumThreads", 0, 0, max_connections));
  o.connections = r.connections;
  o.jitter = top.flag("Jitter");
  o.uniform = top.flag("Uniform");
  o.nocatchup = top.flag("NoCatchUp");
  o.run_id = top.integer("RunID", 0, INT64_MIN, INT64_MAX);
  o.abort_on = static_cast<int>(top.integer("AbortOn", 0, -1, 999));
  o.h2 = top.flag("H2");
  if (top.has("Resolution")) o.resolution = top.number("Resolution", 0.001, 1e-9, 1e6);
  if (top.has("Offset")) o.offset = static_cast<double>(top.integer("Offset", 0, -max_duration, max_duration)) / 1e9;
  o.latency_from = top.text("LatencyFrom") == "sent" ? measure_from::sent : measure_from::due;
  std::vector<double> percentiles;
  const fields latency = top.object("DurationHistogram");
  for (const json::value& v : latency.array("Percentiles")) {
    if (!v.is_object()) latency.fail("Percentiles", "an array of objects");
    const fields p(v.get_object(), latency.name(), latency.path() + "Percentiles.");
    if (p.has("Percentile")) percentiles.push_back(p.number("Percentile", 0, 1e-9, 100));
  }
  if (!percentiles.empty()) o.percentiles = percentiles;
  const bool grpc = type.rfind("GRPC", 0) == 0;
  o.url_text = top.has("URL") ? top.text("URL") : top.text("Destination");
  // A URL that does not parse is shown as written (the reports print url_text when the target
  // has no scheme); it is only a label here, nothing connects to it.
  if (!o.url_text.empty()) {
    try {
      o.target = parse_url(o.url_text);
    } catch (const error&) {
      o.target = url{};
    }
  }
  if (grpc) {
    o.target.grpc = true;
    // gRPC is HTTP/2; the report's Protocol line only for a file that says how its connections
    // went (loadgen's Protocol object; Fortio's JSON has none, and "h2 0 connections" would be wrong).
    o.h2 = top.has("Protocol");
    o.grpc_ping = type.rfind("GRPC Ping", 0) == 0;
    o.streams = static_cast<int>(top.integer("Streams", 1, 1, max_connections));
  } else if (type == "TCP" || type == "UDP") {
    o.target.scheme = type == "TCP" ? "tcp" : "udp";
  }
  const fields protocol = top.object("Protocol");
  if (top.has("Protocol")) {
    r.stats.protocol.h2_connections = protocol.integer("Connections");
    r.stats.protocol.streams_max = protocol.integer("StreamsMax");
    r.stats.protocol.server_cap = protocol.integer("ServerMaxConcurrentStreams");
    r.stats.protocol.http1_fallbacks = protocol.integer("HTTP11Fallbacks");
    r.stats.protocol.goaway_retries = protocol.integer("GoawayRetries");
    o.streams = static_cast<int>(std::clamp<std::int64_t>(protocol.integer("StreamsMax"), 1, max_connections));
  }
  r.interrupted = top.flag("Interrupted");
  r.aborted = top.flag("Aborted");
}

void restore_series(saved_result& out, const fields& top) {
  const bool grpc = out.options.target.grpc;
  for (const json::value& v : top.array("TimeSeries")) {
    if (!v.is_object()) top.fail("TimeSeries", "an array of objects");
    const fields t(v.get_object(), top.name(), "TimeSeries.");
    time_slice slice;
    slice.start = t.number("Start", 0, 0, max_seconds);
    slice.duration = t.number("Duration", 0, 0, max_seconds);
    slice.calls = t.integer("Calls");
    slice.ok = t.integer("OK");
    slice.qps = t.number("QPS", 0, 0, 1e18);
    slice.waited = t.integer("WaitedForConnection");
    slice.p50 = t.number("P50");
    slice.p99 = t.number("P99");
    slice.max = t.number("Max");
    const fields codes = t.object("RetCodes");
    std::int64_t all = 0;
    for (const auto& [k, n] : codes.raw()) {
      // The series keys its codes as the report labels them (core/echo's status_label): a gRPC
      // run's by name ("SERVING", "UNAVAILABLE"), an echo target's "OK"/"errors", HTTP's by number.
      const int code = grpc ? code_of_label(codes, k) : k == "OK" ? 200 : k == "errors" ? -1 : code_key(codes, k);
      const std::int64_t count = codes.integer(k);
      add_count(all, count, codes, k);
      slice.codes[code] += count;
    }
    out.result.series.push_back(std::move(slice));
  }
}

}  // namespace

saved_result read_result(std::string_view text, const std::string& name) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) throw run_error(fmt::format("{}: not JSON ({})", name, ec.message()));
  if (!doc.is_object()) throw run_error(fmt::format("{}: not a result (a JSON object is expected)", name));
  saved_result out;
  out.name = name;
  const fields top(doc.get_object(), out.name, "");
  if (!top.has("RunType")) throw run_error(fmt::format("{}: not a Fortio or loadgen result (no RunType)", name));
  out.id = top.text("ID");
  restore_options(out, top);
  run_stats& s = out.result.stats;
  s.waited_for_connection = top.integer("WaitedForConnection");
  s.envoy_overloaded = top.integer("EnvoyOverloaded");
  const fields reasons = top.object("EnvoyReasons");
  for (const auto& [k, v] : reasons.raw()) {
    std::size_t i = 1;
    const std::string_view key(k.data(), k.size());
    while (i < envoy_reason_kinds && envoy_reason_key(static_cast<envoy_reason>(i)) != key) ++i;
    if (i == envoy_reason_kinds) reasons.fail(k, "an Envoy reason (core/envoy_reply)");
    s.envoy_reasons[i] = reasons.integer(k);
  }
  s.skipped = top.integer("Skipped");
  s.tls_resumed = top.integer("TLSResumed");
  s.failure_detail = top.text("FailureDetail");
  if (top.has("Exact")) {
    const fields exact = top.object("Exact");
    if (exact.text("Format") != "LGH1") exact.fail("Format", "\"LGH1\"");
    restore_exact(out, top, exact);
    out.exact = true;
  } else {
    restore_from_fortio(out, top);
    parse_start(top.text("StartTime"), out.result);
  }
  restore_series(out, top);
  return out;
}

std::string_view json_in_log(std::string_view text) noexcept {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] == '{') return text;
  const std::size_t open = text.find("\n{");
  if (open == std::string_view::npos) return text;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      ++depth;
    } else if ((ch == '}' || ch == ']') && --depth == 0) {
      return text.substr(open + 1, i - open);
    }
  }
  return text;
}

}  // namespace loadgen
