#pragma once
// The listeners beside the echo port (private to the server), Fortio's: -redirect-port (303 to
// https), -P (TCP proxies) and -M (HTTP multi-servers, forwarder.hpp). They share one thread and
// io_context of their own, apart from the echo threads.
#include <memory>

#include "loadgen/server/echo_server.hpp"

namespace loadgen {

class side_servers {
public:
  // Parses -P and -M, resolves the -P destinations and binds every listener now, so a bad value
  // or a taken port stops the server before anything serves: loadgen::error, exit 2 for a bad
  // value, exit 1 naming the flag for a port in use ("-redirect-port 8081: address already in
  // use") or a destination that does not resolve.
  explicit side_servers(const server_options& options);
  ~side_servers();  // stop()
  side_servers(const side_servers&) = delete;
  side_servers& operator=(const side_servers&) = delete;

  bool empty() const;  // nothing to serve (all disabled, no -P, no -M)
  void start();        // logs one line per listener, then serves on its own thread
  void stop();         // closes the listeners and ends the thread (open connections are dropped)

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace loadgen
