#pragma once
// The two gRPC services loadgen speaks, as plain structs in and protobuf bytes out (and back):
// Fortio's fgrpc.PingServer/Ping and the standard grpc.health.v1.Health/Check. The encoding is
// protobuf's own (code generated at build time from proto/*.proto, lite runtime); nothing else in
// loadgen sees a protobuf type.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loadgen/wire/h2_rules.hpp"

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

// The unary call a -grpc run makes: Fortio's ping (-ping, with -payload and -grpc-ping-delay) or
// a health check of one service (-healthservice; "" by default).
struct grpc_call_spec {
  bool ping = false;
  std::string health_service;
  std::string payload;
  std::int64_t delay_nanos = 0;
  std::int64_t seq = 0;  // the ping's seq (Fortio: the thread index)
  std::int64_t ts = 0;   // the ping's ts: Unix nanoseconds when the run started
  bool gzip = false;     // -grpc-compression: the message gzip-compressed, grpc-encoding: gzip
  std::int64_t timeout = 0;  // -timeout, sent as grpc-timeout (the server's deadline); 0: none
};

// The call as an HTTP/2 request: POST to the method's path, content-type application/grpc,
// te: trailers, grpc-timeout (the call's -timeout), the user agent, the -H headers as metadata (lower-case names; HTTP/2's
// forbidden ones and Host left out), and the framed message as the body.
h2_request grpc_request(const grpc_call_spec& spec, std::string_view scheme, std::string_view authority,
                        std::string_view user_agent, const std::vector<std::pair<std::string, std::string>>& metadata);

// The largest response message accepted (grpc-go's default receive limit, 4 MiB).
inline constexpr std::size_t grpc_max_response = 4 << 20;

// What a call's answer was, as grpc_outcome.hpp's code: http_status and grpc_status (from the
// headers, or the trailers), the DATA received, and which method it was. A non-200 answer
// without grpc-status is mapped as gRPC's HTTP-to-status table says (503 -> UNAVAILABLE, ...);
// a 200 without grpc-status (no trailers), a malformed message or one that does not decode is
// INTERNAL, and *why says which (else it is left alone).
// gzip: the answer said grpc-encoding: gzip (its message may then be compressed).
int judge_grpc_answer(int http_status, std::optional<int> grpc_status, std::string_view body, bool health,
                      std::string* why, bool gzip = false);

}  // namespace loadgen
