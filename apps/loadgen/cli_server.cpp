// `loadgen server`: Fortio's echo server flags bound to server_options.
#include <exception>
#include <string>

#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "commands.hpp"
#include "http_flags.hpp"
#include "loadgen/server/echo_server.hpp"
#include "loadgen/core/error.hpp"
#include "server_flags.hpp"

namespace loadgen::cli {

namespace {
constexpr std::int64_t max_payload_kb = 1024 * 1024;
}  // namespace

int run_server(const std::vector<std::string>& args) {
  CLI::App app("Run the echo/debug HTTP server (Fortio's), optionally as an Envoy-like circuit breaker.", "server");
  app.set_help_flag("--help", "Show this help");
  server_options o;
  std::string max_delay = "1.5s", idle = "30s", level;
  std::int64_t max_kb = 256;
  bool quiet = false, udp_async = false;
  app.add_option("--tcp-port", o.tcp_listen, "TCP echo port: port, :port, host:port, or disabled")->group("Server");
  app.add_option("--udp-port", o.udp_listen, "UDP echo port: port, :port, host:port, or disabled")->group("Server");
  app.add_flag("--udp-async", udp_async, "Accepted for Fortio compatibility; UDP replies are sent in order")->group("Server");
  app.add_option("--http-port", o.listen, "Port to serve on: port, :port, host:port, [v6]:port, or disabled")->group("Server");
  app.add_option("--max-echo-delay", max_delay, "Longest delay= a request may ask for")->type_name("duration")->group("Server");
  app.add_option("--maxpayloadsizekb", max_kb, "Largest size= and request body, in KB")->group("Server");
  app.add_option("--max-active", o.max_active, "Circuit breaker: requests served at once (Envoy's maxRequests); 0 = off")->group("Server");
  app.add_option("--max-pending", o.max_pending, "Circuit breaker: requests waiting for a slot (Envoy's http1MaxPendingRequests)")->group("Server");
  app.add_option("--cluster-name", o.cluster_name,
                 "Circuit breaker: the cluster GET /stats (Envoy's admin stats of the breaker) names; default outbound|<http port>||loadgen.local")
      ->group("Server");
  app.add_option("--echo-server-default-params", o.default_params, "Query used when a request has none, e.g. \"status=503:10\"")->group("Server");
  app.add_option("--echo-debug-path", o.debug_path, "Path of the debug page (empty disables it)")->group("Server");
  app.add_option("--threads", o.threads, "Server threads (default: the CPUs this process may run on, capped by its cgroup CPU limit)")->group("Server");
  app.add_option("--server-idle-timeout", idle, "Close keep-alive connections idle this long")->type_name("duration")->group("Server");
  app.add_option("--cert", o.cert, "TLS certificate (PEM): serve https")->group("Server");
  app.add_option("--key", o.key, "TLS private key (PEM)")->group("Server");
  app.add_option("--h2-max-streams", o.h2_max_streams,
                 "HTTP/2 streams a client may have open at once per connection (SETTINGS_MAX_CONCURRENT_STREAMS)")
      ->group("Server");
  fortio_server_flags fortio;
  add_fortio_server_flags(app, o, fortio);
  add_logging_flags(app, level, quiet);
  if (auto rc = parse(app, args)) return *rc;
  try {
    setup_logging(level, quiet);
    o.limits.max_delay = duration_flag("max-echo-delay", max_delay);
    o.idle_timeout = duration_flag("server-idle-timeout", idle);
    if (max_kb < 0) throw flag_error("-maxpayloadsizekb must not be negative");
    // size= answers come from one buffer of this size, made at start: keep it allocatable.
    if (max_kb > max_payload_kb)
      throw flag_error("-maxpayloadsizekb " + std::to_string(max_kb) + " is too large (at most " +
                       std::to_string(max_payload_kb) + ", 1 GiB)");
    o.limits.max_size = max_kb * 1024;
    if (o.max_active < 0 || o.max_pending < 0) throw flag_error("-max-active and -max-pending must not be negative");
    if (o.max_pending > 0 && o.max_active == 0) throw flag_error("-max-pending needs -max-active");
    if (o.threads < 0) throw flag_error("-threads must be 0 (auto) or more");
    if (o.h2_max_streams < 1) throw flag_error("-h2-max-streams must be at least 1");
    apply_fortio_server_flags(app, o, fortio);
    return run_echo_server(o);
  } catch (const loadgen::error& e) {
    print_error("server", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {  // out of memory, say: one line, not std::terminate
    print_error("server", std::string("internal error: ") + e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
