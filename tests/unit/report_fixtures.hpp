#pragma once
// Fixed run results for the report tests: known nanosecond values recorded through run_stats, a
// fixed start time, host name "vm" and UTC offset 0, so the reports are byte-for-byte stable. The
// shapes follow the real Fortio runs in shared/reference/fortio-samples/ so that the golden files
// can be read side by side with them.
#include <cstdint>
#include <string>
#include <vector>

#include "loadgen/core/options.hpp"
#include "loadgen/core/run_result.hpp"
#include "loadgen/core/url.hpp"

namespace loadgen::testing {

// 2026-11-22T08:40:06.521184739Z, the start of the Fortio sample load-c3-n30.json.
inline constexpr std::int64_t sample_start_unix_ns = 1795336806'521184739;

inline run_options options_for(const std::string& url_text) {
  run_options o;
  o.url_text = url_text;
  o.target = parse_url(url_text);
  return o;
}

inline run_result result_for(const run_options& o, int connections, int threads) {
  run_result r;
  r.stats = run_stats(o.latency_from == measure_from::sent);
  r.start_unix_ns = sample_start_unix_ns;
  r.utc_offset_seconds = 0;
  r.connections = connections;
  r.threads = threads;
  r.cpus = 2;
  r.hostname = "vm";
  return r;
}

// One call: due at `due`, sent `lag` later, answered `service` after the send.
inline call_record make_call(int status, nanos due, nanos lag, nanos service, std::int64_t header_bytes,
                             std::int64_t total_bytes, transport_error error = transport_error::none) {
  call_record c;
  c.status = status;
  c.error = error;
  c.due = due;
  c.sent = due + lag;
  c.done = due + lag + service;
  c.header_bytes = header_bytes;
  c.total_bytes = total_bytes;
  return c;
}

// Fortio's `load -c 3 -qps 0 -n 30 -loglevel Warning ".../echo?status=503:25"`: 22 x 200, 8 x 503,
// 11 sockets (one reconnect per 503, as Fortio does), max speed.
inline run_options c3_n30_options() {
  run_options o = options_for("http://127.0.0.1:18080/echo?status=503:25");
  o.connections = 3;
  o.qps = 0;
  o.calls = 30;
  o.level = log_level::warning;
  return o;
}

inline run_result c3_n30_result(const run_options& o) {
  run_result r = result_for(o, 3, 2);
  r.elapsed = 5'372'237;
  // Chosen so that count, sum, min, max and the bucket counts equal Fortio's sample (the connection
  // times of slot 0 too); the values in between are made up.
  const std::vector<nanos> ok{47'581,  63'012,  98'738,  134'464, 170'190, 205'916, 241'642, 277'368,
                              313'094, 348'820, 384'546, 420'272, 455'998, 491'724, 527'450, 563'176,
                              598'902, 634'628, 670'354, 706'080, 741'970, 1'402'388};
  const std::vector<nanos> errors{176'742, 250'000, 380'000, 480'000, 560'000, 678'621, 1'030'000, 1'560'875};
  nanos t = 0;
  for (const nanos v : ok) r.stats.record(make_call(200, t += 10'000, 0, v, 75, 75));
  for (const nanos v : errors) r.stats.record(make_call(503, t += 10'000, 0, v, 75, 92));
  const std::string ip = "127.0.0.1:18080";
  for (const nanos v : {144'224, 784'192}) r.stats.record_connect(0, ip, v);
  for (const nanos v : {50'985, 55'021, 57'345, 52'137, 102'492}) r.stats.record_connect(1, ip, v);
  for (const nanos v : {48'632, 859'925, 412'000, 416'689}) r.stats.record_connect(2, ip, v);
  return r;
}

// Fortio's `load -quiet -c 2 -qps 0 -n 10 .../echo`: every call 200, one socket per connection.
inline run_options quiet_options() {
  run_options o = options_for("http://127.0.0.1:18080/echo");
  o.connections = 2;
  o.qps = 0;
  o.calls = 10;
  o.level = log_level::error;
  return o;
}

inline run_result quiet_result(const run_options& o) {
  run_result r = result_for(o, 2, 2);
  r.elapsed = 1'629'992;
  nanos t = 0;
  for (const nanos v : {38'587, 61'442, 95'310, 120'775, 150'001, 180'094, 213'456, 307'885, 114'090, 1'109'215})
    r.stats.record(make_call(200, t += 10'000, 0, v, 75, 75));
  r.stats.record_connect(0, "127.0.0.1:18080", 179'326);
  r.stats.record_connect(1, "127.0.0.1:18080", 869'750);
  return r;
}

// Fortio's `load -c 2 -qps 0 -n 10 -loglevel Warning http://127.0.0.1:1/`: every connect refused.
inline run_options refused_options() {
  run_options o = options_for("http://127.0.0.1:1/");
  o.connections = 2;
  o.qps = 0;
  o.calls = 10;
  o.level = log_level::warning;
  return o;
}

inline run_result refused_result(const run_options& o) {
  run_result r = result_for(o, 2, 2);
  r.elapsed = 934'866;
  const std::vector<nanos> latency{43'454, 120'289, 80'112, 65'000, 95'320, 23'715, 194'699, 468'745, 100'021, 447'326};
  nanos t = 0;
  for (std::size_t i = 0; i < latency.size(); ++i) {
    r.stats.record(make_call(status_transport_error, t += 10'000, 0, latency[i], 0, 0, transport_error::refused));
    r.stats.record_connect(static_cast<int>(i % 2), "127.0.0.1:1", latency[i] / 2);
  }
  return r;
}

// Fortio's `load -c 4 -qps 100 -t 2s ".../echo?delay=2ms:50"` at the default level Info: QPS mode,
// one warmup call per connection, calls leave a few tens of microseconds after they are due.
inline run_options qps_info_options() {
  run_options o = options_for("http://127.0.0.1:18080/echo?delay=2ms:50");
  o.connections = 4;
  o.qps = 100;
  o.duration = 2 * ns_per_s;
  o.level = log_level::info;
  return o;
}

inline run_result qps_info_result(const run_options& o) {
  run_result r = result_for(o, 4, 2);
  r.elapsed = 2'003'396'883;
  r.warmup_calls = 4;
  r.planned_per_connection = 50;
  for (int i = 0; i < 200; ++i) {
    const nanos due = i * 10 * ns_per_ms;
    const nanos lag = 20'000 + (i * 7'919) % 60'000;                                // 20..80 µs
    const nanos service = (i % 2 == 0) ? 150'000 + (i * 3'001) % 800'000          // no delay: < 1 ms
                                       : 2'000'000 + (i * 17'389) % 2'000'000;   // delay=2ms: 2..4 ms
    r.stats.record(make_call(200, due, lag, i == 199 ? 5'398'396 : service, 75, 75));
  }
  for (int c = 0; c < 4; ++c) r.stats.record_connect(c, "127.0.0.1:18080", 109'933 + c * 95'000);
  return r;
}

// A QPS run that loadgen cannot keep up with, against an Envoy sidecar that sheds load: 1000 qps on
// 2 connections with -nocatchup, 503s with x-envoy-overloaded, transport errors, two IPs, a POST.
inline run_options envoy_behind_options() {
  run_options o = options_for("http://svc.default:8080/api?x=1&y=<2>");
  o.connections = 2;
  o.qps = 1000;
  o.duration = 5 * ns_per_s;
  o.level = log_level::warning;
  o.nocatchup = true;
  o.payload = "foo";
  o.has_payload = true;
  o.content_type = "application/json";
  o.timeout = 1500 * ns_per_ms;
  o.reuse_min = 10;
  o.reuse_max = 20;
  return o;
}

inline run_result envoy_behind_result(const run_options& o) {
  run_result r = result_for(o, 2, 1);
  r.cpus = 1;
  r.elapsed = 5'000'873'112;
  r.warmup_calls = 2;
  r.planned_per_connection = 2500;
  for (int i = 0; i < 200; ++i) {
    const nanos due = i * ns_per_ms;
    const nanos lag = 2 * ns_per_ms + (i * 104'729) % (6 * ns_per_ms);  // 2..8 ms late
    const nanos service = 600'000 + (i * 7'001) % 400'000;              // 0.6..1 ms
    call_record c;
    if (i % 100 == 3) {
      c = make_call(status_transport_error, due, lag, 1500 * ns_per_ms, 0, 0, transport_error::timeout);
    } else if (i % 50 == 7) {
      c = make_call(status_transport_error, due, lag, service / 3, 0, 0, transport_error::reset);
    } else if (i % 3 == 0) {
      c = make_call(503, due, lag, service / 2, 160, 241);
      c.envoy_overloaded = i % 2 == 0;
    } else {
      c = make_call(200, due, lag, service, 180, 391);
      c.upstream_service_time_ms = i % 4;
    }
    c.connection_busy = i % 10 == 1;  // some were held up by the previous call on their connection
    r.stats.record(c);
  }
  for (int i = 0; i < 7; ++i) r.stats.record_skipped();
  r.stats.record_connect(0, "10.0.0.7:8080", 310'224);
  r.stats.record_connect(0, "10.0.0.8:8080", 298'730);
  r.stats.record_connect(0, "10.0.0.7:8080", 1'500'000'000);
  r.stats.record_connect(1, "10.0.0.8:8080", 402'118);
  r.stats.record_connect(1, "10.0.0.8:8080", 388'004);
  return r;
}

}  // namespace loadgen::testing
