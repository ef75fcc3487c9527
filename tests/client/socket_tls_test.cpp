// platform/socket_tls: OpenSSL on a real socket (a connected AF_UNIX stream pair, non-blocking),
// the peer a plain OpenSSL server with a certificate made here. Every step is driven by hand, so
// each case checks exactly what one call says it needs next.
#include "loadgen/platform/socket_tls.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace loadgen {
namespace {

namespace net = boost::asio;
using next = socket_tls::next;

// A self-signed P-256 certificate for CN=localhost, valid for a day.
struct identity {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  identity() {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
  }
  ~identity() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

class socket_tls_test : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
    client_ctx_ = SSL_CTX_new(TLS_client_method());
    server_ctx_ = SSL_CTX_new(TLS_server_method());
    ASSERT_EQ(SSL_CTX_use_certificate(server_ctx_, id_.cert), 1);
    ASSERT_EQ(SSL_CTX_use_PrivateKey(server_ctx_, id_.key), 1);
    server_ = SSL_new(server_ctx_);
    SSL_set_fd(server_, fds_[1]);
    SSL_set_accept_state(server_);
  }
  void TearDown() override {
    SSL_free(server_);
    SSL_CTX_free(server_ctx_);
    SSL_CTX_free(client_ctx_);
    if (fds_[0] >= 0) close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }

  // Both handshakes, in turns, until the client's is over; the server's then ends with its next
  // read. Returns the client's last outcome.
  socket_tls::outcome shake(socket_tls& c) {
    socket_tls::outcome last{0, next::read};
    for (int turn = 0; turn < 50 && last.then != next::done && last.then != next::failed; ++turn) {
      last = c.handshake();
      SSL_do_handshake(server_);
    }
    return last;
  }
  // What the server reads now (nothing: "").
  std::string server_reads() {
    std::string got;
    char buf[4096];
    std::size_t n = 0;
    while (SSL_read_ex(server_, buf, sizeof buf, &n) == 1) got.append(buf, n);
    ERR_clear_error();
    return got;
  }
  // A client whose handshake is over and whose first bytes the server has read (which ends the
  // server's handshake too).
  std::unique_ptr<socket_tls> connected(bool keep_buffers = true) {
    auto c = std::make_unique<socket_tls>(client_ctx_, keep_buffers);
    EXPECT_TRUE(c->valid());
    EXPECT_TRUE(c->attach(fds_[0]));
    EXPECT_EQ(shake(*c).then, next::done);
    EXPECT_EQ(c->write("ping", 4).then, next::done);
    EXPECT_EQ(server_reads(), "ping");
    return c;
  }
  // The client's next read that is not "wait for the socket" (the socket is not waited for here:
  // whatever the server wrote is in it already). TLS 1.3 session tickets come first.
  static socket_tls::outcome client_gets(socket_tls& c, char* into, std::size_t size) {
    socket_tls::outcome got{0, next::read};
    for (int i = 0; i < 10 && got.then == next::read; ++i) got = c.read(into, size);
    return got;
  }
  void peer_goes_away() {
    close(fds_[1]);
    fds_[1] = -1;
  }
  void server_writes(const std::string& bytes) {
    std::size_t n = 0;
    ASSERT_EQ(SSL_write_ex(server_, bytes.data(), bytes.size(), &n), 1);
    ASSERT_EQ(n, bytes.size());
  }

  identity id_;
  int fds_[2] = {-1, -1};
  SSL_CTX* client_ctx_ = nullptr;
  SSL_CTX* server_ctx_ = nullptr;
  SSL* server_ = nullptr;
};

