#include "forwarder.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <string_view>
#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "echo_handler.hpp"
#include "listen.hpp"
#include "loadgen/core/duration.hpp"
#include "loadgen/core/version.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/forward_specs.hpp"

namespace loadgen {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// A request to the multi-server and each target's answer are held whole: bounded.
constexpr std::uint64_t max_forward_body = 64ull << 20;
constexpr std::size_t max_idle_per_target = 128;  // Go's MaxIdleConnsPerHost in Fortio's proxy client

using request_t = http::request<http::string_body>;
using response_t = http::response<http::string_body>;

std::string user_agent() { return "loadgen/" + std::string(version); }

// One connection to a target, plain or TLS, with what was read past the last answer.
struct conn {
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> tls;
  boost::beast::flat_buffer buffer;
  tcp::socket& lowest() { return tls ? tls->next_layer() : *plain; }
  void close() {
    error_code ig;
    lowest().close(ig);
  }
};

struct call_result {
  int status = -1;  // -1: the call failed (body holds the error line)
  std::string body;
};

bool is_hop_by_hop(std::string_view name) {
  static const char* const names[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                      "transfer-encoding", "upgrade", "host", "content-length", "expect"};
  for (const char* n : names)
    if (boost::beast::iequals(name, n)) return true;
  return false;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The first value of key in the target's query, form-decoded ('+' is a space); "" when absent.
std::string query_value(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    if (eq == std::string_view::npos) return {};
    std::string out;
    const std::string_view v = pair.substr(eq + 1);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '+') out += ' ';
      else if (v[i] == '%' && i + 2 < v.size() && hex(v[i + 1]) >= 0 && hex(v[i + 2]) >= 0) {
        out += static_cast<char>(hex(v[i + 1]) * 16 + hex(v[i + 2]));
        i += 2;
      } else out += v[i];
    }
    return out;
  }
  return {};
}

}  // namespace

struct multi_target {
  url dest;
  std::string base;  // the URL's path without its trailing '/', before the mirrored request target
  run_options tls_options;  // the host for SNI and verification, -k
  std::vector<std::shared_ptr<conn>> idle;
};

multi_server::multi_server(std::vector<url> urls, bool serial_, bool mirror, nanos timeout_,
                           std::shared_ptr<ssl::context> tls_, bool insecure_)
    : serial(serial_), mirror_origin(mirror), timeout(timeout_), tls(std::move(tls_)), insecure(insecure_) {
  for (auto& u : urls) {
    auto t = std::make_unique<multi_target>();
    t->base = u.target;
    while (!t->base.empty() && t->base.back() == '/') t->base.pop_back();
    t->tls_options.target = u;
    t->tls_options.insecure = insecure;
    t->dest = std::move(u);
    targets.push_back(std::move(t));
  }
}

multi_server::~multi_server() = default;

void multi_server::drop_idle() {
  for (auto& t : targets) t->idle.clear();
}

namespace {

// The request for target number index (0-based) of a multi-server, from the caller's request.
request_t make_call(const request_t& in, const std::string& peer, const multi_target& t, std::size_t index,
                    bool mirror) {
  request_t req;
  req.version(11);
  if (mirror) {
    req.method_string(in.method_string());
    req.target(t.base + std::string(in.target()));
    for (const auto& f : in)
      if (!is_hop_by_hop(f.name_string())) req.insert(canonical_header_name(f.name_string()), f.value());
    req.body() = in.body();
  } else {
    const std::string method = query_value(in.target(), "X");
    std::string payload = query_value(in.target(), "payload");
    req.method_string(!method.empty() ? method : payload.empty() ? "GET" : "POST");
    req.target(t.dest.target);
    for (const auto& f : in)
      if (is_trace_header(f.name_string())) req.insert(canonical_header_name(f.name_string()), f.value());
    req.set(http::field::user_agent, user_agent());
    req.body() = std::move(payload);
  }
  req.set(http::field::host, t.dest.host_header());
  req.insert("X-On-Behalf-Of", peer);
  if (req[http::field::user_agent] != user_agent()) req.insert("X-Proxy-Agent", user_agent());
  req.insert("X-Fortio-Multi-Id", std::to_string(index + 1));
  req.prepare_payload();
  return req;
}

net::awaitable<error_code> connect(conn& c, multi_target& t, multi_server& m, std::string& what) {
  tcp::resolver resolver(co_await net::this_coro::executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.dest.host, std::to_string(t.dest.port), use_tuple);
  if (rec) {
    what = "resolve " + t.dest.host;
    co_return rec;
  }
  auto [cec, ep] = co_await net::async_connect(c.lowest(), endpoints, use_tuple);
  if (cec) {
    what = "connect to " + t.dest.authority();
    co_return cec;
  }
  error_code ig;
  c.lowest().set_option(tcp::no_delay(true), ig);
  if (c.tls) {
    prepare_client_ssl(c.tls->native_handle(), t.tls_options);
    auto [hec] = co_await c.tls->async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) {
      what = describe_tls_failure(c.tls->native_handle(), hec);
      co_return hec;
    }
  }
  (void)m;
  co_return error_code{};
}

template <class Stream>
net::awaitable<error_code> exchange(Stream& s, boost::beast::flat_buffer& buffer, request_t& req, response_t& res,
                                    std::string& what) {
  auto [wec, w] = co_await http::async_write(s, req, use_tuple);
  if (wec) {
    what = "send";
    co_return wec;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_forward_body);
  if (req.method() == http::verb::head) parser.skip(true);
  auto [rec, r] = co_await http::async_read(s, buffer, parser, use_tuple);
  if (rec) {
    what = "read the answer";
    co_return rec;
  }
  res = parser.release();
  co_return error_code{};
}

