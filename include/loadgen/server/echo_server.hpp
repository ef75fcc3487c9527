#pragma once
// `loadgen server`: Fortio's echo/debug HTTP server on Beast, plus a circuit-breaker mode that
// answers like Envoy when more requests arrive than -max-active + -max-pending allow.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loadgen/core/clock.hpp"
#include "loadgen/wire/echo_params.hpp"

namespace loadgen {

// A page served beside the echo (the results UI): what the CLI's page function answers.
struct served_page {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Location, CORS)
  bool outside_breaker = false;  // answered even when the circuit breaker is full (an admin page)
};

struct server_options {
  std::string listen = "8080";     // -http-port: "port", "host:port", or "disabled"
  std::string tcp_listen = "8078";  // -tcp-port: Fortio's TCP echo (echo_listeners.hpp), same forms
  std::string udp_listen = "8078";  // -udp-port: Fortio's UDP echo, same forms
  echo_limits limits;              // -max-echo-delay, -maxpayloadsizekb
  int max_active = 0;              // -max-active: requests served at once; 0 = no limit (no breaker)
  int max_pending = 0;             // -max-pending: requests waiting for a slot (with -max-active)
  std::string default_params;      // -echo-server-default-params: used when the URI has no '?'
  std::string debug_path = "/debug";  // -echo-debug-path; "" disables it
  int threads = 0;                 // -threads; 0 = the CPUs this process may use
  nanos idle_timeout = 30 * ns_per_s;  // -server-idle-timeout
  std::string cert, key;           // -cert/-key: serve TLS
  int h2_max_streams = 100;        // -h2-max-streams: HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection
  // Fortio's gRPC port: fgrpc.PingServer and grpc.health.v1.Health over HTTP/2 (h2c, or TLS with -cert).
  std::string grpc_listen = "8079";    // -grpc-port: same forms as -http-port, or "disabled"
  std::uint32_t grpc_max_streams = 0;  // -grpc-max-streams: SETTINGS_MAX_CONCURRENT_STREAMS; 0 = unset (unlimited), as Fortio
  nanos grpc_max_delay = 10 * ns_per_s;  // -grpc-max-delay: the longest delayNanos a ping may ask for
  std::string grpc_health_service = "ping";
  // -cluster-name: the cluster /stats names (with -max-active); "" is Istio's name for the HTTP
  // port, "outbound|<port>||loadgen.local".
  std::string cluster_name;  // -healthservice: SERVING (as ""), and NAME_down NOT_SERVING
  // Beside the echo port (side_servers.hpp): Fortio's -redirect-port, -P and -M.
  std::string redirect_listen = "8081";    // -redirect-port: 303 to https; "disabled" turns it off
  std::vector<std::string> tcp_proxies;    // -P "local dest-host:dest-port", repeatable
  std::vector<std::string> multi_servers;  // -M "local url1 url2 ...", repeatable
  bool multi_serial = false;               // -multi-serial-mode: -M targets one after the other
  bool multi_mirror_origin = true;         // -multi-mirror-origin: append the request target, copy headers
  nanos forward_timeout = 3 * ns_per_s;    // -timeout: each -M call (connect, send, whole answer)
  bool mtls = false;                       // -mtls: require client certificates signed by -cacert
  std::string ca_cert;                     // -cacert: CA for -mtls, and for -M https targets
  bool insecure = false;                   // -k: do not verify -M https targets
  // Pages beside the echo, wired in by the CLI (the results UI under -ui-path): a request whose
  // target (path and query) pages_match accepts is answered by pages(target, host) on its
  // connection's thread (through the circuit breaker, as any request). Unset: echo only.
  std::function<bool(std::string_view target)> pages_match;
  std::function<served_page(std::string_view target, std::string_view host)> pages;
  // Said (info) after the "listening" lines, e.g. where the results UI is.
  std::vector<std::string> start_notes;
  // Said once all listeners are bound (a port in use is then the only line): flags taken for
  // Fortio's sake that do nothing here.
  std::vector<std::string> start_warnings;
};

// Envoy's answer to a request over its circuit-breaker limits (body and header as Envoy sends).
inline constexpr const char* envoy_overflow_body =
    "upstream connect error or disconnect/reset before headers. reset reason: overflow";

// Serves (HTTP, and the TCP and UDP echo unless disabled) until SIGINT or SIGTERM, then stops accepting, lets in-flight requests finish (bounded
// by the longest echo delay plus a second), prints what it served (and shed) on stderr, and
// returns 0. A second signal exits at once. Throws loadgen::error (exit 1) when it cannot listen
// or load the TLS files.
int run_echo_server(const server_options& options);

}  // namespace loadgen
