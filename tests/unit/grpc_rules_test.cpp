// gRPC's bytes and names (pure): the 5-byte message prefix, status and health names,
// grpc-timeout, and the two services' protobuf messages round-tripped.
#include <gtest/gtest.h>

#include "loadgen/core/grpc_outcome.hpp"
#include "loadgen/core/outcome.hpp"
#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/gzip.hpp"

namespace loadgen {
namespace {

TEST(GrpcFrame, PrefixIsFlagZeroAndBigEndianLength) {
  const std::string f = grpc_frame("abc");
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f.substr(0, 5), std::string("\0\0\0\0\3", 5));
  EXPECT_EQ(f.substr(5), "abc");
  const std::string big = grpc_frame(std::string(70000, 'x'));
  EXPECT_EQ(static_cast<unsigned char>(big[2]), 1);  // 70000 = 0x011170
  EXPECT_EQ(static_cast<unsigned char>(big[3]), 0x11);
  EXPECT_EQ(static_cast<unsigned char>(big[4]), 0x70);
}

TEST(GrpcFrame, UnframeRoundTripsAndEmptyMessageIsValid) {
  EXPECT_EQ(grpc_unframe(grpc_frame("hello"), 100).message, "hello");
  const auto empty = grpc_unframe(grpc_frame(""), 100);
  EXPECT_EQ(empty.error, grpc_unframe_error::none);
  EXPECT_EQ(empty.message, "");
}

TEST(GrpcFrame, EveryMalformedBodyIsNamed) {
  EXPECT_EQ(grpc_unframe("", 100).error, grpc_unframe_error::short_body);
  EXPECT_EQ(grpc_unframe(std::string("\0\0\0", 3), 100).error, grpc_unframe_error::short_body);
  EXPECT_EQ(grpc_unframe(grpc_frame("hello").substr(0, 7), 100).error, grpc_unframe_error::short_body);
  EXPECT_EQ(grpc_unframe(grpc_frame("hello") + "x", 100).error, grpc_unframe_error::extra_bytes);
  EXPECT_EQ(grpc_unframe(grpc_frame("hello"), 4).error, grpc_unframe_error::too_large);
  std::string compressed = grpc_frame("hello");
  compressed[0] = 1;
  EXPECT_EQ(grpc_unframe(compressed, 100).error, grpc_unframe_error::compressed);
  compressed[0] = 7;
  EXPECT_EQ(grpc_unframe(compressed, 100).error, grpc_unframe_error::bad_flag);
  EXPECT_EQ(grpc_unframe_text(grpc_unframe_error::short_body), "gRPC message cut short");
}

TEST(GrpcNames, StatusAndHealth) {
  EXPECT_EQ(grpc_status_name(0), "OK");
  EXPECT_EQ(grpc_status_name(5), "NOT_FOUND");
  EXPECT_EQ(grpc_status_name(14), "UNAVAILABLE");
  EXPECT_EQ(grpc_status_name(16), "UNAUTHENTICATED");
  EXPECT_EQ(grpc_status_name(42), "CODE(42)");
  EXPECT_EQ(grpc_health_name(1), "SERVING");
  EXPECT_EQ(grpc_health_name(2), "NOT_SERVING");
  EXPECT_EQ(grpc_health_name(3), "SERVICE_UNKNOWN");
  EXPECT_EQ(grpc_health_name(0), "UNKNOWN");
  EXPECT_EQ(parse_grpc_status("14"), 14);
  EXPECT_FALSE(parse_grpc_status(""));
  EXPECT_FALSE(parse_grpc_status("1x"));
}

TEST(GrpcTimeout, ParseAndFormat) {
  EXPECT_EQ(parse_grpc_timeout("3S"), 3 * ns_per_s);
  EXPECT_EQ(parse_grpc_timeout("250m"), 250'000'000);
  EXPECT_EQ(parse_grpc_timeout("1H"), 3600 * ns_per_s);
  EXPECT_EQ(parse_grpc_timeout("7n"), 7);
  EXPECT_FALSE(parse_grpc_timeout("123456789S"));  // 9 digits
  EXPECT_FALSE(parse_grpc_timeout("3s"));          // no such unit
  EXPECT_FALSE(parse_grpc_timeout("S"));
  EXPECT_EQ(format_grpc_timeout(3 * ns_per_s), "3000000u");
  EXPECT_EQ(format_grpc_timeout(250), "250n");
  EXPECT_EQ(format_grpc_timeout(240 * ns_per_s), "240000m");
  EXPECT_EQ(parse_grpc_timeout(format_grpc_timeout(1'234'567'891)), 1'234'568'000);  // rounded up, never shorter
}

TEST(GrpcMessages, PingRoundTripsEveryField) {
  const ping_message m{7, 1795946382712185000, "payload bytes", 100'000'000};
  const auto back = decode_ping(encode_ping(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 7);
  EXPECT_EQ(back->ts, 1795946382712185000);
  EXPECT_EQ(back->payload, "payload bytes");
  EXPECT_EQ(back->delay_nanos, 100'000'000);
  // Field numbers are the contract with Fortio: seq=1 is tag 0x08, payload=3 is 0x1a.
  const std::string wire = encode_ping({1, 0, "x", 0});
  EXPECT_EQ(wire, std::string("\x08\x01\x1a\x01x", 5));
  EXPECT_FALSE(decode_ping("\xff\xff\xff"));
}

TEST(GrpcMessages, HealthRequestAndResponse) {
  EXPECT_EQ(decode_health_request(encode_health_request("ping")), "ping");
  EXPECT_EQ(decode_health_request(encode_health_request("")), "");
  EXPECT_EQ(decode_health_response(encode_health_response(1)), 1);
  EXPECT_EQ(decode_health_response(encode_health_response(2)), 2);
  EXPECT_EQ(encode_health_response(1), std::string("\x08\x01", 2));
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

TEST(GrpcOutcome, CodesAndNames) {
  EXPECT_EQ(grpc_call_code(0, 1), status_grpc_serving);
  EXPECT_TRUE(is_ok_status(status_grpc_serving));
  EXPECT_EQ(grpc_code_name(grpc_call_code(0, 2)), "NOT_SERVING");
  EXPECT_FALSE(is_ok_status(grpc_call_code(0, 2)));
  EXPECT_EQ(grpc_code_name(grpc_call_code(0, 0)), "UNKNOWN");
  EXPECT_EQ(grpc_call_code(14, 0), status_grpc_unavailable);
  EXPECT_EQ(grpc_code_name(status_grpc_unavailable), "UNAVAILABLE");
  EXPECT_EQ(grpc_code_name(grpc_call_code(5, 0)), "NOT_FOUND");
  EXPECT_EQ(grpc_code_name(status_transport_error), "ERROR");
}

TEST(GrpcOutcome, PayloadMadeValidUtf8AsFortioDoes) {
  std::size_t padded = 99;
  EXPECT_EQ(valid_utf8_payload("plain ascii", &padded), "plain ascii");
  EXPECT_EQ(padded, 0u);
  EXPECT_EQ(valid_utf8_payload("caf\xc3\xa9", &padded), "caf\xc3\xa9");  // é stays
  EXPECT_EQ(valid_utf8_payload("a\xff\xfe" "b", &padded), "abXX");
  EXPECT_EQ(padded, 2u);
  EXPECT_EQ(valid_utf8_payload("\xc0\xaf"), "XX");           // overlong '/'
  EXPECT_EQ(valid_utf8_payload("\xed\xa0\x80"), "XXX");      // a surrogate
  EXPECT_EQ(valid_utf8_payload("\xe2\x82"), "XX");           // cut short
}

TEST(GrpcAnswer, JudgedFromStatusTrailersAndMessage) {
  std::string why;
  const std::string serving = grpc_frame(encode_health_response(1));
  EXPECT_EQ(judge_grpc_answer(200, 0, serving, true, &why), status_grpc_serving);
  EXPECT_EQ(judge_grpc_answer(200, 0, grpc_frame(encode_health_response(2)), true, &why), grpc_call_code(0, 2));
  EXPECT_EQ(judge_grpc_answer(200, 0, grpc_frame(encode_ping({1, 2, "p", 0})), false, &why), status_grpc_serving);
  EXPECT_TRUE(why.empty());
  EXPECT_EQ(judge_grpc_answer(200, 14, "", false, &why), status_grpc_unavailable);  // trailers-only error
  EXPECT_EQ(judge_grpc_answer(200, std::nullopt, serving, true, &why), grpc_call_code(13, 0));
  EXPECT_EQ(why, "no grpc-status: the answer has no trailers");
  EXPECT_EQ(judge_grpc_answer(503, std::nullopt, "", true, &why), status_grpc_unavailable);
  EXPECT_EQ(why, "HTTP status 503 without grpc-status");
  EXPECT_EQ(judge_grpc_answer(404, std::nullopt, "", true, &why), grpc_call_code(12, 0));
  EXPECT_EQ(judge_grpc_answer(200, 0, serving.substr(0, 6), true, &why), grpc_call_code(13, 0));
  EXPECT_EQ(why, "gRPC message cut short");
  EXPECT_EQ(judge_grpc_answer(200, 0, grpc_frame("\xff\xff"), false, &why), grpc_call_code(13, 0));
  EXPECT_EQ(why, "cannot decode the PingMessage");
}

TEST(GrpcRequest, HeadersMetadataAndFramedBody) {
  grpc_call_spec spec;
  spec.ping = true;
  spec.payload = "hi";
  spec.delay_nanos = 5;
  const h2_request r = grpc_request(spec, "http", "h:8079", "loadgen/x", {{"X-Tenant", "a"}, {"Host", "ignored"}, {"Connection", "close"}});
  using hv = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.headers, (hv{{":method", "POST"}, {":scheme", "http"}, {":authority", "h:8079"}, {":path", "/fgrpc.PingServer/Ping"},
                           {"content-type", "application/grpc"}, {"te", "trailers"}, {"x-tenant", "a"}, {"user-agent", "loadgen/x"}}));
  const auto m = decode_ping(grpc_unframe(r.body, 100).message);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->payload, "hi");
  EXPECT_EQ(m->delay_nanos, 5);
  spec.timeout = 3 * ns_per_s;
  const h2_request timed = grpc_request(spec, "http", "h:8079", "ua", {});
  EXPECT_EQ(timed.headers[6], (std::pair<std::string, std::string>{"grpc-timeout", "3000000u"}));
  spec.timeout = 0;
  spec.ping = false;
  spec.health_service = "svc";
  const h2_request h = grpc_request(spec, "https", "h:443", "ua", {{"User-Agent", "mine"}});
  EXPECT_EQ(h.headers[3].second, "/grpc.health.v1.Health/Check");
  EXPECT_EQ(h.headers.back(), (std::pair<std::string, std::string>{"user-agent", "mine"}));
  EXPECT_EQ(decode_health_request(grpc_unframe(h.body, 100).message), "svc");
}

}  // namespace
}  // namespace loadgen

#include "loadgen/report/histogram_export.hpp"
#include "loadgen/report/report_text.hpp"

namespace loadgen {
namespace {

TEST(GrpcPing, RoundArithmeticIsFortios) {
  // Client clock 1000, 1300, 1500; the server saw the pings at 1140 and 1390 on its clock.
  const auto r = make_grpc_ping_round(1000, 1300, 1500, 1140, 1390);
  EXPECT_EQ(r.rtt_first, 300);
  EXPECT_EQ(r.rtt_second, 200);
  EXPECT_EQ(r.rtt_server, 250);
  EXPECT_EQ(r.skew, 1140 + 125 - 1300);  // the server's midpoint minus the client's
  EXPECT_EQ(r.rtt_avg(), 250);
}

// ../shared/reference/fortio-samples/round2/grpcping-n3.*: Fortio's own stderr gives the nine
// round-trip times and three skews (ns); its stdout is these two blocks, byte for byte.
TEST(GrpcPing, HistogramsMatchFortiosSample) {
  const std::vector<double> skew{16.564, 23.5, -32.533};
  const std::vector<double> rtt{344.722, 214.691, 220.070, 246.990, 227.962, 242.884, 281.256, 245.718, 168.853};
  EXPECT_EQ(format_histogram("Clock skew histogram usec", export_fortio_values(skew, 2, -10, {50})),
            "Clock skew histogram usec : count 3 avg 2.5103333 +/- 24.94 min -32.533 max 23.5 sum 7.531\n"
            "# range, mid point, percentile, count\n"
            ">= -32.533 <= -10 , -21.2665 , 33.33, 1\n"
            "> 14 <= 18 , 16 , 66.67, 1\n"
            "> 22 <= 23.5 , 22.75 , 100.00, 1\n"
            "# target 50% 16\n");
  EXPECT_EQ(format_histogram("RTT histogram usec", export_fortio_values(rtt, 10, 0, {50})),
            "RTT histogram usec : count 9 avg 243.68289 +/- 45.8 min 168.853 max 344.722 sum 2193.146\n"
            "# range, mid point, percentile, count\n"
            ">= 168.853 <= 180 , 174.427 , 11.11, 1\n"
            "> 200 <= 250 , 225 , 77.78, 6\n"
            "> 250 <= 300 , 275 , 88.89, 1\n"
            "> 300 <= 344.722 , 322.361 , 100.00, 1\n"
            "# target 50% 229.167\n");
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

TEST(GrpcGzip, FramedCompressedRoundTripsAndBadDataIsNamed) {
  const std::string message(5000, 'a');
  const std::string framed = grpc_frame_gzip(message);
  EXPECT_EQ(framed[0], 1);
  EXPECT_LT(framed.size(), 200u);
  EXPECT_EQ(grpc_unframe(framed, 1 << 20).error, grpc_unframe_error::compressed);  // no grpc-encoding: refused
  const auto u = grpc_unframe(framed, 1 << 20, true);
  ASSERT_EQ(u.error, grpc_unframe_error::none);
  EXPECT_TRUE(u.compressed);
  EXPECT_EQ(gzip_inflate(u.message, 1 << 20), message);
  EXPECT_FALSE(gzip_inflate(u.message, 100));            // inflates beyond the limit
  EXPECT_FALSE(gzip_inflate("not gzip at all", 1 << 20));
  EXPECT_FALSE(gzip_inflate(std::string(u.message.substr(0, 10)), 1 << 20));  // cut short
  // An answer in gzip is judged as any other.
  std::string why;
  EXPECT_EQ(judge_grpc_answer(200, 0, grpc_frame_gzip(encode_health_response(1)), true, &why, true), status_grpc_serving);
  EXPECT_EQ(judge_grpc_answer(200, 0, grpc_frame_gzip(encode_health_response(1)), true, &why, false), grpc_call_code(13, 0));
  EXPECT_EQ(why, "compressed gRPC message without a known grpc-encoding");
}

}  // namespace
}  // namespace loadgen
