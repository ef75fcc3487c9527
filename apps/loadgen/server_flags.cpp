#include "server_flags.hpp"

#include <fmt/format.h>

#include "cli_common.hpp"
#include "http_flags.hpp"
#include "results_pages.hpp"
#include "loadgen/core/error.hpp"

namespace loadgen::cli {

namespace {
// Fortio 1.65's flags that only its clients (load, curl, grpcping, nc) use.
constexpr const char* load_bool_flags[] = {
    "L", "a", "allow-initial-errors", "calc-qps", "compression", "curl", "curl-stdout-headers", "grpc",
    "grpc-compression", "h2", "halfclose", "health", "http1.0", "httpccch", "jitter", "keepalive", "log-errors",
    "nc-dont-stop-on-eof", "no-reresolve", "nocatchup", "ping", "sequential-warmup", "stdclient", "stream", "uniform"};
constexpr const char* load_value_flags[] = {
    "H", "X", "abort-on", "c", "connection-reuse", "content-type", "dns-method", "httpbufferkb", "json", "labels", "n",
    "offset", "p", "payload", "payload-file", "payload-size", "qps", "r", "resolve", "resolve-ip-type", "runid", "s",
    "t", "unix-socket", "user"};
}  // namespace

void add_fortio_server_flags(CLI::App& app, server_options& o, fortio_server_flags& f) {
  const auto opt = [&](const char* name, auto& var, const char* help) { app.add_option(name, var, help)->group("Server"); };
  const auto flag = [&](const char* name, bool& var, const char* help) { app.add_flag(name, var, help)->group("Server"); };
  opt("--redirect-port", o.redirect_listen,
      "Answer every request with a 303 to the same URL on https: port, host:port or disabled");
  opt("--grpc-port", o.grpc_listen,
      "gRPC port: Fortio's ping and the health service over HTTP/2 (h2c, or TLS with -cert): port, host:port or disabled");
  opt("--grpc-max-delay", f.grpc_max_delay, "Longest delay a gRPC ping may ask for (delayNanos), Go duration");
  opt("--P", o.tcp_proxies, "TCP proxy \"local-port dest-host:dest-port\" (repeatable), e.g. -P \"8888 www.example.com:80\"");
  opt("--M", o.multi_servers, "HTTP multi-server \"local-port dest-url1 dest-url2 ...\" (repeatable): each request goes to every URL");
  flag("--multi-serial-mode", o.multi_serial, "-M: call the targets one after the other instead of all at once");
  flag("--multi-mirror-origin", o.multi_mirror_origin,
       "-M: append the request's path and query to each URL and copy its method, body and headers (default true)");
  opt("--timeout", f.timeout, "-M: limit for each call to a target (Go duration, default 3s)");
  flag("--k", o.insecure, "-M: do not verify https targets' certificates");
  flag("--https-insecure", o.insecure, "Long form of -k");
  flag("--mtls", o.mtls, "Require a client certificate signed by -cacert (with -cert/-key)");
  opt("--cacert", o.ca_cert, "CA certificate (PEM) for -mtls client certificates and -M https targets");
  opt("--gomaxprocs", f.gomaxprocs, "Fortio's name for -threads (used when -threads is not given)");
  opt("--data-dir", f.pages.data_dir, "Directory of saved results, served by the results UI under -ui-path");
  opt("--ui-path", f.pages.ui_path, "URL path of the results UI (browse, compare, merge; Fortio's data endpoints)");
  opt("--static-dir", f.static_dir, "Deprecated and unused in Fortio too");
  opt("--sync", f.sync, "Fortio: results index URL to fetch at start (not supported: warned)");
  opt("--sync-interval", f.sync_interval, "Fortio: -sync refresh interval (warned)");
  opt("--base-url", f.pages.base_url, "URL prefix for the results UI's data/index.tsv links (default: http://<Host header>)");
  opt("--config-dir", f.config_dir, "Fortio: directory watched for dynamic flags (not supported: warned)");
  opt("--config-port", f.config_port, "Fortio: dynamic flags UI port (not supported: warned)");
  flag("--pprof", f.pprof, "Fortio: pprof endpoint in the UI (not supported: warned)");
  flag("--proxy-all-headers", f.proxy_all_headers, "Fortio: headers copied by the UI's fetch2 (no fetch2: warned)");
  opt("--access-log-file", f.access_log_file, "Fortio: log every request to this file (not supported yet: warned)");
  opt("--access-log-format", f.access_log_format, "Fortio: json or influx, for -access-log-file");
  opt("--profile", f.profile, "Fortio: Go CPU/memory profiles (not applicable: warned)");
  opt("--grpc-max-streams", f.grpc_max_streams, "gRPC port: streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS); 0 = unlimited");
  opt("--grpc-ping-delay", f.grpc_ping_delay, "Fortio client flag (the ping's delay is the client's): warned");
  opt("--healthservice", f.healthservice, "gRPC port: the health service name that is SERVING (with \"\"; NAME_down is NOT_SERVING)");
  // Fortio's client flags: its `server` takes them (one flag set) and they change nothing there;
  // accepted, kept out of -h (group ""), and named in one warning when given.
  for (const char* name : load_bool_flags)
    app.add_flag(std::string("--") + name, f.load_bools[name], "Fortio load flag: no effect on the server")->group("");
  for (const char* name : load_value_flags)
    app.add_option(std::string("--") + name, f.load_values[name], "Fortio load flag: no effect on the server")->group("");
}

void apply_fortio_server_flags(const CLI::App& app, server_options& o, const fortio_server_flags& f) {
  const auto given = [&](const char* name) { return app.count(name) > 0; };
  o.forward_timeout = duration_flag("timeout", f.timeout);
  if (o.forward_timeout <= 0) o.forward_timeout = 3 * ns_per_s;  // Fortio: 0 or less means the default
  if (o.mtls) {
    if (o.ca_cert.empty()) throw flag_error("-mtls needs -cacert (the CA that signs the client certificates)");
    if (o.cert.empty() || o.key.empty()) throw flag_error("-mtls needs -cert and -key (it is a TLS server option)");
  }
  if (f.gomaxprocs >= 1 && !given("--threads")) o.threads = f.gomaxprocs;
  if (f.grpc_max_streams < 0 || f.grpc_max_streams > 0x7fffffff) throw flag_error("-grpc-max-streams must be 0 (unlimited) or a stream count");
  o.grpc_max_streams = static_cast<std::uint32_t>(f.grpc_max_streams);
  o.grpc_max_delay = duration_flag("grpc-max-delay", f.grpc_max_delay);
  if (given("--healthservice") && !f.healthservice.empty()) o.grpc_health_service = f.healthservice;
  // One line per missing feature, naming the flags given for it.
  const auto warn_if_given = [&](std::initializer_list<const char*> names, const char* why) {
    std::string list;
    for (const char* n : names)
      if (given((std::string("--") + n).c_str())) list += (list.empty() ? "-" : ", -") + std::string(n);
    if (!list.empty()) o.start_warnings.push_back(fmt::format("{}: ignored, {}", list, why));
  };
  warn_if_given({"grpc-ping-delay"}, "the delay of a gRPC ping is the client's to ask for (-grpc-ping-delay on load)");
  warn_if_given({"sync", "sync-interval", "pprof", "proxy-all-headers"},
                "loadgen's results UI browses, compares and merges saved results; it does not sync from a bucket, "
                "run loads from the browser (fetch2) or serve pprof");
  serve_results_pages(o, f.pages, false);
  warn_if_given({"config-dir", "config-port"}, "loadgen has no dynamic flags: flags are read once at start");
  warn_if_given({"access-log-file", "access-log-format"}, "loadgen's server keeps no access log yet");
  warn_if_given({"profile"}, "Go profiles do not apply to loadgen (use perf)");
  std::string load_given;
  for (const char* n : load_bool_flags)
    if (given((std::string("--") + n).c_str())) load_given += (load_given.empty() ? "-" : ", -") + std::string(n);
  for (const char* n : load_value_flags)
    if (given((std::string("--") + n).c_str())) load_given += (load_given.empty() ? "-" : ", -") + std::string(n);
  if (!load_given.empty()) o.start_warnings.push_back(fmt::format("{}: ignored, load flags have no effect on the server (as in Fortio)", load_given));
}

}  // namespace loadgen::cli
