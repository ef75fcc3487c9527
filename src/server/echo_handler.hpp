#pragma once
// The echo server's answers (private to the server), without sockets: a parsed Beast request and
// the server's settings in, the response bytes out. Fortio's echo features (status, delay, size,
// header, close, gzip) and its /debug page. The serve coroutine adds what needs time or other
// connections (the circuit breaker, the delay); the fuzzer and the unit tests drive this alone.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "loadgen/core/clock.hpp"
#include "loadgen/server/echo_server.hpp"
#include "loadgen/wire/echo_params.hpp"

namespace loadgen {

using echo_request = boost::beast::http::request<boost::beast::http::string_body>;

// What an answer needs besides the request; views of what the server owns.
struct echo_env {
  const server_options* options = nullptr;
  std::string_view date;          // the Date header value
  std::string_view random_bytes;  // at least options->limits.max_size bytes, the body for size=N
  std::string_view hostname;      // for the debug page
  std::string_view peer;          // "ip:port" of the client, for the debug page
  nanos started = 0;              // when the server started (steady clock), for the debug page
};

// What a request asks for, from its query (or the default parameters when it has no '?').
struct echo_decision {
  std::optional<echo_plan> plan;  // nullopt: a bad query, answered 400 with error
  std::string error;
  bool debug = false;             // the path is the debug page's
  std::optional<served_page> page;  // options.pages answered it (plan has its status and headers)
};
echo_decision decide_echo(const echo_request& req, const server_options& options, const percent_draw& draw);

// An answer's status and body before it is framed: as HTTP/1.1 bytes (append_echo_response) or
// as HTTP/2 frames (h2_serve); the plan's header= ones go with it.
struct echo_body {
  int status = 200;
  std::string_view content_type;  // a literal, or a view of the request's Content-Type
  bool gzipped = false;
  std::string owned;              // the debug page or the gzipped body, when made here
  std::string_view borrowed;      // else a view of the request's body or of env.random_bytes
  bool is_owned = false;
  // Extra answer headers: the plan's header= ones, or Envoy's x-envoy-overloaded; may be null.
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::string_view body() const noexcept { return is_owned ? std::string_view(owned) : borrowed; }
};
// The answer to a request that has a plan (after any breaker wait and delay). The debug page,
// size=N random bytes, or the request's body and Content-Type echoed; gzip if planned. Views
// req and env, which must outlive it.
// With a page (decision.page), its body and type instead.
echo_body make_echo_body(const echo_request& req, echo_plan& plan, bool debug, const echo_env& env,
                         const served_page* page = nullptr);
// make_echo_body framed as HTTP/1.1.
void append_echo_response(std::string& out, const echo_request& req, echo_plan& plan, bool debug, const echo_env& env,
                          bool keep_alive, const served_page* page = nullptr);
// Appends a whole response (head and body) to out.
void append_response(std::string& out, int status, std::string_view date, std::string_view content_type,
                     std::string_view body, const echo_plan& plan, bool keep_alive, bool gzipped);
// The server's own answers, unframed: the 400 for a bad query, Envoy's 503 when the circuit
// breaker sheds a request (with x-envoy-overloaded: true), 413 (body_too_large) or 431.
echo_body bad_request_answer(const std::string& message);
echo_body overflow_answer();
echo_body too_large_answer(bool body_too_large);
// The 400 for a bad query.
void append_bad_request(std::string& out, const std::string& message, std::string_view date, bool keep_alive);
// Envoy's 503 when the circuit breaker sheds a request.
void append_overflow(std::string& out, std::string_view date, bool keep_alive);
// 413 (body_too_large) or 431 for a request over the limits; the connection is closed after it.
void append_too_large(std::string& out, bool body_too_large, std::string_view date);

// Fortio's /debug page: who asked for what, with which headers and body.
std::string debug_page(const echo_request& req, const echo_env& env);
std::string gzip(std::string_view in);
bool accepts_gzip(const echo_request& req);
std::string http_date();

// decide_echo and append_* for one request as if admitted at once and with no delay waited:
// the bytes the server would write. For the fuzzer and the tests.
struct echo_answer {
  std::string bytes;
  int status = 0;
  bool keep_alive = false;
  nanos delay = 0;
};
echo_answer answer_echo(const echo_request& req, const echo_env& env, bool keep_alive, const percent_draw& draw);

}  // namespace loadgen
