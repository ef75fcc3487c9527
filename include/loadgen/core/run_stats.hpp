#pragma once
// Per-worker statistics of a run (pure). Each worker owns one run_stats and records into it with
// no locks; the runner merges them after join. Counting rules, in one place:
//   calls = sum(status_counts) + sum(transport_counts)       (every call is one or the other)
//   ok calls ⊂ calls; errors = calls - ok calls (Fortio's "Error cases")
//   latency.count() == calls;  errors.count() == calls - ok
//   skipped calls (-nocatchup) are not calls: they were never sent.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/core/histogram.hpp"
#include "loadgen/core/outcome.hpp"

namespace loadgen {

// Count, sum, sum of squares, min, max: Fortio's counter line without buckets (cheap: used per
// connection, where a full histogram would cost 300 KB each).
struct counter_stats {
  std::int64_t count = 0;
  double sum = 0, sum_of_squares = 0, min = 0, max = 0;
  void record(double v) noexcept;
  void merge(const counter_stats& other) noexcept;
  double mean() const noexcept { return count ? sum / static_cast<double>(count) : 0; }
  double stddev() const noexcept;
};

// One connection slot (Fortio's "thread"): how many sockets it opened and how long connects took.
struct connection_stats {
  int index = 0;                 // 0-based, over the whole run
  std::int64_t sockets = 0;      // connect attempts, failed ones included
  counter_stats connect_time;    // seconds
  std::map<std::string, std::int64_t> ips;  // "ip:port" -> connects
};

// -h2: what the run's connections spoke, for the report's "Protocol :" line and the JSON.
struct protocol_stats {
  std::int64_t h2_connections = 0;     // connections that spoke HTTP/2 (ALPN h2, or h2c)
  std::int64_t http1_fallbacks = 0;    // https connections whose server did not offer h2 (then HTTP/1.1)
  std::int64_t goaway_retries = 0;     // calls above a GOAWAY's last-stream-id, made again on a new connection
  std::int64_t streams_max = 0;        // the most concurrent streams a connection was allowed (min of -streams, server cap)
  std::int64_t server_cap = 0;         // the lowest SETTINGS_MAX_CONCURRENT_STREAMS below -streams; 0: never capped
  void merge(const protocol_stats& o) noexcept {
    h2_connections += o.h2_connections;
    http1_fallbacks += o.http1_fallbacks;
    goaway_retries += o.goaway_retries;
    if (o.streams_max > streams_max) streams_max = o.streams_max;
    if (o.server_cap != 0 && (server_cap == 0 || o.server_cap < server_cap)) server_cap = o.server_cap;
  }
};

// What one finished call looks like to the statistics.
struct call_record {
  int status = status_transport_error;           // HTTP status, or -1
  transport_error error = transport_error::none;  // set when status == -1
  nanos due = 0;        // when the schedule wanted it sent (max speed: when the connection was free)
  nanos sent = 0;       // when its first byte was written (or the connect started)
  nanos done = 0;       // when the response was complete, or the failure was seen
  std::int64_t header_bytes = 0;  // status line + headers + final CRLF
  std::int64_t total_bytes = 0;   // every byte of the response, headers included (Fortio's Body/Total)
  bool envoy_overloaded = false;  // response carried x-envoy-overloaded
  envoy_reason envoy_cause = envoy_reason::none;  // a 5xx or 429's reason (core/envoy_reply)
  std::int64_t upstream_service_time_ms = -1;  // x-envoy-upstream-service-time, -1 if absent
  // QPS mode: the previous call on this connection was still running when this one fell due, so
  // its dispatch lag is the server's doing (too few connections for the rate at that latency),
  // not the generator's.
  bool connection_busy = false;
};

class run_stats {
public:
  // measure_from_sent: the main latency histogram measures from `sent` instead of `due`.
  explicit run_stats(bool measure_from_sent = false) : from_sent_(measure_from_sent) {}

  // Per-request path: no allocation except the first time a status code is seen.
  void record(const call_record& call) noexcept;
  // The main latency of a call: done - due, or done - sent with -measure-from sent.
  nanos latency_of(const call_record& call) const noexcept { return call.done - (from_sent_ ? call.sent : call.due); }
  // A connect attempt on connection slot `index`; ip_port is "ip:port" (or the socket path).
  void record_connect(int index, const std::string& ip_port, nanos duration);
  // A TLS handshake on a new connection (connect time is recorded apart).
  void record_handshake(nanos duration, bool resumed) noexcept {
    tls_handshake.record(duration);
    if (resumed) ++tls_resumed;
  }
  // Keeps the first TLS or proxy failure's description, for the report (set once, not per request).
  void note_failure(std::string why) {
    if (failure_detail.empty()) failure_detail = std::move(why);
  }
  // A -nocatchup slot that was skipped because its connection was busy.
  void record_skipped() noexcept { ++skipped; }
  // Bytes an echo session (tcp://, udp://) wrote and read back, warmup calls included, as
  // Fortio's "Total Bytes sent: X, received: Y".
  void record_bytes(std::int64_t sent, std::int64_t received) noexcept {
    bytes_sent += sent;
    bytes_received += received;
  }

  void merge(const run_stats& other);

  std::int64_t calls() const noexcept;
  std::int64_t ok_calls() const noexcept;
  std::int64_t transport_errors() const noexcept;
  // Status code -> count, with -1 for transport errors, sorted by code; zero counts omitted.
  std::map<int, std::int64_t> codes() const;

  histogram latency;       // main latency: done - due (or done - sent)
  histogram errors;        // main latency of non-OK calls
  histogram service;       // done - sent: the server's (and network's) time
  histogram dispatch_lag;  // sent - due: how late calls left (QPS mode)
  histogram generator_lag; // sent - due of calls whose connection was free when due: loadgen's own lateness
  std::int64_t waited_for_connection = 0;  // calls with connection_busy (their lag is not in generator_lag)
  histogram connect;       // every connect attempt
  histogram header_sizes;  // bytes
  histogram total_sizes;   // bytes
  histogram upstream_service_time;  // x-envoy-upstream-service-time, in ns
  histogram tls_handshake;          // TLS handshakes (count = handshakes made)
  std::int64_t tls_resumed = 0;     // handshakes that resumed an earlier session
  std::string failure_detail;       // the first TLS or proxy failure, described
  std::array<std::int64_t, 1000> status_counts{};  // index: HTTP status 0..999
  std::array<std::int64_t, transport_error_kinds> transport_counts{};
  // Responses that carried x-envoy-overloaded: the total (any status; the JSON EnvoyOverloaded),
  // and per status, sorted by status (few entries; a 503 is a circuit-breaker overflow).
  std::int64_t envoy_overloaded = 0;
  std::vector<std::pair<int, std::int64_t>> envoy_overloaded_by_status;
  // 5xx and 429 answers by Envoy's reason (index: envoy_reason; none counts every other call).
  std::array<std::int64_t, envoy_reason_kinds> envoy_reasons{};
  // How many responses of this status carried x-envoy-overloaded (0 when none).
  std::int64_t envoy_overloaded_for(int status) const noexcept;
  std::int64_t skipped = 0;
  std::int64_t bytes_sent = 0, bytes_received = 0;  // echo runs only (record_bytes)
  std::vector<std::pair<int, histogram>> latency_by_status;  // few entries; linear search
  std::vector<connection_stats> connections;                 // sorted by index after merge
  protocol_stats protocol;                                   // -h2 only

private:
  histogram& status_histogram(int status);
  void add_envoy_overloaded(int status, std::int64_t n);
  connection_stats& connection(int index);
  bool from_sent_;
};

}  // namespace loadgen
