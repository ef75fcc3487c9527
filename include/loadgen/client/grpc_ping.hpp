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

}  // namespace loadgen
