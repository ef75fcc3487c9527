#pragma once
// The settings of one `load` run as plain data (pure). Defaults are Fortio's. The CLI binding
// (apps/loadgen/cli_load.cpp) writes into this; validate() checks and normalises it.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/core/access_log_line.hpp"
#include "loadgen/core/clock.hpp"
#include "loadgen/core/schedule.hpp"
#include "loadgen/core/url.hpp"

namespace loadgen {

// Fortio's log levels, in order; the report shows more lines at lower levels.
enum class log_level { debug = 0, verbose = 1, info = 2, warning = 3, error = 4, critical = 5, fatal = 6 };

// -dns-method: which of a host's addresses a new connection uses (Fortio's four).
//   cached_rr  resolve once; connections take the addresses in turn (Fortio's default)
//   rr         resolve again for each new connection; take the answers in turn
//   first      resolve again for each new connection; always the first answer
//   rnd        resolve again for each new connection; a random answer
enum class dns_method { cached_rr, rr, first, rnd };
// -resolve-ip-type: which address family a name may resolve to (Fortio: IPv4 only by default).
enum class ip_family { ip4, ip6, any };

// Where latency is measured from (see shared/design/open-loop.md).
enum class measure_from { due, sent };

struct run_options {
  std::string url_text;           // as typed
  url target;                     // parsed by validate()
  int connections = 4;            // -c; 0 means 4 (Fortio), negative means 1
  int threads = 0;                // -threads; 0 = the CPUs this process may use
  double qps = 8;                 // -qps: total calls/s over all connections; <= 0 is max speed
  std::int64_t calls = 0;         // -n: exact number of calls; > 0 overrides -t, no warmup
  nanos duration = 5 * ns_per_s;  // -t: 0 (or negative) runs until interrupted
  double resolution = 0.001;      // -r: histogram resolution in seconds
  double offset = 0;              // -offset: histogram offset in seconds
  std::vector<double> percentiles{50, 75, 90, 99, 99.9};  // -p
  // The latency histograms were rebuilt from Fortio's JSON (report/result_reader), whose buckets
  // only say how many calls fell in each range: the reports give percentiles as Fortio computes
  // them, linear inside its buckets, rather than from the rebuilt values' spread.
  bool fortio_buckets = false;
  std::vector<std::pair<std::string, std::string>> headers;  // -H, in order (Host handled apart)
  std::string host_override;      // -H "Host: x"
  std::string method;             // -X; empty: GET, or POST with a payload or content type
  std::string payload;            // the body (from -payload, -payload-size or -payload-file)
  bool has_payload = false;
  std::vector<std::string> payload_lines;  // -payload-lines: one payload per line, used round robin
  std::string user;               // -user "user:password": Basic auth (never printed)
  bool follow_redirects = false;  // -L: follow up to 10 redirects (load: same host and port)
  std::string content_type;       // -content-type (or -H content-type:)
  nanos timeout = 3 * ns_per_s;   // -timeout: connect, and write + whole read of each call
  nanos udp_timeout = 750 * ns_per_ms;  // -udp-timeout: a udp:// call's timeout (validate() makes it `timeout`)
  bool keepalive = true;          // -keepalive
  int reuse_min = 0, reuse_max = 0;  // -connection-reuse min:max; 0:0 is unlimited
  bool allow_initial_errors = false;
  int abort_on = 0;               // -abort-on: status that stops the run; -1 = transport errors; 0 = off
  std::string labels;             // -labels
  std::int64_t run_id = 0;        // -runid: copied into the JSON RunID (and its ID when not 0), as Fortio
  std::string json_path;          // -json: file, or "-" for stdout
  bool auto_save = false;         // -a: also save the JSON as <data_dir>/<ID>.json (Fortio's name)
  std::string data_dir = ".";     // -data-dir: where -a saves
  log_level level = log_level::info;
  bool uniform = false, jitter = false, nocatchup = false;
  bool http10 = false;
  bool h2 = false;                // -h2: HTTP/2 (https: ALPN h2, falling back to HTTP/1.1; http: h2c prior knowledge)
  int streams = 1;                // -streams: concurrent HTTP/2 streams per connection, each a call slot (-h2 only)
  // -grpc (target.grpc is set, and h2): unary gRPC calls, Fortio's ping or a health check.
  bool grpc_ping = false;           // -ping: fgrpc.PingServer/Ping; else grpc.health.v1.Health/Check
  std::string grpc_health_service;  // -healthservice: the service checked ("" by default)
  nanos grpc_ping_delay = 0;        // -grpc-ping-delay: the ping's delayNanos
  bool grpc_gzip = false;           // -grpc-compression: messages gzip-compressed (grpc-encoding: gzip)
  std::string resolve_ip;         // -resolve: connect here, keep the URL host for Host; a comma-
                                  // separated list is the host's addresses (-dns-method picks)
  dns_method dns = dns_method::cached_rr;  // -dns-method
  ip_family ip_type = ip_family::ip4;      // -resolve-ip-type
  bool no_reresolve = false;      // -no-reresolve: a connection keeps its first address on reconnect
  bool halfclose = false;         // -halfclose: with -keepalive=false, shut down the write side after the request
  bool compression = false;       // -compression: ask for gzip; sizes and curl's body are decompressed
  std::string unix_socket;        // -unix-socket path
  arrival_kind arrival = arrival_kind::constant;  // -arrival constant|poisson
  nanos ramp = 0;                 // -ramp
  measure_from latency_from = measure_from::due;  // -measure-from due|sent
  // -busy-wait: in QPS mode a connection sleeps until this long before its call is due, then
  // busy-waits (yielding to the event loop) until the due time. Waking from a sleep takes tens of
  // microseconds on a virtual machine, which shows as dispatch lag; the spin removes most of it
  // but costs a core. Off (0) unless asked: loadgen often shares its machine with what it measures.
  nanos busy_wait = 0;
  // -busy-poll: the worker threads poll the event loop instead of sleeping in epoll_wait, so a
  // response is picked up the moment it lands (one or two connections at max speed gain most).
  // Costs a whole core per thread; off unless asked.
  bool busy_poll = false;
  std::string user_agent;         // default "loadgen/<version>"; "-H User-Agent:" overrides
  bool insecure = false;          // -k / -https-insecure: do not verify the server's certificate
  std::string ca_cert;            // -cacert: trust this CA file instead of the system store
  std::string cert, key;          // -cert / -key: client certificate for mutual TLS
  std::string proxy_flag;         // -proxy URL ("direct": ignore the environment)
  std::optional<url> proxy;       // the proxy in use (from -proxy or HTTP(S)_PROXY/NO_PROXY)
  nanos interval = 0;             // -interval: print a line per interval; 0 = don't (the JSON time series uses 1s)
  bool progress = false;          // rewrite a live progress line on stderr (set when it is a terminal)
  std::string access_log_path;    // -access-log-file: one line per call, appended; "-" is stdout; "" none
  access_log_format access_log = access_log_format::json;  // -access-log-format json|influx|siege
  // -shards N (core/shard): this process is shard shard_index of shard_count, and connections,
  // qps and calls above are already its share.
  int shard_index = 0, shard_count = 1;
  // -start-at / -start-in: the first call waits for this wall-clock time (Unix ns; 0: no wait),
  // after the connections' warmup, so that every shard of a run starts the same moment.
  std::int64_t start_at_unix_ns = 0;

