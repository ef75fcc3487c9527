// TEMPORARY lead stub until the server helper writes this file.
#include <iostream>

#include "commands.hpp"

namespace loadgen::cli {
int run_server(const std::vector<std::string>&) {
  std::cerr << "loadgen server: not built yet\n";
  return 1;
}
}  // namespace loadgen::cli
