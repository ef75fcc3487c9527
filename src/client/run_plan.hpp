#pragma once
// What the runner hands every worker: read-only settings fixed before the threads start, plus the
// few atomics that cross threads (stop, abort). Nothing here is written on the per-request path
// except by request_stop(), which happens at most once per run.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen {

struct run_plan {
  const run_options* options = nullptr;
  std::vector<std::string> requests;  // the request bytes, built once (several with -payload-lines)
  bool per_call_uuid = false;         // the requests hold "{uuid}" markers to fill per call
  bool head_request = false;  // the method is HEAD: responses have no body
  boost::asio::generic::stream_protocol::endpoint endpoint;  // where to connect (resolved once)
  std::string endpoint_text;  // "ip:port" or the socket path, for the report
  bool tcp = true;            // set TCP_NODELAY (not for Unix sockets)
  std::shared_ptr<boost::asio::ssl::context> tls;  // set for https:// targets
  std::string tunnel_request;  // CONNECT request, for https targets through a proxy
  int connections = 0;        // effective connection count
  std::vector<std::int64_t> calls_per_connection;  // -n mode; empty in duration mode
  std::int64_t planned_per_connection = 0;         // duration + constant qps: cap per connection; 0 = none
  double qps_per_connection = 0;                   // <= 0: max speed

  // Set once the warmup is over (or at once without warmup); workers wait for it.
  nanos start = 0;
  nanos end = 0;  // start + duration; INT64_MAX when counting calls or until interrupted

  std::atomic<bool> stop{false};     // no new calls (signal, -abort-on, warmup failure)
  std::atomic<bool> aborted{false};  // -abort-on matched
  // Thread-safe: sets stop and wakes every worker so sleeping connections notice. Set by the runner.
  std::function<void()> request_stop;
};

}  // namespace loadgen