  bool max_speed() const noexcept { return qps <= 0; }
  bool count_mode() const noexcept { return calls > 0; }
  bool until_interrupted() const noexcept { return !count_mode() && duration <= 0; }
  bool warmup() const noexcept { return !count_mode(); }
  bool sharded() const noexcept { return shard_count > 1; }
};

// Limits that keep every time computation of a run far from int64 nanosecond overflow (2^63 ns
// is about 292 years, and steady-clock times start at the boot time, not at 0):
//   -qps      at most max_qps (1e9): qps * t stays below 2^63 for any -t up to max_duration, and
//             the schedule's interval is at least 1 ns; at least min_qps (1e-6, one call per 11.6
//             days) unless 0 or negative (max speed), and at least schedule::min_qps (1e-9) per
//             connection, so the interval's llround fits (it overflows below ~1.1e-10).
//   -t, -timeout, -ramp, -interval, -busy-wait: at most max_duration, 100 years (of 365 days,
//             876000h): start + duration + timeout stays below 2^63 ns for ~90 years of uptime.
//   -offset   within max_duration either way (its ns value is written to the JSON).
inline constexpr double max_qps = 1e9;
inline constexpr double min_qps = 1e-6;
inline constexpr nanos max_duration = nanos{876'000} * 3600 * ns_per_s;

// The one-line error for a duration flag past max_duration, e.g. "-t must be at most 100 years
// (876000h)" (for "offset": "-offset must be within 100 years (876000h) either way"). For a flag
// without that limit (another command's), it says the value is past what int64 ns can hold.
std::string duration_limit_error(const std::string& flag);

// Checks ranges and parses the URL; normalises Fortio's special values (-c 0 -> 4, -r <= 0 ->
// 0.001, negative timeout -> 3s). For Fortio's echo runners: a udp:// call times out after
// -udp-timeout (it becomes `timeout`), a failed warmup call never aborts a tcp:// or udp:// run
// (allow_initial_errors), a UDP payload must fit one datagram and -unix-socket is for http and tcp. Throws loadgen::error: exit 2 for a bad flag value (percentile
// outside (0,100), reuse range min > max, a value past the limits above, ...), exit 1 for a bad URL.
void validate(run_options& options, bool* assumed_scheme = nullptr);

// Parses "-p" ("50, 75,99.9"): trims spaces, skips empty entries; each must be in (0, 100).
std::vector<double> parse_percentiles(const std::string& text);

// Parses "-connection-reuse" ("min:max" or "n").
std::pair<int, int> parse_reuse_range(const std::string& text);

// Parses one "-H" value "Name: value" (name trimmed, must be non-empty and a token).
std::pair<std::string, std::string> parse_header(const std::string& text);

// The per-connection call counts for -n: total/c each, connection 0 also gets the remainder.
// Never more connections than calls (Fortio would make n+c-1 calls when c > n; we make n).
std::vector<std::int64_t> split_calls(std::int64_t total, int connections);

}  // namespace loadgen
