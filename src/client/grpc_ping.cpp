#include "loadgen/client/grpc_ping.hpp"

#include <chrono>

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

// One ping on s: its answer's ts (the server's receive time). Throws run_error when it fails.
net::awaitable<std::int64_t> ping(session& s, body_keeper& kept, net::steady_timer& deadline, nanos timeout,
                                  const std::string& which) {
  kept.body.clear();
  deadline.expires_after(std::chrono::nanoseconds(timeout));
  deadline.async_wait([&s](boost::system::error_code ec) {
    if (!ec) s.abort();
  });
  call_record rec;
  co_await s.call(rec);
  deadline.cancel();
  if (rec.status != status_grpc_serving) {
    const std::string why = s.failure().empty() ? grpc_code_name(rec.status) : grpc_code_name(rec.status) + ": " + s.failure();
    throw run_error("grpc error from " + which + ": " + why);
  }
  const auto m = decode_ping(grpc_unframe(kept.body, grpc_max_response).message);
  if (!m) throw run_error("grpc error from " + which + ": the answer is not a PingMessage");
  co_return m->ts;
}

}  // namespace

std::vector<grpc_ping_round> grpc_ping_rounds(const run_options& options, int rounds) {
  const route where = make_route(options);
  const request_set requests;  // gRPC builds its own request
  net::io_context io;
  body_keeper kept;
  session_env env{io, options, where, requests};
  env.observer = &kept;
  env.describe_failures = true;
  const std::unique_ptr<session> s = make_h2_sessions(1)(env);
  net::steady_timer deadline(io);
  std::vector<grpc_ping_round> out;
  std::exception_ptr failure;
  auto run = [&]() -> net::awaitable<void> {
    co_await ping(*s, kept, deadline, options.timeout, "the warm-up ping");
    for (int i = 1; i <= rounds; ++i) {
      const std::int64_t t1a = wall_clock::now();
      const std::int64_t t1b = co_await ping(*s, kept, deadline, options.timeout, "Ping1 iter " + std::to_string(i));
      const std::int64_t t2a = wall_clock::now();
      const std::int64_t t2b = co_await ping(*s, kept, deadline, options.timeout, "Ping2 iter " + std::to_string(i));
      const std::int64_t t3a = wall_clock::now();
      out.push_back(make_grpc_ping_round(t1a, t2a, t3a, t1b, t2b));
    }
  };
  net::co_spawn(io, run(), [&](std::exception_ptr e) { failure = e; });
  io.run();
  s->close();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace loadgen
