#include "grpc_handler.hpp"

#include <algorithm>
#include <optional>

#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/gzip.hpp"

namespace loadgen {

namespace {

grpc_answer failed(int status, std::string message) {
  grpc_answer a;
  a.status = status;
  a.message = std::move(message);
  return a;
}

}  // namespace

grpc_answer answer_grpc(std::string_view path, std::string_view body, nanos now_unix, nanos max_delay,
                        std::size_t max_size, std::string_view health_service, bool gzip) {
  const bool ping = path == grpc_ping_path;
  if (!ping && path != grpc_health_path) return failed(grpc_code::unimplemented, "unknown method " + std::string(path));
  grpc_unframed u = grpc_unframe(body, max_size, gzip);
  if (u.error == grpc_unframe_error::too_large) return failed(grpc_code::resource_exhausted, std::string(grpc_unframe_text(u.error)));
  if (u.error != grpc_unframe_error::none) return failed(grpc_code::internal, std::string(grpc_unframe_text(u.error)));
  std::optional<std::string> inflated;
  if (u.compressed) {
    inflated = gzip_inflate(u.message, max_size);
    if (!inflated) return failed(grpc_code::internal, "the gzip message does not inflate (or is over the size limit)");
    u.message = *inflated;
  }
  const auto frame = [gzip](const std::string& message) { return gzip ? grpc_frame_gzip(message) : grpc_frame(message); };
  grpc_answer a;
  a.gzip = gzip;
  if (ping) {
    auto m = decode_ping(u.message);
    if (!m) return failed(grpc_code::internal, "cannot decode the fgrpc.PingMessage");
    m->ts = now_unix;
    a.delay = std::clamp<nanos>(m->delay_nanos, 0, max_delay);
    a.body = frame(encode_ping(*m));
    return a;
  }
  const auto service = decode_health_request(u.message);
  if (!service) return failed(grpc_code::internal, "cannot decode the grpc.health.v1.HealthCheckRequest");
  int status = 0;
  if (service->empty() || *service == health_service) status = 1;             // SERVING
  else if (*service == std::string(health_service) + "_down") status = 2;     // NOT_SERVING
  else return failed(grpc_code::not_found, "unknown service");
  a.body = frame(encode_health_response(status));
  return a;
}

}  // namespace loadgen
