// `loadgen tcp-echo` and `loadgen udp-echo`: Fortio's TCP / UDP echo server alone, until SIGINT or
// SIGTERM. The port is -tcp-port / -udp-port (Fortio's flags, default 8078) or, as a loadgen
// shorthand, the one argument: `loadgen tcp-echo 9000`.
#include <exception>
#include <string>

#include "cli_common.hpp"
#include "commands.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/server/echo_listeners.hpp"

namespace loadgen::cli {
namespace {

// proto: "tcp" or "udp".
int run_one_echo(const std::vector<std::string>& args, const std::string& proto) {
  const std::string command = proto + "-echo";
  CLI::App app("Run Fortio's " + std::string(proto == "tcp" ? "TCP" : "UDP") +
                   " echo server: whatever a client sends comes back unchanged.",
               command);
  app.set_help_flag("--help", "Show this help");
  std::string port = "8078", positional, level;
  bool quiet = false, udp_async = false;
  app.add_option("--" + proto + "-port", port,
                 proto + " echo port: port, :port or host:port")
      ->group("Server");
  if (proto == "udp")
    app.add_flag("--udp-async", udp_async, "Accepted for Fortio compatibility; replies are sent in order")->group("Server");
  app.add_option("port", positional, "The port, instead of -" + proto + "-port");
  add_logging_flags(app, level, quiet);
  if (auto rc = parse(app, args)) return *rc;
  try {
    setup_logging(level, quiet);
    if (!positional.empty()) {
      if (app.get_option("--" + proto + "-port")->count() > 0)
        throw flag_error("give the port once: -" + proto + "-port " + port + " or " + positional);
      port = positional;
    }
    if (port == "disabled") throw flag_error("-" + proto + "-port disabled: " + command + " has nothing else to serve");
    return proto == "tcp" ? run_echo_listeners(port, "") : run_echo_listeners("", port);
  } catch (const loadgen::error& e) {
    print_error(command, e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error(command, std::string("internal error: ") + e.what());
    return exit_run_failed;
  }
}

}  // namespace

int run_tcp_echo(const std::vector<std::string>& args) { return run_one_echo(args, "tcp"); }
int run_udp_echo(const std::vector<std::string>& args) { return run_one_echo(args, "udp"); }

}  // namespace loadgen::cli
