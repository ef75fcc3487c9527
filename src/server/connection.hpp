#pragma once
// One accepted connection (private to the server): the serve coroutine, spawned on its thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server_state.hpp"

namespace loadgen {

// Serves the connection (TLS when sh.tls is set) until the peer closes, an error, a
// Connection: close, or the stop; runs on t's thread.
// grpc: the connection came to the gRPC port (HTTP/2 only: gRPC answers, no echo).
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket, server_thread& t, shared_state& sh,
                                              bool grpc = false);

// Spawns serve_connection on t's thread. A coroutine that ends by an exception (bad_alloc, say)
// is counted in t.failed and logged at debug level; its guards have already given back its
// connection entry and breaker slot.
void spawn_connection(boost::asio::ip::tcp::socket socket, server_thread& t, shared_state& sh, bool grpc = false);

}  // namespace loadgen
