#include "loadgen/core/run_stats.hpp"

#include <algorithm>
#include <cmath>

namespace loadgen {

void counter_stats::record(double v) noexcept {
  if (count == 0 || v < min) min = v;
  if (count == 0 || v > max) max = v;
  ++count;
  sum += v;
  sum_of_squares += v * v;
}

void counter_stats::merge(const counter_stats& o) noexcept {
  if (o.count == 0) return;
  if (count == 0 || o.min < min) min = o.min;
  if (count == 0 || o.max > max) max = o.max;
  count += o.count;
  sum += o.sum;
  sum_of_squares += o.sum_of_squares;
}

double counter_stats::stddev() const noexcept {
  if (count == 0) return 0;
  const double n = static_cast<double>(count);
  const double var = (sum_of_squares - sum * sum / n) / n;
  return var > 0 ? std::sqrt(var) : 0;
}

histogram& run_stats::status_histogram(int status) {
  for (auto& [code, h] : latency_by_status)
    if (code == status) return h;
  latency_by_status.emplace_back(status, histogram());
  return latency_by_status.back().second;
}

// Keeps envoy_overloaded_by_status sorted by status, so merged stats compare equal whatever the
// order the workers saw the statuses in.
void run_stats::add_envoy_overloaded(int status, std::int64_t n) {
  auto& v = envoy_overloaded_by_status;
  auto it = std::lower_bound(v.begin(), v.end(), status, [](const auto& e, int s) { return e.first < s; });
  if (it == v.end() || it->first != status) it = v.emplace(it, status, 0);
  it->second += n;
}

std::int64_t run_stats::envoy_overloaded_for(int status) const noexcept {
  for (const auto& [code, n] : envoy_overloaded_by_status)
    if (code == status) return n;
  return 0;
}

connection_stats& run_stats::connection(int index) {
  for (auto& c : connections)
    if (c.index == index) return c;
  connections.push_back(connection_stats{});
  connections.back().index = index;
  return connections.back();
}

void run_stats::record(const call_record& call) noexcept {
  const nanos value = latency_of(call);
  latency.record(value);
  service.record(call.done - call.sent);
  dispatch_lag.record(call.sent - call.due);
  if (call.connection_busy) ++waited_for_connection;
  else generator_lag.record(call.sent - call.due);
  header_sizes.record(call.header_bytes);
  total_sizes.record(call.total_bytes);
  if (call.status == status_transport_error) {
    ++transport_counts[static_cast<size_t>(call.error)];
  } else if (call.status >= 0 && call.status < static_cast<int>(status_counts.size())) {
    ++status_counts[static_cast<size_t>(call.status)];
  }
  if (!is_ok_status(call.status)) errors.record(value);
  ++envoy_reasons[static_cast<std::size_t>(call.envoy_cause)];  // none's count is never read
  if (call.upstream_service_time_ms >= 0) upstream_service_time.record(call.upstream_service_time_ms * ns_per_ms);
  // Only the first call of each status allocates (a new small vector entry).
  try {
    status_histogram(call.status).record(value);
    if (call.envoy_overloaded) {
      add_envoy_overloaded(call.status, 1);
      ++envoy_overloaded;  // after: the total stays the sum of the per-status counts
    }
  } catch (...) {
  }
}

void run_stats::record_connect(int index, const std::string& ip_port, nanos duration) {
  connection_stats& c = connection(index);
  ++c.sockets;
  c.connect_time.record(to_seconds(duration));
  ++c.ips[ip_port];
  connect.record(duration);
}

void run_stats::merge(const run_stats& o) {
  latency.merge(o.latency);
  errors.merge(o.errors);
  service.merge(o.service);
  dispatch_lag.merge(o.dispatch_lag);
  generator_lag.merge(o.generator_lag);
  waited_for_connection += o.waited_for_connection;
  connect.merge(o.connect);
  header_sizes.merge(o.header_sizes);
  total_sizes.merge(o.total_sizes);
  upstream_service_time.merge(o.upstream_service_time);
  tls_handshake.merge(o.tls_handshake);
  tls_resumed += o.tls_resumed;
  if (failure_detail.empty()) failure_detail = o.failure_detail;
  for (size_t i = 0; i < status_counts.size(); ++i) status_counts[i] += o.status_counts[i];
  for (size_t i = 0; i < transport_counts.size(); ++i) transport_counts[i] += o.transport_counts[i];
  envoy_overloaded += o.envoy_overloaded;
  for (std::size_t i = 0; i < envoy_reasons.size(); ++i) envoy_reasons[i] += o.envoy_reasons[i];
  for (const auto& [code, n] : o.envoy_overloaded_by_status) add_envoy_overloaded(code, n);
  skipped += o.skipped;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  protocol.merge(o.protocol);
  for (const auto& [code, h] : o.latency_by_status) status_histogram(code).merge(h);
  std::sort(latency_by_status.begin(), latency_by_status.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& oc : o.connections) {
    connection_stats& c = connection(oc.index);
    c.sockets += oc.sockets;
    c.connect_time.merge(oc.connect_time);
    for (const auto& [ip, n] : oc.ips) c.ips[ip] += n;
  }
  std::sort(connections.begin(), connections.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
}

std::int64_t run_stats::transport_errors() const noexcept {
  std::int64_t n = 0;
  for (auto v : transport_counts) n += v;
  return n;
}

std::int64_t run_stats::calls() const noexcept {
  std::int64_t n = transport_errors();
  for (auto v : status_counts) n += v;
  return n;
}

std::int64_t run_stats::ok_calls() const noexcept {
  std::int64_t n = 0;
  for (size_t i = 0; i < status_counts.size(); ++i)
    if (is_ok_status(static_cast<int>(i))) n += status_counts[i];
  return n;
}

std::map<int, std::int64_t> run_stats::codes() const {
  std::map<int, std::int64_t> out;
  if (const auto t = transport_errors()) out[status_transport_error] = t;
  for (size_t i = 0; i < status_counts.size(); ++i)
    if (status_counts[i]) out[static_cast<int>(i)] = status_counts[i];
  return out;
}

}  // namespace loadgen
