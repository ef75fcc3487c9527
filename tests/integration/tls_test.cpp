// HTTPS against a real TLS peer: nginx from Debian with certificates made at test time by
// openssl (a CA, a good leaf, an expired one, one for the wrong host, a client certificate).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "process.hpp"

namespace loadgen::test {
namespace {

class tls_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/loadgen-tls-XXXXXX";
    dir_ = mkdtemp(tmpl);
    const auto certs = run({"/bin/bash", std::string(LOADGEN_SOURCE_DIR) + "/tests/integration/make_certs.sh", dir_});
    ASSERT_EQ(certs.exit_code, 0) << certs.err;
    for (int& p : ports_) p = free_port();
    std::ofstream conf(dir_ + "/nginx.conf");
    conf << "worker_processes 1;\npid " << dir_ << "/nginx.pid;\nerror_log " << dir_ << "/error.log;\n"
         << "events {}\nhttp {\n  access_log off;\n"
         << "  client_body_temp_path " << dir_ << "/body;\n  proxy_temp_path " << dir_ << "/proxy;\n"
         << "  fastcgi_temp_path " << dir_ << "/fcgi;\n  uwsgi_temp_path " << dir_ << "/uwsgi;\n  scgi_temp_path " << dir_ << "/scgi;\n";
    const char* leaf[] = {"good", "expired", "wronghost", "good"};
    for (int i = 0; i < 4; ++i) {
      conf << "  server {\n    listen 127.0.0.1:" << ports_[i] << " ssl;\n"
           << "    ssl_certificate " << dir_ << "/" << leaf[i] << ".pem;\n"
           << "    ssl_certificate_key " << dir_ << "/" << leaf[i] << ".key;\n";
      if (i == 3) conf << "    ssl_client_certificate " << dir_ << "/ca.pem;\n    ssl_verify_client on;\n";
      conf << "    location / { return 200 \"tls ok\\n\"; }\n  }\n";
    }
    // A plain http server too, for the proxy tests.
    conf << "  server {\n    listen 127.0.0.1:" << ports_[4] << ";\n    location / { return 200 \"plain ok\\n\"; }\n  }\n";
    conf << "}\n";
    conf.close();
    nginx_ = new background_process({"/usr/sbin/nginx", "-p", dir_, "-c", dir_ + "/nginx.conf", "-g", "daemon off;"});
    for (int p : ports_) ASSERT_TRUE(wait_for_port(p)) << nginx_->err_so_far();
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    run({"/bin/rm", "-rf", dir_});
  }
  static std::string url(int which, const std::string& host = "localhost") {
    return "https://" + host + ":" + std::to_string(ports_[which]) + "/";
  }
  static std::string file(const std::string& name) { return dir_ + "/" + name; }

  static inline std::string dir_;
  static inline int ports_[5] = {};  // good, expired, wrong host, mutual TLS, plain http
  static inline background_process* nginx_ = nullptr;
};

TEST_F(tls_test, verified_with_the_test_ca) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), url(0)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "tls ok\n");
  // An IP literal is checked against the certificate's IP SAN.
  const auto ip = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), url(0, "127.0.0.1")});
  EXPECT_EQ(ip.exit_code, 0) << ip.err;
}

TEST_F(tls_test, unknown_ca_expired_and_wrong_host_fail_by_name) {
  const auto unknown = run({loadgen_binary(), "curl", "-quiet", url(0)});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("certificate verify failed: unable to get local issuer certificate"), std::string::npos)
      << unknown.err;
  const auto expired = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), url(1)});
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_NE(expired.err.find("certificate has expired"), std::string::npos) << expired.err;
  const auto wrong = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), url(2)});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("hostname mismatch"), std::string::npos) << wrong.err;
}

TEST_F(tls_test, insecure_skips_verification) {
  for (int i : {0, 1, 2}) {
    const auto r = run({loadgen_binary(), "curl", "-quiet", "-k", url(i)});
    EXPECT_EQ(r.exit_code, 0) << i << r.err;
  }
}

TEST_F(tls_test, host_header_does_not_change_what_is_verified) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), "-H", "Host: other.example", url(0)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(tls_test, mutual_tls_accepted_and_refused) {
  const auto ok = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), "-cert", file("client.pem"),
                       "-key", file("client.key"), url(3)});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto refused = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), url(3)});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("error status 400"), std::string::npos) << refused.err;  // nginx: no client certificate
}

