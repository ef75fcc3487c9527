#include "http_flags.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>

#include "cli_common.hpp"
#include "loadgen/core/address_pick.hpp"
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

// Up to max_kb KB (-maxpayloadsizekb, 256 by default as Fortio) of pseudo-random bytes, the same
// every run. Larger asks get the maximum, with Fortio's warning.
std::string random_payload(int size, std::int64_t max_kb) {
  const std::int64_t max_size = max_kb * 1024;
  if (size > max_size) {
    spdlog::warn("Requested size {} greater than max size {}, using max instead (change max using -maxpayloadsizekb)", size,
                 max_size);
    size = static_cast<int>(max_size);
  }
  std::string out(static_cast<size_t>(std::max(size, 0)), '\0');
  std::mt19937 rng(42);
  for (auto& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

}  // namespace

void add_http_flags(CLI::App& app, http_flags& f) {
  const auto http = [&](CLI::Option* opt) { opt->group("HTTP"); };
  const auto tls = [&](CLI::Option* opt) { opt->group("TLS"); };
  http(app.add_option("--H", f.headers, "Additional HTTP header(s) \"Name: value\" (repeatable); Host and Content-Type are special")
           ->type_name("key:value"));
  http(app.add_option("--X", f.method, "HTTP method to use instead of GET (or POST with a payload or content type)"));
  http(app.add_option("--payload", f.payload, "Request body (makes the request a POST)"));
  http(app.add_option("--payload-file", f.payload_file, "Read the request body from this file (- for stdin)")->type_name("path"));
  http(app.add_option("--payload-size", f.payload_size, "Send this many pseudo-random bytes as the body (at most -maxpayloadsizekb)"));
  http(app.add_option("--maxpayloadsizekb", f.max_payload_kb, "Largest -payload-size, in KB")->type_name("Kbytes"));
  http(app.add_flag("--payload-lines", f.payload_lines, "With -payload-file: each line is one payload, used round robin"));
  http(app.add_flag("--stream", f.stream, "curl: send standard input as the body (read to its end, then sent with its length)"));
  http(app.add_flag("--L", f.follow, "Follow redirects (up to 10); load follows those to the same host and port"));
  http(app.add_option("--user", f.user, "Basic auth credentials user:password (never written to the JSON or logs)"));
  http(app.add_option("--content-type", f.content_type, "Content-Type of the body (makes the request a POST)"));
  http(app.add_option("--timeout", f.timeout, "Connect, and write + whole response, per call")->type_name("duration"));
  http(app.add_flag("--keepalive", f.keepalive, "Keep connections open between calls (-keepalive=false to close each time)")
           ->default_str("true"));
  http(app.add_flag("--halfclose", f.halfclose, "With -keepalive=false, half-close the connection (shut down writing) after the request"));
  http(app.add_flag("--compression", f.compression, "Ask for gzip (Accept-Encoding: gzip); sizes count the decompressed body, curl prints it"));
  http(app.add_flag("--curl-stdout-headers", f.curl_stdout_headers,
                    "curl (and load -curl): write the status line and headers to stdout, before the body, as Fortio before 1.22"));
  http(app.add_flag("--h2", f.h2, "HTTP/2: https negotiates h2 by ALPN (HTTP/1.1 when the server does not offer it), http speaks h2c with prior knowledge"));
  http(app.add_flag("--http1.0", f.http10, "Send HTTP/1.0 requests (no Host header unless -H Host: is given)"));
  http(app.add_option("--resolve", f.resolve,
                      "Connect to this IP instead of resolving the URL's host (Host and SNI unchanged); a comma-separated list is the host's addresses")
           ->type_name("IP"));
  http(app.add_option("--dns-method", f.dns_method,
                      "When a name resolves to several IPs, which one a new connection takes: cached-rr (resolve once, round robin), rr (resolve each time, round robin), first, rnd (random)")
           ->type_name("method"));
  http(app.add_option("--resolve-ip-type", f.ip_type, "Resolve type: ip4 for IPv4, ip6 for IPv6 only, ip for both")->type_name("type"));
  http(app.add_flag("--no-reresolve", f.no_reresolve, "Keep each connection's first address when it reconnects (no new DNS lookup)"));
  http(app.add_option("--unix-socket", f.unix_socket, "Connect through this Unix domain socket")->type_name("path"));
  http(app.add_option("--proxy", f.proxy, "HTTP proxy URL (http://[user:pass@]host:port); default from HTTP_PROXY/HTTPS_PROXY/NO_PROXY; \"direct\" ignores them"));
  tls(app.add_flag("--k,--https-insecure", f.insecure, "Do not verify the server's TLS certificate"));
  tls(app.add_option("--cacert", f.ca_cert, "Trust this CA certificate file (PEM) instead of the system store")->type_name("Path"));
  tls(app.add_option("--cert", f.cert, "Client certificate (PEM) for mutual TLS")->type_name("Path"));
  tls(app.add_option("--key", f.key, "Client private key (PEM) for mutual TLS")->type_name("Path"));
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
  // -stream (Fortio's curl flag) is the body from standard input, as -payload-file -.
  if (f.stream && (!f.payload_file.empty() || f.payload_size > 0 || !f.payload.empty()))
    throw flag_error("-stream sends standard input as the body: give it without -payload, -payload-file or -payload-size");
  const std::string payload_file = f.stream ? "-" : f.payload_file;
  // Fortio's precedence: -payload-file, then -payload-size, then -payload.
  if (!payload_file.empty()) {
    std::ostringstream data;
    if (payload_file == "-") {
      data << std::cin.rdbuf();
    } else {
      std::error_code ec;
      if (std::filesystem::is_directory(payload_file, ec))
        throw run_error("cannot read -payload-file \"" + payload_file + "\": it is a directory");
      std::ifstream in(payload_file, std::ios::binary);
      if (!in) throw run_error("cannot read -payload-file \"" + payload_file + "\": " + std::strerror(errno));
      data << in.rdbuf();
      // A read that stopped part way (an I/O error, or no memory for the whole file) must not
      // send a cut body as if it were the file.
      if (in.bad() || data.bad())
        throw run_error("cannot read -payload-file \"" + payload_file + "\" whole (an I/O error, or too large to hold in memory)");
    }
    o.payload = data.str();
    o.has_payload = true;
    if (f.payload_lines) {
      std::istringstream lines(o.payload);
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) o.payload_lines.push_back(line);
      }
      if (o.payload_lines.empty()) throw run_error("-payload-file \"" + payload_file + "\" has no non-empty line for -payload-lines");
    }
  } else if (f.payload_size > 0) {
    if (f.max_payload_kb < 0 || f.max_payload_kb > 1024 * 1024)
      throw flag_error("-maxpayloadsizekb must be between 0 and 1048576 (1 GiB)");
    o.payload = random_payload(f.payload_size, f.max_payload_kb);
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
  o.h2 = f.h2;
  o.resolve_ip = f.resolve;
  const auto method = parse_dns_method(f.dns_method);
  if (!method) throw flag_error("invalid value for dns method, should be one of cached-rr, first, rnd or rr");
  o.dns = *method;
  const auto family = parse_ip_family(f.ip_type);
  if (!family) throw flag_error("invalid -resolve-ip-type \"" + f.ip_type + "\" (want ip4, ip6 or ip)");
  o.ip_type = *family;
  o.no_reresolve = f.no_reresolve;
  if (o.no_reresolve && !f.resolve.empty() && f.resolve.find(',') == std::string::npos)
    spdlog::warn("Both `-resolve` and `-no-reresolve` flags are defined, will use same ip address on new conn");
  o.halfclose = f.halfclose;
  if (o.halfclose && o.keepalive) spdlog::warn("-halfclose only applies with -keepalive=false: ignored");
  o.compression = f.compression;
  o.unix_socket = f.unix_socket;
  o.proxy_flag = f.proxy;
  o.insecure = f.insecure;
  o.ca_cert = f.ca_cert;
  o.cert = f.cert;
  o.key = f.key;
}

// Fortio's grpcDestination rules (see http_flags.hpp).
std::string grpc_target(std::string text, const run_options& o) {
  if (text.starts_with("http://") || text.starts_with("https://")) {
    while (text.size() > 8 && text.back() == '/') text.pop_back();
    return text;
  }
  const std::string scheme = o.ca_cert.empty() ? "http://" : "https://";
  const bool bracketed = text.starts_with("[");
  const std::size_t colon = text.rfind(':');
  const bool has_port = bracketed ? text.find("]:") != std::string::npos
                                  : colon != std::string::npos && text.find(':') == colon;
  return scheme + text + (has_port ? "" : ":8079");
}

}  // namespace loadgen::cli
