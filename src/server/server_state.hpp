#pragma once
// What the server's threads and connections share (private to the server).
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "breaker.hpp"
#include "echo_handler.hpp"
#include "loadgen/core/clock.hpp"
#include "loadgen/server/echo_server.hpp"

namespace loadgen {

// One connection as the idle/stop watchdog sees it.
struct connection_state {
  boost::asio::ip::tcp::socket* socket = nullptr;
  bool idle = true;  // waiting for a request (safe to close at stop or after idle_timeout)
  nanos idle_since = 0;
};

// One server thread: its io_context, acceptor and connections. Only its own thread touches it
// while it runs.
struct server_thread {
  // Declared before ctx so it outlives it: coroutines still suspended at the end are destroyed
  // with ctx, and their connection_registration then erases itself from this set.
  std::unordered_set<connection_state*> connections;
  boost::asio::io_context ctx{1};
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;       // -http-port; null when disabled
  std::unique_ptr<boost::asio::ip::tcp::acceptor> grpc_acceptor;  // -grpc-port; null when disabled
  std::string date;  // the Date header value, refreshed once a second
  std::mt19937_64 rng{std::random_device{}()};
  std::int64_t served = 0;
  std::int64_t failed = 0;  // connections whose coroutine ended by an exception
  bool stopping = false;
  std::unique_ptr<boost::asio::steady_timer> tick;
};

// A connection's entry in its thread's list, for as long as the guard lives: removed however the
// serve coroutine ends (an exception included), so the watchdog never sees a dangling pointer.
class connection_registration {
public:
  connection_registration(server_thread& t, connection_state& state) : t_(t), state_(&state) {
    t_.connections.insert(state_);
  }
  ~connection_registration() { t_.connections.erase(state_); }
  connection_registration(const connection_registration&) = delete;
  connection_registration& operator=(const connection_registration&) = delete;

private:
  server_thread& t_;
  connection_state* state_;
};

// Shared by all threads, read-only while they run (the breaker locks itself).
struct shared_state {
  const server_options* options = nullptr;
  std::unique_ptr<breaker> breaker_;
  std::string random_bytes;  // the payload for size=N, made once
  std::shared_ptr<boost::asio::ssl::context> tls;
  nanos started = 0;
  std::string hostname;
  // Tests only: called for each request once it is admitted, before its delay and answer.
  std::function<void(const echo_request&)> on_admitted;
};

}  // namespace loadgen
