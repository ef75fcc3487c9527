#include "loadgen/core/url.hpp"

#include <string>

#include <gtest/gtest.h>

#include "loadgen/core/error.hpp"

namespace loadgen {
namespace {

// The message of the loadgen::error that parse_url throws (and checks the exit code is 1).
std::string error_of(std::string_view text) {
  try {
    parse_url(text);
  } catch (const error& e) {
    EXPECT_EQ(e.exit_code(), exit_run_failed) << text;
    return e.what();
  }
  ADD_FAILURE() << "no error for \"" << text << '"';
  return {};
}

TEST(ParseUrl, PlainHttp) {
  bool assumed = true;
  const url u = parse_url("http://127.0.0.1:18080/echo?status=503:25", &assumed);
  EXPECT_FALSE(assumed);
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 18080);
  EXPECT_TRUE(u.explicit_port);
  EXPECT_EQ(u.target, "/echo?status=503:25");
  EXPECT_EQ(u.userinfo, "");
  EXPECT_FALSE(u.is_https());
  EXPECT_FALSE(u.host_is_ipv6());
  EXPECT_EQ(u.host_header(), "127.0.0.1:18080");
  EXPECT_EQ(u.authority(), "127.0.0.1:18080");
  EXPECT_EQ(u.to_string(), "http://127.0.0.1:18080/echo?status=503:25");
}

TEST(ParseUrl, DefaultPortsAndTarget) {
  const url a = parse_url("http://example.com");
  EXPECT_EQ(a.port, 80);
  EXPECT_FALSE(a.explicit_port);
  EXPECT_EQ(a.target, "/");
  EXPECT_EQ(a.host_header(), "example.com");
  EXPECT_EQ(a.authority(), "example.com:80");
  EXPECT_EQ(a.to_string(), "http://example.com/");

  const url b = parse_url("https://example.com?x=1");
  EXPECT_TRUE(b.is_https());
  EXPECT_EQ(b.port, 443);
  EXPECT_EQ(b.target, "/?x=1");
  EXPECT_EQ(b.to_string(), "https://example.com/?x=1");

  // An explicit default port is kept: Go sends it in the Host header too.
  const url c = parse_url("http://h:80/");
  EXPECT_TRUE(c.explicit_port);
  EXPECT_EQ(c.host_header(), "h:80");

  // An empty port (RFC 3986 allows it) means the scheme's default.
  const url d = parse_url("https://h:/x");
  EXPECT_EQ(d.port, 443);
  EXPECT_FALSE(d.explicit_port);
  EXPECT_EQ(d.to_string(), "https://h/x");
}

TEST(ParseUrl, LowerCasesSchemeAndHostOnly) {
  const url u = parse_url("HTTPS://Example.COM:8443/Path/To?Q=A#Frag");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/Path/To?Q=A");
  EXPECT_EQ(u.to_string(), "https://example.com:8443/Path/To?Q=A");
}

TEST(ParseUrl, MissingSchemeAssumesHttp) {
  bool assumed = false;
  const url u = parse_url("localhost:8080/x", &assumed);
  EXPECT_TRUE(assumed);
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/x");

  assumed = false;
  const url v = parse_url("example.com", &assumed);
  EXPECT_TRUE(assumed);
  EXPECT_EQ(v.to_string(), "http://example.com/");

  EXPECT_NO_THROW(parse_url("example.com"));  // the out-parameter is optional
}

TEST(ParseUrl, FragmentStrippedQueryKept) {
  EXPECT_EQ(parse_url("http://h/a#b").target, "/a");
  EXPECT_EQ(parse_url("http://h#b").target, "/");
  EXPECT_EQ(parse_url("http://h/?a=1&b=%20#x?y").target, "/?a=1&b=%20");
  EXPECT_EQ(parse_url("http://h/p?").target, "/p?");
  EXPECT_EQ(parse_url("http://h/{uuid}?id={uuid}").target, "/{uuid}?id={uuid}");
  EXPECT_EQ(parse_url("http://h//double").target, "//double");
  EXPECT_EQ(parse_url("http://h/a@b").userinfo, "");  // '@' in the path is not user info
}

TEST(ParseUrl, Ipv6Literals) {
  const url u = parse_url("http://[::1]:8080/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_TRUE(u.host_is_ipv6());
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.host_header(), "[::1]:8080");
  EXPECT_EQ(u.authority(), "[::1]:8080");
  EXPECT_EQ(u.to_string(), "http://[::1]:8080/x");

  const url v = parse_url("https://[2001:DB8::A]");
  EXPECT_EQ(v.host, "2001:db8::a");
  EXPECT_EQ(v.port, 443);
  EXPECT_EQ(v.host_header(), "[2001:db8::a]");
  EXPECT_EQ(v.authority(), "[2001:db8::a]:443");

  EXPECT_EQ(parse_url("http://[::ffff:127.0.0.1]/").host, "::ffff:127.0.0.1");
}

TEST(ParseUrl, UserInfoIsDecodedAndNeverPrinted) {
  const url u = parse_url("http://us%65r:p%40ss:w@h:81/x");
  EXPECT_EQ(u.userinfo, "user:p@ss:w");
  EXPECT_EQ(u.host, "h");
  EXPECT_EQ(u.port, 81);
  EXPECT_EQ(u.to_string(), "http://h:81/x");
  EXPECT_EQ(u.host_header(), "h:81");
  EXPECT_EQ(parse_url("http://a:b@c@h/").userinfo, "a:b@c");  // the last '@' ends it
  EXPECT_EQ(parse_url("http://@h/").userinfo, "");

  // Messages show "***" instead of the user info.
  const std::string m = error_of("http://user:secret@h:0/");
  EXPECT_EQ(m.find("secret"), std::string::npos) << m;
  EXPECT_EQ(m, "invalid port \"0\" in URL \"http://***@h:0/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://a:%zz@h/"),
            "invalid percent-encoding in the user info in URL \"http://***@h/\"");
  EXPECT_EQ(error_of("http://a:%4@h/"), "invalid percent-encoding in the user info in URL \"http://***@h/\"");
}

