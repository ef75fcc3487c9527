#pragma once
// Where the server listens (private to the server): the -http-port value, the address-in-use
// probe, and one SO_REUSEPORT acceptor per thread.
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace loadgen {

// "port", "host:port", ":port" or "[v6]:port" -> the endpoint ("port" and ":port": every address,
// IPv6 and IPv4 as Go's ":port", or every IPv4 one where the kernel has no IPv6). Throws loadgen::error naming flag: exit 2 for a bad port, exit 1 for a host that does
// not resolve or a Unix socket path (Fortio's "/path" form, not served yet).
boost::asio::ip::tcp::endpoint listen_endpoint(const std::string& spec, const std::string& flag = "-http-port");

// SO_REUSEPORT would let us share the port with another server already on it: checks first with
// a plain bind, so "address in use" is reported (loadgen::error, exit 1) instead of silently
// splitting traffic.
// what ("-redirect-port 8081") starts the message: "-redirect-port 8081: address already in use".
void check_port_is_free(const boost::asio::ip::tcp::endpoint& ep, const std::string& what = {});

// A listening acceptor on ep with SO_REUSEPORT, so every thread can have its own on one port.
// Throws loadgen::error (exit 1) when it cannot listen.
std::unique_ptr<boost::asio::ip::tcp::acceptor> open_acceptor(boost::asio::io_context& ctx,
                                                              const boost::asio::ip::tcp::endpoint& ep,
                                                              const std::string& what = {});

// A peer as Go's RemoteAddr writes it: "1.2.3.4:5", an IPv4-mapped IPv6 address as IPv4 (a
// dual-stack listener sees IPv4 clients so), "[::1]:5".
std::string peer_text(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace loadgen
