// `loadgen grpcping`: Fortio's gRPC ping client. One info line per round on stderr ("Ping RTT
// ... clock skew ..."), then Fortio's two histograms in microseconds on stdout: the clock skew
// (offset -10, buckets of 2) and the round-trip times (buckets of 10), each with its median.
// Exit 0 when every ping was answered, 1 with one line on the first that was not.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "commands.hpp"
#include "http_flags.hpp"
#include "loadgen/client/grpc_ping.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/report/histogram_export.hpp"
#include "loadgen/report/report_text.hpp"

namespace loadgen::cli {
namespace {

// `grpcping -health`: Fortio's GrpcHealthCheck. The RTT histogram (microseconds, buckets of 10)
// and one "Health STATUS : count" line per status seen, on stdout; exit 0 when every check was
// answered (whatever the status), else 1 with one line.
int health_checks(run_options o, const std::string& service, int n) {
  o.grpc_ping = false;
  o.grpc_health_service = service;
  spdlog::info("GrpcHealthCheck for {} svc '{}', {} iterations", o.target.authority(), service, n);
  std::vector<double> rtt;
  std::map<std::string, int> statuses;
  for (const auto& check : grpc_health_checks(o, n)) {
    rtt.push_back(static_cast<double>(check.rtt) / 1000.0);
    ++statuses[grpc_code_name(check.status)];
  }
  std::string out = format_histogram("RTT histogram usec", export_fortio_values(rtt, 10, 0, {50}));
  for (const auto& [status, count] : statuses) out += "Health " + status + " : " + std::to_string(count) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return exit_ok;
}

}  // namespace

int run_grpcping(const std::vector<std::string>& args) {
  CLI::App app("Ping a gRPC server (Fortio's fgrpc.PingServer): round-trip times and clock skew.", "grpcping");
  app.set_help_flag("--help", "Show this help");
  run_options o;
  http_flags f;
  int rounds = 1;
  std::string delay = "0s";
  app.add_option("target", o.url_text, "host:port, host (port 8079), or http(s)://host[:port]");
  app.add_option("--n", rounds, "Rounds of two pings (after one warm-up ping); with -health, health checks")->group("Load");
  app.add_option("--grpc-ping-delay", delay, "Delay the server waits before each answer")->type_name("duration")->group("Load");
  bool health = false;
  std::string healthservice;
  app.add_flag("--health", health, "Health checks (grpc.health.v1.Health/Check, -n of them) instead of pings")->group("Load");
  app.add_option("--healthservice", healthservice, "-health: the service name checked (\"\" by default)")->group("Load");
  add_http_flags(app, f);
  if (auto rc = parse(app, args)) return *rc;
  try {
    setup_logging(f.level, f.quiet);
    apply_http_flags(f, o);
    if (rounds < 1) throw flag_error("-n must be at least 1");
    o.url_text = grpc_target(o.url_text, o);
    o.h2 = true;
    o.grpc_ping = true;
    o.grpc_ping_delay = duration_flag("grpc-ping-delay", delay);
    std::size_t padded = 0;
    o.payload = valid_utf8_payload(o.payload, &padded);
    validate(o, nullptr);
    o.target.grpc = true;
    if (health) return health_checks(o, healthservice, rounds);
    const auto result = grpc_ping_rounds(o, rounds);
    std::vector<double> skew, rtt;
    for (const auto& r : result) {
      spdlog::info("Ping RTT {} (avg of {}, {}, {} ns) clock skew {}", r.rtt_avg(), r.rtt_first, r.rtt_server, r.rtt_second,
                   r.skew);
      skew.push_back(static_cast<double>(r.skew) / 1000.0);
      for (const std::int64_t t : {r.rtt_first, r.rtt_second, r.rtt_server}) rtt.push_back(static_cast<double>(t) / 1000.0);
    }
    const std::string out = format_histogram("Clock skew histogram usec", export_fortio_values(skew, 2, -10, {50})) +
                            format_histogram("RTT histogram usec", export_fortio_values(rtt, 10, 0, {50}));
    std::fwrite(out.data(), 1, out.size(), stdout);
    return exit_ok;
  } catch (const loadgen::error& e) {
    print_error("grpcping", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error("grpcping", e.what());
    return exit_run_failed;
  }
}

}  // namespace loadgen::cli
