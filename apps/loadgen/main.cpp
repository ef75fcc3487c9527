// loadgen: parse the command, run it, return its exit code. Everything else lives in the library
// and in one CLI binding per command.
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "loadgen/core/version.hpp"

namespace {

constexpr const char* usage_text =
    R"(loadgen: a Fortio-compatible HTTP load generator.

Usage: loadgen <command> [flags] [url]

Commands:
  load      run a load test against a URL (Fortio's `fortio load`)
  curl      fetch one URL: status and headers on stderr, body on stdout
  server    run the echo/debug test server, with an optional circuit-breaker mode
            (and Fortio's TCP and UDP echo on -tcp-port / -udp-port, 8078)
  tcp-echo  run only the TCP echo server (target of `load tcp://host:port`)
  udp-echo  run only the UDP echo server (target of `load udp://host:port`)
  grpcping  ping a gRPC server (Fortio's ping): round-trip times and clock skew
  merge     combine saved JSON results of simultaneous runs into one exact report
  report    serve the results UI for a -data-dir (Fortio's `fortio report`), or
            write an HTML report of saved results (-html OUT.html RESULT.json...)
  version   print the version
  buildinfo print the version, commit, compiler and library versions of this build
  help      print this help; `loadgen <command> -h` shows a command's flags

Flags are Go-style, as Fortio's: -qps 0, -qps=0, --qps 0, -keepalive=false, repeatable -H.
Examples:
  loadgen load -c 3 -qps 0 -n 30 -loglevel Warning http://httpbin:8000/get
  loadgen curl -quiet http://httpbin:8000/get
  loadgen server -http-port 8080 -max-active 1 -max-pending 1
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << usage_text << "\nloadgen: missing command argument\n";
    return 1;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "help" || command == "-h" || command == "-help" || command == "--help") {
    std::cout << usage_text;
    return 0;
  }
  if (command == "version" || command == "-version" || command == "--version") {
    std::cout << loadgen::version << '\n';
    return 0;
  }
  // Each command prints its own errors; this is the last line of defence, so that nothing a
  // command lets escape (bad_alloc, length_error, system_error) ends in std::terminate: one line
  // on stderr and exit 1, like any run that could not be done.
  try {
    if (command == "load") return loadgen::cli::run_load(args);
    if (command == "curl") return loadgen::cli::run_curl(args);
    if (command == "server") return loadgen::cli::run_server(args);
    if (command == "tcp-echo") return loadgen::cli::run_tcp_echo(args);
    if (command == "udp-echo") return loadgen::cli::run_udp_echo(args);
    if (command == "grpcping") return loadgen::cli::run_grpcping(args);
    if (command == "merge") return loadgen::cli::run_merge(args);
    if (command == "report") return loadgen::cli::run_report(args);
    if (command == "buildinfo") return loadgen::cli::run_buildinfo(args);
  } catch (const std::exception& e) {
    std::cerr << "loadgen " << command << ": " << e.what() << '\n';
    return 1;
  } catch (...) {
    std::cerr << "loadgen " << command << ": unexpected failure\n";
    return 1;
  }
  std::cerr << "loadgen: unknown command \"" << command << "\" (try `loadgen help`)\n";
  return 1;
}
