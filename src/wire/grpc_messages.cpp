#include "loadgen/wire/grpc_messages.hpp"

#include "health.pb.h"
#include "ping.pb.h"
#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/gzip.hpp"
#include "loadgen/wire/h2_server_rules.hpp"

namespace loadgen {

namespace {

template <class Message>
bool parse(Message& m, std::string_view bytes) {
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

std::string encode_ping(const ping_message& m) {
  fgrpc::PingMessage p;
  p.set_seq(m.seq);
  p.set_ts(m.ts);
  p.set_payload(m.payload);
  p.set_delaynanos(m.delay_nanos);
  return p.SerializeAsString();
}

std::optional<ping_message> decode_ping(std::string_view bytes) {
  fgrpc::PingMessage p;
  if (!parse(p, bytes)) return std::nullopt;
  return ping_message{p.seq(), p.ts(), p.payload(), p.delaynanos()};
}

std::string encode_health_request(std::string_view service) {
  grpc::health::v1::HealthCheckRequest r;
  r.set_service(std::string(service));
  return r.SerializeAsString();
}

std::optional<std::string> decode_health_request(std::string_view bytes) {
  grpc::health::v1::HealthCheckRequest r;
  if (!parse(r, bytes)) return std::nullopt;
  return r.service();
}

std::string encode_health_response(int status) {
  grpc::health::v1::HealthCheckResponse r;
  r.set_status(static_cast<grpc::health::v1::HealthCheckResponse::ServingStatus>(status));
  return r.SerializeAsString();
}

std::optional<int> decode_health_response(std::string_view bytes) {
  grpc::health::v1::HealthCheckResponse r;
  if (!parse(r, bytes)) return std::nullopt;
  return static_cast<int>(r.status());
}

h2_request grpc_request(const grpc_call_spec& spec, std::string_view scheme, std::string_view authority,
                        std::string_view user_agent, const std::vector<std::pair<std::string, std::string>>& metadata) {
  h2_request r;
  r.headers.emplace_back(":method", "POST");
  r.headers.emplace_back(":scheme", std::string(scheme));
  r.headers.emplace_back(":authority", std::string(authority));
  r.headers.emplace_back(":path", std::string(spec.ping ? grpc_ping_path : grpc_health_path));
  r.headers.emplace_back("content-type", "application/grpc");
  r.headers.emplace_back("te", "trailers");
  if (spec.timeout > 0) r.headers.emplace_back("grpc-timeout", format_grpc_timeout(spec.timeout));
  bool agent = false;
  for (const auto& [name, value] : metadata) {
    std::string n = lower_header_name(name);
    if (n == "host" || n == "content-type" || n == "te" || !h2_answer_header_allowed(n)) continue;
    if (n == "user-agent") agent = true;
    r.headers.emplace_back(std::move(n), value);
  }
  if (!agent) r.headers.emplace_back("user-agent", std::string(user_agent));
  if (spec.gzip) {
    r.headers.emplace_back("grpc-encoding", "gzip");
    r.headers.emplace_back("grpc-accept-encoding", "gzip");
  }
  const std::string message = spec.ping ? encode_ping({spec.seq, spec.ts, spec.payload, spec.delay_nanos})
                                        : encode_health_request(spec.health_service);
  r.body = spec.gzip ? grpc_frame_gzip(message) : grpc_frame(message);
  return r;
}

int judge_grpc_answer(int http_status, std::optional<int> grpc_status, std::string_view body, bool health,
                      std::string* why, bool gzip) {
  const auto fail = [&](int code, std::string text) {
    if (why) *why = std::move(text);
    return grpc_call_code(code, 0);
  };
  if (!grpc_status) {
    if (http_status == 200) return fail(grpc_code::internal, "no grpc-status: the answer has no trailers");
    // gRPC's table for answers that are not gRPC (doc/http-grpc-status-mapping.md).
    int code = grpc_code::unknown;
    switch (http_status) {
      case 400: code = grpc_code::internal; break;
      case 401: code = 16; break;  // UNAUTHENTICATED
      case 403: code = 7; break;   // PERMISSION_DENIED
      case 404: code = grpc_code::unimplemented; break;
      case 429: case 502: case 503: case 504: code = grpc_code::unavailable; break;
      default: break;
    }
    return fail(code, "HTTP status " + std::to_string(http_status) + " without grpc-status");
  }
  if (*grpc_status != grpc_code::ok) return grpc_call_code(*grpc_status, 0);
  grpc_unframed u = grpc_unframe(body, grpc_max_response, gzip);
  if (u.error != grpc_unframe_error::none) return fail(grpc_code::internal, std::string(grpc_unframe_text(u.error)));
  std::optional<std::string> inflated;
  if (u.compressed) {
    inflated = gzip_inflate(u.message, grpc_max_response);
    if (!inflated) return fail(grpc_code::internal, "the gzip message does not inflate");
    u.message = *inflated;
  }
  if (health) {
    const auto status = decode_health_response(u.message);
    if (!status) return fail(grpc_code::internal, "cannot decode the HealthCheckResponse");
    return grpc_call_code(grpc_code::ok, *status);
  }
  if (!decode_ping(u.message)) return fail(grpc_code::internal, "cannot decode the PingMessage");
  return status_grpc_serving;
}

}  // namespace loadgen
