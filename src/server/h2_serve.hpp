#pragma once
// HTTP/2 on the echo server's own port (private to the server): h2c with prior knowledge, h2c
// after an HTTP/1.1 `Upgrade: h2c`, and h2 chosen by ALPN over TLS. Every stream is one echo
// request with every echo feature; the circuit breaker counts streams as Envoy's maxRequests does
// for HTTP/2 upstreams (an overflow stream gets Envoy's 503, the connection stays up); close=true
// becomes a graceful GOAWAY. libnghttp2 does the framing, HPACK and flow control.
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "echo_handler.hpp"
#include "server_state.hpp"

namespace loadgen {

// What the streams of a connection are: echo requests (the HTTP port), or unary gRPC calls to
// Fortio's ping and the health service (the gRPC port: grpc_handler.hpp).
enum class h2_service { echo, grpc };

// The HTTP/1.1 request that asked for `Upgrade: h2c`, answered as stream 1 once switched.
struct h2c_upgrade {
  echo_request request;
  std::string settings;  // the client's decoded HTTP2-Settings payload
};

// Serves the connection as HTTP/2 until the peer closes it, an I/O or protocol error, or a
// GOAWAY both sides are done with. `already_read`: bytes read from the stream but not yet parsed
// (the client preface, and whatever came with it). `upgrade`: set after a 101 Switching
// Protocols. Returns once every stream it started has been answered or dropped; the caller
// closes the socket. Runs on t's thread.
boost::asio::awaitable<void> serve_h2(boost::asio::ip::tcp::socket& stream, std::string_view already_read,
                                      h2c_upgrade* upgrade, server_thread& t, shared_state& sh,
                                      connection_state& state, const std::string& peer, h2_service service);
boost::asio::awaitable<void> serve_h2(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream,
                                      std::string_view already_read, h2c_upgrade* upgrade, server_thread& t,
                                      shared_state& sh, connection_state& state, const std::string& peer,
                                      h2_service service);

}  // namespace loadgen
