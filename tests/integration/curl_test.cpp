// `loadgen curl` against a real `loadgen server`: streams, exit codes, one-line failures.
#include <gtest/gtest.h>

#include "process.hpp"

namespace loadgen::test {
namespace {

class curl_test : public with_shared_server<curl_test> {};

TEST_F(curl_test, headers_on_stderr_body_on_stdout) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", url("/echo?header=X-Demo:1")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("X-Demo: 1\r\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(curl_test, post_body_is_echoed_to_stdout) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-payload", "hello loadgen", url("/echo")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello loadgen");
}

// Fortio's curl -stream: the body is standard input (a POST), echoed back by the server.
TEST_F(curl_test, stream_sends_standard_input_as_the_body) {
  const std::string body = "line one\nline two\n" + std::string(70000, 'x');  // past one read buffer
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-stream", url("/echo")}, std::chrono::seconds(30), body);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, body);
  EXPECT_NE(r.err.find("Content-Length: 70018"), std::string::npos) << r.err;
}

TEST_F(curl_test, stream_on_load_is_curls_and_ignored_with_a_warning) {
  const auto r = run({loadgen_binary(), "load", "-stream", "-n", "2", "-c", "1", "-qps", "0", url("/echo")},
                     std::chrono::seconds(30), "not read");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("-stream is for curl (and load -curl): ignored"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 2 (100.0 %)"), std::string::npos) << r.err;
}

TEST_F(curl_test, non_2xx_exits_1_with_one_line) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", url("/echo?status=503")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("HTTP/1.1 503", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("loadgen curl: error status 503\n"), std::string::npos) << r.err;
}

TEST_F(curl_test, any_2xx_is_success) {
  // Fortio's curl fails on anything but 200; a 201 or 204 is a success here.
  const auto r = run({loadgen_binary(), "curl", "-quiet", url("/echo?status=201")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(curl_test, refused_is_one_line_and_exit_1) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "http://127.0.0.1:1/"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines_starting(r.err, ""), 1) << r.err;
  EXPECT_NE(r.err.find("cannot connect to 127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(curl_test, timeout_is_one_line_and_exit_1) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-timeout", "200ms", url("/echo?delay=1s")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("within the -timeout"), std::string::npos) << r.err;
}

TEST_F(curl_test, missing_scheme_is_assumed_http) {
  const std::string bare = "127.0.0.1:" + std::to_string(port_) + "/echo";
  const auto r = run({loadgen_binary(), "curl", bare});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Assuming http:// on missing scheme"), std::string::npos) << r.err;
  const auto quiet = run({loadgen_binary(), "curl", "-quiet", bare});
  EXPECT_EQ(quiet.err.find("Assuming"), std::string::npos) << quiet.err;
}

}  // namespace
}  // namespace loadgen::test

namespace loadgen::test {
namespace {

TEST_F(curl_test, follows_redirects_with_L_showing_each_hop) {
  const std::string redirect = url("/echo?status=302&header=Location:/echo%3Fstatus%3D201%26header%3DX-Final:yes");
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-L", redirect});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("HTTP/1.1 302 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HTTP/1.1 201 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("X-Final: yes"), std::string::npos) << r.err;
  const auto no_follow = run({loadgen_binary(), "curl", "-quiet", redirect});
  EXPECT_EQ(no_follow.exit_code, 1);
  EXPECT_NE(no_follow.err.find("error status 302"), std::string::npos) << no_follow.err;
}

TEST_F(curl_test, load_with_L_counts_the_final_status) {
  const std::string redirect = url("/echo?status=301&header=Location:/echo%3Fstatus%3D201");
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "2", "-n", "10", "-L", "-loglevel", "Warning", redirect});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 201 : 10 (100.0 %)"), std::string::npos) << r.err;
  const auto plain = run({loadgen_binary(), "load", "-qps", "0", "-c", "2", "-n", "10", "-loglevel", "Warning", redirect});
  EXPECT_NE(plain.err.find("Code 301 : 10 (100.0 %)"), std::string::npos) << plain.err;
}

}  // namespace
}  // namespace loadgen::test
