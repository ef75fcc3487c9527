// The echo handler alone: a parsed request in, the response bytes out (no sockets).
#include <gtest/gtest.h>

#include <boost/beast/http/parser.hpp>

#include "echo_handler.hpp"

namespace loadgen {
namespace {

namespace http = boost::beast::http;

echo_request parse(const std::string& text) {
  http::request_parser<http::string_body> parser;
  boost::beast::error_code ec;
  parser.eager(true);
  parser.put(boost::asio::buffer(text), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  return parser.release();
}

struct handler_test : ::testing::Test {
  server_options options;
  std::string random = std::string(options.limits.max_size, 'r');
  echo_env env{&options, "Sun, 29 Nov 2026 10:00:00 GMT", random, "host", "127.0.0.1:5", 0};
  echo_answer answer(const std::string& request, double draw = 0) {
    return answer_echo(parse(request), env, true, [draw] { return draw; });
  }
};

TEST_F(handler_test, echo_status_header_and_body) {
  const auto a = answer("POST /echo?status=201&header=X-Test:abc HTTP/1.1\r\nHost: h\r\nContent-Type: text/x\r\n"
                        "Content-Length: 2\r\n\r\nhi");
  EXPECT_EQ(a.status, 201);
  EXPECT_TRUE(a.keep_alive);
  EXPECT_EQ(a.bytes,
            "HTTP/1.1 201 Created\r\nDate: Sun, 29 Nov 2026 10:00:00 GMT\r\nContent-Type: text/x\r\n"
            "X-Test: abc\r\nContent-Length: 2\r\n\r\nhi");
}

TEST_F(handler_test, echo_bad_query_is_400_with_the_message) {
  const auto a = answer("GET /echo?status=abc HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.bytes.find("\r\n\r\nbad status parameter: "), std::string::npos) << a.bytes;
}

TEST_F(handler_test, echo_size_close_delay_and_gzip_only_when_accepted) {
  const auto a = answer("GET /echo?size=10&close=true&delay=20ms&gzip=true HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(a.bytes.substr(a.bytes.size() - 14), "\r\n\r\nrrrrrrrrrr");
  EXPECT_NE(a.bytes.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(a.bytes.find("Content-Encoding"), std::string::npos);
  EXPECT_FALSE(a.keep_alive);
  EXPECT_EQ(a.delay, 20 * ns_per_ms);
  const auto gz = answer("GET /echo?size=10&gzip=true HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n");
  EXPECT_NE(gz.bytes.find("Content-Encoding: gzip\r\n"), std::string::npos);
}

TEST_F(handler_test, echo_debug_page_and_default_params) {
  options.default_params = "status=503";
  const auto page = answer("GET /debug HTTP/1.1\r\nHost: h\r\nX-B: 2\r\nX-A: 1\r\n\r\n");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.bytes.find("GET /debug HTTP/1.1\n\nheaders:\n\nHost: h\nX-A: 1\nX-B: 2\n"), std::string::npos)
      << page.bytes;
  EXPECT_NE(page.bytes.find("request from 127.0.0.1:5"), std::string::npos);
  EXPECT_EQ(answer("GET /any HTTP/1.1\r\nHost: h\r\n\r\n").status, 503);
}

}  // namespace
}  // namespace loadgen
