// The echo server's pure HTTP/2 rules: prior knowledge or HTTP/1.1 from the first bytes, the
// h2c Upgrade request and its SETTINGS payload, which answer headers HTTP/2 carries.
#include <gtest/gtest.h>

#include "loadgen/wire/h2_server_rules.hpp"

namespace loadgen {
namespace {

TEST(H2Preface, WholePrefaceIsH2) {
  EXPECT_EQ(match_h2_preface(h2_client_preface), h2_preface_match::h2);
  EXPECT_EQ(match_h2_preface(std::string(h2_client_preface) + "\x00\x00\x12\x04"), h2_preface_match::h2);
}

TEST(H2Preface, AStrictPrefixWaitsForMore) {
  EXPECT_EQ(match_h2_preface(""), h2_preface_match::undecided);
  EXPECT_EQ(match_h2_preface("P"), h2_preface_match::undecided);
  EXPECT_EQ(match_h2_preface("PRI * HTTP/2.0\r\n"), h2_preface_match::undecided);
}

TEST(H2Preface, AnythingElseIsHttp1) {
  EXPECT_EQ(match_h2_preface("GET / HTTP/1.1\r\n"), h2_preface_match::http1);
  EXPECT_EQ(match_h2_preface("POST /"), h2_preface_match::http1);
  EXPECT_EQ(match_h2_preface("PRI * HTTP/1.1\r\n\r\n"), h2_preface_match::http1);
  EXPECT_EQ(match_h2_preface("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"), h2_preface_match::http1);
}

TEST(H2cUpgrade, CurlsSettingsDecode) {
  // curl 7.88's HTTP2-Settings: MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 33554432, ENABLE_PUSH 0.
  const auto s = h2c_upgrade_settings("h2c", std::string_view("AAMAAABkAAQCAAAAAAIAAAAA"));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>((*s)[1]), 3);  // SETTINGS_MAX_CONCURRENT_STREAMS
  EXPECT_EQ(static_cast<unsigned char>((*s)[5]), 100);
  EXPECT_EQ(static_cast<unsigned char>((*s)[7]), 4);  // SETTINGS_INITIAL_WINDOW_SIZE
}

TEST(H2cUpgrade, TokenAmongOthersAnyCaseAndEmptySettings) {
  EXPECT_TRUE(h2c_upgrade_settings("websocket, H2C", std::string_view("")));
  EXPECT_EQ(h2c_upgrade_settings(" h2c ", std::string_view(""))->size(), 0u);
}

TEST(H2cUpgrade, NotAskedOrBadSettingsIsNoUpgrade) {
  EXPECT_FALSE(h2c_upgrade_settings("websocket", std::string_view("")));
  EXPECT_FALSE(h2c_upgrade_settings("h2", std::string_view("")));          // h2 is TLS-only (ALPN)
  EXPECT_FALSE(h2c_upgrade_settings("h2c", std::nullopt));                 // no HTTP2-Settings header
  EXPECT_FALSE(h2c_upgrade_settings("h2c", std::string_view("AAM*AABk")));  // not base64url
  EXPECT_FALSE(h2c_upgrade_settings("h2c", std::string_view("AAMA")));      // 3 bytes: not whole entries
  EXPECT_FALSE(h2c_upgrade_settings("h2c", std::string_view("A")));         // not a length base64 makes
}

TEST(H2AnswerHeaders, ConnectionSpecificAndLengthStayOut) {
  for (const char* n : {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length", "", ":status"})
    EXPECT_FALSE(h2_answer_header_allowed(n)) << n;
  for (const char* n : {"x-envoy-overloaded", "content-type", "date", "x-custom"}) EXPECT_TRUE(h2_answer_header_allowed(n)) << n;
}

TEST(HeaderNames, Lower) {
  EXPECT_EQ(lower_header_name("X-Envoy-Overloaded"), "x-envoy-overloaded");
}

}  // namespace
}  // namespace loadgen
