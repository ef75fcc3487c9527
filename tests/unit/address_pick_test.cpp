#include "loadgen/core/address_pick.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

TEST(AddressPick, FlagSpellingsAreFortios) {
  EXPECT_EQ(parse_dns_method("cached-rr"), dns_method::cached_rr);
  EXPECT_EQ(parse_dns_method("rr"), dns_method::rr);
  EXPECT_EQ(parse_dns_method("first"), dns_method::first);
  EXPECT_EQ(parse_dns_method("rnd"), dns_method::rnd);
  EXPECT_EQ(parse_dns_method("RR"), std::nullopt);
  EXPECT_EQ(parse_dns_method(""), std::nullopt);
  EXPECT_EQ(parse_ip_family("ip4"), ip_family::ip4);
  EXPECT_EQ(parse_ip_family("ip6"), ip_family::ip6);
  EXPECT_EQ(parse_ip_family("ip"), ip_family::any);
  EXPECT_EQ(parse_ip_family("ipv4"), std::nullopt);
}

TEST(AddressPick, RoundRobinFirstAndRandom) {
  for (std::uint64_t turn = 0; turn < 7; ++turn) {
    EXPECT_EQ(pick_address(dns_method::cached_rr, 3, turn, 99), turn % 3);
    EXPECT_EQ(pick_address(dns_method::rr, 3, turn, 99), turn % 3);
    EXPECT_EQ(pick_address(dns_method::first, 3, turn, 99), 0u);
    EXPECT_EQ(pick_address(dns_method::rnd, 3, 0, turn), turn % 3);
  }
  EXPECT_EQ(pick_address(dns_method::rnd, 1, 5, 12345), 0u);
  EXPECT_TRUE(resolves_per_connection(dns_method::rr));
  EXPECT_TRUE(resolves_per_connection(dns_method::first));
  EXPECT_TRUE(resolves_per_connection(dns_method::rnd));
  EXPECT_FALSE(resolves_per_connection(dns_method::cached_rr));
}

}  // namespace
}  // namespace loadgen