TEST_F(tls_test, bad_tls_files_are_one_line_exit_1) {
  const auto r = run({loadgen_binary(), "curl", "-quiet", "-cacert", "/nonexistent.pem", url(0)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot load -cacert"), std::string::npos) << r.err;
  const auto half = run({loadgen_binary(), "load", "-n", "1", "-cert", file("client.pem"), url(0)});
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.err.find("needs both -cert and -key"), std::string::npos) << half.err;
}

boost::json::object load_json(const std::vector<std::string>& extra, const std::string& target) {
  std::vector<std::string> argv{loadgen_binary(), "load", "-qps", "0", "-quiet", "-json", "-"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(target);
  const auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return boost::json::parse(r.out).as_object();
}

TEST_F(tls_test, load_handshakes_once_per_connection_under_keepalive) {
  const auto doc = load_json({"-c", "2", "-n", "40", "-cacert", file("ca.pem")}, url(0));
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 40);
  EXPECT_EQ(doc.at("TLSHandshakeHistogram").at("Count").as_int64(), 2);
  EXPECT_EQ(doc.at("SocketCount").as_int64(), 2);
}

TEST_F(tls_test, load_resumes_sessions_under_connection_reuse) {
  const auto doc = load_json({"-c", "1", "-n", "20", "-connection-reuse", "5", "-cacert", file("ca.pem")}, url(0));
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 20);
  EXPECT_EQ(doc.at("TLSHandshakeHistogram").at("Count").as_int64(), 4);
  EXPECT_EQ(doc.at("TLSResumed").as_int64(), 3);
}

TEST_F(tls_test, load_counts_verification_failures_as_tls_errors) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "4", "-c", "2", "-loglevel", "Warning", url(1)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code  -1 : 4 (100.0 %)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Transport errors : tls 4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << r.err;
}

// OpenSSL is loaded by the first call that needs it (LOADGEN_LAZY_OPENSSL): a plain-HTTP run never
// maps libssl or libcrypto (1.7 MB of resident memory), an https run loads them and works. The
// dynamic loader's own trace (LD_DEBUG=files) says which libraries each process opened.
TEST_F(tls_test, openssl_is_loaded_only_by_runs_that_use_tls) {
  if (!LOADGEN_LAZY_OPENSSL) GTEST_SKIP() << "this build links OpenSSL (LOADGEN_LAZY_OPENSSL is off)";
  const std::string plain_url = "http://127.0.0.1:" + std::to_string(ports_[4]) + "/";
  const auto plain = run({"/usr/bin/env", "LD_DEBUG=files", loadgen_binary(), "load", "-qps", "0", "-c", "2", "-n", "20", plain_url});
  EXPECT_EQ(plain.exit_code, 0) << plain.err.substr(0, 2000);
  EXPECT_NE(plain.err.find("\nCode 200 : 20 (100.0 %)\n"), std::string::npos);
  EXPECT_EQ(plain.err.find("file=libssl.so"), std::string::npos);
  EXPECT_EQ(plain.err.find("file=libcrypto.so"), std::string::npos);

  const auto tls = run({"/usr/bin/env", "LD_DEBUG=files", loadgen_binary(), "load", "-qps", "0", "-c", "2", "-n", "20",
                        "-cacert", file("ca.pem"), url(0)});
  EXPECT_EQ(tls.exit_code, 0) << tls.err.substr(0, 2000);
  EXPECT_NE(tls.err.find("\nCode 200 : 20 (100.0 %)\n"), std::string::npos);
  EXPECT_NE(tls.err.find("file=libssl.so.3 [0];  dynamically loaded by"), std::string::npos);
  EXPECT_NE(tls.err.find("file=libcrypto.so.3 [0];  needed by"), std::string::npos);
}

TEST_F(tls_test, loadgen_server_serves_tls) {
  int port = 0;
  auto server = start_server(&port, {"-cert", file("good.pem"), "-key", file("good.key")});
  const std::string target = "https://localhost:" + std::to_string(port) + "/echo?status=201";
  const auto c = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), "-payload", "secret body", target});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "secret body");
  const auto doc = load_json({"-c", "3", "-n", "30", "-cacert", file("ca.pem")}, target);
  EXPECT_EQ(doc.at("RetCodes").at("201").as_int64(), 30);
  EXPECT_EQ(doc.at("TLSHandshakeHistogram").at("Count").as_int64(), 3);
}

TEST_F(tls_test, proxy_http_target_in_absolute_form) {
  tinyproxy proxy(dir_, false);
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-c", "2", "-n", "20", "-loglevel", "Warning", "-proxy",
                      proxy.url(), url(4, "127.0.0.1").replace(0, 5, "http")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Code 200 : 20 (100.0 %)"), std::string::npos) << r.err;
  const auto c = run({loadgen_binary(), "curl", "-quiet", "-proxy", proxy.url(), url(4, "127.0.0.1").replace(0, 5, "http")});
  EXPECT_EQ(c.out, "plain ok\n") << c.err;
}

TEST_F(tls_test, proxy_https_target_through_connect) {
  tinyproxy proxy(dir_, false);
  const auto c = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), "-proxy", proxy.url(), url(0)});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "tls ok\n");
  const auto doc = load_json({"-c", "2", "-n", "20", "-cacert", file("ca.pem"), "-proxy", proxy.url()}, url(0));
  EXPECT_EQ(doc.at("RetCodes").at("200").as_int64(), 20);
  EXPECT_EQ(doc.at("TLSHandshakeHistogram").at("Count").as_int64(), 2);
}

