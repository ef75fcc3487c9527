// The server's request path without sockets: a request byte stream through Beast's request
// parser (with the server's limits), fed in random splits, then through the echo handler. The
// answer must be one well-framed HTTP/1.1 response, which loadgen's own response parser reads
// back to its end.
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "echo_handler.hpp"
#include "fuzz_input.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace {

namespace http = boost::beast::http;
constexpr std::int64_t max_size = 4096;

const loadgen::server_options& options() {
  static const loadgen::server_options o = [] {
    loadgen::server_options s;
    s.limits.max_size = max_size;
    return s;
  }();
  return o;
}

const std::string& random_bytes() {
  static const std::string bytes(max_size, 'r');
  return bytes;
}

bool is_framing_header(const std::string& name) {
  std::string n;
  for (char c : name) n += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return n.find("content-length") != std::string::npos || n.find("transfer-encoding") != std::string::npos ||
         n.find("connection") != std::string::npos || n.find(':') != std::string::npos ||
         name.find_first_of(std::string_view(" \t\0", 3)) != std::string::npos;
}

// The answer is one response: the head names its body's length, and the body is exactly that.
void check_framing(const std::string& bytes, int status) {
  LOADGEN_FUZZ_CHECK(bytes.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0);
  const std::size_t end = bytes.find("\r\n\r\n");
  LOADGEN_FUZZ_CHECK(end != std::string::npos);
  const std::string head = bytes.substr(0, end + 2);
  const std::size_t cl = head.rfind("\r\nContent-Length: ");
  LOADGEN_FUZZ_CHECK(cl != std::string::npos);
  const std::size_t body = bytes.size() - (end + 4);
  LOADGEN_FUZZ_CHECK(head.substr(cl + 18, head.size() - 2 - (cl + 18)) == std::to_string(body));
}

// One request from the stream (pending holds bytes received but not yet parsed); false when the
// stream ends or the parser rejects it (the server answers 400/413/431 or just closes).
bool read_request(http::request_parser<http::string_body>& parser, std::string_view stream, std::size_t& offered,
                  std::string& pending, loadgen::fuzz::splitter& split) {
  parser.body_limit(static_cast<std::uint64_t>(max_size));
  parser.header_limit(64 * 1024);
  boost::beast::error_code ec;
  for (;;) {
    while (!pending.empty()) {
      const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
      LOADGEN_FUZZ_CHECK(used <= pending.size());
      pending.erase(0, used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) return false;
      if (parser.is_done()) return true;
      if (used == 0) break;
    }
    if (offered >= stream.size()) return false;
    const std::size_t n = split.next(stream.size() - offered);
    pending.append(stream.substr(offered, n));
    offered += n;
  }
}

// The handler's answer to one parsed request, checked.
void answer_and_check(const loadgen::echo_request& req, std::uint32_t draw_seed) {
  LOADGEN_FUZZ_CHECK(req.body().size() <= static_cast<std::size_t>(max_size));
  std::uint32_t x = draw_seed;
  auto draw = [&] {
    x = x * 1103515245u + 12345u;
    return static_cast<double>((x >> 8) % 10000) / 100.0;
  };
  const loadgen::echo_env env{&options(), "Sun, 29 Nov 2026 10:00:00 GMT", random_bytes(), "fuzz", "127.0.0.1:1", 0};
  const bool keep_alive = req.keep_alive();
  const loadgen::echo_answer a = loadgen::answer_echo(req, env, keep_alive, draw);
  LOADGEN_FUZZ_CHECK(a.status >= 100 && a.status <= 999);
  LOADGEN_FUZZ_CHECK(a.delay >= 0 && a.delay <= options().limits.max_delay);
  LOADGEN_FUZZ_CHECK(!a.keep_alive || keep_alive);
  check_framing(a.bytes, a.status);

  // Read it back with loadgen's parser, unless the query set headers that change the framing.
  x = draw_seed;
  const loadgen::echo_decision d = loadgen::decide_echo(req, options(), draw);
  if (d.plan) {
    for (const auto& [name, value] : d.plan->headers)
      if (is_framing_header(name)) return;
  }
  if (a.status < 200 || a.status == 204 || a.status == 304) return;
  loadgen::response_parser rp;
  rp.reset();
  const std::size_t used = rp.feed(a.bytes.data(), a.bytes.size());
  LOADGEN_FUZZ_CHECK(rp.done());
  LOADGEN_FUZZ_CHECK(used == a.bytes.size());
  LOADGEN_FUZZ_CHECK(rp.status() == a.status);
  LOADGEN_FUZZ_CHECK(rp.keep_alive() == a.keep_alive);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loadgen::fuzz::input in(data, size);
  const std::uint32_t seed = in.byte() | (in.byte() << 8);
  const std::uint8_t draw_seed = in.byte();
  const std::string_view stream = in.rest();
  loadgen::fuzz::splitter split(seed);
  std::string pending;
  std::size_t offered = 0;
  // Requests on one keep-alive connection, as the serve loop reads them (a few at most).
  for (int i = 0; i < 4; ++i) {
    http::request_parser<http::string_body> parser;
    if (!read_request(parser, stream, offered, pending, split)) break;
    answer_and_check(parser.get(), draw_seed + static_cast<std::uint32_t>(i));
    if (!parser.get().keep_alive()) break;
  }
  return 0;
}
