#pragma once
// The rest of Fortio 1.65's `server` flags, beside cli_server.cpp's echo-server ones: the side
// listeners (-redirect-port, -P, -M and their modes), TLS (-mtls, -cacert, -k), and the flags of
// features loadgen does not have yet (gRPC, web UI, dynamic config, ...), accepted so Fortio
// command lines keep working, each with one warning line saying what loadgen does instead.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "loadgen/server/echo_server.hpp"
#include "results_pages.hpp"

namespace loadgen::cli {

// What the flags hold until apply_fortio_server_flags reads them.
struct fortio_server_flags {
  std::string grpc_max_delay = "10s";
  std::string timeout = "3s";
  results_pages_flags pages;  // -data-dir, -ui-path, -base-url: the results UI
  std::string static_dir, sync, sync_interval = "0s";
  std::string config_dir, config_port, access_log_file, access_log_format = "json", profile;
  std::string grpc_ping_delay = "0s", healthservice;
  std::int64_t grpc_max_streams = 0;
  int gomaxprocs = 0;
  bool pprof = false, proxy_all_headers = true;
  // Fortio's load/curl flags, which its server accepts and ignores (one flag set for every command).
  std::map<std::string, bool> load_bools;
  std::map<std::string, std::vector<std::string>> load_values;
};

// Declares them on app (group "Server"), bound to o and f.
void add_fortio_server_flags(CLI::App& app, server_options& o, fortio_server_flags& f);

// After the other flags are checked: checks these (loadgen::error, exit 2 for a bad one) and
// puts the warnings in o.start_warnings (the server says them once its listeners are bound), one
// line each, only for flags given (and -grpc-port unless disabled, as Fortio starts gRPC by
// default).
void apply_fortio_server_flags(const CLI::App& app, server_options& o, const fortio_server_flags& f);

}  // namespace loadgen::cli
