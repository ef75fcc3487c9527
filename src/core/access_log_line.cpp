#include "loadgen/core/access_log_line.hpp"

#include <charconv>

#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/core/outcome.hpp"

namespace loadgen {
namespace {

// Go's time.Duration.Seconds(): whole seconds plus the rest over 1e9, each converted apart (it is
// not always the same double as ns / 1e9, and the printed digits must match Fortio's).
double go_seconds(nanos ns) noexcept {
  const nanos whole = ns / ns_per_s;
  const nanos rest = ns % ns_per_s;
  return static_cast<double>(whole) + static_cast<double>(rest) / 1e9;
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// printf's "%<width>.<precision>f" (right-aligned; width 0: none). to_chars rounds the exact
// binary value, as both Go's %f and glibc's printf do.
void append_fixed(std::string& out, double v, int precision, std::size_t width = 0) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision);
  const auto len = static_cast<std::size_t>(res.ptr - buf);
  if (len < width) out.append(width - len, ' ');
  out.append(buf, len);
}

// printf's "%<width>d" for an integer (right-aligned).
void append_padded(std::string& out, std::int64_t v, std::size_t width) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  const auto len = static_cast<std::size_t>(res.ptr - buf);
  if (len < width) out.append(width - len, ' ');
  out.append(buf, len);
}

void append_ok(std::string& out, int status) { out += is_ok_status(status) ? "true" : "false"; }

// Fortio's details: the HTTP status, or for gRPC the status's name (core/grpc_outcome).
void append_details(std::string& out, const access_log_entry& e, const access_log_request& r) {
  if (r.grpc) out += grpc_code_name(e.status);
  else append_int(out, e.status);
}

void append_json(std::string& out, const access_log_entry& e, const access_log_request& r) {
  out += "{\"latency\":";
  append_fixed(out, go_seconds(e.latency), 6);
  out += ",\"timestamp\":";
  append_int(out, e.unix_ns);
  out += ",\"thread\":";
  append_int(out, e.thread);
  out += ",\"iter\":";
  append_int(out, e.iter);
  out += ",\"ok\":";
  append_ok(out, e.status);
  out += ",\"details\":\"";
  append_details(out, e, r);
  out += "\"}\n";
}

void append_influx(std::string& out, const access_log_entry& e, const access_log_request& r) {
  out += "latency,thread=";
  append_int(out, e.thread);
  out += ",ok=";
  append_ok(out, e.status);
  out += " value=";
  append_fixed(out, go_seconds(e.latency), 6);
  out += ",details=\"";
  append_details(out, e, r);
  out += "\" ";
  append_int(out, e.unix_ns);
  out += '\n';
}

// siege's verbose line without its optional timestamp and colour: "%s %d%s %5.2f secs: %7lu bytes
// ==> %-4s %s", where the third %s is "   " (not served from siege's cache).
void append_siege(std::string& out, const access_log_entry& e, const access_log_request& r) {
  out += r.protocol;
  out += ' ';
  append_int(out, e.status);
  out += "    ";  // siege's "   " (not cached) and the separating space
  append_fixed(out, go_seconds(e.latency), 2, 5);
  out += " secs: ";
  append_padded(out, e.body_bytes, 7);
  out += " bytes ==> ";
  out += r.method;
  if (r.method.size() < 4) out.append(4 - r.method.size(), ' ');
  out += ' ';
  out += r.display;
  out += '\n';
}

}  // namespace

std::optional<access_log_format> parse_access_log_format(std::string_view name) noexcept {
  if (name == "json") return access_log_format::json;
  if (name == "influx") return access_log_format::influx;
  if (name == "siege") return access_log_format::siege;
  return std::nullopt;
}

std::string_view name_of(access_log_format format) noexcept {
  switch (format) {
    case access_log_format::json: return "json";
    case access_log_format::influx: return "influx";
    case access_log_format::siege: return "siege";
  }
  return "json";
}

std::string access_logger_info(const std::string& path, access_log_format format) {
  if (path.empty()) return {};
  return "mode " + std::string(name_of(format)) + " to " + (path == "-" ? std::string("stdout") : path);
}

void append_access_log_line(std::string& out, access_log_format format, const access_log_entry& entry,
                            const access_log_request& request) {
  switch (format) {
    case access_log_format::json: append_json(out, entry, request); return;
    case access_log_format::influx: append_influx(out, entry, request); return;
    case access_log_format::siege: append_siege(out, entry, request); return;
  }
}

}  // namespace loadgen
