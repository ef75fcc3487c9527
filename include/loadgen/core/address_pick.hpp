#pragma once
// Fortio's -dns-method and -resolve-ip-type, as pure rules: the flag spellings, and which of a
// host's addresses a new connection takes. The resolving itself is the client's (route.cpp).
#include <cstdint>
#include <optional>
#include <string_view>

#include "loadgen/core/options.hpp"

namespace loadgen {

// "cached-rr", "rr", "first", "rnd" (Fortio's names, exact); nullopt for anything else.
std::optional<dns_method> parse_dns_method(std::string_view text);
// "ip4", "ip6", "ip" (Fortio's names, exact); nullopt for anything else.
std::optional<ip_family> parse_ip_family(std::string_view text);

// Whether a new connection resolves the name again first (every method but cached-rr, as
// Fortio; never for an address literal or a -resolve list, which are the answers themselves).
inline bool resolves_per_connection(dns_method m) noexcept { return m != dns_method::cached_rr; }

// The index (< answers, which must be > 0) of the address a new connection uses. turn is the
// run's shared round-robin counter, taken (and advanced) once per new connection; random is a
// fresh random draw. cached-rr and rr go round robin, first takes 0, rnd a random one.
std::size_t pick_address(dns_method method, std::size_t answers, std::uint64_t turn, std::uint64_t random) noexcept;

}  // namespace loadgen
