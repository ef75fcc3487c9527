#include "loadgen/core/address_pick.hpp"

namespace loadgen {

std::optional<dns_method> parse_dns_method(std::string_view text) {
  if (text == "cached-rr") return dns_method::cached_rr;
  if (text == "rr") return dns_method::rr;
  if (text == "first") return dns_method::first;
  if (text == "rnd") return dns_method::rnd;
  return std::nullopt;
}

std::optional<ip_family> parse_ip_family(std::string_view text) {
  if (text == "ip4") return ip_family::ip4;
  if (text == "ip6") return ip_family::ip6;
  if (text == "ip") return ip_family::any;
  return std::nullopt;
}

std::size_t pick_address(dns_method method, std::size_t answers, std::uint64_t turn, std::uint64_t random) noexcept {
  switch (method) {
    case dns_method::cached_rr:
    case dns_method::rr:
      return static_cast<std::size_t>(turn % answers);
    case dns_method::rnd:
      return static_cast<std::size_t>(random % answers);
    case dns_method::first:
      break;
  }
  return 0;
}

}  // namespace loadgen
