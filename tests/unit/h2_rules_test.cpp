// The pure HTTP/2 rules: the request's header list from the HTTP/1.1 bytes, header-size
// accounting, the stream cap, what GOAWAY and RST_STREAM mean for a call.
#include <gtest/gtest.h>

#include "loadgen/core/options.hpp"
#include "loadgen/core/plan.hpp"
#include "loadgen/wire/h2_rules.hpp"
#include "loadgen/wire/http_request.hpp"

namespace loadgen {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;

TEST(H2Request, PseudoHeadersFirstThenLowerCaseNamesWithoutConnectionHeaders) {
  const std::string bytes =
      "POST /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\nUser-Agent: ua/1\r\n"
      "X-Test:  spaced value \r\nContent-Length: 4\r\nKeep-Alive: 5\r\n\r\nbody";
  const auto r = h2_request_from_http1(bytes, "https");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers, (headers{{":method", "POST"},
                                 {":scheme", "https"},
                                 {":authority", "example.com:8080"},
                                 {":path", "/p?q=1"},
                                 {"user-agent", "ua/1"},
                                 {"x-test", "spaced value"},
                                 {"content-length", "4"}}));
  EXPECT_EQ(r->body, "body");
}

TEST(H2Request, FromTheRunsOwnRequestBytes) {
  run_options o;
  o.url_text = "http://127.0.0.1:9/x";
  validate(o);
  o.headers.emplace_back("X-A", "1");
  o.payload = "abc";
  o.has_payload = true;
  const auto r = h2_request_from_http1(build_request(o), "http");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{":method", "POST"}));
  EXPECT_EQ(r->headers[2], (std::pair<std::string, std::string>{":authority", "127.0.0.1:9"}));
  EXPECT_EQ(r->headers[3], (std::pair<std::string, std::string>{":path", "/x"}));
  bool has_x = false;
  for (const auto& [n, v] : r->headers) {
    EXPECT_NE(n, "host");
    if (n == "x-a") has_x = v == "1";
  }
  EXPECT_TRUE(has_x);
  EXPECT_EQ(r->body, "abc");
}

TEST(H2Request, NotARequestHead) {
  EXPECT_FALSE(h2_request_from_http1("GET / HTTP/1.1\r\nHost: x\r\n", "http"));  // no blank line
  EXPECT_FALSE(h2_request_from_http1("GET\r\n\r\n", "http"));
  EXPECT_FALSE(h2_request_from_http1("GET / HTTP/1.1\r\nno colon\r\n\r\n", "http"));
}

TEST(H2Rules, HeaderBytesAreTheHttp1LineOfEachDecodedHeader) {
  EXPECT_EQ(h2_header_bytes(7, 3), 14);  // ":status: 200\r\n"
  EXPECT_EQ(h2_header_bytes(14, 1), 19);  // "content-length: 3\r\n"
  EXPECT_EQ(h2_header_bytes(0, 0), 4);
}

TEST(H2Rules, StreamLimitNeverAboveTheServersCap) {
  EXPECT_EQ(h2_stream_limit(16, 4), 4);
  EXPECT_EQ(h2_stream_limit(16, 100), 16);
  EXPECT_EQ(h2_stream_limit(1, 0xffffffffu), 1);  // no SETTINGS_MAX_CONCURRENT_STREAMS: unlimited
  EXPECT_EQ(h2_stream_limit(8, 8), 8);
}

TEST(H2Rules, GoawayRetriesOnlyStreamsTheServerDidNotProcess) {
  EXPECT_EQ(h2_stream_fate(201, true, 199, false), h2_fate::retry);  // above last-stream-id
  EXPECT_EQ(h2_stream_fate(199, true, 199, false), h2_fate::fail);   // processed (or being processed)
  EXPECT_EQ(h2_stream_fate(201, true, 199, true), h2_fate::fail);    // a response had started
  EXPECT_EQ(h2_stream_fate(201, false, 0, false), h2_fate::fail);    // no GOAWAY: a plain reset
}

TEST(H2Rules, ResetCodesNameTheError) {
  EXPECT_EQ(h2_stream_error(7, false), transport_error::h2_refused_stream);
  EXPECT_EQ(h2_stream_error(8, false), transport_error::h2_cancel);
  EXPECT_EQ(h2_stream_error(2, false), transport_error::h2_reset);
  EXPECT_EQ(h2_stream_error(0, true), transport_error::h2_goaway);
  EXPECT_EQ(h2_stream_error(0, false), transport_error::closed);
  EXPECT_EQ(describe(transport_error::h2_refused_stream), "RST_STREAM REFUSED_STREAM");
  EXPECT_EQ(describe(transport_error::h2_no_settings), "h2 no SETTINGS");
  EXPECT_EQ(json_key(transport_error::h2_protocol), "h2_protocol");
  EXPECT_EQ(h2_error_name(7), "REFUSED_STREAM");
  EXPECT_EQ(h2_error_name(8), "CANCEL");
  EXPECT_EQ(h2_error_name(0x1f), "0x1f");
}

TEST(H2Plan, StreamsMultiplySlotsAndKeepAConnectionsStreamsOnOneWorker) {
  run_options o;
  o.url_text = "http://127.0.0.1:9/";
  o.connections = 8;
  o.streams = 16;
  o.h2 = true;
  o.qps = 0;
  o.calls = 1000;
  validate(o);
  const load_plan p = make_plan(o, 4, std::nullopt);
  EXPECT_EQ(p.connections, 128);
  EXPECT_EQ(p.streams, 16);
  EXPECT_EQ(p.threads, 4);
  std::int64_t total = 0;
  for (auto n : p.calls_per_connection) total += n;
  EXPECT_EQ(total, 1000);
  o.h2 = false;  // -streams means nothing without -h2
  const load_plan h1 = make_plan(o, 4, std::nullopt);
  EXPECT_EQ(h1.connections, 8);
  EXPECT_EQ(h1.streams, 1);
  o.h2 = true;
  o.connections = 2;
  const load_plan two = make_plan(o, 4, std::nullopt);
  EXPECT_EQ(two.threads, 2);  // never more threads than HTTP/2 connections
}

}  // namespace
}  // namespace loadgen
