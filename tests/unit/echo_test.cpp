#include "loadgen/core/echo.hpp"

#include <string>

#include <gtest/gtest.h>

#include "loadgen/core/error.hpp"
#include "loadgen/core/options.hpp"

namespace loadgen {
namespace {

TEST(EchoPayload, FortiosGeneratedTwentyFourBytes) {
  std::string p;
  default_echo_payload(0, 1, p);
  EXPECT_EQ(p, "Fortio\n0000\n000000000001");
  EXPECT_EQ(p.size(), default_echo_payload_size);
  default_echo_payload(12, 345678, p);  // the buffer is reused
  EXPECT_EQ(p, "Fortio\n0012\n000000345678");
  EXPECT_EQ(p.size(), default_echo_payload_size);
  default_echo_payload(9999, 999999999999, p);
  EXPECT_EQ(p, "Fortio\n9999\n999999999999");
}

TEST(EchoJudge, EqualShortDifferentLonger) {
  EXPECT_EQ(judge_echo("hello", "hello"), transport_error::none);
  EXPECT_EQ(judge_echo("hello", "hell"), transport_error::closed);  // short read
  EXPECT_EQ(judge_echo("hello", ""), transport_error::closed);
  EXPECT_EQ(judge_echo("hello", "hellO"), transport_error::bad_response);  // not echoing writes
  EXPECT_EQ(judge_echo("hello", "hello!"), transport_error::bad_response);  // a longer datagram
}

TEST(EchoRetCode, FortiosNames) {
  const std::string peer = "127.0.0.1:8078";
  EXPECT_EQ(echo_ret_code("tcp", status_echo_ok, transport_error::none, peer), "OK");
  EXPECT_EQ(echo_ret_code("tcp", -1, transport_error::closed, peer), "short read");
  EXPECT_EQ(echo_ret_code("udp", -1, transport_error::reset, peer), "short read");
  EXPECT_EQ(echo_ret_code("tcp", -1, transport_error::bad_response, peer), "read not echoing writes");
  EXPECT_EQ(echo_ret_code("tcp", -1, transport_error::refused, "127.0.0.1:1"),
            "dial tcp 127.0.0.1:1: connect: connection refused");
  EXPECT_EQ(echo_ret_code("tcp", -1, transport_error::timeout, peer), "read tcp 127.0.0.1:8078: i/o timeout");
  EXPECT_EQ(echo_ret_code("udp", -1, transport_error::timeout, peer), "timeout");
  EXPECT_EQ(echo_ret_code("tcp", -1, transport_error::connect_timeout, peer), "dial tcp 127.0.0.1:8078: i/o timeout");
}

// Reset and closed early are one key; keys come out in Go's sort.Strings order ("OK" < "read..."
// < "short read": upper case first).
TEST(EchoRetCode, RunTotalsByKey) {
  run_stats s;
  call_record ok;
  ok.status = status_echo_ok;
  for (int i = 0; i < 5; ++i) s.record(ok);
  call_record bad;
  bad.status = status_transport_error;
  bad.error = transport_error::closed;
  s.record(bad);
  bad.error = transport_error::reset;
  s.record(bad);
  bad.error = transport_error::bad_response;
  s.record(bad);
  const auto codes = echo_ret_codes(s, "tcp", "127.0.0.1:8078");
  ASSERT_EQ(codes.size(), 3u);
  auto it = codes.begin();
  EXPECT_EQ(it->first, "OK");
  EXPECT_EQ(it->second, 5);
  ++it;
  EXPECT_EQ(it->first, "read not echoing writes");
  EXPECT_EQ(it->second, 1);
  ++it;
  EXPECT_EQ(it->first, "short read");
  EXPECT_EQ(it->second, 2);
  EXPECT_EQ(s.ok_calls(), 5);  // the one OK rule holds for echo calls
  EXPECT_EQ(s.errors.count(), 3);
}

TEST(EchoBytes, RecordedAndMerged) {
  run_stats a, b;
  a.record_bytes(24, 24);
  b.record_bytes(24, 0);
  b.record_bytes(0, 12);
  a.merge(b);
  EXPECT_EQ(a.bytes_sent, 48);
  EXPECT_EQ(a.bytes_received, 36);
}

// validate(): a udp:// call times out after -udp-timeout; echo warmups never abort the run.
TEST(EchoOptions, UdpTimeoutAndWarmup) {
  run_options o;
  o.url_text = "udp://127.0.0.1:8078";
  o.timeout = 3 * ns_per_s;
  o.udp_timeout = 200 * ns_per_ms;
  validate(o);
  EXPECT_EQ(o.timeout, 200 * ns_per_ms);
  EXPECT_TRUE(o.allow_initial_errors);

  run_options t;
  t.url_text = "tcp://127.0.0.1:8078";
  t.timeout = 2 * ns_per_s;
  validate(t);
  EXPECT_EQ(t.timeout, 2 * ns_per_s);  // tcp keeps -timeout, as Fortio
  EXPECT_TRUE(t.allow_initial_errors);

  run_options h;
  h.url_text = "http://127.0.0.1:8080/";
  validate(h);
  EXPECT_FALSE(h.allow_initial_errors);
}

TEST(EchoOptions, UdpLimits) {
  run_options big;
  big.url_text = "udp://h:1";
  big.payload.assign(max_udp_payload + 1, 'x');
  big.has_payload = true;
  try {
    validate(big);
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_bad_flags);
    EXPECT_STREQ(e.what(), "a 65508 byte payload does not fit in one UDP datagram (at most 65507)");
  }
  run_options unix_udp;
  unix_udp.url_text = "udp://h:1";
  unix_udp.unix_socket = "/tmp/x.sock";
  EXPECT_THROW(validate(unix_udp), error);
  run_options zero;
  zero.url_text = "udp://h:1";
  zero.udp_timeout = 0;
  EXPECT_THROW(validate(zero), error);
}

}  // namespace
// Reading Fortio's keys back (saved results) is echo_ret_code the other way: every key it writes
// names its kind again (reset and closed are both "short read") and its peer.
TEST(echo_ret_code, read_back_gives_the_kind_and_the_peer) {
  for (const std::string scheme : {"tcp", "udp"}) {
    for (const transport_error kind : {transport_error::closed, transport_error::reset, transport_error::bad_response,
                                       transport_error::timeout, transport_error::refused, transport_error::connect_timeout,
                                       transport_error::connect_failed, transport_error::write_failed}) {
      const std::string key = echo_ret_code(scheme, status_transport_error, kind, "10.0.0.7:8078");
      const transport_error back = kind == transport_error::reset ? transport_error::closed : kind;
      EXPECT_EQ(echo_error_of_ret_code(key), back) << key;
      if (key.find("10.0.0.7:8078") != std::string::npos) {
        EXPECT_EQ(echo_peer_of_ret_code(key), "10.0.0.7:8078") << key;
      }
    }
  }
  EXPECT_EQ(echo_peer_of_ret_code("read tcp 10.0.0.9:41234->10.0.0.7:8078: i/o timeout"), "10.0.0.7:8078");
  EXPECT_EQ(echo_error_of_ret_code("something Go said"), transport_error::none);
  EXPECT_EQ(echo_peer_of_ret_code("short read"), "");
}

}  // namespace loadgen
