#include "loadgen/platform/socket_tls.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace loadgen {

namespace net = boost::asio;

// The BIO between OpenSSL and the socket: recv() and send(MSG_NOSIGNAL) on the socket_tls's
// descriptor, "try again" on EAGAIN, end of stream on a recv() of 0. The descriptor stays the
// caller's (nothing here closes it).
struct socket_bio {
  static socket_tls& owner(BIO* b) noexcept { return *static_cast<socket_tls*>(BIO_get_data(b)); }
  static bool transient(int error) noexcept { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

  static int write(BIO* b, const char* data, std::size_t size, std::size_t* written) {
    BIO_clear_retry_flags(b);
    const ssize_t n = ::send(owner(b).fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
      *written = static_cast<std::size_t>(n);
      return 1;
    }
    if (transient(errno)) BIO_set_retry_write(b);
    return 0;
  }

  static int read(BIO* b, char* into, std::size_t size, std::size_t* got) {
    BIO_clear_retry_flags(b);
    socket_tls& self = owner(b);
    const ssize_t n = ::recv(self.fd_, into, size, 0);
    if (n > 0) {
      *got = static_cast<std::size_t>(n);
      self.last_read_short_ = static_cast<std::size_t>(n) < size;
      return 1;
    }
    if (n == 0) self.eof_ = true;
    else if (transient(errno)) BIO_set_retry_read(b);
    return 0;
  }

  // OpenSSL asks a BIO to flush after its writes (nothing is buffered here) and, after a read
  // that gave nothing, whether the stream ended (then a close without close_notify is named so).
  static long ctrl(BIO* b, int command, long, void*) {
    if (command == BIO_CTRL_FLUSH) return 1;
    if (command == BIO_CTRL_EOF) return owner(b).eof_ ? 1 : 0;
    return 0;
  }

  static BIO_METHOD* method() {
    static BIO_METHOD* const made = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "loadgen socket");
      if (m) {
        BIO_meth_set_write_ex(m, &socket_bio::write);
        BIO_meth_set_read_ex(m, &socket_bio::read);
        BIO_meth_set_ctrl(m, &socket_bio::ctrl);
      }
      return m;
    }();
    return made;
  }
};

socket_tls::socket_tls(SSL_CTX* ctx, bool keep_buffers) noexcept : ssl_(SSL_new(ctx)) {
  if (!ssl_) return;
  SSL_set_connect_state(ssl_);
  // Every socket read takes what the socket holds, not a record header and then its body.
  SSL_set_read_ahead(ssl_, 1);
  // A write repeated after a wait may come from another address holding the same bytes.
  SSL_set_mode(ssl_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!keep_buffers) SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
}

socket_tls::~socket_tls() {
  if (ssl_) SSL_free(ssl_);  // frees the BIO too; the descriptor is the caller's
}

bool socket_tls::attach(int fd) noexcept {
  BIO_METHOD* m = socket_bio::method();
  if (!ssl_ || !m) return false;
  BIO* b = BIO_new(m);
  if (!b) return false;
  fd_ = fd;
  BIO_set_data(b, this);
  BIO_set_init(b, 1);
  SSL_set_bio(ssl_, b, b);  // one BIO both ways: the SSL object holds its one reference
  return true;
}

bool socket_tls::drained() const noexcept { return last_read_short_ && SSL_has_pending(ssl_) == 0; }

socket_tls::outcome socket_tls::handshake() noexcept {
  ERR_clear_error();  // once per connection: see the header on the error queue
  errno = 0;
  const int rv = SSL_do_handshake(ssl_);
  if (rv == 1) return {};
  return settle(rv);
}

socket_tls::outcome socket_tls::read(void* into, std::size_t size) noexcept {
  std::size_t got = 0;
  errno = 0;
  const int rv = SSL_read_ex(ssl_, into, size, &got);
  if (rv == 1) return {got, next::done};
  return settle(rv);
}

socket_tls::outcome socket_tls::write(const void* from, std::size_t size) noexcept {
  std::size_t put = 0;
  errno = 0;
  const int rv = SSL_write_ex(ssl_, from, size, &put);
  if (rv == 1) return {put, next::done};
  return settle(rv);
}

void socket_tls::forget() noexcept {
  if (ssl_) SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

// A call that did not complete: a wait, or the end of the connection with its reason (the
// mapping of Asio's ssl engine, so that messages and transport-error kinds stay the same).
socket_tls::outcome socket_tls::settle(int rv) noexcept {
  const int saved_errno = errno;
  const int kind = SSL_get_error(ssl_, rv);
  if (kind == SSL_ERROR_WANT_READ) return {0, next::read};
  if (kind == SSL_ERROR_WANT_WRITE) return {0, next::write};
  const unsigned long code = ERR_peek_error();
  if (kind == SSL_ERROR_ZERO_RETURN) {
    error_ = net::error::eof;
  } else if (kind == SSL_ERROR_SSL && ERR_GET_LIB(code) == ERR_LIB_SSL &&
             ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    error_ = net::ssl::error::stream_truncated;
  } else if (code != 0) {
    error_.assign(static_cast<int>(code), net::error::get_ssl_category());
  } else if (kind == SSL_ERROR_SYSCALL && saved_errno != 0) {
    error_.assign(saved_errno, boost::system::system_category());
  } else if (kind == SSL_ERROR_SYSCALL) {
    error_ = net::ssl::error::stream_truncated;  // the peer closed without close_notify
  } else {
    error_ = net::error::fault;  // no reason on record (SSL_ERROR_WANT_X509_LOOKUP and the like)
  }
  ERR_clear_error();
  return {0, next::failed};
}

}  // namespace loadgen