TEST(ParseUrl, BadPorts) {
  EXPECT_EQ(error_of("http://h:99999/"),
            "invalid port \"99999\" in URL \"http://h:99999/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:65536/"),
            "invalid port \"65536\" in URL \"http://h:65536/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:0/"), "invalid port \"0\" in URL \"http://h:0/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:8o/"), "invalid port \"8o\" in URL \"http://h:8o/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:-1/"), "invalid port \"-1\" in URL \"http://h:-1/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:+80/"), "invalid port \"+80\" in URL \"http://h:+80/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://h:000080000/"),
            "invalid port \"000080000\" in URL \"http://h:000080000/\" (must be 1..65535)");
  EXPECT_EQ(error_of("http://[::1]:x/"), "invalid port \"x\" in URL \"http://[::1]:x/\" (must be 1..65535)");
  EXPECT_EQ(parse_url("http://h:65535/").port, 65535);
  EXPECT_EQ(parse_url("http://h:1/").port, 1);
  EXPECT_EQ(parse_url("http://h:00080/").port, 80);
}

TEST(ParseUrl, BadSchemes) {
  EXPECT_EQ(error_of("ftp://x/"),
            "unsupported scheme \"ftp\" in URL \"ftp://x/\" (loadgen speaks http, https, tcp and udp)");
  EXPECT_EQ(error_of("sctp://x:1"),
            "unsupported scheme \"sctp\" in URL \"sctp://x:1\" (loadgen speaks http, https, tcp and udp)");
  EXPECT_EQ(error_of("ws://x/"),
            "unsupported scheme \"ws\" in URL \"ws://x/\" (loadgen speaks http, https, tcp and udp)");
}

// Fortio's echo runners: tcp://host:port and udp://host:port, nothing else.
TEST(ParseUrl, EchoTargets) {
  const url t = parse_url("tcp://127.0.0.1:8078");
  EXPECT_EQ(t.scheme, "tcp");
  EXPECT_TRUE(t.is_echo());
  EXPECT_FALSE(t.is_https());
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 8078);
  EXPECT_EQ(t.target, "");
  EXPECT_EQ(t.to_string(), "tcp://127.0.0.1:8078");
  EXPECT_EQ(t.authority(), "127.0.0.1:8078");

  const url u = parse_url("UDP://LocalHost:9/");  // scheme and host lower-cased; Fortio's trailing "/" dropped
  EXPECT_EQ(u.scheme, "udp");
  EXPECT_TRUE(u.is_echo());
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 9);
  EXPECT_EQ(u.to_string(), "udp://localhost:9");

  const url v6 = parse_url("tcp://[::1]:8078");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.to_string(), "tcp://[::1]:8078");
  EXPECT_FALSE(parse_url("http://h/").is_echo());
}