TEST_F(socket_tls_test, handshake_then_bytes_both_ways) {
  auto c = connected();
  server_writes("hello");
  char buf[64];
  const socket_tls::outcome got = client_gets(*c, buf, sizeof buf);
  ASSERT_EQ(got.then, next::done);
  EXPECT_EQ(std::string(buf, got.bytes), "hello");
  EXPECT_TRUE(c->drained());  // one short socket read, nothing left in OpenSSL
  EXPECT_EQ(c->read(buf, sizeof buf).then, next::read);  // the socket is dry
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(socket_tls_test, not_drained_while_openssl_holds_a_second_record) {
  auto c = connected();
  server_writes("first");
  server_writes("second");  // two records, both in the socket before the client reads
  char buf[64];
  socket_tls::outcome got = client_gets(*c, buf, sizeof buf);
  ASSERT_EQ(std::string(buf, got.bytes), "first");
  EXPECT_FALSE(c->drained());  // read-ahead took both records in one socket read
  got = c->read(buf, sizeof buf);
  ASSERT_EQ(got.then, next::done);
  EXPECT_EQ(std::string(buf, got.bytes), "second");
  EXPECT_TRUE(c->drained());
}

TEST_F(socket_tls_test, a_write_the_socket_cannot_take_waits_and_is_repeated_whole) {
  auto c = connected(false);  // buffers given back between records: the same bytes go out
  const std::string chunk(64 * 1024, 'z');
  std::size_t written = 0;
  socket_tls::outcome put;
  for (int i = 0; i < 1000; ++i) {
    put = c->write(chunk.data(), chunk.size());
    if (put.then != next::done) break;
    written += put.bytes;
  }
  ASSERT_EQ(put.then, next::write);  // the socket pair's buffers are full: wait until writable
  std::size_t received = 0;
  for (int i = 0; i < 1000 && put.then != next::done; ++i) {
    received += server_reads().size();
    put = c->write(chunk.data(), chunk.size());  // the same bytes again, as the contract says
  }
  ASSERT_EQ(put.then, next::done);
  written += put.bytes;
  received += server_reads().size();
  EXPECT_EQ(received, written);
  EXPECT_EQ(written % chunk.size(), 0u);
}

TEST_F(socket_tls_test, close_notify_is_eof) {
  auto c = connected();
  SSL_shutdown(server_);
  char buf[64];
  ASSERT_EQ(client_gets(*c, buf, sizeof buf).then, next::failed);
  EXPECT_EQ(c->error(), net::error::eof);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(socket_tls_test, a_close_without_close_notify_is_a_truncated_stream) {
  auto c = connected();
  peer_goes_away();
  char buf[64];
  ASSERT_EQ(client_gets(*c, buf, sizeof buf).then, next::failed);
  EXPECT_EQ(c->error(), net::ssl::error::stream_truncated) << c->error().message();
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(socket_tls_test, a_write_to_a_peer_that_has_gone_is_an_error_not_sigpipe) {
  auto c = connected();
  peer_goes_away();
  const socket_tls::outcome put = c->write("after", 5);  // SIGPIPE's default would end this test binary
  ASSERT_EQ(put.then, next::failed);
  EXPECT_EQ(c->error(), boost::system::error_code(EPIPE, boost::system::system_category())) << c->error().message();
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(socket_tls_test, a_peer_that_speaks_plain_http_fails_the_handshake_with_openssls_reason) {
  socket_tls c(client_ctx_, true);
  ASSERT_TRUE(c.attach(fds_[0]));
  const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(write(fds_[1], answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
  socket_tls::outcome step{0, next::read};
  for (int i = 0; i < 10 && step.then == next::read; ++i) step = c.handshake();
  ASSERT_EQ(step.then, next::failed);
  EXPECT_EQ(c.error().category(), net::error::get_ssl_category());
  EXPECT_NE(c.error().message().find("wrong version number"), std::string::npos) << c.error().message();
  EXPECT_EQ(ERR_peek_error(), 0u);  // left clean for the thread's next TLS call
}

TEST_F(socket_tls_test, buffers_are_kept_or_given_back_as_asked) {
  socket_tls keep(client_ctx_, true);
  socket_tls give_back(client_ctx_, false);
  EXPECT_EQ(SSL_get_mode(keep.native_handle()) & SSL_MODE_RELEASE_BUFFERS, 0);
  EXPECT_NE(SSL_get_mode(give_back.native_handle()) & SSL_MODE_RELEASE_BUFFERS, 0);
  EXPECT_EQ(SSL_get_read_ahead(keep.native_handle()), 1);
}

}  // namespace
}  // namespace loadgen
