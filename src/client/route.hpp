#pragma once
// Where a target's connections go, decided once: the resolved endpoint (TCP or Unix socket; the
// proxy's when there is one), the TLS context for https, and the CONNECT request for https
// through a proxy. The runner makes one per run, curl one per origin it visits.
#include <memory>
#include <string>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>

#include "loadgen/core/options.hpp"

namespace loadgen {

struct route {
  boost::asio::generic::stream_protocol::endpoint endpoint;
  std::string endpoint_text;  // "ip:port" or the socket path, for the report
  std::string peer_text;      // for messages: "127.0.0.1:8080", "proxy 127.0.0.1:3128", the path
  bool tcp = true;            // set TCP_NODELAY (not for Unix sockets)
  std::shared_ptr<boost::asio::ssl::context> tls;  // https targets
  std::string tunnel_request;                      // https through a proxy: the CONNECT request
};

// Resolves the host once (the proxy's when there is one; -resolve's address for the target; the
// socket path for -unix-socket), preferring IPv4 as Fortio does, IPv6 when that is all there is.
// Throws loadgen::error (exit 1) when the host does not resolve or a TLS file cannot be loaded.
route make_route(const run_options& options);

}  // namespace loadgen
