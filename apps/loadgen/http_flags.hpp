#pragma once
// The request flags that `load` and `curl` share (Fortio's names), bound once to CLI11 and then
// applied to run_options, so both commands parse them the same way.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "loadgen/core/options.hpp"

namespace loadgen::cli {

struct http_flags {
  std::vector<std::string> headers;  // -H, repeatable
  std::string method;                // -X
  std::string payload;               // -payload
  std::string payload_file;          // -payload-file ("-" = stdin)
  int payload_size = 0;              // -payload-size
  std::int64_t max_payload_kb = 256; // -maxpayloadsizekb: caps -payload-size (Fortio's default)
  bool payload_lines = false;        // -payload-lines: one payload per line of -payload-file
  bool stream = false;               // -stream: the body is standard input (Fortio's curl -stream)
  std::string user;                  // -user user:password
  bool follow = false;               // -L
  std::string content_type;          // -content-type
  std::string timeout = "3s";        // -timeout (Go duration)
  bool keepalive = true;             // -keepalive
  bool http10 = false;               // -http1.0
  bool h2 = false;                   // -h2
  std::string resolve;               // -resolve IP (or a comma-separated list)
  std::string dns_method = "cached-rr";  // -dns-method
  std::string ip_type = "ip4";       // -resolve-ip-type
  bool no_reresolve = false;         // -no-reresolve
  bool halfclose = false;            // -halfclose
  bool compression = false;          // -compression
  bool curl_stdout_headers = false;  // -curl-stdout-headers: curl's head on stdout (Fortio before 1.22)
  std::string unix_socket;           // -unix-socket
  bool insecure = false;             // -k / -https-insecure
  std::string ca_cert, cert, key;    // -cacert, -cert, -key
  std::string proxy;                 // -proxy
  std::string level;                 // -loglevel
  bool quiet = false;                // -quiet
};

void add_http_flags(CLI::App& app, http_flags& flags);

// Applies the flags to options (headers parsed, payload read, timeout parsed). Throws
// loadgen::error: exit 2 for a malformed value, exit 1 for an unreadable -payload-file.
void apply_http_flags(const http_flags& flags, run_options& options);

// Parses a Go duration flag value or throws loadgen::error (exit 2) naming the flag.
nanos duration_flag(const std::string& flag, const std::string& value);

// -grpc's (and grpcping's) target as Fortio takes it (grpcDestination): "host:port", "host" (port
// 8079), or "http(s)://host[:port]" (80/443 by default); TLS with https:// or -cacert. Returns the
// URL text loadgen parses: its scheme says plain (h2c) or TLS.
std::string grpc_target(std::string text, const run_options& o);

}  // namespace loadgen::cli
