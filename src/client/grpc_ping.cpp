#include "loadgen/client/grpc_ping.hpp"

#include <chrono>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/client/session.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "route.hpp"

namespace loadgen {

namespace net = boost::asio;

namespace {

// Keeps the DATA of the answer being read: the framed PingMessage.
class body_keeper final : public response_observer {
public:
  void on_head(std::string_view) override {}
  void on_body(std::string_view bytes) override { body.append(bytes); }
  std::string body;
};

// One call on s, bounded by timeout: its record (the status judged by the h2 session).
net::awaitable<call_record> call_once(session& s, net::steady_timer& deadline, nanos timeout) {
  deadline.expires_after(std::chrono::nanoseconds(timeout));
  deadline.async_wait([&s](boost::system::error_code ec) {
    if (!ec) s.abort();
  });
  call_record rec;
  co_await s.call(rec);
  deadline.cancel();
  co_return rec;
}

// One ping on s: its answer's ts (the server's receive time). Throws run_error when it fails.
net::awaitable<std::int64_t> ping(session& s, body_keeper& kept, net::steady_timer& deadline, nanos timeout,
                                  const std::string& which) {
  kept.body.clear();
  const call_record rec = co_await call_once(s, deadline, timeout);
  if (rec.status != status_grpc_serving) {
    const std::string why = s.failure().empty() ? grpc_code_name(rec.status) : grpc_code_name(rec.status) + ": " + s.failure();
    throw run_error("grpc error from " + which + ": " + why);
  }
  const auto m = decode_ping(grpc_unframe(kept.body, grpc_max_response).message);
  if (!m) throw run_error("grpc error from " + which + ": the answer is not a PingMessage");
  co_return m->ts;
}

// The calls of one grpcping: one connection (an h2 session of one stream) to options' target, the
// body of each answer kept, `body` run to its end on its own io_context.
template <class Body>
void on_one_connection(const run_options& options, Body body) {
  const route where = make_route(options);
  const request_set requests;  // gRPC builds its own request
  net::io_context io;
  body_keeper kept;
  session_env env{io, options, where, requests};
  std::vector<char> read_spill(64 * 1024);  // TLS records decrypt here (the sessions' synchronous reads)
  env.read_spill = &read_spill;
  env.observer = &kept;
  env.describe_failures = true;
  const std::unique_ptr<session> s = make_h2_sessions(1)(env);
  net::steady_timer deadline(io);
  std::exception_ptr failure;
  net::co_spawn(io, body(*s, kept, deadline), [&](std::exception_ptr e) { failure = e; });
  io.run();
  s->close();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

std::vector<grpc_health_check> grpc_health_checks(const run_options& options, int n) {
  std::vector<grpc_health_check> out;
  on_one_connection(options, [&](session& s, body_keeper&, net::steady_timer& deadline) -> net::awaitable<void> {
    for (int i = 1; i <= n; ++i) {
      const nanos start = steady_clock::now();
      const call_record rec = co_await call_once(s, deadline, options.timeout);
      const nanos rtt = steady_clock::now() - start;
      const bool health = rec.status == status_grpc_serving ||
                          (rec.status >= grpc_health_base && rec.status < grpc_health_base + 100);
      if (!health) {
        const std::string why = grpc_code_name(rec.status) + (s.failure().empty() ? "" : ": " + s.failure());
        throw run_error("grpc error from Check " + std::to_string(i) + ": " + why);
      }
      out.push_back({rec.status, rtt});
    }
  });
  return out;
}

std::vector<grpc_ping_round> grpc_ping_rounds(const run_options& options, int rounds) {
  std::vector<grpc_ping_round> out;
  on_one_connection(options, [&](session& s, body_keeper& kept, net::steady_timer& deadline) -> net::awaitable<void> {
    co_await ping(s, kept, deadline, options.timeout, "the warm-up ping");
    for (int i = 1; i <= rounds; ++i) {
      const std::int64_t t1a = wall_clock::now();
      const std::int64_t t1b = co_await ping(s, kept, deadline, options.timeout, "Ping1 iter " + std::to_string(i));
      const std::int64_t t2a = wall_clock::now();
      const std::int64_t t2b = co_await ping(s, kept, deadline, options.timeout, "Ping2 iter " + std::to_string(i));
      const std::int64_t t3a = wall_clock::now();
      out.push_back(make_grpc_ping_round(t1a, t2a, t3a, t1b, t2b));
    }
  });
  return out;
}

}  // namespace loadgen
