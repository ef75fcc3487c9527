#include "loadgen/platform/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/host_name_verification.hpp>

#include "loadgen/core/error.hpp"

namespace loadgen {

namespace ssl = boost::asio::ssl;

namespace {
void load_identity(ssl::context& ctx, const std::string& cert, const std::string& key) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert, ec);
  if (ec) throw run_error("cannot load -cert \"" + cert + "\": " + ec.message());
  ctx.use_private_key_file(key, ssl::context::pem, ec);
  if (ec) throw run_error("cannot load -key \"" + key + "\": " + ec.message());
}
}  // namespace

std::shared_ptr<ssl::context> make_client_tls(const run_options& o) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  if (o.insecure) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    ctx->set_verify_mode(ssl::verify_peer);
    if (!o.ca_cert.empty()) {
      ctx->load_verify_file(o.ca_cert, ec);
      if (ec) throw run_error("cannot load -cacert \"" + o.ca_cert + "\": " + ec.message());
    } else {
      ctx->set_default_verify_paths(ec);
      if (ec) throw run_error("cannot load the system's trusted certificates: " + ec.message());
    }
  }
  if (!o.cert.empty() || !o.key.empty()) {
    if (o.cert.empty() || o.key.empty()) throw run_error("mutual TLS needs both -cert and -key");
    load_identity(*ctx, o.cert, o.key);
  }
  // -h2 offers h2 first and HTTP/1.1 as the fallback; the session checks what the server chose.
  static const unsigned char alpn_h2[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  if (o.h2) SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn_h2, sizeof alpn_h2);
  else SSL_CTX_set_alpn_protos(ctx->native_handle(), alpn, sizeof alpn);
  SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_CLIENT);
  return ctx;
}


namespace {

// ALPN for the echo server: h2 when the client offers it, else http/1.1; a client that offers
// neither gets no ALPN answer and speaks HTTP/1.1 (RFC 7301 lets the server decline).
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void*) {
  static const unsigned char ours[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, ours, sizeof ours, in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  load_identity(*ctx, cert, key);
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_alpn, nullptr);
  return ctx;
}

void require_client_certificates(ssl::context& ctx, const std::string& ca_file) {
  boost::system::error_code ec;
  ctx.load_verify_file(ca_file, ec);
  if (ec) throw run_error("cannot load -cacert \"" + ca_file + "\": " + ec.message());
  // The CA's name is sent in the CertificateRequest so clients with several certificates pick one.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str()))
    SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
}

void prepare_client_ssl(SSL* ssl, const run_options& o) {
  const std::string& host = o.target.host;
  // SNI is for names only, not IP literals (RFC 6066).
  const bool ip_literal = host.find(':') != std::string::npos ||
                          host.find_first_not_of("0123456789.") == std::string::npos;
  if (!ip_literal) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (!o.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (ip_literal) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
}

std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  if (ssl) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  return "TLS handshake failed: " + ec.message();
}

}  // namespace loadgen
