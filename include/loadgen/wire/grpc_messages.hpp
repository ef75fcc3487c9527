#pragma once
// The two gRPC services loadgen speaks, as plain structs in and protobuf bytes out (and back):
// Fortio's fgrpc.PingServer/Ping and the standard grpc.health.v1.Health/Check. The encoding is
// protobuf's own (code generated at build time from proto/*.proto, lite runtime); nothing else in
// loadgen sees a protobuf type.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

inline constexpr std::string_view grpc_ping_path = "/fgrpc.PingServer/Ping";
inline constexpr std::string_view grpc_health_path = "/grpc.health.v1.Health/Check";

struct ping_message {
  std::int64_t seq = 0;
  std::int64_t ts = 0;           // Unix nanoseconds
  std::string payload;
  std::int64_t delay_nanos = 0;  // the server waits this long before answering
};

std::string encode_ping(const ping_message& m);
std::optional<ping_message> decode_ping(std::string_view bytes);  // nullopt: not a PingMessage

std::string encode_health_request(std::string_view service);
std::optional<std::string> decode_health_request(std::string_view bytes);

// ServingStatus: 0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN.
std::string encode_health_response(int status);
std::optional<int> decode_health_response(std::string_view bytes);

}  // namespace loadgen
