#pragma once
// TLS set-up (OpenSSL through Asio), the one place contexts are built: the client's (one per run,
// shared read-only by every connection) and the server's; failures described in words a person
// can act on.
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "loadgen/core/options.hpp"

namespace loadgen {

// A client context: TLS 1.2+, the system trust store (or -cacert), server certificates verified
// unless -k, the client certificate and key of -cert/-key, ALPN "http/1.1" ("h2","http/1.1" with -h2), and a session cache so
// reconnects resume. Throws loadgen::error (exit 1) when a file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const run_options& options);

// A server context with this certificate chain and key (PEM), answering ALPN with "h2" when the
// client offers it, else "http/1.1" (the echo server speaks both on one port). Throws loadgen::error (exit 1) when
// a file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const std::string& cert, const std::string& key);

// -mtls: the server context asks every client for a certificate and refuses the handshake
// without one signed by the CA in ca_file (PEM). Throws loadgen::error (exit 1) when the file
// cannot be loaded.
void require_client_certificates(boost::asio::ssl::context& ctx, const std::string& ca_file);

// Prepares a new connection's SSL object: SNI and the expected host name (always the URL's host,
// whatever -H Host: or -resolve say).
void prepare_client_ssl(SSL* ssl, const run_options& options);

// "certificate verify failed: certificate has expired" and the like, from a failed handshake.
std::string describe_tls_failure(SSL* ssl, const boost::system::error_code& ec);

}  // namespace loadgen
