#pragma once
// The connection seam: one client connection to the target, speaking one protocol. The load path
// (connection_slot: schedule, deadlines, stats) and `curl` drive a session the same way, so both
// share one resolve, one CONNECT tunnel, one TLS set-up and one redirect rule. HTTP/1.1 is
// make_http1_session(); an HTTP/2 session or a gRPC channel is another implementation of this
// interface, and the worker, the schedule and the statistics do not change.
//
// Threading: a session lives on one worker's io_context and is only touched from that thread.
#include <exception>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/core/clock.hpp"
#include "loadgen/core/options.hpp"
#include "loadgen/core/run_stats.hpp"
#include "loadgen/wire/http_request.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace loadgen {

struct route;
class connect_gate;
class next_turn;
class response_head_cache;

struct connect_queue_state {
  bool queued = false;  // waiting for a connect slot now
  nanos left_at = 0;    // steady ns when the connect started after a wait; 0: it did not wait
};

// How a call made by session::call_fast() ended.
enum class fast_outcome {
  done,     // rec is filled, as call() fills it
  retry,    // not made this way after all (HTTP/1.1: the kept-alive socket was dead before any
            // response byte, and is closed; h2: a GOAWAY, a lost connection, a stop while it
            // waited for a stream): call() takes it from here, with the same request
  crashed,  // an exception (given with it); the call is still in flight, as after a throw in call()
};
// The callback of call_fast(): ctx is the caller's, error is set only with fast_outcome::crashed.
using fast_done = void (*)(void* ctx, fast_outcome outcome, std::exception_ptr error);

// What a session is given. Everything referenced outlives the session.
struct session_env {
  boost::asio::io_context& io;
  const run_options& options;        // target, TLS, keep-alive, redirects, timeouts
  const route& where;                // resolved endpoint, TLS context, CONNECT tunnel
  const request_set& requests;       // the request bytes (HTTP/1.1), built once per run
  connect_gate* gate = nullptr;      // caps connects in flight per worker; null: none
  run_stats* stats = nullptr;        // connect and TLS figures, first failure's detail; null: none
  std::mt19937_64* rng = nullptr;    // {uuid} and -connection-reuse draws; null: seeded per session
  response_observer* observer = nullptr;  // curl: sees each response's head and body as it arrives
  // A large read buffer shared by the sessions of one thread: a session reads into it only
  // synchronously and parses what it read before it awaits anything. null: none (small reads).
  std::vector<char>* read_spill = nullptr;
  // A timer lent by the caller (the connection slot) for the session's waits inside call(), for a
  // connect slot: the caller leaves it idle while a call is in progress. null: the session keeps
  // its own. Lending saves a timer (120 bytes) per connection.
  boost::asio::steady_timer* doorbell = nullptr;
  // The thread's batch of steps for its next turn (src/client/next_turn.hpp): the fast path's
  // read after each write goes there instead of a post per call. null: post.
  next_turn* turns = nullptr;
  // The thread's last whole response head and what it said (wire/response_parser.hpp): a
  // response that repeats it is not parsed again. null: every head is parsed.
  response_head_cache* heads = nullptr;
  int index = 0;                     // connection slot index (per-connection stats, -payload-lines start)
  bool describe_failures = false;    // keep a one-line reason per failed call (curl); off on the load path
};

class session {
public:
  virtual ~session() = default;

  // One call: opens the connection if needed (waiting for a connect slot first), sends the
  // request, reads the whole response, and with -L follows same-origin redirects on this
  // connection. Fills rec's outcome: status or transport error, sizes, Envoy fields, and
  // rec.sent (when the connect or the write began: a wait for a connect slot is dispatch lag,
  // not service time). Returns false when the call was abandoned before anything was sent (the
  // run stopped while it waited for a connect slot): it is then not a call. Network failures are
  // outcomes, not exceptions.
  virtual boost::asio::awaitable<bool> call(call_record& rec) = 0;

  // The keep-alive fast path. Thousands of connections each parked in three or four coroutine
  // frames make those frames cold, and resuming them is most of the user time per call at
  // -c 1000. So a call on a connection that is already open, with nothing but a write and reads
  // to do, may instead be made with completion callbacks that touch the session and the slot
  // only. can_call_fast(): the next call can go that way now. call_fast(): starts it (only after
  // can_call_fast() said yes); done(ctx, ...) is then called exactly once, later, from the
  // io_context (never from inside call_fast()). rec gets what call() would give it. abort(),
  // stop() and the rest apply to it as to call(). Sessions without such a path say no.
  virtual bool can_call_fast() const noexcept { return false; }
  virtual void call_fast(call_record& /*rec*/, fast_done /*done*/, void* /*ctx*/) {
    throw std::logic_error("call_fast() on a session without a fast path");
  }

  // The call's deadline passed (watchdog, same thread): the pending operation, a wait for a
  // connect slot included, ends now and the call fails as a timeout.
  virtual void abort() noexcept = 0;
  // Where the current call stands in this worker's connect queue (see connect_gate): waiting
  // in it now, or the steady time (ns) its connect started after a wait in it (0: no wait). The
  // watchdog does not count such a wait against -timeout while the queue moves.
  virtual connect_queue_state connect_queue() const noexcept { return {}; }
  // The run is stopping (same thread): stop waiting for a connect slot; in-flight I/O goes on.
  virtual void stop() noexcept = 0;
  // Closes the connection now (end of run, or after an internal error).
  virtual void close() noexcept = 0;

  // One line on why the last call failed ("cannot connect to 127.0.0.1:1: Connection refused"),
  // or "" when it did not.
  virtual const std::string& failure() const noexcept = 0;
  // The Location of the last call's final response when it is a redirect that was not followed
  // (another origin, or -L not set); "" otherwise.
  virtual const std::string& location() const noexcept = 0;
};

using session_factory = std::function<std::unique_ptr<session>(const session_env&)>;

// The HTTP/1.1 session (keep-alive, pipelining off, -connection-reuse, Connection: close honoured).
std::unique_ptr<session> make_http1_session(const session_env& env);

// Fortio's TCP and UDP echo runners (tcp://host:port, udp://host:port): each call writes the
// payload (-payload..., or Fortio's generated 24 bytes), reads the echo back and checks it is the
// same bytes (core/echo.hpp names the outcomes). The connection is kept while calls succeed.
std::unique_ptr<session> make_tcp_echo_session(const session_env& env);
std::unique_ptr<session> make_udp_echo_session(const session_env& env);

// HTTP/2 (-h2) on libnghttp2: each session is one stream slot; the slots whose env.index share
// index / streams_per_connection share one HTTP/2 connection (h2 over TLS by ALPN, or h2c with
// prior knowledge for http://), at most streams_per_connection streams at once and never above
// the server's SETTINGS_MAX_CONCURRENT_STREAMS (a slot waits for a free stream). When an https
// server does not offer h2 in ALPN, each slot speaks HTTP/1.1 on its own connection instead.
// The factory is called on one thread (the runner's, while it builds the workers); the sessions
// of one connection must then live on one io_context.
session_factory make_h2_sessions(int streams_per_connection);

// The session a target's scheme asks for: tcp:// and udp:// echo, else HTTP/1.1.
session_factory session_for(const url& target);
// The same, with -h2 for http:// and https:// targets.
session_factory session_for(const run_options& options, int streams_per_connection);

}  // namespace loadgen
