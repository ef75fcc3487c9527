#pragma once
// What one gRPC call ended as (pure), in the one outcome model every protocol shares
// (outcome.hpp): a status code in the run statistics, so that the OK rule, the error histogram,
// per-status latency and -abort-on hold unchanged; only the names differ, as Fortio prints them
// ("Ping SERVING : 20", "Health NOT_SERVING : 3"). The codes live in a range HTTP never uses:
//   200        SERVING: a ping answered, or a health check answered SERVING (the one OK code)
//   900 + s    a health check answered with ServingStatus s (UNKNOWN 0, NOT_SERVING 2, SERVICE_UNKNOWN 3)
//   800 + c    a call that ended with grpc-status c != 0 (UNAVAILABLE 14 is 814, ...)
//   -1         no gRPC answer at all (a transport error: Fortio's "ERROR")
#include <cstdint>
#include <string>
#include <string_view>

namespace loadgen {

inline constexpr int status_grpc_serving = 200;
inline constexpr int grpc_health_base = 900;
inline constexpr int grpc_error_base = 800;
// Envoy's gRPC circuit-breaker overflow: grpc-status 14 UNAVAILABLE with x-envoy-overloaded.
inline constexpr int status_grpc_unavailable = grpc_error_base + 14;

// "OK", "CANCELLED", ... "UNAUTHENTICATED" (grpc/doc/statuscodes.md); "CODE(n)" beyond them.
std::string grpc_status_name(int code);
// The grpc.health.v1 ServingStatus names: "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN".
std::string grpc_health_name(int status);

// The code a call is counted under: grpc_status != 0 gives 800 + it; else the health status
// (SERVING is status_grpc_serving, others 900 + s); ping answers pass health = 1 (SERVING).
int grpc_call_code(int grpc_status, int health) noexcept;

// A gRPC ping's payload is a proto3 string, which must be UTF-8: as Fortio does, every run of
// bytes that is not valid UTF-8 is dropped, and 'X's pad the result back to the same length.
// *padded: how many were added (0 when s was valid).
std::string valid_utf8_payload(std::string_view s, std::size_t* padded = nullptr);

// One round of Fortio's grpcping: two pings back to back. t1a, t2a, t3a: the client's clock
// (Unix ns) before the first, between, and after the second; t1b, t2b: the server's receive
// times (the ts of the two answers). Three round-trip times (first, second, and the server's view
// between its two receive times) and the clock skew: the server's midpoint minus the client's.
struct grpc_ping_round {
  std::int64_t rtt_first = 0, rtt_second = 0, rtt_server = 0, skew = 0;  // ns
  std::int64_t rtt_avg() const noexcept { return (rtt_first + rtt_server + rtt_second) / 3; }
};
grpc_ping_round make_grpc_ping_round(std::int64_t t1a, std::int64_t t2a, std::int64_t t3a, std::int64_t t1b,
                                     std::int64_t t2b) noexcept;

// The name a code is shown under, as Fortio's RetCodes keys: "SERVING", "NOT_SERVING",
// "UNAVAILABLE", "ERROR" (-1).
std::string grpc_code_name(int code);

}  // namespace loadgen
