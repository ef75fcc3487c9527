#pragma once
// Fortio's -M multi-server (private to the server): each request is sent on to every target
// (http or https) and their answers come back as one, as Fortio's http_forwarder.go does:
//  * mirror origin (-multi-mirror-origin, the default): same method, target URL + the request
//    target, the body, and every header but the hop-by-hop ones and Host (the target's own),
//    names in Go's canonical case as Go forwards them;
//    otherwise a GET (POST with ?payload=, or ?X=METHOD) of the target URL as given, carrying
//    only the tracing headers (X-Request-Id, B3, X-B3-*) and loadgen's User-Agent;
//  * every call adds X-On-Behalf-Of: <caller ip:port>, X-Fortio-Multi-Id: <1-based index>, and
//    X-Proxy-Agent: loadgen/<version> unless that is already the User-Agent;
//  * parallel (default): all at once; the status is the first (in -M order) that is not 200, 503
//    for a failed call; serial (-multi-serial-mode): one after the other, the first's status;
//  * the body is every answer's body back to back in -M order, a failed call giving the line
//    "Error for <url>: <what failed>"; no header of the answers is copied (Content-Type is
//    sniffed from the body, as Go's server does).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/url.hpp"

namespace loadgen {

struct multi_target;  // a destination and its idle connections (forwarder.cpp)

struct multi_server {
  multi_server(std::vector<url> targets, bool serial, bool mirror_origin, nanos timeout,
               std::shared_ptr<boost::asio::ssl::context> tls, bool insecure);
  ~multi_server();
  multi_server(const multi_server&) = delete;
  multi_server& operator=(const multi_server&) = delete;
  void drop_idle();  // closes the kept-alive connections (before their io_context goes)

  std::vector<std::unique_ptr<multi_target>> targets;
  bool serial;
  bool mirror_origin;
  nanos timeout;  // each call: connect, send and the whole answer
  std::shared_ptr<boost::asio::ssl::context> tls;  // for https targets; null when there are none
  bool insecure;
};

// Serves one accepted connection until the caller closes it. Runs on the side servers' single
// thread (the idle-connection pools are not locked).
boost::asio::awaitable<void> serve_multi_connection(boost::asio::ip::tcp::socket socket, multi_server& server);

}  // namespace loadgen
