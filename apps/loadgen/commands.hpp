#pragma once
// One entry point per command. Each takes the arguments after the command name and returns the
// process exit code (0 ok, 1 the run could not start, 2 bad flags).
#include <string>
#include <vector>

namespace loadgen::cli {

int run_load(const std::vector<std::string>& args);
int run_curl(const std::vector<std::string>& args);
int run_server(const std::vector<std::string>& args);

}  // namespace loadgen::cli
