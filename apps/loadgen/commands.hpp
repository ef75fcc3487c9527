#pragma once
// One entry point per command. Each takes the arguments after the command name and returns the
// process exit code (0 ok, 1 the run could not start, 2 bad flags, 3 an -assert failed).
#include <string>
#include <vector>

#include "loadgen/core/options.hpp"

namespace loadgen::cli {

int run_load(const std::vector<std::string>& args);
int run_curl(const std::vector<std::string>& args);
int run_server(const std::vector<std::string>& args);
int run_tcp_echo(const std::vector<std::string>& args);  // cli_tcp_echo.cpp
int run_udp_echo(const std::vector<std::string>& args);
int run_grpcping(const std::vector<std::string>& args);  // cli_grpcping.cpp
int run_merge(const std::vector<std::string>& args);     // cli_merge.cpp
int run_report(const std::vector<std::string>& args);    // cli_report.cpp
int run_buildinfo(const std::vector<std::string>& args); // cli_buildinfo.cpp

// curl's work once its options are validated: one request, head on stderr (on stdout before the
// body with -curl-stdout-headers, Fortio's pre-1.22 way), body on stdout; exit 0 for a 2xx, else 1
// with one line. `load -curl` comes here too. Throws loadgen::error.
int fetch_and_report(const run_options& options, bool headers_to_stdout = false);

}  // namespace loadgen::cli
