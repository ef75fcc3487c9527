#pragma once
// Where a target's connections go, decided once: the resolved addresses (TCP, or a Unix socket;
// the proxy's when there is one), the TLS context for https, and the CONNECT request for https
// through a proxy. The runner makes one per run, curl one per origin it visits.
#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "loadgen/core/options.hpp"

namespace loadgen {

// A host's addresses and Fortio's rule for spreading new connections over them (-dns-method,
// -resolve-ip-type). Shared by every worker of the run: the round-robin turn is atomic.
struct address_book {
  using endpoint = boost::asio::generic::stream_protocol::endpoint;
  struct entry {
    endpoint where;
    std::string text;  // "ip:port" ("[v6]:port"), for the report
  };
  std::vector<entry> answers;       // resolved at start, in the resolver's order, family-filtered
  std::string host;                 // resolved again per connection when re_resolve; else empty
  std::uint16_t port = 0;
  dns_method method = dns_method::cached_rr;
  ip_family family = ip_family::ip4;
  std::atomic<std::uint64_t> turn{0};
};

struct route {
  boost::asio::generic::stream_protocol::endpoint endpoint;  // the first address (or the socket path)
  std::string endpoint_text;  // "ip:port" or the socket path, for the report
  std::string peer_text;      // for messages: "127.0.0.1:8080", "proxy 127.0.0.1:3128", the path
  bool tcp = true;            // set TCP_NODELAY (not for Unix sockets)
  std::shared_ptr<address_book> addresses;         // where each new connection goes (never null)
  std::shared_ptr<boost::asio::ssl::context> tls;  // https targets
  std::string tunnel_request;                      // https through a proxy: the CONNECT request
};

// Resolves the host (the proxy's when there is one; the -resolve address or list for the target;
// the socket path for -unix-socket) keeping the -resolve-ip-type family (IPv4 only by default, as
// Fortio). Throws loadgen::error (exit 1) when the host has no such address or a TLS file cannot
// be loaded.
route make_route(const run_options& options);

// The address when there is no choice to make (one answer, no name to resolve again), else null.
// The common case, taken without starting a coroutine (a frame allocation per connect, which is
// per call with -keepalive=false).
inline const address_book::entry* only_address(const route& where) noexcept {
  const address_book& book = *where.addresses;
  return book.answers.size() == 1 && book.host.empty() ? &book.answers.front() : nullptr;
}

// The address a new connection uses, by -dns-method: the next in turn from the start's answers
// (cached-rr), or from a fresh resolution (rr, first, rnd; asynchronous, so the worker's other
// connections go on). A fresh resolution that fails or finds nothing falls back to the start's
// answers. The socket path for a Unix socket; the first address for a proxy. The pointer is into
// the route's book, or into scratch (allocated on first need) for a fresh answer.
boost::asio::awaitable<const address_book::entry*> next_address(const route& where, std::mt19937_64& rng,
                                                                 std::unique_ptr<address_book::entry>& scratch);

}  // namespace loadgen
