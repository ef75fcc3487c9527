// The gRPC port's answers without sockets: ping echo with the receive time and the capped
// delay, health by service name, and every malformed call named.
#include <gtest/gtest.h>

#include "grpc_handler.hpp"
#include "loadgen/wire/grpc_messages.hpp"
#include "loadgen/wire/grpc_rules.hpp"
#include "loadgen/wire/gzip.hpp"

namespace loadgen {
namespace {

constexpr nanos now = 1'800'000'000'000'000'000;
constexpr std::size_t limit = 4 << 20;

grpc_answer call(std::string_view path, const std::string& message, nanos max_delay = ns_per_s) {
  return answer_grpc(path, grpc_frame(message), now, max_delay, limit, "ping");
}

TEST(GrpcHandler, PingEchoesWithReceiveTimeAndDelay) {
  const auto a = call(grpc_ping_path, encode_ping({3, 111, "hello", 200'000'000}));
  ASSERT_EQ(a.status, grpc_code::ok);
  EXPECT_EQ(a.delay, 200'000'000);
  const auto back = decode_ping(grpc_unframe(a.body, limit).message);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 3);
  EXPECT_EQ(back->ts, now);
  EXPECT_EQ(back->payload, "hello");
  EXPECT_EQ(back->delay_nanos, 200'000'000);
}

TEST(GrpcHandler, PingDelayIsCappedAndNeverNegative) {
  EXPECT_EQ(call(grpc_ping_path, encode_ping({0, 0, "", 5 * ns_per_s}), 2 * ns_per_s).delay, 2 * ns_per_s);
  EXPECT_EQ(call(grpc_ping_path, encode_ping({0, 0, "", -5})).delay, 0);
}

TEST(GrpcHandler, HealthByServiceName) {
  const auto serving = call(grpc_health_path, encode_health_request(""));
  ASSERT_EQ(serving.status, grpc_code::ok);
  EXPECT_EQ(decode_health_response(grpc_unframe(serving.body, limit).message), 1);
  EXPECT_EQ(decode_health_response(grpc_unframe(call(grpc_health_path, encode_health_request("ping")).body, limit).message), 1);
  EXPECT_EQ(decode_health_response(grpc_unframe(call(grpc_health_path, encode_health_request("ping_down")).body, limit).message), 2);
  const auto unknown = call(grpc_health_path, encode_health_request("nope"));
  EXPECT_EQ(unknown.status, grpc_code::not_found);
  EXPECT_EQ(unknown.message, "unknown service");
  EXPECT_TRUE(unknown.body.empty());
  // -healthservice NAME on the server.
  const auto named = answer_grpc(grpc_health_path, grpc_frame(encode_health_request("svc")), now, 0, limit, "svc");
  EXPECT_EQ(named.status, grpc_code::ok);
}

TEST(GrpcHandler, BadCallsAreNamedStatuses) {
  EXPECT_EQ(call("/other.Service/Method", "").status, grpc_code::unimplemented);
  EXPECT_EQ(answer_grpc(grpc_ping_path, "\0\0", now, 0, limit, "ping").status, grpc_code::internal);
  EXPECT_EQ(answer_grpc(grpc_ping_path, grpc_frame(std::string(100, 'x')), now, 0, 10, "ping").status,
            grpc_code::resource_exhausted);
  const auto garbage = call(grpc_ping_path, "\xff\xff\xff\xff");
  EXPECT_EQ(garbage.status, grpc_code::internal);
  EXPECT_EQ(garbage.message, "cannot decode the fgrpc.PingMessage");
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

TEST(GrpcHandler, GzipCallsGetGzipAnswers) {
  const auto a = answer_grpc(grpc_ping_path, grpc_frame_gzip(encode_ping({1, 0, "zipped", 0})), now, 0, limit, "ping", true);
  ASSERT_EQ(a.status, grpc_code::ok) << a.message;
  EXPECT_TRUE(a.gzip);
  const auto u = grpc_unframe(a.body, limit, true);
  ASSERT_TRUE(u.compressed);
  EXPECT_EQ(decode_ping(*gzip_inflate(u.message, limit))->payload, "zipped");
  // Compressed without grpc-encoding, or not gzip inside: INTERNAL, named.
  EXPECT_EQ(answer_grpc(grpc_ping_path, grpc_frame_gzip("x"), now, 0, limit, "ping", false).status, grpc_code::internal);
  std::string fake = grpc_frame("not gzip");
  fake[0] = 1;
  const auto bad = answer_grpc(grpc_ping_path, fake, now, 0, limit, "ping", true);
  EXPECT_EQ(bad.status, grpc_code::internal);
  EXPECT_EQ(bad.message, "the gzip message does not inflate (or is over the size limit)");
}

}  // namespace
}  // namespace loadgen
