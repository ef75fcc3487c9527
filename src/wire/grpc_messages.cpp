#include "loadgen/wire/grpc_messages.hpp"

#include "health.pb.h"
#include "ping.pb.h"

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

}  // namespace loadgen
