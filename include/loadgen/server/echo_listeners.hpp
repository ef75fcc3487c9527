#pragma once
// Fortio's TCP and UDP echo servers (`server -tcp-port/-udp-port`, `tcp-echo`, `udp-echo`):
// whatever a client sends comes back unchanged. The targets of `load tcp://` and `load udp://`.
#include <string>

#include <boost/asio/io_context.hpp>

namespace loadgen {

// Listens now on `listen` ("port", ":port", "host:port", "[v6]:port"; port 0: the kernel picks)
// and serves on ctx from then on: every byte a TCP connection sends is written back until it
// closes. Logs "loadgen <version> tcp-echo server listening on tcp <ip>:<port>" and returns the
// port bound. Throws loadgen::error: exit 2 for a malformed value, exit 1 when it cannot listen
// (the port is in use: one line naming the address and -tcp-port).
unsigned short start_tcp_echo(boost::asio::io_context& ctx, const std::string& listen);

// The same for UDP: every datagram (up to 65535 bytes) is sent back to where it came from, one
// at a time. Names -udp-port in its errors.
unsigned short start_udp_echo(boost::asio::io_context& ctx, const std::string& listen);

// `loadgen tcp-echo` and `udp-echo` (and `server -http-port disabled`): starts the listeners
// given ("" or "disabled": not started) and serves until SIGINT or SIGTERM, then returns 0.
// Throws loadgen::error as the start functions do.
int run_echo_listeners(const std::string& tcp_listen, const std::string& udp_listen);

}  // namespace loadgen
