#pragma once
// `loadgen grpcping`: Fortio's gRPC ping client, the round-trip times and the clock skew between
// client and server, on the load path's own HTTP/2 session (one connection, calls one at a time).
#include <vector>

#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen {

// One warm-up ping, then `rounds` rounds of two pings (Fortio's algorithm) on one connection to
// options.target (a -grpc target), each ping bounded by options.timeout. Throws loadgen::error
// (exit 1) naming the ping and its failure ("ping 2 of round 3: UNAVAILABLE") on the first ping
// that is not answered, as Fortio stops there too; and when the host does not resolve or a TLS
// file cannot be loaded.
std::vector<grpc_ping_round> grpc_ping_rounds(const run_options& options, int rounds);

// One health check's answer: its status (status_grpc_serving, or grpc_health_base + the health
// status) and its round-trip time.
struct grpc_health_check {
  int status = 0;
  nanos rtt = 0;
};

// `grpcping -health`: n grpc.health.v1.Health/Check calls for options.grpc_health_service, one at a
// time on one connection, each bounded by options.timeout (Fortio's GrpcHealthCheck). Throws
// loadgen::error (exit 1) on the first call that gets no health answer ("grpc error from Check 2:
// NOT_FOUND"), as Fortio stops there too.
std::vector<grpc_health_check> grpc_health_checks(const run_options& options, int n);

}  // namespace loadgen
