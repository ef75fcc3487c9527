#pragma once
// The gRPC port's answers (private to the server), without sockets: a unary call's path, request
// body and receive time in, the gRPC status and the response message out. Fortio's
// fgrpc.PingServer/Ping (echoes the message, ts = receive time, waits delayNanos capped by
// -grpc-max-delay) and grpc.health.v1.Health/Check (SERVING for "" and the health service name,
// "ping" by default; NOT_SERVING for that name + "_down", as Fortio's server registers them;
// NOT_FOUND otherwise).
#include <string>
#include <string_view>

#include "loadgen/core/clock.hpp"

namespace loadgen {

struct grpc_answer {
  int status = 0;        // grpc-status
  std::string message;   // grpc-message, when status is not OK
  std::string body;      // the framed response message, when status is OK
  nanos delay = 0;       // wait this long before answering
  bool gzip = false;     // the response message is gzip-compressed (say grpc-encoding: gzip)
};

// path: the :path of the call; body: the request's DATA (one framed message); now_unix: the
// receive time in Unix nanoseconds; max_delay: the longest delayNanos honoured; max_size: the
// largest request message.
// health_service: the name that is SERVING besides "" (Fortio's -healthservice, default "ping").
// gzip: the call said grpc-encoding: gzip; its message may be compressed, and the answer's is.
grpc_answer answer_grpc(std::string_view path, std::string_view body, nanos now_unix, nanos max_delay,
                        std::size_t max_size, std::string_view health_service, bool gzip = false);

}  // namespace loadgen