TEST_F(tls_test, proxy_authentication) {
  tinyproxy proxy(dir_, true);
  const std::string plain = url(4, "127.0.0.1").replace(0, 5, "http");
  const auto denied = run({loadgen_binary(), "curl", "-quiet", "-proxy", proxy.url(), plain});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("error status 407"), std::string::npos) << denied.err;
  const auto ok = run({loadgen_binary(), "curl", "-quiet", "-proxy", proxy.url("user:secret"), plain});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const auto tunnel_denied = run({loadgen_binary(), "load", "-qps", "0", "-n", "3", "-c", "1", "-loglevel", "Warning",
                                  "-cacert", file("ca.pem"), "-proxy", proxy.url(), url(0)});
  EXPECT_NE(tunnel_denied.err.find("Transport errors : proxy 3"), std::string::npos) << tunnel_denied.err;
  const auto tunnel_ok = load_json({"-c", "1", "-n", "5", "-cacert", file("ca.pem"), "-proxy", proxy.url("user:secret")}, url(0));
  EXPECT_EQ(tunnel_ok.at("RetCodes").at("200").as_int64(), 5);
}

TEST_F(tls_test, proxy_from_environment_and_no_proxy) {
  const std::string plain = url(4, "127.0.0.1").replace(0, 5, "http");
  // A dead proxy in the environment is used (and fails) unless NO_PROXY names the host.
  const auto via_dead = run({"/usr/bin/env", "HTTP_PROXY=http://127.0.0.1:1", loadgen_binary(), "curl", "-quiet", plain});
  EXPECT_EQ(via_dead.exit_code, 1);
  EXPECT_NE(via_dead.err.find("cannot connect to proxy 127.0.0.1:1"), std::string::npos) << via_dead.err;
  const auto bypass = run({"/usr/bin/env", "HTTP_PROXY=http://127.0.0.1:1", "NO_PROXY=localhost,127.0.0.1",
                           loadgen_binary(), "curl", "-quiet", plain});
  EXPECT_EQ(bypass.exit_code, 0) << bypass.err;
  const auto direct = run({"/usr/bin/env", "HTTP_PROXY=http://127.0.0.1:1", loadgen_binary(), "curl", "-quiet",
                           "-proxy", "direct", plain});
  EXPECT_EQ(direct.exit_code, 0) << direct.err;
}

// -mtls: loadgen's server asks for a client certificate signed by -cacert and refuses without.
TEST_F(tls_test, loadgen_server_mtls_requires_a_client_certificate) {
  int port = 0;
  auto server = start_server(&port, {"-cert", file("good.pem"), "-key", file("good.key"), "-mtls", "-cacert", file("ca.pem")});
  const std::string target = "https://localhost:" + std::to_string(port) + "/echo?status=201";
  const auto ok = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), "-cert", file("client.pem"), "-key",
                       file("client.key"), "-payload", "mutual", target});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "mutual");
  const auto refused = run({loadgen_binary(), "curl", "-quiet", "-cacert", file("ca.pem"), target});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("certificate required"), std::string::npos) << refused.err;
  const auto no_ca = run({loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-redirect-port", "disabled", "-grpc-port", "disabled", "-cert",
                          file("good.pem"), "-key", file("good.key"), "-mtls"});
  EXPECT_EQ(no_ca.exit_code, 2);
  EXPECT_EQ(no_ca.err, "loadgen server: -mtls needs -cacert (the CA that signs the client certificates)\n");
}

// -M to an https target: verified with -cacert, refused by name without it, or -k.
TEST_F(tls_test, multi_server_forwards_to_https_targets) {
  const auto ask = [](const std::vector<std::string>& extra) {
    const int port = free_port();
    std::vector<std::string> argv{loadgen_binary(), "server", "-tcp-port", "disabled", "-udp-port", "disabled", "-http-port", "disabled", "-redirect-port", "disabled",
                                  "-grpc-port", "disabled", "-M", std::to_string(port) + " " + url(0)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    background_process server(argv);
    EXPECT_TRUE(wait_for_port(port)) << server.err_so_far();
    return run({"/usr/bin/curl", "-s", "-i", "--max-time", "10", "http://127.0.0.1:" + std::to_string(port) + "/x"});
  };
  const auto verified = ask({"-cacert", file("ca.pem")});
  EXPECT_EQ(verified.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << verified.out;
  EXPECT_EQ(verified.out.substr(verified.out.size() - 7), "tls ok\n") << verified.out;
  const auto unknown_ca = ask({});
  EXPECT_EQ(unknown_ca.out.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << unknown_ca.out;
  EXPECT_NE(unknown_ca.out.find("Error for " + url(0) + "x: certificate verify failed: "), std::string::npos)
      << unknown_ca.out;
  const auto insecure = ask({"-k"});
  EXPECT_EQ(insecure.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << insecure.out;
}

}  // namespace
}  // namespace loadgen::test