TEST(ParseUrl, BadEchoTargets) {
  EXPECT_EQ(error_of("tcp://h"), "a tcp URL needs a port (tcp://host:port) in URL \"tcp://h\"");
  EXPECT_EQ(error_of("udp://h:/"), "a udp URL needs a port (udp://host:port) in URL \"udp://h:/\"");
  EXPECT_EQ(error_of("tcp://h:0"), "invalid port \"0\" in URL \"tcp://h:0\" (must be 1..65535)");
  EXPECT_EQ(error_of("tcp://h:70000"), "invalid port \"70000\" in URL \"tcp://h:70000\" (must be 1..65535)");
  EXPECT_EQ(error_of("tcp://h:1/x"), "a tcp URL is host:port only (unexpected \"/x\") in URL \"tcp://h:1/x\"");
  EXPECT_EQ(error_of("udp://h:1?a=b"), "a udp URL is host:port only (unexpected \"?a=b\") in URL \"udp://h:1?a=b\"");
  EXPECT_EQ(error_of("tcp://u:p@h:1"), "user info is not allowed in a tcp URL in URL \"tcp://***@h:1\"");
  EXPECT_EQ(error_of("tcp://:1"), "empty host in URL \"tcp://:1\"");
}

TEST(ResolveLocation, NeverToAnEchoTarget) {
  const url base = parse_url("http://h/a");
  EXPECT_THROW(resolve_location(base, "tcp://h:1"), error);
  EXPECT_EQ(resolve_location(base, "https://x/y").to_string(), "https://x/y");
}

TEST(ParseUrl, BadHosts) {
  EXPECT_EQ(error_of("http:///x"), "empty host in URL \"http:///x\"");
  EXPECT_EQ(error_of("http://:80/"), "empty host in URL \"http://:80/\"");
  EXPECT_EQ(error_of("http://"), "empty host in URL \"http://\"");
  EXPECT_EQ(error_of("https://user@/"), "empty host in URL \"https://***@/\"");
  EXPECT_EQ(error_of("/just/a/path"), "empty host in URL \"/just/a/path\"");
  EXPECT_EQ(error_of("http://[]/"), "invalid IPv6 address \"\" in URL \"http://[]/\"");
  EXPECT_EQ(error_of("http://[::1/"), "missing ']' after the IPv6 address in URL \"http://[::1/\"");
  EXPECT_EQ(error_of("http://[::1]x/"), "unexpected \"x\" after the IPv6 address in URL \"http://[::1]x/\"");
  EXPECT_EQ(error_of("http://[host]/"), "invalid IPv6 address \"host\" in URL \"http://[host]/\"");
  EXPECT_EQ(error_of("http://::1:80/"),
            "invalid host \"::1:80\" (IPv6 addresses need brackets: [::1]) in URL \"http://::1:80/\"");
  EXPECT_EQ(error_of("http://a<b/"), "invalid character '<' in host \"a<b\" in URL \"http://a<b/\"");
}

TEST(ParseUrl, EmptySpacesAndControlCharacters) {
  EXPECT_EQ(error_of(""), "empty URL");
  EXPECT_EQ(error_of("http://h/a b"), "invalid URL \"http://h/a b\": it contains a space");
  EXPECT_EQ(error_of(" http://h/"), "invalid URL \" http://h/\": it contains a space");
  EXPECT_EQ(error_of("http://h/\r\nX: y"),
            "invalid URL \"http://h/\\x0d\\x0aX: y\": it contains the control "
            "character 0x0d");
  EXPECT_EQ(error_of("http://h/\t"),
            "invalid URL \"http://h/\\x09\": it contains the control character 0x09");
  EXPECT_EQ(error_of("http://h/\x7f"),
            "invalid URL \"http://h/\\x7f\": it contains the control character 0x7f");
}

TEST(ParseUrl, NonAsciiIsKept) {
  const url u = parse_url("http://h/caf\xc3\xa9");
  EXPECT_EQ(u.target, "/caf\xc3\xa9");
}

}  // namespace
}  // namespace loadgen

namespace loadgen {
namespace {

TEST(resolve_location, forms) {
  const url base = parse_url("http://h:8080/a/b?q=1");
  EXPECT_EQ(resolve_location(base, "/x?y=2").to_string(), "http://h:8080/x?y=2");
  EXPECT_EQ(resolve_location(base, "c").to_string(), "http://h:8080/a/c");
  EXPECT_EQ(resolve_location(base, "?z=3").to_string(), "http://h:8080/a/b?z=3");
  EXPECT_EQ(resolve_location(base, "https://other/p").to_string(), "https://other/p");
  EXPECT_EQ(resolve_location(base, "//other:9/p").to_string(), "http://other:9/p");
  EXPECT_EQ(resolve_location(base, "/x#frag").target, "/x");
}

}  // namespace
}  // namespace loadgen
