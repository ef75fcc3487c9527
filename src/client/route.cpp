#include "route.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/core/address_pick.hpp"
#include "loadgen/core/error.hpp"
#include "loadgen/platform/tls.hpp"
#include "loadgen/wire/proxy.hpp"

namespace loadgen {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

bool wanted(const net::ip::address& a, ip_family family) {
  return family == ip_family::any || (family == ip_family::ip4 ? a.is_v4() : a.is_v6());
}

address_book::entry entry_of(const tcp::endpoint& e) {
  const auto addr = e.address();
  return {net::generic::stream_protocol::endpoint(e),
          (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(e.port())};
}

template <class Results>
std::vector<address_book::entry> keep_family(const Results& results, ip_family family) {
  std::vector<address_book::entry> out;
  for (const auto& r : results)
    if (wanted(r.endpoint().address(), family)) out.push_back(entry_of(r.endpoint()));
  return out;
}

const char* family_name(ip_family f) { return f == ip_family::ip4 ? "IPv4" : f == ip_family::ip6 ? "IPv6" : "IP"; }

// The host's addresses of the family, in the resolver's order. An address literal is its own
// answer whatever the family (Fortio too). Throws run_error when there is none.
std::vector<address_book::entry> resolve_all(const std::string& host, std::uint16_t port, ip_family family) {
  boost::system::error_code ec;
  const auto literal = net::ip::make_address(host, ec);
  if (!ec) return {entry_of(tcp::endpoint(literal, port))};
  net::io_context ctx;
  tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty())
    throw run_error("cannot resolve host \"" + host + "\": " + (ec ? ec.message() : "no address"));
  auto out = keep_family(results, family);
  if (out.empty())
    throw run_error("cannot resolve host \"" + host + "\": no " + family_name(family) +
                    " address (-resolve-ip-type " + (family == ip_family::ip4 ? "ip6 or ip" : "ip4 or ip") +
                    " would take another)");
  return out;
}

// -resolve "a,b,c": the listed addresses are the host's answers. Each must be an IP address.
std::vector<address_book::entry> listed(const std::string& list, std::uint16_t port) {
  std::vector<address_book::entry> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, comma - start);
    if (item.size() > 1 && item.front() == '[' && item.back() == ']') item = item.substr(1, item.size() - 2);
    boost::system::error_code ec;
    const auto addr = net::ip::make_address(item, ec);
    if (ec) throw flag_error("-resolve wants IP addresses, comma-separated: \"" + item + "\" is not one");
    out.push_back(entry_of(tcp::endpoint(addr, port)));
    start = comma + 1;
  }
  return out;
}

}  // namespace

route make_route(const run_options& o) {
  route r;
  if (!o.unix_socket.empty()) {
    r.endpoint = net::local::stream_protocol::endpoint(o.unix_socket);
    r.endpoint_text = r.peer_text = o.unix_socket;
    r.tcp = false;
    r.addresses = std::make_shared<address_book>();
    r.addresses->answers.push_back({r.endpoint, r.endpoint_text});
  } else {
    // Through a proxy, the connection goes to the proxy; -resolve applies to the target only.
    auto book = std::make_shared<address_book>();
    book->method = o.proxy ? dns_method::first : o.dns;
    book->family = o.ip_type;
    book->port = o.proxy ? o.proxy->port : o.target.port;
    const std::string host = o.proxy ? o.proxy->host : o.target.host;
    if (!o.proxy && o.resolve_ip.find(',') != std::string::npos) {
      book->answers = listed(o.resolve_ip, book->port);
    } else {
      const std::string name = !o.proxy && !o.resolve_ip.empty() ? o.resolve_ip : host;
      book->answers = resolve_all(name, book->port, o.ip_type);
      boost::system::error_code literal;
      net::ip::make_address(name, literal);
      // A name (not an address) is resolved again for each new connection, except a proxy's.
      if (literal && !o.proxy && resolves_per_connection(book->method)) book->host = name;
    }
    r.endpoint = book->answers.front().where;
    r.endpoint_text = book->answers.front().text;
    r.peer_text = o.proxy ? "proxy " + o.proxy->authority() : o.target.authority();
    r.addresses = std::move(book);
  }
  if (o.target.is_https()) r.tls = make_client_tls(o);
  if (o.target.is_https() && o.proxy) r.tunnel_request = connect_request(o.target, *o.proxy);
  return r;
}

net::awaitable<const address_book::entry*> next_address(const route& where, std::mt19937_64& rng,
                                                        std::unique_ptr<address_book::entry>& scratch) {
  if (const address_book::entry* only = only_address(where)) co_return only;
  address_book* book = where.addresses.get();
  const std::uint64_t turn = book->turn.fetch_add(1, std::memory_order_relaxed);
  if (!book->host.empty()) {
    tcp::resolver resolver(co_await net::this_coro::executor);
    auto [ec, results] = co_await resolver.async_resolve(book->host, std::to_string(book->port),
                                                         net::as_tuple(net::use_awaitable));
    if (!ec) {
      const auto fresh = keep_family(results, book->family);
      if (!fresh.empty()) {
        if (!scratch) scratch = std::make_unique<address_book::entry>();
        *scratch = fresh[pick_address(book->method, fresh.size(), turn, rng())];
        co_return scratch.get();
      }
    }
  }
  co_return &book->answers[pick_address(book->method, book->answers.size(), turn, rng())];
}

}  // namespace loadgen
