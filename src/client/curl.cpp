// `loadgen curl` on the load path's own connection code: one route per origin, one session
// (make_http1_session) that makes the call, the same redirect rule (wire/redirect.hpp).
#include "loadgen/client/curl.hpp"

#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/client/session.hpp"
#include "loadgen/wire/proxy.hpp"
#include "loadgen/wire/redirect.hpp"
#include "route.hpp"

namespace loadgen {

namespace net = boost::asio;

namespace {

// Writes each response's head to `head` and its body (de-chunked) to `body` as they arrive.
// With -L a redirect's own body is not the answer: only the final body goes to `body`.
class stream_observer final : public response_observer {
public:
  stream_observer(std::ostream& head, std::ostream& body, bool following) : head_(head), body_(body), following_(following) {}
  void on_head(std::string_view text) override {
    head_.write(text.data(), static_cast<std::streamsize>(text.size()));
    head_.flush();
    // "HTTP/1.1 302 Found" or "HTTP/2 302": the status follows the first space (validated already).
    const std::size_t at = text.find(' ') + 1;
    const int status = text.size() > at + 3 ? (text[at] - '0') * 100 + (text[at + 1] - '0') * 10 + (text[at + 2] - '0') : 0;
    skip_body_ = following_ && is_redirect_status(status);
  }
  void on_body(std::string_view bytes) override {
    if (!skip_body_) body_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

private:
  std::ostream& head_;
  std::ostream& body_;
  bool following_;
  bool skip_body_ = false;
};

// One call on a fresh connection to o's origin, bounded by -timeout as a whole.
fetch_result fetch_origin(const run_options& o, response_observer& observer) {
  const route where = make_route(o);
  const request_set requests = make_request_set(o);
  net::io_context io;
  session_env env{io, o, where, requests};
  env.observer = &observer;
  env.describe_failures = true;
  std::vector<char> read_spill(64 * 1024);  // large bodies in few reads
  env.read_spill = &read_spill;
  const std::unique_ptr<session> s = o.h2 ? make_h2_sessions(1)(env) : make_http1_session(env);
  net::steady_timer deadline(io, std::chrono::nanoseconds(o.timeout));
  deadline.async_wait([&s](boost::system::error_code ec) {
    if (!ec) s->abort();
  });
  call_record rec;
  std::exception_ptr failure;
  net::co_spawn(io, s->call(rec), [&](std::exception_ptr e, bool) {
    failure = e;
    deadline.cancel();
  });
  io.run();
  s->close();
  if (failure) std::rethrow_exception(failure);
  fetch_result out;
  out.status = rec.status;
  out.error = rec.error;
  out.message = s->failure();
  out.location = s->location();
  return out;
}

}  // namespace

fetch_result fetch(const run_options& options, std::ostream& head, std::ostream& body) {
  stream_observer observer(head, body, options.follow_redirects);
  run_options o = options;
  // A same-origin redirect is followed inside the session, on its connection; another origin
  // takes a new route (and proxy choice) and a new connection: up to 10 of those.
  for (int hop = 0;; ++hop) {
    fetch_result r = fetch_origin(o, observer);
    body.flush();
    if (!options.follow_redirects || r.location.empty() || r.status == status_transport_error) return r;
    auto next = next_redirect(o, r.status, r.location);
    if (!next) return r;
    if (hop == 10 || next->same_origin) {
      r.message = "stopped after 10 redirects";
      return r;
    }
    o = std::move(next->next);
    select_proxy(o);
  }
}

}  // namespace loadgen
