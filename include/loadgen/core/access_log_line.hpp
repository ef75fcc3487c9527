#pragma once
// One access-log line per call (pure): Fortio's `-access-log-format json|influx`, plus siege's
// verbose line for users coming from `siege -v`. The client layer appends these to a per-worker
// buffer and writes the buffer in one go (src/client/access_log.hpp); nothing here does I/O.
//
//   json    {"latency":0.000154,"timestamp":1795946382777312136,"thread":0,"iter":0,"ok":true,"details":"200"}
//   influx  latency,thread=0,ok=true value=0.000498,details="200" 1795946383797290433
//   siege   HTTP/1.1 503     0.01 secs:      81 bytes ==> GET  /path
//
// latency: seconds with six decimals (Go's %f, as Fortio prints it); timestamp: Unix ns of the
// call's start; thread: the connection index (Fortio's goroutine per connection); iter: that
// connection's call counter from 0; ok: Fortio's is_ok_status (2xx and 418); details: the HTTP
// status, or "-1" for a transport error (no response); for gRPC the status's name ("SERVING"). siege: siege's "%s %d%s %5.2f secs: %7lu
// bytes ==> %-4s %s" with its "not cached" mark of three spaces; the bytes are the body's; the
// code reads -1 for a transport error (siege prints no line for those).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "loadgen/core/clock.hpp"

namespace loadgen {

enum class access_log_format { json, influx, siege };

// "json", "influx" or "siege"; nullopt for anything else (case-sensitive, as Fortio).
std::optional<access_log_format> parse_access_log_format(std::string_view name) noexcept;
std::string_view name_of(access_log_format format) noexcept;

// Fortio's AccessLoggerInfo and the suffix of its "Starting at" line: "mode json to <path>", or
// "" when there is no access log. path "-" (stdout) reads "stdout".
std::string access_logger_info(const std::string& path, access_log_format format);

// One finished call, as the log sees it.
struct access_log_entry {
  nanos latency = 0;           // the run's latency of the call (as the histogram counts it)
  std::int64_t unix_ns = 0;    // wall-clock start of the call, Unix ns
  int thread = 0;              // connection index
  std::int64_t iter = 0;       // the connection's call counter, from 0
  int status = -1;             // HTTP status, or -1 (transport error)
  std::int64_t body_bytes = 0; // siege only
};

// What the siege line needs from the run (fixed for the whole run).
struct access_log_request {
  std::string protocol = "HTTP/1.1";
  std::string method = "GET";
  std::string display = "/";   // siege's: the request target for GET, the absolute URL otherwise
  // -grpc: details is the status's name as Fortio's gRPC runner writes it ("SERVING",
  // "NOT_SERVING", and loadgen's names for the errors, "UNAVAILABLE", ...) instead of a number.
  bool grpc = false;
};

// Appends one line (with its '\n') to out. Allocates only when out must grow.
void append_access_log_line(std::string& out, access_log_format format, const access_log_entry& entry,
                            const access_log_request& request);

}  // namespace loadgen