// One call to a target, on a kept-alive connection when there is one (once more on a new
// connection when that one turns out closed), within the multi-server's timeout.
net::awaitable<call_result> call_target(multi_target& t, multi_server& m, request_t req) {
  const std::string shown = t.dest.scheme + "://" + t.dest.authority() + std::string(req.target());
  const auto ex = co_await net::this_coro::executor;
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<conn> c;
    const bool reused = attempt == 0 && !t.idle.empty();
    if (reused) {
      c = std::move(t.idle.back());
      t.idle.pop_back();
    } else {
      c = std::make_shared<conn>();
      if (t.dest.is_https()) c->tls.emplace(tcp::socket(ex), *m.tls);
      else c->plain.emplace(ex);
    }
    auto timed_out = std::make_shared<bool>(false);
    net::steady_timer timer(ex);
    timer.expires_after(std::chrono::nanoseconds(m.timeout));
    timer.async_wait([weak = std::weak_ptr<conn>(c), timed_out](error_code ec) {
      if (ec) return;
      *timed_out = true;
      if (auto p = weak.lock()) p->close();
    });
    std::string what;
    error_code ec;
    if (!reused) ec = co_await connect(*c, t, m, what);
    response_t res;
    if (!ec) {
      if (c->tls) ec = co_await exchange(*c->tls, c->buffer, req, res, what);
      else ec = co_await exchange(*c->plain, c->buffer, req, res, what);
    }
    timer.cancel();
    if (!ec && !*timed_out) {
      call_result r;
      r.status = res.result_int();
      r.body = std::move(res.body());
      if (res.keep_alive() && t.idle.size() < max_idle_per_target) t.idle.push_back(std::move(c));
      co_return r;
    }
    c->close();
    if (reused && !*timed_out) continue;  // the target had closed the kept-alive connection
    call_result r;
    r.body = "Error for " + shown + ": " +
             (*timed_out ? "no answer within " + format_go_duration(m.timeout) : what + ": " + ec.message()) + "\n";
    co_return r;
  }
}

void append_answer(std::string& out, int status, std::string_view body, bool head, bool keep_alive) {
  const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
  out += "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\nDate: " + http_date() + "\r\n";
  const bool bodiless = (status >= 100 && status < 200) || status == 204 || status == 304;
  if (!bodiless) {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (const std::string type = sniff_content_type(body); !type.empty()) out += "Content-Type: " + type + "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!bodiless && !head) out += body;
}

}  // namespace

net::awaitable<void> serve_multi_connection(tcp::socket socket, multi_server& m) {
  error_code ig;
  std::string peer;
  if (auto ep = socket.remote_endpoint(ig); !ig) peer = peer_text(ep);
  socket.set_option(tcp::no_delay(true), ig);
  const auto ex = co_await net::this_coro::executor;
  boost::beast::flat_buffer buffer;
  std::string out;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_forward_body);
    parser.header_limit(64 * 1024);
    auto [ec, n] = co_await http::async_read_header(socket, buffer, parser, use_tuple);
    if (!ec && !parser.is_done()) {
      // A client that waits for "100 Continue" before its body (curl does above 1 KB) gets it.
      if (boost::beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [cec, cn] = co_await net::async_write(socket, net::buffer(go_on.data(), go_on.size()), use_tuple);
        ec = cec;
      }
      if (!ec) std::tie(ec, n) = co_await http::async_read(socket, buffer, parser, use_tuple);
    }
    out.clear();
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      append_too_large(out, ec == http::error::body_limit, http_date());
      co_await net::async_write(socket, net::buffer(out), use_tuple);
      break;
    }
    if (ec) break;
    const request_t& in = parser.get();
    const bool keep_alive = in.keep_alive();
    const std::size_t n_targets = m.targets.size();
    std::vector<call_result> results(n_targets);
    if (m.serial) {
      for (std::size_t i = 0; i < n_targets; ++i) {
        request_t req = make_call(in, peer, *m.targets[i], i, m.mirror_origin);
        results[i] = co_await call_target(*m.targets[i], m, std::move(req));
      }
    } else {
      std::size_t pending = n_targets;
      net::steady_timer all_done(ex, net::steady_timer::time_point::max());
      for (std::size_t i = 0; i < n_targets; ++i) {
        request_t req = make_call(in, peer, *m.targets[i], i, m.mirror_origin);
        net::co_spawn(ex, call_target(*m.targets[i], m, std::move(req)),
                      [&results, &pending, &all_done, i](std::exception_ptr e, call_result r) {
                        if (e) r = call_result{-1, "Error: internal error\n"};
                        results[i] = std::move(r);
                        if (--pending == 0) all_done.cancel();
                      });
      }
      if (pending > 0) co_await all_done.async_wait(use_tuple);
    }
    std::vector<int> statuses;
    std::string body;
    for (auto& r : results) {
      statuses.push_back(r.status);
      body += r.body;
    }
    const int first = statuses.empty() ? 200 : statuses.front();
    const int status = m.serial ? (first <= 0 ? 503 : first) : multi_parallel_status(statuses);
    append_answer(out, status, body, in.method() == http::verb::head, keep_alive);
    auto [wec, w] = co_await net::async_write(socket, net::buffer(out), use_tuple);
    if (wec || !keep_alive) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ig);
  socket.close(ig);
}

}  // namespace loadgen
