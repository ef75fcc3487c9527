#include "http_flags.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>

#include "cli_common.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/error.hpp"

#include <cstring>
#include <spdlog/spdlog.h>

namespace loadgen::cli {
namespace {

bool iequals(const std::string& a, const char* b) {
  const std::string_view bv(b);
  if (a.size() != bv.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != bv[i]) return false;
  return true;
}

// Up to 256 KB (Fortio's -maxpayloadsizekb default) of pseudo-random bytes, the same every run.
std::string random_payload(int size) {
  constexpr int max_size = 256 * 1024;
  if (size > max_size) {
    spdlog::warn("-payload-size {} is above the {} byte maximum: using {}", size, max_size, max_size);
    size = max_size;
  }
  std::string out(static_cast<size_t>(std::max(size, 0)), '\0');
  std::mt19937 rng(42);
  for (auto& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

}  // namespace

void add_http_flags(CLI::App& app, http_flags& f) {
  app.add_option("--H", f.headers, "Extra header \"Name: value\" (repeatable); Host and Content-Type are special");
  app.add_option("--X", f.method, "HTTP method override (default GET, or POST with a payload)");
  app.add_option("--payload", f.payload, "Request body (makes the request a POST)");
  app.add_option("--payload-file", f.payload_file, "Read the request body from this file (- for stdin)");
  app.add_option("--payload-size", f.payload_size, "Send this many pseudo-random bytes as the body");
  app.add_flag("--payload-lines", f.payload_lines, "With -payload-file: each line is one payload, used round robin");
  app.add_flag("--L", f.follow, "Follow redirects (up to 10); load follows those to the same host and port");
  app.add_option("--user", f.user, "Basic auth credentials user:password (never written to the JSON or logs)");
  app.add_option("--content-type", f.content_type, "Content-Type of the body (makes the request a POST)");
  app.add_option("--timeout", f.timeout, "Connect, and write + whole response, per call (Go duration)");
  app.add_flag("--keepalive", f.keepalive, "Keep connections open between calls (-keepalive=false to close each time)");
  app.add_flag("--http1.0", f.http10, "Send HTTP/1.0 requests (no Host header unless -H Host: is given)");
  app.add_option("--resolve", f.resolve, "Connect to this IP instead of resolving the URL's host (Host and SNI unchanged)");
  app.add_option("--unix-socket", f.unix_socket, "Connect through this Unix domain socket");
  app.add_flag("--k,--https-insecure", f.insecure, "Do not verify the server's TLS certificate");
  app.add_option("--proxy", f.proxy, "HTTP proxy URL (http://[user:pass@]host:port); default from HTTP_PROXY/HTTPS_PROXY/NO_PROXY; \"direct\" ignores them");
  app.add_option("--cacert", f.ca_cert, "Trust this CA certificate file (PEM) instead of the system store");
  app.add_option("--cert", f.cert, "Client certificate (PEM) for mutual TLS");
  app.add_option("--key", f.key, "Client private key (PEM) for mutual TLS");
  add_logging_flags(app, f.level, f.quiet);
}

nanos duration_flag(const std::string& flag, const std::string& value) {
  bool overflow = false;
  const auto ns = parse_go_duration(value, &overflow);
  if (overflow) throw flag_error(duration_limit_error(flag));  // past 2^63 ns: far past the limit
  if (!ns)
    throw flag_error("invalid value \"" + value + "\" for -" + flag + ": want a duration such as 5s, 300ms or 1h30m");
  return *ns;
}

void apply_http_flags(const http_flags& f, run_options& o) {
  for (const auto& h : f.headers) {
    auto [name, value] = parse_header(h);
    if (iequals(name, "host")) o.host_override = value;
    else if (iequals(name, "content-type")) o.content_type = value;  // Fortio: also makes it a POST
    else o.headers.emplace_back(std::move(name), std::move(value));
  }
  o.method = f.method;
  if (!f.content_type.empty()) o.content_type = f.content_type;
  // Fortio's precedence: -payload-file, then -payload-size, then -payload.
  if (!f.payload_file.empty()) {
    std::ostringstream data;
    if (f.payload_file == "-") {
      data << std::cin.rdbuf();
    } else {
      std::error_code ec;
      if (std::filesystem::is_directory(f.payload_file, ec))
        throw run_error("cannot read -payload-file \"" + f.payload_file + "\": it is a directory");
      std::ifstream in(f.payload_file, std::ios::binary);
      if (!in) throw run_error("cannot read -payload-file \"" + f.payload_file + "\": " + std::strerror(errno));
      data << in.rdbuf();
      // A read that stopped part way (an I/O error, or no memory for the whole file) must not
      // send a cut body as if it were the file.
      if (in.bad() || data.bad())
        throw run_error("cannot read -payload-file \"" + f.payload_file + "\" whole (an I/O error, or too large to hold in memory)");
    }
    o.payload = data.str();
    o.has_payload = true;
    if (f.payload_lines) {
      std::istringstream lines(o.payload);
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) o.payload_lines.push_back(line);
      }
      if (o.payload_lines.empty()) throw run_error("-payload-file \"" + f.payload_file + "\" has no non-empty line for -payload-lines");
    }
  } else if (f.payload_size > 0) {
    o.payload = random_payload(f.payload_size);
    o.has_payload = true;
  } else if (!f.payload.empty()) {
    o.payload = f.payload;
    o.has_payload = true;
  }
  if (f.payload_lines && f.payload_file.empty()) throw flag_error("-payload-lines needs -payload-file");
  if (!f.user.empty() && f.user.find(':') == std::string::npos) throw flag_error("-user wants user:password");
  o.user = f.user;
  o.follow_redirects = f.follow;
  o.timeout = duration_flag("timeout", f.timeout);
  o.keepalive = f.keepalive;
  o.http10 = f.http10;
  o.resolve_ip = f.resolve;
  o.unix_socket = f.unix_socket;
  o.proxy_flag = f.proxy;
  o.insecure = f.insecure;
  o.ca_cert = f.ca_cert;
  o.cert = f.cert;
  o.key = f.key;
}

}  // namespace loadgen::cli
